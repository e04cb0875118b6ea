/**
 * One operation of a work order: its state, quantities, the data it recorded (and what it still
 * must record), who did what when, its work instructions, and the actions offered now.
 */
import { Fragment } from 'preact';
import type { Operation, RecordedValue, WorkOrderDetail } from '../../../shared/api/schemas.ts';
import type { Role } from '../../../shared/domain/roles.ts';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { goodQuantityLimit, lastOfFlow } from '../../../shared/domain/work-order/commands.ts';
import { fmtDateTime, StateBadge } from '../ui.tsx';
import { personName } from '../plant.ts';
import { type ActionNotice, ActionNoticeNote, type OnOutcome, OperationActions } from './order-actions.tsx';
import { reasonName, useReasonLists } from '../reason-lists.ts';
import { ReasonName } from './reason-picker.tsx';
import { ReopenAction } from './operation-reopen.tsx';
import { OperationMaterials } from './order-materials.tsx';
import { InspectNow } from '../quality/inspect-now-lazy.tsx';
import { ReportProblem } from '../quality/report-problem.tsx';
import { chartPath, recordedValueCharacteristicId } from '../quality/words.ts';
import { WorkInstructions } from '../components/work-instructions.tsx';

/** What the order made at its last operation of a lot- or serial-tracked material, with the way to its trace. */
function OrderOutput({ order, op }: { order: WorkOrderDetail; op: Operation }) {
  const output = order.output;
  if (!output || lastOfFlow(order.operations)?.seq !== op.seq) return null;
  return (
    <p data-testid={`op-${op.seq}-output`}>
      <strong>Made: </strong>
      {output.serials ? `${output.serials} serial-numbered unit${output.serials === 1 ? '' : 's'}` : null}
      {output.lots.map((l, i) => (
        <span key={l.id}>
          {i ? ', ' : ''}lot <a href={`#/trace?lot=${encodeURIComponent(l.id)}`}>{l.id}</a>
        </span>
      ))}
    </p>
  );
}

const fmtValue = (v: RecordedValue) => `${typeof v.value === 'boolean' ? (v.value ? 'yes' : 'no') : v.value}${v.unit ? ` ${v.unit}` : ''}`;

function When({ at, by }: { at: string | undefined; by?: string | undefined }) {
  if (!at) return null;
  return (
    <>
      <time dateTime={at}>{fmtDateTime(at)}</time>
      {by ? ` by ${personName(by)}` : ''}
    </>
  );
}

export function RecordedData({ op, routingId }: { op: Operation; routingId?: string | undefined }) {
  if (op.dataToRecord.length === 0) return null;
  return (
    <>
      <h4 class="subhead">Recorded data</h4>
      <dl class="kv">
        {op.dataToRecord.map((d) => {
          const v = op.recordedData[d.name];
          const limits =
            d.min !== undefined || d.max !== undefined ? ` (limits ${d.min ?? '–'} to ${d.max ?? '–'}${d.unit ? ` ${d.unit}` : ''})` : '';
          return (
            <Fragment key={d.name}>
              <dt>{d.label ?? d.name}</dt>
              <dd data-testid={`op-${op.seq}-data-${d.name}`}>
                {v ? (
                  <>
                    <strong>{fmtValue(v)}</strong>
                    {v.outOfLimits ? <strong class="error"> out of limits{limits}</strong> : null}
                    {routingId && d.type === 'number' ? (
                      <>
                        {' '}
                        <a href={`#${chartPath(recordedValueCharacteristicId(routingId, op.seq, d.name))}`}>Control chart</a>
                      </>
                    ) : null}
                    <span class="muted">
                      {' '}
                      · <When at={v.recordedAt} by={v.recordedBy} />
                    </span>
                  </>
                ) : (
                  <span class="muted">
                    not recorded yet{d.required ? ' (required to complete)' : ' (optional)'}
                    {limits}
                  </span>
                )}
              </dd>
            </Fragment>
          );
        })}
      </dl>
    </>
  );
}

export function OperationItem(props: {
  order: WorkOrderDetail;
  op: Operation;
  workCenterName: string;
  roles: readonly Role[];
  reload: () => void;
  notice: ActionNotice | undefined;
  onOutcome: OnOutcome;
}) {
  const { order, op, workCenterName, roles, reload, notice, onOutcome } = props;
  const scrapReasons = Object.entries(op.scrapByReason);
  const { lists } = useReasonLists();
  // The domain's own rule (what it was given plus the overrun tolerance), for the report dialog.
  const limit = goodQuantityLimit({ ...order, eventSeq: 0 }, op.seq);
  return (
    <li class="card op" data-testid={`op-${op.seq}`} data-status={op.status}>
      <h3 class="op-title">
        Operation {op.seq}: {op.name}
      </h3>
      <p class="badges">
        <StateBadge state={op.status} /> <span class="muted">at</span> {workCenterName}
      </p>
      <dl class="kv">
        <dt>Good</dt>
        <dd data-testid={`op-${op.seq}-good`}>{formatQuantity(op.goodQty, order.uom)}</dd>
        <dt>Scrap</dt>
        <dd data-testid={`op-${op.seq}-scrap`}>
          {formatQuantity(op.scrapQty, order.uom)}
          {scrapReasons.length ? (
            <span class="muted">
              {' '}
              ({scrapReasons.map(([code, qty]) => `${reasonName(lists, 'scrap', code)}: ${formatQuantity(qty, order.uom)}`).join(', ')})
            </span>
          ) : null}
        </dd>
        {op.startedAt ? (
          <>
            <dt>Started</dt>
            <dd>
              <When at={op.startedAt} by={op.startedBy} />
            </dd>
          </>
        ) : null}
        {op.pausedAt ? (
          <>
            <dt>Paused</dt>
            <dd>
              <When at={op.pausedAt} />
              {op.pauseReason ? (
                <>
                  : <ReasonName lists={lists} list="pause" code={op.pauseReason} />
                </>
              ) : null}
            </dd>
          </>
        ) : null}
        {op.completedAt ? (
          <>
            <dt>Completed</dt>
            <dd>
              <When at={op.completedAt} by={op.completedBy} />
            </dd>
          </>
        ) : null}
      </dl>
      <RecordedData op={op} routingId={order.routingId} />
      <InspectNow order={order} op={op} reload={reload} />
      <OperationMaterials order={order} op={op} roles={roles} reload={reload} onOutcome={onOutcome} />
      <OrderOutput order={order} op={op} />
      <WorkInstructions op={op} />
      {op.instructions ? (
        <details class="instructions">
          <summary>Work instructions</summary>
          <p>{op.instructions}</p>
        </details>
      ) : null}
      <ActionNoticeNote notice={notice} target={String(op.seq)} onOutcome={onOutcome} />
      <OperationActions order={order} op={op} roles={roles} limit={limit} reload={reload} onOutcome={onOutcome} />
      <ReopenAction order={order} op={op} roles={roles} reload={reload} onOutcome={onOutcome} />
      {op.status === 'PENDING' ? null : (
        <ReportProblem about={{ workOrderId: order.id, seq: op.seq }} what={`order ${order.id}, operation ${op.seq} (${op.name})`} uom={order.uom} />
      )}
    </li>
  );
}

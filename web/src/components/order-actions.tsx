/**
 * The actions a person may take on a work order and its operations, offered only when both the
 * state machine (shared/domain/work-order/status.ts) and the signed-in role
 * (shared/domain/roles.ts, hold rules in holds.ts) allow them: the same rules the API enforces,
 * so a button that shows is a button that works. Each goes through ConfirmAction, sends the
 * order version on screen as If-Match (a stale screen gets a 409 in plain words) and reloads.
 */
import type { Operation, WorkOrderDetail } from '../../../shared/api/schemas.ts';
import { PERMISSIONS, type Permission, type Role } from '../../../shared/domain/roles.ts';
import { defaultHoldKind, HOLD_KINDS, type HoldKind, mayHandleHold } from '../../../shared/domain/work-order/holds.ts';
import { lastOfFlow } from '../../../shared/domain/work-order/commands.ts';
import {
  allowedOperationActions,
  allowedWorkOrderActions,
  type OperationAction,
  type WorkOrderAction,
} from '../../../shared/domain/work-order/status.ts';
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { MissingQualification } from '../../../shared/domain/qualifications/gate.ts';
import { api, ApiError } from '../api.ts';
import { QUALIFICATION_MISSING } from '../api-error.ts';
import { QualificationRefusal } from './qualification-override.tsx';
import type { CallInput } from '../contract.ts';
import type { RouteId } from '../../../shared/api/routes.ts';
import { Button, ConfirmAction, type Field } from '../ui.tsx';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { dataFields, quantityFields, readData, readQuantities, type QuantityInput } from './order-report-fields.tsx';
import { type ReasonLists, useReasonLists } from '../reason-lists.ts';
import { readReason, reasonFields, reasonPicker } from './reason-picker.tsx';
import { noOutputWarning, outOfLimitWarnings, passesNothingOn, reportWarning } from './report-warnings.ts';

const may = (permission: Permission, roles: readonly Role[]) => roles.some((r) => (PERMISSIONS[permission] as readonly Role[]).includes(r));

/** Hold kinds this person may place. */
export const placeableHoldKinds = (roles: readonly Role[]): HoldKind[] => HOLD_KINDS.filter((k) => mayHandleHold(k, roles));

function mayTakeOrderAction(action: WorkOrderAction, order: WorkOrderDetail, roles: readonly Role[]): boolean {
  switch (action) {
    case 'release':
    case 'close':
      return may('superviseWorkOrder', roles);
    case 'cancel':
      // Cancelling a held order lifts its hold: only who may lift that kind of hold.
      return may('superviseWorkOrder', roles) && (!order.holdKind || mayHandleHold(order.holdKind, roles));
    case 'hold':
      return may('holdWorkOrder', roles) && placeableHoldKinds(roles).length > 0;
    case 'resume':
      return may('holdWorkOrder', roles) && mayHandleHold(order.holdKind ?? 'production', roles);
  }
}

/** Order actions offered to this person now. */
export const offeredOrderActions = (order: WorkOrderDetail, roles: readonly Role[]) =>
  allowedWorkOrderActions(order).filter((a) => mayTakeOrderAction(a, order, roles));

/** Operation actions offered to this person now. */
export const offeredOperationActions = (order: WorkOrderDetail, op: Operation, roles: readonly Role[]): OperationAction[] =>
  may('executeOperation', roles) ? allowedOperationActions(order, op) : [];

/**
 * What became of the last action, kept by the screen: a refusal (the order changed, the role may
 * not, the connection dropped) must stay readable after the reload that follows it, when the
 * dialog that showed it is gone because the action is no longer offered. `undefined` clears it.
 */
export interface ActionNotice {
  /** `order`, or the operation's seq. */
  target: string;
  text: string;
}
export type OnOutcome = (notice: ActionNotice | undefined) => void;

/**
 * Posts an action and tells the screen how it went. A refusal that the reload may hide (the order
 * changed: 409, the role may not: 403, gone: 404, no connection, a server fault) goes to the
 * screen; what the person can fix in the still-open dialog (400 input, 422 a quantity rule) stays there.
 */
/** The action names its route (`hold` → holdWorkOrder); each `post` below ties the body's type to it. */
const callRoute = api.call as (id: RouteId, input: object) => Promise<unknown>;

async function send(target: string, label: string, request: () => Promise<unknown>, onOutcome: OnOutcome): Promise<void> {
  try {
    await request();
    onOutcome(undefined);
  } catch (error) {
    if (error instanceof ApiError && error.status !== 400 && error.status !== 422) onOutcome({ target, text: `${label}: ${error.plain}` });
    throw error;
  }
}

/** The last refusal for this target, in plain words, until dismissed or the next action succeeds. */
export function ActionNoticeNote({ notice, target, onOutcome }: { notice: ActionNotice | undefined; target: string; onOutcome: OnOutcome }) {
  if (!notice || notice.target !== target) return null;
  return (
    <div class="action-notice" data-testid={`notice-${target}`}>
      <p class="error" role="alert">
        {notice.text}
      </p>
      <Button onClick={() => onOutcome(undefined)}>Dismiss</Button>
    </div>
  );
}

const reasonField: Field = { name: 'reason', label: 'Reason', type: 'text', required: true };

const LABELS: Record<WorkOrderAction | OperationAction, string> = {
  release: 'Release',
  hold: 'Hold',
  resume: 'Resume',
  cancel: 'Cancel',
  close: 'Close',
  start: 'Start',
  pause: 'Pause',
  report: 'Report',
  complete: 'Complete',
};

export function OrderActions(props: { order: WorkOrderDetail; roles: readonly Role[]; reload: () => void; onOutcome: OnOutcome }) {
  const { order, roles, reload, onOutcome } = props;
  const { lists } = useReasonLists();
  const offered = offeredOrderActions(order, roles);
  if (offered.length === 0)
    return <p class="muted">No order actions for your role while the order is {order.status.replace(/_/g, ' ').toLowerCase()}.</p>;
  const post = <A extends WorkOrderAction>(action: A, body: CallInput<`${A}WorkOrder`>['body']) =>
    send('order', LABELS[action], () => callRoute(`${action}WorkOrder`, { params: { id: order.id }, body, ifMatch: order.version }), onOutcome);
  const kinds = placeableHoldKinds(roles);
  const holdFields: Field[] =
    kinds.length > 1
      ? [
          ...reasonFields(lists, 'hold'),
          {
            name: 'kind',
            label: 'Kind',
            type: 'select',
            required: true,
            options: kinds.map((k) => ({ value: k, label: k === 'quality' ? 'Quality hold' : 'Production hold' })),
            initial: defaultHoldKind(roles),
          },
        ]
      : reasonFields(lists, 'hold');
  return (
    <div class="actions" data-testid="order-actions">
      {offered.map((action) => {
        switch (action) {
          case 'release':
            return (
              <ConfirmAction
                key={action}
                label={LABELS.release}
                title={`Release ${order.id}`}
                question={`Release work order ${order.id}? Its routing is copied into the order and the first operation becomes ready to start.`}
                run={() => post('release', {})}
                after={reload}
              />
            );
          case 'hold':
            return (
              <ConfirmAction
                key={action}
                label={LABELS.hold}
                kind="danger"
                title={`Hold ${order.id}`}
                question="Operations cannot start, resume or complete while the order is on hold; running ones can still be paused and reported."
                fields={holdFields}
                run={(v) => post('hold', { ...readReason(v), kind: (v.kind || kinds[0]) as HoldKind })}
                after={reload}
              />
            );
          case 'resume':
            return (
              <ConfirmAction
                key={action}
                label={LABELS.resume}
                title={`Resume ${order.id}`}
                question={`Lift the ${order.holdKind ?? 'production'} hold? The order goes back to ${order.heldFrom?.replace(/_/g, ' ').toLowerCase() ?? 'released'}.`}
                {...(order.holdKind === 'quality' ? { fields: [{ ...reasonField, label: 'Why the problem is solved' }] } : {})}
                run={(v) => post('resume', v.reason?.trim() ? { comment: v.reason.trim() } : {})}
                after={reload}
              />
            );
          case 'cancel':
            return (
              <ConfirmAction
                key={action}
                label={LABELS.cancel}
                kind="danger"
                title={`Cancel ${order.id}`}
                question="A cancelled order cannot be released or worked on again."
                fields={[reasonField]}
                run={(v) => post('cancel', { reason: (v.reason ?? '').trim() })}
                after={reload}
              />
            );
          case 'close':
            return (
              <ConfirmAction
                key={action}
                label={LABELS.close}
                title={`Close ${order.id}`}
                question={`Close work order ${order.id}? A closed order's record is final.`}
                run={() => post('close', {})}
                after={reload}
              />
            );
          default:
            return null;
        }
      })}
    </div>
  );
}

const reportFields = (uom: string | undefined, lists: ReasonLists | undefined): Field[] =>
  quantityFields(uom, reasonPicker(lists, 'scrap', { name: 'scrapReasonCode', label: 'Scrap reason', required: false }));

export function OperationActions(props: {
  order: WorkOrderDetail;
  op: Operation;
  roles: readonly Role[];
  limit: number;
  reload: () => void;
  onOutcome: OnOutcome;
}) {
  const { order, op, roles, limit, reload, onOutcome } = props;
  const { lists } = useReasonLists();
  // Issue 18: a start refused for missing qualifications, until it starts or the operation changes.
  const [refused, setRefused] = useState<{ version: number; missing: MissingQualification[] } | undefined>();
  const offered = offeredOperationActions(order, op, roles);
  if (offered.length === 0) return null;
  const name = `operation ${op.seq} (${op.name})`;
  const post = <A extends OperationAction>(action: A, body: CallInput<`${A}Operation`>['body']) =>
    send(
      String(op.seq),
      LABELS[action],
      () => callRoute(`${action}Operation`, { params: { id: order.id, seq: op.seq }, body, ifMatch: order.version }),
      onOutcome,
    );
  const qty = (n: number) => formatQuantity(n, order.uom);
  const soFar = `So far ${qty(op.goodQty)} good and ${qty(op.scrapQty)} scrap; it may pass on up to ${qty(limit)} good in all. Enter what was made since the last report.`;
  const report = (action: 'report' | 'complete', values: Record<string, string>, input: QuantityInput) => {
    const data = readData(op, values);
    if (action === 'report' && input.goodQty === 0 && input.scrapQty === 0 && !data) {
      throw new Error('Enter a good or scrap quantity, or a value to record: there is nothing to report.');
    }
    // A completion that passes nothing on was warned about (warnBefore) and confirmed by going on.
    const confirm = action === 'complete' && passesNothingOn(order, op, input.goodQty) ? { confirmNoOutput: true } : {};
    return post(action, { ...input, ...(data ? { data } : {}), ...confirm });
  };
  const warnBefore = (action: 'report' | 'complete') => (values: Record<string, string>) => {
    try {
      const input = readQuantities(values, order.uom);
      const limits = outOfLimitWarnings(op, readData(op, values));
      return reportWarning([action === 'complete' ? noOutputWarning(order, op, input.goodQty) : undefined], limits);
    } catch {
      return undefined; // what cannot be read is said by run, in its own words
    }
  };
  return (
    <div class="actions">
      {offered.map((action) => {
        switch (action) {
          case 'start':
            return (
              <Fragment key={action}>
                <ConfirmAction
                  label={LABELS.start}
                  title={`Start ${name}`}
                  question={`Start ${name} of ${order.id} now?`}
                  run={async () => {
                    try {
                      await post('start', {});
                      setRefused(undefined);
                    } catch (error) {
                      if (error instanceof ApiError && error.type === QUALIFICATION_MISSING && error.missing?.length)
                        setRefused({ version: op.version, missing: error.missing });
                      throw error;
                    }
                  }}
                  after={reload}
                />
                {refused && refused.version === op.version ? (
                  <QualificationRefusal
                    missing={refused.missing}
                    what={`${name} of ${order.id}`}
                    retry={async (qualificationOverride) => {
                      await post('start', { qualificationOverride });
                      setRefused(undefined);
                    }}
                    after={reload}
                  />
                ) : null}
              </Fragment>
            );
          case 'pause':
            return (
              <ConfirmAction
                key={action}
                label={LABELS.pause}
                kind="plain"
                title={`Pause ${name}`}
                fields={reasonFields(lists, 'pause')}
                run={(v) => post('pause', readReason(v))}
                after={reload}
              />
            );
          case 'resume':
            return (
              <ConfirmAction
                key={action}
                label={LABELS.resume}
                title={`Resume ${name}`}
                question={`Resume ${name} of ${order.id}?`}
                run={() => post('resume', {})}
                after={reload}
              />
            );
          case 'report':
            return (
              <ConfirmAction
                key={action}
                label={LABELS.report}
                kind="plain"
                title={`Report ${name}`}
                question={soFar}
                fields={[...reportFields(order.uom, lists), ...dataFields(op, 'all')]}
                run={async (v) => report('report', v, readQuantities(v, order.uom))}
                warn={warnBefore('report')}
                after={reload}
              />
            );
          case 'complete':
            return (
              <ConfirmAction
                key={action}
                label={LABELS.complete}
                title={`Complete ${name}`}
                question={`${soFar} ${lastOfFlow(order.operations)?.seq === op.seq ? 'This is the last operation: completing it completes the order.' : 'Completing it makes the next operation ready.'}`}
                fields={[...reportFields(order.uom, lists), ...dataFields(op, 'missing')]}
                run={async (v) => report('complete', v, readQuantities(v, order.uom))}
                warn={warnBefore('complete')}
                after={reload}
              />
            );
          default:
            return null;
        }
      })}
    </div>
  );
}

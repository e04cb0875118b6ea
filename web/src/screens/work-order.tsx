/**
 * `#/orders/<id>`: one work order, polled: its header, quantities, hold, each operation with
 * what it recorded, and the actions the state machine and the signed-in role allow now.
 */
import { Fragment } from 'preact';
import type { WorkOrderDetail } from '../../../shared/api/schemas.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { currentSession } from '../auth.ts';
import { useLive } from '../live.ts';
import { ErrorNote, fmtDateTime, Loading, Page, StateBadge } from '../ui.tsx';
import { materialName, personName, usePlantContext } from '../plant.ts';
import { OrderActions } from '../components/order-actions.tsx';
import { OperationItem } from '../components/order-operation.tsx';
import { equipmentName, useEquipment } from '../components/plant-equipment.tsx';
import { isOverdue } from '../components/dispatch-entry.tsx';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { ReasonName } from '../components/reason-picker.tsx';
import { useReasonLists } from '../reason-lists.ts';
// Issue 18: labor against standard, loaded lazily, for whoever directs or plans the work.
import { OrderLabor } from '../labor/order-labor-lazy.tsx';

const READS_LABOR = ['supervisor', 'planner', 'admin'];

const FINISHED = ['COMPLETED', 'CLOSED', 'CANCELLED'];

function Quantities({ order }: { order: WorkOrderDetail }) {
  const figures = [
    ['ordered', 'Ordered', order.quantity],
    ['produced', 'Produced', order.producedQty],
    ['scrapped', 'Scrapped', order.scrappedQty],
    ['remaining', 'Remaining', order.remainingQty],
  ] as const;
  return (
    <dl class="quantities">
      {figures.map(([key, label, value]) => (
        <div key={key} class="quantity">
          <dt>{label}</dt>
          <dd data-testid={`qty-${key}`}>{formatQuantity(value, order.uom)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Header({ order, workCenter }: { order: WorkOrderDetail; workCenter: string }) {
  const overdue = !FINISHED.includes(order.status) && isOverdue(order.dueDate);
  const times = [
    ['Created', order.createdAt, order.createdBy],
    ['Released', order.releasedAt, undefined],
    ['Started', order.startedAt, undefined],
    ['Completed', order.completedAt, undefined],
    ['Closed', order.closedAt, undefined],
    ['Cancelled', order.cancelledAt, undefined],
  ] as const;
  return (
    <dl class="kv">
      <dt>Material</dt>
      <dd>
        {materialName(order.materialId, order.materialName)} <span class="muted code">{order.materialId}</span>
      </dd>
      <dt>Due</dt>
      <dd>
        <time dateTime={order.dueDate}>{fmtDateTime(order.dueDate)}</time>
        {overdue ? <strong class="error"> overdue</strong> : null}
      </dd>
      <dt>Priority</dt>
      <dd>{order.priority} (1 is most urgent)</dd>
      <dt>Work center</dt>
      <dd>
        <a href={`#/dispatch/${encodeURIComponent(order.workCenterId)}`}>{workCenter}</a>
      </dd>
      <dt>Routing</dt>
      <dd>
        {order.routingId}
        {order.routingVersion !== undefined ? `, version ${order.routingVersion}` : ''}
      </dd>
      {order.bomId ? (
        <>
          <dt>Bill of materials</dt>
          <dd>{order.bomId}</dd>
        </>
      ) : null}
      {order.externalRef ? (
        <>
          <dt>ERP reference</dt>
          <dd>{order.externalRef}</dd>
        </>
      ) : null}
      {times.map(([label, at, by]) =>
        at ? (
          <Fragment key={label}>
            <dt>{label}</dt>
            <dd>
              <time dateTime={at}>{fmtDateTime(at)}</time>
              {by ? ` by ${personName(by)}` : ''}
            </dd>
          </Fragment>
        ) : null,
      )}
      <dt>Last change</dt>
      <dd>
        <time dateTime={order.updatedAt}>{fmtDateTime(order.updatedAt)}</time> by {personName(order.updatedBy)} (version {order.version})
      </dd>
    </dl>
  );
}

export default function WorkOrder({ params }: ScreenProps) {
  const id = params.id ?? '';
  const live = useLive((signal) => api.call('getWorkOrder', { params: { id }, signal }), [id]);
  const equipment = useEquipment();
  const reasons = useReasonLists();
  usePlantContext();
  const roles = currentSession()?.roles ?? [];
  // A refusal stays in its dialog (ui.tsx DialogHost), which outlives the reload that follows: said once, where it happened.
  const notice = undefined;
  const setNotice = () => {};
  const order = live.data?.id === id ? live.data : undefined;
  const history = (
    <>
      <a class="btn" href={`#/orders/${encodeURIComponent(id)}/history`}>
        History
      </a>
      <a class="btn" href={`#/orders/${encodeURIComponent(id)}/record`}>
        Batch record
      </a>
    </>
  );

  if (!order) {
    return (
      <Page title={`Work order ${id}`} actions={history}>
        {live.error ? <ErrorNote error={live.error} /> : <Loading />}
        <p>
          <a href="#/orders">All work orders</a>
        </p>
      </Page>
    );
  }
  const reload = () => void live.reload();
  return (
    <Page title={`Work order ${order.id}`} actions={history}>
      <ErrorNote error={live.error} />
      <p class="badges" data-testid="order-status">
        <StateBadge state={order.status} />
        {order.heldFrom ? <span class="muted"> (held while {order.heldFrom.replace(/_/g, ' ').toLowerCase()})</span> : null}
      </p>
      {order.status === 'ON_HOLD' ? (
        <p class="hold-note" data-testid="hold-reason">
          <strong>{order.holdKind === 'quality' ? 'Quality hold' : 'Production hold'}:</strong>{' '}
          {order.holdReason ? <ReasonName lists={reasons.lists} list="hold" code={order.holdReason} /> : 'no reason given'}
        </p>
      ) : null}
      <Quantities order={order} />
      <section aria-labelledby="order-actions-title">
        <h2 id="order-actions-title">Order actions</h2>
        <OrderActions order={order} roles={roles} reload={reload} onOutcome={setNotice} />
      </section>
      <section aria-labelledby="order-details-title">
        <h2 id="order-details-title">Details</h2>
        <Header order={order} workCenter={equipmentName(equipment.index, order.workCenterId)} />
      </section>
      <section aria-labelledby="operations-title">
        <h2 id="operations-title">Operations</h2>
        {order.operations.length ? (
          <ol class="cards plain-list ops">
            {order.operations.map((op) => (
              <OperationItem
                key={op.seq}
                order={order}
                op={op}
                workCenterName={equipmentName(equipment.index, op.workCenterId)}
                roles={roles}
                reload={reload}
                notice={notice}
                onOutcome={setNotice}
              />
            ))}
          </ol>
        ) : (
          <p class="muted">The operations are copied from the routing when the order is released.</p>
        )}
      </section>
      {order.operations.length && roles.some((r) => READS_LABOR.includes(r)) ? (
        <section aria-labelledby="labor-title">
          <h2 id="labor-title">Labor against standard</h2>
          <OrderLabor workOrderId={order.id} />
        </section>
      ) : null}
    </Page>
  );
}

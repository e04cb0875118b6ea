/**
 * `#/station`: an operator's home. Pick my work center once (remembered on this device); then
 * what runs there now at the top, with large Start / Pause / Report / Complete, the work
 * instructions and the data to record below it; then the dispatch list as cards, each
 * startable straight from the card. The actions are the order screen's own dialogs
 * (components/order-actions.tsx), so every rule and every refusal reads the same on both.
 */
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { useEffect } from 'preact/hooks';
import type { DispatchEntry, Operation, WorkOrderDetail } from '../../../shared/api/schemas.ts';
import { goodQuantityLimit } from '../../../shared/domain/work-order/commands.ts';
import type { ScreenProps } from '../app.tsx';
import { ApiError, api, rememberEarly } from '../api.ts';
import { currentSession, isOperatorOnly } from '../auth.ts';
import { useLive } from '../live.ts';
import { materialName, personName, usePlantContext } from '../plant.ts';
import { navigate } from '../router.ts';
import { ErrorNote, fmtDateTime, fmtTime, Loading, Page, StateBadge } from '../ui.tsx';
import { isOverdue } from '../components/dispatch-entry.tsx';
import { OperationActions } from '../components/order-actions.tsx';
import { RecordedData } from '../components/order-operation.tsx';
import { OperationMaterials } from '../components/order-materials.tsx';
import { type EquipmentIndex, equipmentName, useEquipment } from '../components/plant-equipment.tsx';
import { InspectNow } from '../quality/inspect-now-lazy.tsx';
import { WorkInstructions } from '../components/work-instructions.tsx';
import { PERMISSIONS, type Role } from '../../../shared/domain/roles.ts';
// Issue 18: clock on and off, loaded lazily (docs/labor.md).
import { ClockButtons, StationLaborPanel } from '../labor/station-labor-lazy.tsx';

/** Who clocks on here: whoever may work operations. */
const clocks = () => (currentSession()?.roles ?? []).some((r) => (PERMISSIONS.executeOperation as readonly Role[]).includes(r));

/** The device remembers its station: a tablet on a line serves that line, shift after shift. */
export const STATION_KEY = 'mes.station';
const remembered = () => {
  try {
    return localStorage.getItem(STATION_KEY) ?? '';
  } catch {
    return '';
  }
};

const ignoreOutcome = () => {};

/** A failed read in words; a lost connection is said once, by the banner (app.tsx), not again here. */
function LoadError({ error }: { error: Error | undefined }) {
  return error instanceof ApiError && error.status === 0 ? null : <ErrorNote error={error} />;
}

/** 12 of 50 EA: what is done of what is to do, with its unit. */

function StationPicker({ index, current }: { index: EquipmentIndex; current: string }) {
  if (index.workCenters.length === 0) {
    return <p>There are no work centers yet. A planner adds them (equipment of level "work center") in the master data.</p>;
  }
  return (
    <div class="field station-picker">
      <label for="station-work-center">{current ? 'Change work center' : 'My work center'}</label>
      <select
        id="station-work-center"
        value={current}
        onChange={(e) => {
          const id = (e.target as HTMLSelectElement).value;
          if (!id) return;
          localStorage.setItem(STATION_KEY, id);
          navigate(`/station/${encodeURIComponent(id)}`);
        }}
      >
        {current && index.byId.has(current) ? null : <option value="">Choose your work center…</option>}
        {index.workCenters.map((wc) => (
          <option key={wc.id} value={wc.id}>
            {wc.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The order an entry belongs to and its operation, read live: the actions need the order's version and rules. */
function useOrderOf(entry: DispatchEntry, intervalMs: number) {
  // An entry that changes (someone reports, pauses, holds) reads its order again.
  const signature = `${entry.workOrderId}|${entry.status}|${entry.workOrderStatus}|${entry.goodQty}|${entry.scrapQty}`;
  const live = useLive((signal) => api.call('getWorkOrder', { params: { id: entry.workOrderId }, signal }), [signature], { intervalMs });
  const order = live.data?.id === entry.workOrderId ? live.data : undefined;
  const op = order?.operations.find((o) => o.seq === entry.seq);
  return { live, order, op };
}

function Actions({ order, op, reload }: { order: WorkOrderDetail; op: Operation; reload: () => void }) {
  const roles = currentSession()?.roles ?? [];
  const limit = goodQuantityLimit({ ...order, eventSeq: 0 }, op.seq);
  return <OperationActions order={order} op={op} roles={roles} limit={limit} reload={reload} onOutcome={ignoreOutcome} />;
}

function Figures({ entry, uom }: { entry: DispatchEntry; uom: string | undefined }) {
  const overdue = isOverdue(entry.dueDate);
  return (
    <dl class="kv">
      <dt>Done</dt>
      <dd data-testid={`station-qty-${entry.workOrderId}-${entry.seq}`}>
        {formatQuantity(entry.goodQty, uom)} good of {formatQuantity(entry.quantity, uom)}
        {entry.scrapQty ? `, ${formatQuantity(entry.scrapQty, uom)} scrap` : ''}
      </dd>
      <dt>Due</dt>
      <dd>
        <time dateTime={entry.dueDate}>{fmtDateTime(entry.dueDate)}</time>
        {overdue ? <strong class="error"> overdue</strong> : null}
      </dd>
      <dt>Priority</dt>
      <dd>{entry.priority === 1 ? '1 (most urgent)' : entry.priority}</dd>
    </dl>
  );
}

/** The operation running (or paused) here: large actions first, then the instructions and the data to record. */
function Current({ entry }: { entry: DispatchEntry }) {
  const { live, order, op } = useOrderOf(entry, 1500);
  const uom = entry.uom ?? order?.uom;
  const titleId = `current-${entry.workOrderId}-${entry.seq}`;
  return (
    <section
      class="card station-current"
      aria-labelledby={titleId}
      data-testid={`current-${entry.workOrderId}-${entry.seq}`}
      data-status={entry.status}
    >
      <h2 id={titleId} class="station-op">
        {entry.name}
        <span class="station-order">
          {' '}
          · {materialName(entry.materialId, entry.materialName)} · order {entry.workOrderId}
        </span>
      </h2>
      <p class="badges">
        <StateBadge state={entry.status} />
        {entry.workOrderStatus === 'ON_HOLD' ? (
          <>
            {' '}
            <span class="muted">order</span> <StateBadge state={entry.workOrderStatus} />
          </>
        ) : null}
        {entry.startedAt ? (
          <span class="muted">
            {' '}
            since {fmtTime(entry.startedAt)}
            {op?.startedBy ? `, started by ${personName(op.startedBy)}` : ''}
          </span>
        ) : null}
      </p>
      {op?.status === 'PAUSED' && op.pauseReason ? <p class="hold-note">Paused: {op.pauseReason}</p> : null}
      {order?.status === 'ON_HOLD' ? (
        <p class="hold-note">
          <strong>{order.holdKind === 'quality' ? 'Quality hold' : 'Production hold'}:</strong> {order.holdReason ?? 'no reason given'}
        </p>
      ) : null}
      <Figures entry={entry} uom={uom} />
      <LoadError error={live.error} />
      {order && op ? (
        <>
          <InspectNow order={order} op={op} reload={() => void live.reload()} />
          <div class="station-actions">
            <Actions order={order} op={op} reload={() => void live.reload()} />
          </div>
          {clocks() ? <ClockButtons workOrderId={order.id} seq={op.seq} status={op.status} /> : null}
          <OperationMaterials
            order={order}
            op={op}
            roles={currentSession()?.roles ?? []}
            reload={() => void live.reload()}
            onOutcome={ignoreOutcome}
          />
          <WorkInstructions op={op} />
          {op.instructions ? (
            <div class="instructions">
              <h3 class="subhead">Work instructions</h3>
              <p>{op.instructions}</p>
            </div>
          ) : null}
          <RecordedData op={op} routingId={order.routingId} />
        </>
      ) : live.error ? null : (
        <Loading />
      )}
    </section>
  );
}

/** One waiting operation: what, how much, how urgent, and Start right here. */
function WaitingCard({ entry }: { entry: DispatchEntry }) {
  const { live, order, op } = useOrderOf(entry, 0);
  return (
    <li class="card dispatch-entry" data-testid={`dispatch-${entry.workOrderId}-${entry.seq}`} data-status={entry.status}>
      <h3 class="entry-title">
        {entry.name} · {materialName(entry.materialId, entry.materialName)}
      </h3>
      <p class="badges">
        <StateBadge state={entry.status} /> {entry.workOrderStatus === 'ON_HOLD' ? <StateBadge state={entry.workOrderStatus} /> : null}{' '}
        <a href={`#/orders/${encodeURIComponent(entry.workOrderId)}`}>
          Order {entry.workOrderId}, operation {entry.seq}
        </a>
      </p>
      <Figures entry={entry} uom={entry.uom ?? order?.uom} />
      <LoadError error={live.error} />
      {order && op ? <Actions order={order} op={op} reload={() => void live.reload()} /> : null}
      {order && op && clocks() ? <ClockButtons workOrderId={order.id} seq={op.seq} status={op.status} /> : null}
    </li>
  );
}

function StationWork({ workCenterId }: { workCenterId: string }) {
  const list = useLive(() => api.allPages('getDispatchList', { params: { id: workCenterId } }), [workCenterId]);
  // The next visit's boot script asks for this list before the app's script has loaded (early.ts).
  useEffect(() => {
    rememberEarly(`/station/${workCenterId}`, 'getDispatchList', { params: { id: workCenterId } });
    rememberEarly('/station', 'getDispatchList', { params: { id: workCenterId } });
    // An operator lands here from `/`.
    if (isOperatorOnly(currentSession()?.roles ?? [])) rememberEarly('/', 'getDispatchList', { params: { id: workCenterId } });
  }, [workCenterId]);
  if (!list.data) return list.error ? <LoadError error={list.error} /> : <Loading />;
  const current = list.data.filter((e) => e.status === 'RUNNING' || e.status === 'PAUSED');
  const waiting = list.data.filter((e) => e.status === 'READY');
  return (
    <>
      <LoadError error={list.error} />
      {clocks() ? <StationLaborPanel /> : null}
      <section aria-labelledby="now-title" class="group" data-testid="station-now">
        <h2 id="now-title" class="subhead">
          Now at this work center
        </h2>
        {current.length ? (
          current.map((e) => <Current key={`${e.workOrderId}-${e.seq}`} entry={e} />)
        ) : (
          <p class="muted">Nothing is running here. Start the next operation from the list below.</p>
        )}
      </section>
      <section aria-labelledby="next-title" class="group station-next" data-testid="station-next">
        <h2 id="next-title" class="subhead">
          Next up ({waiting.length})
        </h2>
        {waiting.length ? (
          <ul class="cards plain-list">
            {waiting.map((e) => (
              <WaitingCard key={`${e.workOrderId}-${e.seq}`} entry={e} />
            ))}
          </ul>
        ) : (
          <p class="muted">No operations are waiting here. New ones appear when a supervisor releases an order.</p>
        )}
      </section>
    </>
  );
}

export default function Station({ params }: ScreenProps) {
  usePlantContext();
  const workCenterId = params.workCenterId ?? remembered();
  const equipment = useEquipment();
  if (params.workCenterId && params.workCenterId !== remembered()) localStorage.setItem(STATION_KEY, params.workCenterId);
  const title = workCenterId ? equipmentName(equipment.index, workCenterId) : 'My station';
  return (
    <Page title={title}>
      {equipment.index ? (
        <>
          {workCenterId ? null : <p>Choose the work center you work at. This device remembers it.</p>}
          <StationPicker index={equipment.index} current={workCenterId} />
        </>
      ) : (
        <ErrorNote error={equipment.error} />
      )}
      {workCenterId ? <StationWork workCenterId={workCenterId} /> : equipment.index ? null : <Loading />}
    </Page>
  );
}

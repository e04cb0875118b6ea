/**
 * `#/dispatch`: pick a work center. `#/dispatch/<workCenterId>`: its dispatch list, polled: the
 * operations ready to start, running and paused there, each in the server's order (priority,
 * then due date), each linking to its order.
 */
import { DISPATCHABLE_OPERATION_STATUSES } from '../../../shared/domain/work-order/status.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { navigate } from '../router.ts';
import { ErrorNote, Loading, Page } from '../ui.tsx';
import { DispatchEntryCard } from '../components/dispatch-entry.tsx';
import { type EquipmentIndex, equipmentName, useEquipment } from '../components/plant-equipment.tsx';

const GROUP_TITLES: Record<(typeof DISPATCHABLE_OPERATION_STATUSES)[number], string> = {
  READY: 'Ready to start',
  RUNNING: 'Running',
  PAUSED: 'Paused',
};

function WorkCenterPicker({ index, current }: { index: EquipmentIndex; current: string }) {
  return (
    <div class="field">
      <label for="dispatch-work-center">Work center</label>
      <select
        id="dispatch-work-center"
        value={current}
        onChange={(e) => navigate(`/dispatch/${encodeURIComponent((e.target as HTMLSelectElement).value)}`)}
      >
        {current ? null : <option value="">Choose…</option>}
        {current && !index.byId.has(current) ? <option value={current}>{current}</option> : null}
        {index.workCenters.map((wc) => (
          <option key={wc.id} value={wc.id}>
            {wc.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function WorkCenterList({ index }: { index: EquipmentIndex }) {
  if (index.workCenters.length === 0) {
    return <p>There are no work centers yet. A planner adds them (equipment of level "work center") in the master data.</p>;
  }
  return (
    <nav aria-label="Work centers">
      <ul class="link-list">
        {index.workCenters.map((wc) => (
          <li key={wc.id}>
            <a href={`#/dispatch/${encodeURIComponent(wc.id)}`}>{wc.name}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function DispatchList({ workCenterId }: { workCenterId: string }) {
  const list = useLive(() => api.allPages('getDispatchList', { params: { id: workCenterId } }), [workCenterId]);
  if (!list.data) return list.error ? <ErrorNote error={list.error} /> : <Loading />;
  const entries = list.data;
  return (
    <>
      <ErrorNote error={list.error} />
      {DISPATCHABLE_OPERATION_STATUSES.map((status) => {
        const group = entries.filter((e) => e.status === status);
        const id = `group-${status.toLowerCase()}`;
        return (
          <section key={status} class="group" aria-labelledby={id} data-testid={id}>
            <h2 id={id}>
              {GROUP_TITLES[status]} ({group.length})
            </h2>
            {group.length ? (
              <ul class="cards plain-list">
                {group.map((e) => (
                  <DispatchEntryCard key={`${e.workOrderId}-${e.seq}`} entry={e} />
                ))}
              </ul>
            ) : (
              <p class="muted">None.</p>
            )}
          </section>
        );
      })}
    </>
  );
}

export default function Dispatch({ params }: ScreenProps) {
  const workCenterId = params.workCenterId ?? '';
  const equipment = useEquipment();
  const title = workCenterId ? `Dispatch: ${equipmentName(equipment.index, workCenterId)}` : 'Dispatch';
  return (
    <Page title={title}>
      {equipment.index ? (
        workCenterId ? (
          <div class="toolbar">
            <WorkCenterPicker index={equipment.index} current={workCenterId} />
          </div>
        ) : (
          <>
            <p>Choose a work center to see the operations waiting, running and paused there.</p>
            <WorkCenterList index={equipment.index} />
          </>
        )
      ) : (
        <ErrorNote error={equipment.error} />
      )}
      {workCenterId ? <DispatchList workCenterId={workCenterId} /> : equipment.index ? null : <Loading />}
    </Page>
  );
}

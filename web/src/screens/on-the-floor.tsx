/**
 * `#/floor`: "On the floor" (issue 18, docs/labor.md), for supervisors: everyone clocked on now,
 * on which operation of which order (names, not codes) or indirect activity, and since when.
 */
import type { ActiveLabor } from '../../../shared/api/labor-schemas.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { equipmentName, useEquipment } from '../components/plant-equipment.tsx';
import { useLive } from '../live.ts';
import { usePlantContext } from '../plant.ts';
import { ErrorNote, fmtDuration, fmtTime, Loading, Page } from '../ui.tsx';

type On = ActiveLabor['people'][number]['on'][number];
const KIND: Record<string, string> = { setup: 'setting up', run: 'running', rework: 'rework' };

function Activity({ on, workCenter }: { on: On; workCenter: (id: string) => string }) {
  const since = (
    <span class="muted">
      {' '}
      since {fmtTime(on.since)} ({fmtDuration(Date.now() - Date.parse(on.since))})
    </span>
  );
  if (on.reasonCode !== undefined) {
    return (
      <li>
        <strong>{on.reasonName}</strong> (not on an operation){since}
      </li>
    );
  }
  return (
    <li>
      <strong>{on.operationName}</strong> · {on.materialName} ({KIND[on.kind ?? 'run']}){on.workCenterId ? ` at ${workCenter(on.workCenterId)}` : ''}{' '}
      · <a href={`#/orders/${encodeURIComponent(on.workOrderId ?? '')}`}>order {on.workOrderId}</a>
      {since}
    </li>
  );
}

export default function OnTheFloor(_: ScreenProps) {
  usePlantContext();
  const equipment = useEquipment();
  const live = useLive((signal) => api.call('getActiveLabor', { signal }), [], { intervalMs: 15_000 });
  const workCenter = (id: string) => equipmentName(equipment.index, id);
  return (
    <Page title="On the floor">
      <ErrorNote error={live.error} />
      {!live.data ? (
        live.error ? null : (
          <Loading />
        )
      ) : live.data.people.length ? (
        <>
          <p class="muted">
            {live.data.people.length} {live.data.people.length === 1 ? 'person is' : 'people are'} clocked on now.
          </p>
          <ul class="cards plain-list" data-testid="on-the-floor">
            {live.data.people.map((p) => (
              <li key={p.personnelId} class="card floor-person">
                <h2 class="entry-title">{p.personName}</h2>
                <ul class="plain-list">
                  {p.on.map((on) => (
                    <Activity key={on.entryId} on={on} workCenter={workCenter} />
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p class="muted">Nobody is clocked on right now. Operators clock on from their station.</p>
      )}
    </Page>
  );
}

/**
 * `#/` and `#/?line=<workCenterId>`: the Plant overview. Every work unit of the tenant, grouped
 * under its work center (line, cell), each with its live state, what it works on and OEE today.
 * One request says every unit's state (getPlantStatus, polled; the boot script starts the
 * first one before the app's script has loaded, early.ts); OEE today, which changes slowly and costs more to compute, comes
 * from each unit's status on a slower poll once the states are shown.
 */
import { useRef } from 'preact/hooks';
import type { Oee, PlantStatus, UnitLive } from '../../../shared/api/schemas.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { navigate, queryOf } from '../router.ts';
import { ErrorNote, Loading, Page } from '../ui.tsx';
import { StateCounts, UnitCard } from '../components/plant-unit-card.tsx';

/** OEE today moves by fractions of a percent a minute. */
const OEE_REFRESH_MS = 30_000;

interface LineGroup {
  id: string;
  name: string;
  units: UnitLive[];
}

const OTHER = '(none)';

/**
 * Units under their work center, both in the server's name order; units without one last. No
 * sorting here: the first localeCompare of a page loads collation data, a slow phone's 60 ms.
 */
function groupByLine(plant: PlantStatus): LineGroup[] {
  const groups = new Map<string, LineGroup>(plant.workCenters.map((c) => [c.id, { id: c.id, name: c.name, units: [] }]));
  const other: LineGroup = { id: OTHER, name: 'Units without a work center', units: [] };
  for (const unit of plant.items) ((unit.parentId && groups.get(unit.parentId)) || other).units.push(unit);
  return [...groups.values(), other].filter((g) => g.units.length > 0);
}

/** OEE today of each shown unit, from its status; a unit whose request fails keeps its last figures. */
function useOeeToday(unitIds: string[]) {
  const known = useRef(new Map<string, Oee>());
  return useLive(
    async (signal) => {
      const results = await Promise.allSettled(unitIds.map((id) => api.call('getEquipmentStatus', { params: { id }, signal })));
      const next = new Map(known.current);
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') next.set(unitIds[i] as string, r.value.oeeToday);
      });
      known.current = next;
      return next;
    },
    [unitIds.join('\n')],
    { intervalMs: OEE_REFRESH_MS },
  );
}

const chooseLine = (e: Event) => {
  const line = (e.target as HTMLSelectElement).value;
  navigate(line ? `/?line=${encodeURIComponent(line)}` : '/');
};

export default function Plant({ path }: ScreenProps) {
  const line = queryOf(path).get('line') ?? '';
  const plant = useLive((signal) => api.call('getPlantStatus', { signal }), [], { initial: () => api.earlyData('getPlantStatus') });
  const groups = plant.data ? groupByLine(plant.data) : [];
  const shown = line ? groups.filter((g) => g.id === line) : groups;
  const shownUnits = shown.flatMap((g) => g.units);
  // Asked once the states are on screen, so the first paint never waits for OEE.
  const oee = useOeeToday(plant.data ? shownUnits.map((u) => u.equipmentId) : []);

  if (!plant.data) {
    return <Page title="Plant">{plant.error ? <ErrorNote error={plant.error} /> : <Loading />}</Page>;
  }
  if (groups.length === 0) {
    return (
      <Page title="Plant">
        <p data-testid="plant-empty">
          There are no equipment units yet. Units appear here once a planner adds work units (equipment of level "work unit") under a work center or
          line in the master data; each then shows its live state as soon as it reports.
        </p>
      </Page>
    );
  }
  return (
    <Page title="Plant">
      <div class="toolbar">
        <div class="field">
          <label for="plant-line">Line</label>
          <select id="plant-line" value={line} onChange={chooseLine}>
            <option value="">All lines</option>
            {groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <StateCounts states={shownUnits.map((u) => u.state)} />
      </div>
      <ErrorNote error={plant.error} />
      {shown.length === 0 ? <p>No units on this line. Choose "All lines" to see every unit.</p> : null}
      {shown.map((g) => (
        <section key={g.id} class="group" aria-labelledby={`line-${g.id}`}>
          <h2 id={`line-${g.id}`}>{g.name}</h2>
          <ul class="cards plain-list">
            {g.units.map((u) => (
              <UnitCard key={u.equipmentId} unit={u} oeeToday={oee.data?.get(u.equipmentId)} />
            ))}
          </ul>
        </section>
      ))}
    </Page>
  );
}

/**
 * `#/` and `#/?line=<workCenterId>`: the Plant overview. Every work unit of the tenant, grouped
 * under its work center (line, cell), each with its live state, what it works on and OEE today.
 * Statuses are polled one request per shown unit, in parallel; a unit whose request fails keeps
 * its last known status, and when every request fails the screen keeps all of them (offline).
 */
import { useRef } from 'preact/hooks';
import type { Equipment, EquipmentStatus } from '../../../shared/api/schemas.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { navigate, queryOf } from '../router.ts';
import { ErrorNote, Loading, Page } from '../ui.tsx';
import { type EquipmentIndex, useEquipment } from '../components/plant-equipment.tsx';
import { StateCounts, UnitCard } from '../components/plant-unit-card.tsx';

interface LineGroup {
  id: string;
  name: string;
  units: Equipment[];
}

const OTHER = '(none)';

/** Units under their work center, in name order; units without one last. */
function groupByLine(index: EquipmentIndex): LineGroup[] {
  const groups = new Map<string, LineGroup>();
  for (const unit of index.workUnits) {
    const parent = unit.parentId ? index.byId.get(unit.parentId) : undefined;
    const id = parent?.id ?? OTHER;
    const group = groups.get(id) ?? { id, name: parent?.name ?? 'Units without a work center', units: [] };
    group.units.push(unit);
    groups.set(id, group);
  }
  return [...groups.values()].sort((a, b) => Number(a.id === OTHER) - Number(b.id === OTHER) || a.name.localeCompare(b.name));
}

function useStatuses(unitIds: string[]) {
  const known = useRef(new Map<string, EquipmentStatus>());
  return useLive(
    async (signal) => {
      const results = await Promise.allSettled(
        unitIds.map((id) => api.get<EquipmentStatus>(`/v1/equipment/${encodeURIComponent(id)}/status`, signal)),
      );
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (results.length && failed.length === results.length) throw failed[0]?.reason;
      const next = new Map(known.current);
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') next.set(unitIds[i] as string, r.value);
      });
      known.current = next;
      return next;
    },
    [unitIds.join('\n')],
  );
}

const chooseLine = (e: Event) => {
  const line = (e.target as HTMLSelectElement).value;
  navigate(line ? `/?line=${encodeURIComponent(line)}` : '/');
};

export default function Plant({ path }: ScreenProps) {
  const line = queryOf(path).get('line') ?? '';
  const equipment = useEquipment();
  const groups = equipment.index ? groupByLine(equipment.index) : [];
  const shown = line ? groups.filter((g) => g.id === line) : groups;
  const shownUnits = shown.flatMap((g) => g.units);
  const statuses = useStatuses(shownUnits.map((u) => u.id));
  const statusOf = (id: string) => statuses.data?.get(id);

  if (!equipment.index) {
    return (
      <Page title="Plant">
        {equipment.error ? <ErrorNote error={equipment.error} /> : <Loading />}
      </Page>
    );
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
        <StateCounts statuses={shownUnits.map((u) => statusOf(u.id))} />
      </div>
      <ErrorNote error={statuses.error ?? equipment.error} />
      {shown.length === 0 ? <p>No units on this line. Choose "All lines" to see every unit.</p> : null}
      {shown.map((g) => (
        <section key={g.id} class="group" aria-labelledby={`line-${g.id}`}>
          <h2 id={`line-${g.id}`}>{g.name}</h2>
          <ul class="cards plain-list">
            {g.units.map((u) => (
              <UnitCard key={u.id} unit={u} status={statusOf(u.id)} />
            ))}
          </ul>
        </section>
      ))}
    </Page>
  );
}

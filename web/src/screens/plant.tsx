/**
 * `#/` and `#/?line=<workCenterId>`: the Plant overview. Every work unit of the tenant, grouped
 * under its work center (line, cell), each with its live state, what it works on and OEE today.
 * One request says all of it (getPlantStatus, the plant's live view; the boot script starts it
 * before the app's script has loaded, early.ts), and no request is made per unit. Then the live
 * feed (live-feed.ts, issue 13) pushes each unit's changes: the newest `at` per unit wins, and
 * the status is asked again only when the feed (re)connects, to cover what it could have missed.
 * While the feed is down (or this deployment has none) the screen polls, and says so.
 */
import { useRef, useState } from 'preact/hooks';
import type { PlantStatus, UnitLive } from '../../../shared/api/schemas.ts';
import type { LiveUnitChange } from '../../../shared/telemetry/live-feed.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { changesOf } from '../../../shared/telemetry/live-feed.ts';
import { type PushState, useLiveFeed } from '../live-feed.ts';
import { navigate, queryOf } from '../router.ts';
import { ErrorNote, Loading, Page } from '../ui.tsx';
import { StateCounts, UnitCard } from '../components/plant-unit-card.tsx';

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

interface Pushed {
  at: number;
  unit: LiveUnitChange['unit'];
  /** When it arrived (epoch ms): a status asked for later already holds it. */
  receivedAt: number;
}

/**
 * The plant status, loaded once and kept current by the live feed; polled only while the feed
 * is down or absent. Pushed states overlay the loaded ones until a status asked for after they
 * arrived replaces them.
 */
function usePlantLive() {
  const pushed = useRef(new Map<string, Pushed>());
  const [, setVersion] = useState(0);
  const push = useLiveFeed((message) => {
    let changed = false;
    for (const { at, unit } of changesOf(message)) {
      const known = pushed.current.get(unit.equipmentId);
      if (known && known.at >= at) continue;
      pushed.current.set(unit.equipmentId, { at, unit, receivedAt: Date.now() });
      changed = true;
    }
    if (changed) setVersion((v) => v + 1);
  });
  const polling = push === 'off' || push === 'down';
  const plant = useLive(
    async (signal) => {
      const askedAt = Date.now();
      return { status: await api.call('getPlantStatus', { signal }), askedAt };
    },
    // Asked again when the feed comes up (what changed before it subscribed) and when polling starts or stops.
    [polling ? 'poll' : push === 'live' ? 'live' : 'wait'],
    {
      intervalMs: polling ? undefined : 0,
      initial: () => {
        const status = api.earlyData('getPlantStatus');
        return status && { status, askedAt: 0 };
      },
    },
  );
  let status: PlantStatus | undefined = plant.data?.status;
  if (status && plant.data) {
    const askedAt = plant.data.askedAt;
    for (const [id, p] of pushed.current) if (p.receivedAt < askedAt) pushed.current.delete(id);
    if (pushed.current.size > 0) {
      const items = status.items.map((u): UnitLive => {
        const p = pushed.current.get(u.equipmentId);
        // A pushed unit is its whole live state (nothing of the loaded one stays, not a reason it no
        // longer has); the load adds only where the unit stands in the plant.
        return p ? { ...p.unit, name: u.name, ...(u.parentId ? { parentId: u.parentId } : {}) } : u;
      });
      status = { ...status, items };
    }
  }
  return { data: status, error: plant.error, push };
}

/** How the screen stays current, in plain words: only said when it matters. */
function PushNote({ push }: { push: PushState }) {
  if (push === 'down')
    return (
      <div class="banner-stale" role="status" data-testid="push-state" data-push={push}>
        Live updates are not coming through. Checking for changes every few seconds instead; reconnecting…
      </div>
    );
  return (
    <p class="muted push-note" data-testid="push-state" data-push={push}>
      {push === 'live'
        ? 'Changes show as they happen.'
        : push === 'connecting'
          ? 'Connecting to live updates…'
          : 'Checking for changes every few seconds.'}
    </p>
  );
}

const chooseLine = (e: Event) => {
  const line = (e.target as HTMLSelectElement).value;
  navigate(line ? `/?line=${encodeURIComponent(line)}` : '/');
};

export default function Plant({ path }: ScreenProps) {
  const line = queryOf(path).get('line') ?? '';
  const plant = usePlantLive();
  const groups = plant.data ? groupByLine(plant.data) : [];
  const shown = line ? groups.filter((g) => g.id === line) : groups;
  const shownUnits = shown.flatMap((g) => g.units);

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
      <PushNote push={plant.push} />
      <ErrorNote error={plant.error} />
      {shown.length === 0 ? <p>No units on this line. Choose "All lines" to see every unit.</p> : null}
      {shown.map((g) => (
        <section key={g.id} class="group" aria-labelledby={`line-${g.id}`}>
          <h2 id={`line-${g.id}`}>{g.name}</h2>
          <ul class="cards plain-list">
            {g.units.map((u) => (
              <UnitCard key={u.equipmentId} unit={u} oeeToday={u.oeeToday} />
            ))}
          </ul>
        </section>
      ))}
    </Page>
  );
}

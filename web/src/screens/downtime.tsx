/**
 * Downtime (`#/downtime`, `#/downtime?range=7d`): every unit's stops, ongoing ones first (their
 * duration ticks), then the recent ones of the last 24 hours or 7 days, each with its reason or
 * "No reason yet" and who coded it. Supervisors assign a reason from the plant's reason tree.
 * One list, not two: a stop that ends while someone is coding it stays where it is.
 */
import { useEffect, useState } from 'preact/hooks';
import { PERMISSIONS } from '../../../shared/domain/roles.ts';
import type { ScreenProps } from '../app.tsx';
import { currentSession, hasRole } from '../auth.ts';
import { useLive } from '../live.ts';
import { navigate, queryOf } from '../router.ts';
import { ErrorNote, Loading, Page, fmtDuration, fmtTime } from '../ui.tsx';
import { eventDurationMs, eventKey, loadDowntime, loadPlant, loadReasons, reasonIndex, sortEvents } from '../components/downtime-data.tsx';
import { DowntimeRow } from '../components/downtime-row.tsx';
import { usePeople } from '../components/history-people.tsx';

const RANGES = { '24h': { label: 'Last 24 hours', ms: 24 * 3_600_000 }, '7d': { label: 'Last 7 days', ms: 7 * 24 * 3_600_000 } } as const;
type RangeKey = keyof typeof RANGES;

const HOUR_MS = 3_600_000;
/**
 * The start of the range, on the hour: a unit with no data before it is `offline` from exactly
 * there, and that stop's start is its identity (a reason is assigned to it), so it must not move
 * with every poll.
 */
const rangeStart = (range: RangeKey, now: number) => Math.floor((now - RANGES[range].ms) / HOUR_MS) * HOUR_MS;

/** The clock, re-read every `ms`, so open stops tick between polls (and while offline). */
function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export default function Downtime({ path }: ScreenProps) {
  const range: RangeKey = queryOf(path).get('range') === '7d' ? '7d' : '24h';
  const now = useNow();
  const personName = usePeople();
  const canAssign = hasRole(currentSession(), PERMISSIONS.superviseWorkOrder);
  const canRaise = hasRole(currentSession(), PERMISSIONS.raiseMaintenanceRequest);
  const plant = useLive(() => loadPlant(), [], { intervalMs: 60_000 });
  const reasons = useLive((signal) => loadReasons(signal), [], { intervalMs: 60_000 });
  const units = plant.data?.units;
  const downtime = useLive(
    async (signal) => {
      if (!units) return undefined;
      const from = rangeStart(range, Date.now());
      return { from, ...(await loadDowntime(units, new Date(from), undefined, signal)) };
    },
    [units?.map((u) => u.id).join(' '), range],
    { intervalMs: 2000 },
  );
  const data = downtime.data;
  const index = reasonIndex(reasons.data);
  const events = sortEvents(data?.events ?? []);
  const open = events.filter((e) => !e.end);
  const uncoded = events.filter((e) => !e.reasonCode && !e.machineReasonCode);
  const totalMs = events.reduce((sum, e) => sum + eventDurationMs(e, now), 0);

  return (
    <Page
      title="Downtime"
      actions={
        // biome-ignore lint/a11y/useSemanticElements: a segmented button group, not a form section.
        <div class="downtime-range" role="group" aria-label="Time range">
          {(Object.keys(RANGES) as RangeKey[]).map((key) => (
            <button
              key={key}
              type="button"
              class="btn"
              aria-pressed={range === key}
              onClick={() => navigate(key === '24h' ? '/downtime' : `/downtime?range=${key}`)}
            >
              {RANGES[key].label}
            </button>
          ))}
        </div>
      }
    >
      <ErrorNote error={plant.error ?? downtime.error} />
      {!data ? (
        <Loading />
      ) : (
        <section aria-labelledby="stops-title">
          <h2 id="stops-title">Stops, {RANGES[range].label.toLowerCase()}</h2>
          <p class="downtime-summary">
            <strong>{open.length} ongoing</strong> · {events.length} in all, {fmtDuration(totalMs)} · {uncoded.length} without a reason
            {downtime.updatedAt ? <span class="muted"> · as of {fmtTime(new Date(downtime.updatedAt).toISOString())}</span> : null}
          </p>
          {data.failed.length ? (
            <p class="error" role="alert">
              Not shown: the stops of {data.failed.map((f) => plant.data?.name(f.equipmentId) ?? f.equipmentId).join(', ')} could not be read.
            </p>
          ) : null}
          {reasons.data === undefined && !reasons.loading ? (
            <p class="muted">No downtime reasons are set up for this plant yet, so stops cannot be coded.</p>
          ) : null}
          {events.length === 0 ? (
            <p>No stops in this time. Every unit ran or was idle.</p>
          ) : (
            <ul class="cards downtime-list">
              {events.map((event) => (
                <DowntimeRow
                  key={eventKey(event)}
                  event={event}
                  unitName={plant.data?.name(event.equipmentId) ?? event.equipmentId}
                  reasons={index}
                  personName={personName}
                  now={now}
                  rangeStart={data.from}
                  canAssign={canAssign && index.options.length > 0}
                  canRaise={canRaise}
                  after={() => void downtime.reload()}
                />
              ))}
            </ul>
          )}
        </section>
      )}
    </Page>
  );
}

/**
 * One work unit on the Plant overview: its live state in colour and in words, since when, what
 * it works on and who runs it, and OEE so far today. The colour is a thick left edge (never the
 * only cue: the badge says the state in words).
 */
import type { Equipment, EquipmentStatus } from '../../../shared/api/schemas.ts';
import { fmtAgo, fmtPct, fmtTime, StateBadge } from '../ui.tsx';

export type EquipmentState = EquipmentStatus['state'];

/** The order the overview counts states in. */
export const EQUIPMENT_STATES: readonly EquipmentState[] = ['running', 'idle', 'setup', 'planned-stop', 'down', 'offline'];

export const stateWords = (state: string) => state.replace(/[-_]/g, ' ').toLowerCase();

export function UnitCard({ unit, status }: { unit: Equipment; status: EquipmentStatus | undefined }) {
  const state = status?.state;
  return (
    <li
      class="card unit-card"
      data-testid={`unit-${unit.id}`}
      data-state={state ?? 'unknown'}
    >
      <h3 class="unit-name">
        {unit.name}
      </h3>
      {status ? (
        <>
          <p class="unit-state">
            <StateBadge state={status.state} />{' '}
            {status.since ? (
              <span>
                since <time dateTime={status.since}>{fmtTime(status.since)}</time> ({fmtAgo(status.since)})
              </span>
            ) : (
              <span class="muted">since: not known</span>
            )}
          </p>
          <dl class="kv">
            {status.reasonCode ? (
              <>
                <dt>Reason</dt>
                <dd>{status.reasonCode}</dd>
              </>
            ) : null}
            <dt>Order</dt>
            <dd>
              {status.current ? (
                <>
                  <a href={`#/orders/${encodeURIComponent(status.current.workOrderId)}`}>{status.current.workOrderId}</a>, operation {status.current.seq} (
                  {stateWords(status.current.status)}) · {status.current.materialId}
                </>
              ) : (
                <span class="muted">none</span>
              )}
            </dd>
            <dt>Operator</dt>
            <dd>{status.current?.operator ?? <span class="muted">none</span>}</dd>
            <dt>OEE today</dt>
            <dd>
              <strong>{fmtPct(status.oeeToday.oee)}</strong>
              <span class="oee-parts muted">
                <span>availability {fmtPct(status.oeeToday.availability)}</span> · <span>performance {fmtPct(status.oeeToday.performance)}</span> ·{' '}
                <span>quality {fmtPct(status.oeeToday.quality)}</span>
              </span>
            </dd>
          </dl>
        </>
      ) : (
        <p class="muted">No state reported yet.</p>
      )}
    </li>
  );
}

/** "3 running · 1 down": how many of the shown units are in each state. */
export function StateCounts({ statuses }: { statuses: (EquipmentStatus | undefined)[] }) {
  const counts = new Map<string, number>();
  for (const s of statuses) {
    const key = s?.state ?? 'unknown';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const parts = [...EQUIPMENT_STATES, 'unknown']
    .filter((state) => counts.has(state))
    .map((state) => `${counts.get(state)} ${state === 'unknown' ? 'not reporting' : stateWords(state)}`);
  return (
    <p class="state-counts" data-testid="state-counts">
      {parts.length ? parts.join(' · ') : 'No units'}
    </p>
  );
}

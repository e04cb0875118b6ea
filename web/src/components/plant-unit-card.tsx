/**
 * One work unit on the Plant overview: its live state in colour and in words, since when, what
 * it works on and who runs it, and OEE so far today. The colour is a thick left edge (never the
 * only cue: the badge says the state in words).
 */
import type { Oee, UnitLive } from '../../../shared/api/schemas.ts';
import { materialName, personName, usePlantContext } from '../plant.ts';
import { fmtAgo, fmtPct, fmtTime, StateBadge } from '../ui.tsx';

export type EquipmentState = UnitLive['state'];

/** The order the overview counts states in. */
export const EQUIPMENT_STATES: readonly EquipmentState[] = ['running', 'idle', 'setup', 'planned-stop', 'down', 'offline'];

export const stateWords = (state: string) => state.replace(/[-_]/g, ' ').toLowerCase();

/** The OEE figures a card shows: the plant status's `oeeToday`, or a unit status's. */
export type OeeFigures = Pick<Oee, 'oee' | 'availability' | 'performance' | 'quality'>;

export function UnitCard({ unit, oeeToday }: { unit: UnitLive; oeeToday: OeeFigures | undefined }) {
  // Names of people and materials, not their ids: they come with the plant's context, once, not per card.
  usePlantContext();
  return (
    <li class="card unit-card" data-testid={`unit-${unit.equipmentId}`} data-state={unit.state}>
      <h3 class="unit-name">{unit.name}</h3>
      <p class="unit-state">
        <StateBadge state={unit.state} />{' '}
        {unit.since ? (
          <span>
            since <time dateTime={unit.since}>{fmtTime(unit.since)}</time> ({fmtAgo(unit.since)})
          </span>
        ) : (
          <span class="muted">since: not known</span>
        )}
      </p>
      <dl class="kv">
        {unit.stopReason ? (
          <>
            <dt>Reason</dt>
            <dd data-testid="unit-stop-reason">
              {unit.stopReason.reasonName ?? unit.stopReason.reasonCode}
              {unit.stopReason.comment ? <span class="muted"> · {unit.stopReason.comment}</span> : null}
            </dd>
          </>
        ) : unit.reasonCode ? (
          <>
            <dt>Reason</dt>
            <dd>{unit.reasonCode}</dd>
          </>
        ) : null}
        <dt>Order</dt>
        <dd>
          {unit.current ? (
            <>
              <a href={`#/orders/${encodeURIComponent(unit.current.workOrderId)}`}>{unit.current.workOrderId}</a>, operation {unit.current.seq} (
              {stateWords(unit.current.status)}) · {materialName(unit.current.materialId)}
            </>
          ) : (
            <span class="muted">none</span>
          )}
        </dd>
        <dt>Operator</dt>
        <dd>{unit.current?.operator ? personName(unit.current.operator) : <span class="muted">none</span>}</dd>
        <dt>OEE today</dt>
        <dd data-testid="unit-oee">
          {oeeToday ? (
            <>
              <strong>{fmtPct(oeeToday.oee)}</strong>
              <span class="oee-parts muted">
                <span>availability {fmtPct(oeeToday.availability)}</span> · <span>performance {fmtPct(oeeToday.performance)}</span> ·{' '}
                <span>quality {fmtPct(oeeToday.quality)}</span>
              </span>
            </>
          ) : (
            <span class="muted">being worked out…</span>
          )}
        </dd>
      </dl>
      {/* Issue 18: report a problem on this unit (the dialog loads with the maintenance screen, not here). */}
      <a class="unit-maintenance" href={`#/maintenance?unit=${encodeURIComponent(unit.equipmentId)}`}>
        Call maintenance
      </a>
    </li>
  );
}

/** "3 running · 1 down": how many of the shown units are in each state. */
export function StateCounts({ states }: { states: EquipmentState[] }) {
  const counts = new Map<string, number>();
  for (const state of states) counts.set(state, (counts.get(state) ?? 0) + 1);
  const parts = EQUIPMENT_STATES.filter((state) => counts.has(state)).map((state) => `${counts.get(state)} ${stateWords(state)}`);
  return (
    <p class="state-counts" data-testid="state-counts">
      {parts.length ? parts.join(' · ') : 'No units'}
    </p>
  );
}

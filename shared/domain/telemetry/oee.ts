/**
 * OEE by the standard definitions (MES.md; the README restates them):
 *   planned production time = shift time − planned stops
 *   run time     = planned production time − stop time
 *   availability = run time / planned production time
 *   performance  = ideal cycle time × total count / run time
 *   quality      = good count / total count
 *   OEE          = availability × performance × quality = good count × ideal cycle time / planned time
 *
 * How states map onto planned time (only time inside the planned intervals counts):
 * - running, idle: run time. Idle is a performance loss (idling and minor stops), not a stop.
 * - down, offline, setup: stop time (downtime). Setup counts as planned instead when
 *   `setupIsPlanned` (the plant's choice): then, like planned-stop, it is taken out of planned
 *   production time, because MES.md counts planned stops out of it.
 * - planned-stop reported by the unit: out of planned production time.
 * - planned time no segment covers: offline (no data is an unqualified stop).
 *
 * A ratio with a zero denominator is null, never NaN or Infinity. Performance is reported raw,
 * not capped at 1: above 1 means the ideal cycle time is set too slow or counts are wrong, and
 * capping would hide exactly that (and break OEE = A × P × Q).
 */
import type { EquipmentState } from './states.ts';
import type { FieldError } from '../errors.ts';
import { type Interval, intersectIntervals, overlapMs, totalMs, unionIntervals } from './intervals.ts';
import type { DowntimeEvent, DowntimeState } from './timeline.ts';

export interface OeeSegment extends Interval {
  state: EquipmentState;
  reasonCode?: string | undefined;
}

export interface OeeInput {
  /** Planned production intervals from the shift calendar (`plannedProductionTime(...).intervals`). */
  plannedIntervals: readonly Interval[];
  /** The state timeline (`buildTimeline(...).segments`), not overlapping. */
  segments: readonly OeeSegment[];
  /** Produced in the same time (`countsBetween` over the planned intervals, so breaks do not inflate performance). */
  counts: { good: number; reject: number };
  /** Per unit and material; null when unknown, which leaves performance and OEE null. */
  idealCycleTimeSeconds: number | null | undefined;
  setupIsPlanned?: boolean | undefined;
}

/** Key of downtime without a reason code; reason codes cannot contain parentheses. */
export const NO_REASON = '(none)';

export interface OeeResult {
  plannedTimeMs: number;
  /** Calendar planned time taken out because the unit reported a planned stop (and setup, when planned). */
  plannedStopMs: number;
  runTimeMs: number;
  downtimeMs: number;
  downtimeByState: Record<DowntimeState, number>;
  /** By reason code; time without one under NO_REASON. */
  downtimeByReason: Record<string, number>;
  totalCount: number;
  goodCount: number;
  rejectCount: number;
  idealCycleTimeSeconds: number | null;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  oee: number | null;
}

export function computeOee(input: OeeInput): OeeResult {
  const planned = unionIntervals(input.plannedIntervals);
  const calendarMs = totalMs(planned);
  const byState: Record<DowntimeState, number> = { down: 0, offline: 0, setup: 0 };
  const byReason: Record<string, number> = {};
  let runTimeMs = 0;
  let plannedStopMs = 0;
  let coveredMs = 0;
  for (const s of input.segments) {
    const ms = overlapMs(s, planned);
    if (ms === 0) continue;
    coveredMs += ms;
    if (s.state === 'running' || s.state === 'idle') runTimeMs += ms;
    else if (s.state === 'planned-stop' || (s.state === 'setup' && input.setupIsPlanned)) plannedStopMs += ms;
    else {
      byState[s.state] += ms;
      const key = s.reasonCode ?? NO_REASON;
      byReason[key] = (byReason[key] ?? 0) + ms;
    }
  }
  const uncoveredMs = Math.max(0, calendarMs - coveredMs);
  if (uncoveredMs > 0) {
    byState.offline += uncoveredMs;
    byReason[NO_REASON] = (byReason[NO_REASON] ?? 0) + uncoveredMs;
  }
  const plannedTimeMs = calendarMs - plannedStopMs;
  const downtimeMs = byState.down + byState.offline + byState.setup;

  const goodCount = input.counts.good;
  const rejectCount = input.counts.reject;
  const totalCount = goodCount + rejectCount;
  const ideal = input.idealCycleTimeSeconds != null && input.idealCycleTimeSeconds > 0 ? input.idealCycleTimeSeconds : null;
  const idealMs = ideal === null ? null : ideal * 1000;
  return {
    plannedTimeMs,
    plannedStopMs,
    runTimeMs,
    downtimeMs,
    downtimeByState: byState,
    downtimeByReason: byReason,
    totalCount,
    goodCount,
    rejectCount,
    idealCycleTimeSeconds: ideal,
    availability: plannedTimeMs > 0 ? runTimeMs / plannedTimeMs : null,
    performance: idealMs !== null && runTimeMs > 0 ? (idealMs * totalCount) / runTimeMs : null,
    quality: totalCount > 0 ? goodCount / totalCount : null,
    // The identity form: defined whenever planned time and ideal cycle time are, even with no
    // run time or no count (then it is 0, or it shows counts that arrived while stopped).
    oee: idealMs !== null && plannedTimeMs > 0 ? (goodCount * idealMs) / plannedTimeMs : null,
  };
}

/**
 * The ideal cycle time to report for a mix of materials: weighted by count, so that
 * `blended × Σ total` equals `Σ (ideal × total)` and computeOee stays exact for the mix.
 */
export function blendIdealCycleTime(parts: readonly { totalCount: number; idealCycleTimeSeconds: number }[]): number | null {
  const total = parts.reduce((sum, p) => sum + p.totalCount, 0);
  if (total === 0) return null;
  return parts.reduce((sum, p) => sum + p.totalCount * p.idealCycleTimeSeconds, 0) / total;
}

// --- downtime Pareto ----------------------------------------------------------------------

export interface ParetoEntry {
  /** Null for events nobody has given a reason yet; those are grouped by state. */
  reasonCode: string | null;
  /** The events' state when they all share one (always, for unassigned ones). */
  state: DowntimeState | null;
  durationMs: number;
  count: number;
  /** Of all downtime in the planned intervals, 0..1. */
  share: number;
}

/**
 * A person's reason for a stop, stored under the stop's identity (`DowntimeEvent.stopStart`)
 * with the stop's state. Records without `state` were stored before stops had a window-
 * independent identity, under the start of the stretch as one time range showed it.
 */
export interface ReasonAssignment {
  start: number;
  reasonCode: string;
  comment?: string | undefined;
  state?: DowntimeState | undefined;
  /** ISO time; the latest of several older records inside one stop wins. */
  assignedAt?: string | undefined;
}

/**
 * The assignment that applies to each event (same order), or undefined: the one stored under
 * the event's `stopStart`; else an older record (no `state`) whose start lies inside the stop
 * (from its `stopStart` to the end of its last stretch), since the old identity was the start of
 * one of its stretches; the latest such record wins.
 *
 * An offline stop has no message to name it: its identity is when the silence began as far as
 * the data read reaches, so a range that starts inside the silence names it by where the data
 * read begins. So an offline record also applies to an offline event when it lies inside it, and
 * to one that starts at the range's start (`window.from`: silent since before it) when it lies
 * between the unit's last state message before the range and the range's start.
 */
export function reasonsForEvents<R extends ReasonAssignment>(
  events: readonly DowntimeEvent[],
  assignments: readonly R[],
  window?: { from: number; lastTransitionBefore?: number | undefined },
): (R | undefined)[] {
  const exact = new Map(assignments.filter((a) => a.state !== undefined).map((a) => [a.start, a]));
  const older = assignments.filter((a) => a.state === undefined).sort((a, b) => (a.assignedAt ?? '').localeCompare(b.assignedAt ?? ''));
  const exactOld = new Map(older.map((a) => [a.start, a]));
  const stopEnd = new Map<number, number>();
  for (const e of events) stopEnd.set(e.stopStart, Math.max(stopEnd.get(e.stopStart) ?? e.stopStart, e.end ?? Number.POSITIVE_INFINITY));
  const starts = new Set(events.map((e) => e.stopStart));
  return events.map((e) => {
    const found = exact.get(e.stopStart) ?? exactOld.get(e.stopStart) ?? exactOld.get(e.start);
    if (found) return found;
    const end = stopEnd.get(e.stopStart) ?? Number.POSITIVE_INFINITY;
    // Another stop's own record is not this one's, even where a window shows them overlapping.
    const inside = (a: R) => a.start > e.stopStart && a.start < end && !starts.has(a.start);
    if (e.state !== 'offline') return older.filter(inside).at(-1);
    const silentBefore = (a: R) =>
      window !== undefined &&
      e.start === window.from &&
      a.start < window.from &&
      a.start >= (window.lastTransitionBefore ?? Number.NEGATIVE_INFINITY);
    return assignments
      .filter((a) => (a.state === undefined || a.state === 'offline') && (inside(a) || silentBefore(a)))
      .sort((a, b) => (a.assignedAt ?? '').localeCompare(b.assignedAt ?? ''))
      .at(-1);
  });
}

/** Events with the people's reasons (and comments) applied over what the unit reported. */
export function applyReasonAssignments(
  events: readonly DowntimeEvent[],
  assignments: readonly ReasonAssignment[],
  window?: { from: number; lastTransitionBefore?: number | undefined },
): (DowntimeEvent & { comment?: string | undefined })[] {
  const found = reasonsForEvents(events, assignments, window);
  return events.map((e, i) => {
    const a = found[i];
    return a ? { ...e, reasonCode: a.reasonCode, ...(a.comment ? { comment: a.comment } : {}) } : e;
  });
}

/** Planned intervals from the unit's commissioning on (`commissioning(...)`): null, not commissioned, none. */
export function plannedInService(planned: readonly Interval[], commissionedAt: number | null | undefined): Interval[] {
  if (commissionedAt === undefined) return unionIntervals(planned);
  if (commissionedAt === null) return [];
  return intersectIntervals(planned, [{ start: commissionedAt, end: Number.POSITIVE_INFINITY }]);
}

/**
 * Downtime by reason, largest first, counting only the time inside the planned intervals (an
 * open event runs to the end of them). `count` is the number of stops: the stretches of one
 * stop (an offline gap in between) count once. Ties: more stops first, then by reason.
 */
export function downtimePareto(events: readonly DowntimeEvent[], plannedIntervals: readonly Interval[]): ParetoEntry[] {
  const planned = unionIntervals(plannedIntervals);
  const groups = new Map<string, ParetoEntry>();
  const stops = new Map<string, Set<string>>();
  let total = 0;
  for (const e of events) {
    const ms = totalMs(intersectIntervals([{ start: e.start, end: e.end ?? Number.POSITIVE_INFINITY }], planned));
    if (ms === 0) continue;
    total += ms;
    const key = e.reasonCode === undefined ? `state:${e.state}` : `reason:${e.reasonCode}`;
    const stop = `${e.state}:${e.stopStart}`;
    const seen = stops.get(key) ?? new Set<string>();
    const isNew = !seen.has(stop);
    seen.add(stop);
    stops.set(key, seen);
    const g = groups.get(key);
    if (!g) groups.set(key, { reasonCode: e.reasonCode ?? null, state: e.state, durationMs: ms, count: 1, share: 0 });
    else {
      g.durationMs += ms;
      if (isNew) g.count += 1;
      if (g.state !== e.state) g.state = null;
    }
  }
  const entries = [...groups.values()].map((g) => ({ ...g, share: g.durationMs / total }));
  const label = (g: ParetoEntry) => g.reasonCode ?? `(${g.state})`;
  return entries.sort((a, b) => b.durationMs - a.durationMs || b.count - a.count || (label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0));
}

// --- Six Big Losses -----------------------------------------------------------------------

export const SIX_BIG_LOSSES = [
  'equipment-failure',
  'setup-adjustment',
  'idling-minor-stops',
  'reduced-speed',
  'process-defects',
  'reduced-yield',
] as const;
export type SixBigLoss = (typeof SIX_BIG_LOSSES)[number];
export const isSixBigLoss = (value: unknown): value is SixBigLoss =>
  typeof value === 'string' && (SIX_BIG_LOSSES as readonly string[]).includes(value);

/**
 * A tenant's downtime reason: nested (`children`) or flat (`parentCode`, as the API stores the
 * tree), or both. A reason without `loss` inherits its parent's.
 */
export interface ReasonNode {
  code: string;
  name: string;
  loss?: SixBigLoss | undefined;
  parentCode?: string | undefined;
  children?: readonly ReasonNode[] | undefined;
}

/** Every reason by code, with its parent's code (from nesting or `parentCode`); the first of a duplicated code wins. */
function indexReasons(tree: ReasonNode | readonly ReasonNode[]): Map<string, { node: ReasonNode; parent: string | undefined }> {
  const index = new Map<string, { node: ReasonNode; parent: string | undefined }>();
  const visit = (nodes: readonly ReasonNode[], parent: string | undefined) => {
    for (const n of nodes) {
      if (!index.has(n.code)) index.set(n.code, { node: n, parent: n.parentCode ?? parent });
      visit(n.children ?? [], n.code);
    }
  };
  visit(isReasonList(tree) ? tree : [tree], undefined);
  return index;
}
const isReasonList = (tree: ReasonNode | readonly ReasonNode[]): tree is readonly ReasonNode[] => Array.isArray(tree);

/** The loss a reason code maps to: its own, else its nearest ancestor's; undefined if unknown or unmapped. */
export function lossOf(tree: ReasonNode | readonly ReasonNode[], reasonCode: string): SixBigLoss | undefined {
  const index = indexReasons(tree);
  const visited = new Set<string>();
  for (let code: string | undefined = reasonCode; code !== undefined && !visited.has(code); ) {
    visited.add(code); // a cycle in parentCode must not hang the OEE endpoint
    const entry = index.get(code);
    if (!entry) return undefined;
    if (entry.node.loss !== undefined) return entry.node.loss;
    code = entry.parent;
  }
  return undefined;
}

/** Duplicate codes, unknown parents or losses, cycles, and leaves that map to none of the Six Big Losses. */
export function reasonTreeProblems(tree: ReasonNode | readonly ReasonNode[], at = '/reasons'): FieldError[] {
  const problems: FieldError[] = [];
  const index = indexReasons(tree);
  const parents = new Set([...index.values()].map((e) => e.parent));
  const seen = new Set<string>();
  const visit = (nodes: readonly ReasonNode[], under: string) => {
    nodes.forEach((n, i) => {
      const pointer = `${under}/${i}`;
      if (seen.has(n.code)) problems.push({ pointer: `${pointer}/code`, detail: `reason code '${n.code}' is used twice` });
      seen.add(n.code);
      if (n.loss !== undefined && !isSixBigLoss(n.loss))
        problems.push({ pointer: `${pointer}/loss`, detail: `expected one of ${SIX_BIG_LOSSES.join(', ')}` });
      if (n.parentCode !== undefined && !index.has(n.parentCode))
        problems.push({ pointer: `${pointer}/parentCode`, detail: `no reason has code '${n.parentCode}'` });
      if (n.children?.length) visit(n.children, `${pointer}/children`);
      else if (!parents.has(n.code) && lossOf(tree, n.code) === undefined) {
        problems.push({ pointer, detail: `leaf '${n.code}' maps to none of the Six Big Losses` });
      }
    });
  };
  visit(isReasonList(tree) ? tree : [tree], at);
  for (const code of index.keys()) {
    const path = new Set<string>();
    for (let c: string | undefined = code; c !== undefined; c = index.get(c)?.parent) {
      if (path.has(c)) {
        problems.push({ pointer: at, detail: `reason '${code}' is its own ancestor` });
        break;
      }
      path.add(c);
    }
  }
  return problems;
}

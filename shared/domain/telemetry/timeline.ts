/**
 * A unit's state timeline over a window `[from, to)`: reported state transitions (any order,
 * duplicates, late arrivals) become sorted, merged segments; a state holds until the next one
 * while the unit is present. `offline` is where presence says so (presence.ts: its connection
 * down, or its link declared down) and, only when `offlineAfterMs` is given (a unit with a
 * heartbeat), where no data was seen for longer than that; downtime events are the stretches
 * of unplanned stop states.
 *
 * Pass `to = min(to, now)`: the timeline does not guess the future. Pass the transitions in
 * force at `from` too (the run of the same state and reason that began before it), or the
 * window starts in an unknown state, which counts as `offline`.
 *
 * Nothing before the unit's commissioning counts (`commissionedAt`, see `commissioning`): no
 * segment, no downtime, whatever the data says about that time.
 */
import { type Interval, unionIntervals } from './intervals.ts';
import { type PresenceFacts, presenceDown } from './presence.ts';
import type { EquipmentState, ReportedState } from './states.ts';

export interface StateTransition {
  ts: number;
  state: ReportedState;
  reasonCode?: string | undefined;
  /** Breaks ties between different messages with the same timestamp (the highest wins). */
  msgId?: string | undefined;
}

/**
 * When data of the unit (any sample: state, counts, process) was seen, by sample time, both
 * ends inclusive: a single reading is `{ first: ts, last: ts }`, a minute item is its first and
 * last sample's time. Any order, overlaps allowed.
 */
export interface SeenSpan {
  first: number;
  last: number;
}

export interface TimelineOptions {
  /**
   * No data for longer than this is offline: only for a unit that declares a heartbeat
   * (presence.ts `silenceLimitMs`). Absent: silence never makes a unit offline.
   */
  offlineAfterMs?: number | undefined;
  /** Setup counts as a planned stop rather than downtime (a plant's choice, MES.md). */
  setupIsPlanned?: boolean;
}

export interface StateSegment extends Interval {
  durationMs: number;
  state: EquipmentState;
  reasonCode?: string | undefined;
  /** When this state began, before `from` if it was already on at the window's start. */
  since: number;
}

export type DowntimeState = 'down' | 'offline' | 'setup';

/**
 * A stretch of one unplanned stop state with one reason, as far as the data reaches: `start`
 * may precede the window, `end` may follow it, and `end` is absent while it is still going on
 * (nothing after it is known).
 *
 * `stopStart` identifies the stop (for reason assignment) the same way in every window: the
 * time of the state transition that began it, i.e. the first of the unbroken run of
 * transitions with its state and reason. A stop that an offline gap interrupts shows as two
 * stretches with the same `stopStart`. An offline stretch has no transition: its identity is
 * when the silence began, as far as the data read reaches (`start`).
 */
export interface DowntimeEvent {
  stopStart: number;
  start: number;
  end?: number | undefined;
  state: DowntimeState;
  reasonCode?: string | undefined;
  /** The part inside the window. */
  durationMs: number;
}

export interface Timeline {
  segments: StateSegment[];
  downtime: DowntimeEvent[];
}

/** Unplanned stops: down, offline (no data is an unqualified stop), and setup unless planned. */
export function isDowntimeState(state: EquipmentState, options: TimelineOptions = {}): state is DowntimeState {
  return state === 'down' || state === 'offline' || (state === 'setup' && !options.setupIsPlanned);
}

/** Sorted by time, one per timestamp (ties broken by content, so any input order gives the same winner). */
export function normalizeTransitions(transitions: readonly StateTransition[]): StateTransition[] {
  const key = (t: StateTransition) => `${t.msgId ?? ''}\u0000${t.state}\u0000${t.reasonCode ?? ''}`;
  const sorted = [...transitions].sort((a, b) => a.ts - b.ts || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const out: StateTransition[] = [];
  for (const t of sorted) {
    if (out.length > 0 && out[out.length - 1]!.ts === t.ts) out[out.length - 1] = t;
    else out.push(t);
  }
  return out;
}

/**
 * Stretches without data longer than `offlineAfterMs`, within the span `seen` covers (at least
 * the window). Gaps outside it are not looked for: a transition long before the window gives
 * the state but says nothing about the hours in between.
 */
function offlineGaps(
  seen: readonly SeenSpan[],
  transitions: readonly StateTransition[],
  from: number,
  to: number,
  offlineAfterMs: number,
): Interval[] {
  // A loop, not Math.min(...spread): a month of minute items would overflow the argument list.
  let lo = from;
  let hi = to;
  for (const s of seen) {
    lo = Math.min(lo, s.first);
    hi = Math.max(hi, s.last);
  }
  const points = [...seen, ...transitions.filter((t) => t.ts >= lo && t.ts <= hi).map((t) => ({ first: t.ts, last: t.ts }))]
    .filter((s) => s.last >= s.first)
    .sort((a, b) => a.first - b.first);
  const gaps: Interval[] = [];
  // `reached`: data seen up to here. A silence no longer than offlineAfterMs (including the
  // lead-in from the window's start and the tail up to its end) keeps the current state.
  let reached = lo;
  for (const p of points) {
    if (p.first - reached > offlineAfterMs) gaps.push({ start: reached, end: p.first });
    reached = Math.max(reached, p.last);
  }
  if (hi - reached > offlineAfterMs) gaps.push({ start: reached, end: hi });
  return gaps;
}

/** Builds the timeline of `[from, to)` and its downtime events. */
export function buildTimeline(
  input: {
    transitions: readonly StateTransition[];
    seen?: readonly SeenSpan[] | undefined;
    from: number;
    to: number;
    /** The unit's commissioning (`commissioning(...)`): nothing before it counts; absent: not commissioned at all, nothing counts. */
    commissionedAt?: number | null | undefined;
    /** Its presence (presence.ts); absent: always connected. */
    presence?: PresenceFacts | undefined;
  },
  options: TimelineOptions = {},
): Timeline {
  const { to } = input;
  // Before commissioning there is nothing to show: the window starts there at the earliest.
  if (input.commissionedAt === null) return { segments: [], downtime: [] };
  const inService = input.commissionedAt ?? Number.NEGATIVE_INFINITY;
  const from = Math.max(input.from, inService);
  if (!(to > from)) return { segments: [], downtime: [] };
  const transitions = normalizeTransitions(input.transitions);
  // Where each transition's run (the same state and reason without a change between) began.
  const runStart: number[] = [];
  transitions.forEach((t, i) => {
    const prev = transitions[i - 1];
    runStart.push(prev && prev.state === t.state && prev.reasonCode === t.reasonCode ? runStart[i - 1]! : t.ts);
  });
  const silence = input.seen && options.offlineAfterMs !== undefined ? offlineGaps(input.seen, transitions, from, to, options.offlineAfterMs) : [];
  // Presence's open intervals end where the timeline ends: the window, or just past the last transition.
  const end = Math.max(to, (transitions[transitions.length - 1]?.ts ?? to) + 1);
  const absent = presenceDown(
    input.presence,
    transitions.map((t) => t.ts),
  ).map((i) => ({ start: i.start, end: Math.min(i.end, end) }));
  const gaps = unionIntervals([...silence, ...absent]);

  // Work on the whole span the data reaches, so states started before the window get their true start.
  const lo = Math.min(from, transitions[0]?.ts ?? from, gaps[0]?.start ?? from);
  // +1: the last transition's state holds at least its own instant, so a stop followed by a
  // later transition gets its end, and whatever is last stays open.
  const hi = Math.max(to, (transitions[transitions.length - 1]?.ts ?? to) + 1, gaps[gaps.length - 1]?.end ?? to);
  const cuts = [...new Set([lo, hi, ...transitions.map((t) => t.ts), ...gaps.flatMap((g) => [g.start, g.end])])].sort((a, b) => a - b);

  const pieces: { start: number; end: number; state: EquipmentState; reasonCode?: string | undefined; stopStart: number }[] = [];
  let ti = -1; // index of the last transition at or before the piece's start
  let gi = 0;
  for (let c = 0; c + 1 < cuts.length; c++) {
    const start = cuts[c]!;
    const end = cuts[c + 1]!;
    while (ti + 1 < transitions.length && transitions[ti + 1]!.ts <= start) ti++;
    while (gi < gaps.length && gaps[gi]!.end <= start) gi++;
    const inGap = gi < gaps.length && gaps[gi]!.start <= start;
    const t = transitions[ti];
    const piece =
      inGap || !t
        ? { start, end, state: 'offline' as const, stopStart: start }
        : { start, end, state: t.state, reasonCode: t.reasonCode, stopStart: runStart[ti]! };
    const prev = pieces[pieces.length - 1];
    if (prev && prev.state === piece.state && prev.reasonCode === piece.reasonCode) prev.end = end;
    else pieces.push(piece);
  }

  const segments: StateSegment[] = [];
  const downtime: DowntimeEvent[] = [];
  pieces.forEach((p, i) => {
    const start = Math.max(p.start, from);
    const end = Math.min(p.end, to);
    if (end <= start) return;
    const reason = p.reasonCode === undefined ? {} : { reasonCode: p.reasonCode };
    segments.push({ start, end, durationMs: end - start, state: p.state, ...reason, since: Math.max(p.start, inService) });
    if (isDowntimeState(p.state, options)) {
      const open = i === pieces.length - 1;
      const shownStart = Math.max(p.start, inService);
      downtime.push({
        stopStart: p.state === 'offline' ? shownStart : p.stopStart,
        start: shownStart,
        ...(open ? {} : { end: p.end }),
        state: p.state,
        ...reason,
        durationMs: end - start,
      });
    }
  });
  return { segments, downtime };
}

/**
 * When a unit's figures start: the date set on the unit when there is one (test data may
 * precede go-live, and a planner knows when the unit went into service), else its first data.
 * Null: neither, so nothing counts yet.
 */
export function commissioning(unit: { setAt?: number | undefined; firstData?: readonly (number | undefined)[] }): number | null {
  if (unit.setAt !== undefined) return unit.setAt;
  const known = (unit.firstData ?? []).filter((t): t is number => t !== undefined && Number.isFinite(t));
  return known.length ? Math.min(...known) : null;
}

/**
 * A unit's day rolled up from its minute items (docs/telemetry.md, "Daily items"): small enough
 * that a group's day is one item, and exact where OEE needs it to be.
 *
 * Exactness. OEE counts are `countIndex(...).between(a, b)` over planned pieces (planned-interval
 * and material-change boundaries). `between` reads the cumulative production C at a and b; C is
 * a sum of `counterDelta`s between consecutive readings, spread evenly inside a delta. A day
 * keeps only some of its readings, yet gives the same C at every time that matters:
 * - within a run where neither counter drops, the deltas telescope, so the run's ends are
 *   enough; every reading on either side of a drop (reset or rollover) is kept;
 * - at a boundary b, C(b) is interpolated between the last reading before b and the first after
 *   it: both are kept for every b in `cuts` (the unit's planned-interval and context edges as the
 *   rollup saw them), and the day's first and last readings are kept for the day's own edges.
 * So `between` over the kept readings equals the minute-based figure for every boundary in
 * `cuts` and every boundary outside the day's readings. A boundary that appeared later (a
 * planned stop added afterwards, a corrected operation) is not in `cuts`: readers then use the
 * minute items while they exist (shared/telemetry/service.ts).
 *
 * Seen spans (the timeline's silence check) are merged across silences up to `seenGapMs`: the
 * timeline finds the same offline gaps for any unit whose offlineAfterMs is at least that.
 */
import type { CounterSegment, CountsPoint } from './counters.ts';
import type { ProcessAggregate, ProcessAggregates } from './process.ts';
import type { UnitMinute } from './repository.ts';
import type { SeenSpan } from './timeline.ts';

export interface UnitDay {
  /** The counter readings kept, in time order. */
  readings: CountsPoint[];
  /** Boundaries (epoch ms) the readings were kept around, besides the day's own edges. */
  cuts: number[];
  /** When data was seen, silences of at most `seenGapMs` merged. */
  seen: SeenSpan[];
  seenGapMs: number;
  /** The day's process aggregates per value (`seconds` is a minute's notion: empty here). */
  process: ProcessAggregates;
  firstSeen: number;
  lastSeen: number;
}

const byTime = (a: CountsPoint, b: CountsPoint) => a.ts - b.ts || a.good - b.good || a.reject - b.reject;
const same = (a: CountsPoint, b: CountsPoint) => a.ts === b.ts && a.good === b.good && a.reject === b.reject;

/** The readings a day keeps: ends, both sides of every drop, and both sides of every cut. */
export function keptReadings(segments: readonly CounterSegment[], cuts: readonly number[]): CountsPoint[] {
  const all: CountsPoint[] = [];
  for (const s of segments) {
    all.push({ ts: s.startTs, good: s.startGood, reject: s.startReject });
    all.push({ ts: s.endTs, good: s.endGood, reject: s.endReject });
  }
  all.sort(byTime);
  const points = all.filter((p, i) => i === 0 || !same(all[i - 1]!, p));
  if (points.length === 0) return [];
  const keep = new Set<number>([0, points.length - 1]);
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]!;
    const p = points[i]!;
    if (p.good < prev.good || p.reject < prev.reject) keep.add(i - 1).add(i);
  }
  for (const cut of cuts) {
    // The last reading before the cut, every reading at it, and the first after it.
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid]!.ts < cut) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) keep.add(lo - 1);
    let i = lo;
    while (i < points.length && points[i]!.ts === cut) keep.add(i++);
    if (i < points.length) keep.add(i);
  }
  return [...keep].sort((a, b) => a - b).map((i) => points[i]!);
}

/** Kept readings as segments countIndex reads (each reading a segment of one point). */
export const readingsAsSegments = (readings: readonly CountsPoint[]): CounterSegment[] =>
  readings.map((r) => ({ startTs: r.ts, startGood: r.good, startReject: r.reject, endTs: r.ts, endGood: r.good, endReject: r.reject }));

/** Seen spans in time order, those apart by at most `gapMs` merged into one. */
export function mergeSeen(spans: readonly SeenSpan[], gapMs: number): SeenSpan[] {
  const out: SeenSpan[] = [];
  for (const s of [...spans].sort((a, b) => a.first - b.first)) {
    const last = out[out.length - 1];
    if (last && s.first - last.last <= gapMs) last.last = Math.max(last.last, s.last);
    else out.push({ first: s.first, last: s.last });
  }
  return out;
}

function mergeAggregate(a: ProcessAggregate | undefined, b: ProcessAggregate): ProcessAggregate {
  if (!a) return { ...b, seconds: '' };
  const later = b.lastTs > a.lastTs || (b.lastTs === a.lastTs && b.last > a.last);
  return {
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    sum: a.sum + b.sum,
    count: a.count + b.count,
    last: later ? b.last : a.last,
    lastTs: later ? b.lastTs : a.lastTs,
    seconds: '',
    outOfLimits: a.outOfLimits + b.outOfLimits,
  };
}

/** Pure: one unit's day from its minute items (any order), cut where the rollup was told to. */
export function rollUpUnitDay(minutes: readonly UnitMinute[], options: { cuts: readonly number[]; seenGapMs: number }): UnitDay {
  const process: ProcessAggregates = {};
  for (const m of minutes) for (const [name, a] of Object.entries(m.process)) process[name] = mergeAggregate(process[name], a);
  const cuts = [...new Set(options.cuts)].sort((a, b) => a - b);
  return {
    readings: keptReadings(
      minutes.flatMap((m) => m.counts),
      cuts,
    ),
    cuts,
    seen: mergeSeen(
      minutes.map((m) => ({ first: m.firstSeen, last: m.lastSeen })),
      options.seenGapMs,
    ),
    seenGapMs: options.seenGapMs,
    process,
    firstSeen: Math.min(...minutes.map((m) => m.firstSeen)),
    lastSeen: Math.max(...minutes.map((m) => m.lastSeen)),
  };
}

/**
 * Whether a day answers for these boundaries exactly: each one inside the day's readings is one
 * the day was cut at, and the reader's silence threshold merges no more than the rollup did.
 */
export function dayAnswers(day: UnitDay, boundaries: readonly number[], offlineAfterMs: number): boolean {
  if (offlineAfterMs < day.seenGapMs) return false;
  const first = day.readings[0]?.ts;
  const last = day.readings.at(-1)?.ts;
  if (first === undefined || last === undefined) return true;
  const cuts = new Set(day.cuts);
  return boundaries.every((b) => b <= first || b >= last || cuts.has(b));
}

/** A group's day: each unit's day, by unit id. */
export interface DayBucket {
  tenantId: string;
  group: number;
  /** UTC day start, epoch ms. */
  day: number;
  units: Record<string, UnitDay>;
}

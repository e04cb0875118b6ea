/**
 * Cumulative machine counters (good, reject) as PLCs keep them, summarised as monotonic
 * segments so that a storage item stays small however many samples arrive, and so that a lost,
 * duplicated, late or reordered sample costs nothing.
 *
 * A segment is a run of samples, in time order, in which neither counter decreases; only its
 * first and last samples are kept. A sample lower than the one before it in time (in either
 * counter) starts a new segment: a reset or a rollover, told apart only when counting
 * (`countDeltas`), where the counter's maximum is known.
 *
 * Guarantees of `mergeCountSamples` (property-tested in test/unit/telemetry-counter-merge.test.ts):
 * - merging the same batch again changes nothing, and neither does any redelivered part of it;
 *   a redelivered sample of an earlier batch changes nothing either, except in the hidden-reset
 *   case below (it then restores a reading the summary had forgotten);
 * - the result does not depend on the order of samples or on how they are split into batches,
 *   provided no reset is hidden inside a merged segment (see "Approximation" below). Counters
 *   that only grow (the usual minute), and resets or rollovers that leave the counter below every
 *   earlier reading of the item, always satisfy this.
 *
 * Approximation: a segment forgets its inner samples. If a counter is reset and climbs back
 * above an earlier reading of the same item (hidden: the segment's endpoints still look
 * monotonic), and the samples revealing the reset arrive only after the segment was merged, the
 * split is made from the endpoints that are left, and up to the counts between the forgotten
 * inner samples and the reset are lost. Within a one-minute item this needs a reset and a climb
 * past the old value inside one minute plus out-of-order delivery.
 */

export interface CounterSegment {
  startTs: number;
  startGood: number;
  startReject: number;
  endTs: number;
  endGood: number;
  endReject: number;
}

/** One reading of both counters; `CountsSample` (shared/telemetry/messages.ts) is one. */
export interface CountsPoint {
  ts: number;
  good: number;
  reject: number;
}

export interface CounterOptions {
  /** The largest value the PLC counter holds before wrapping to 0 (UDINT by default). */
  counterMax?: number;
  /** A drop from above this share of `counterMax` is a rollover, otherwise a reset. */
  rolloverThreshold?: number;
}

export const DEFAULT_COUNTER_MAX = 2 ** 32 - 1;
export const DEFAULT_ROLLOVER_THRESHOLD = 0.9;

/** The stored form (docs/telemetry.md): `[startTs, startGood, startReject, endTs, endGood, endReject]`. */
export type CounterSegmentTuple = [number, number, number, number, number, number];

export const segmentToTuple = (s: CounterSegment): CounterSegmentTuple => [s.startTs, s.startGood, s.startReject, s.endTs, s.endGood, s.endReject];
export const segmentFromTuple = ([startTs, startGood, startReject, endTs, endGood, endReject]: readonly number[]): CounterSegment => ({
  startTs: startTs ?? 0,
  startGood: startGood ?? 0,
  startReject: startReject ?? 0,
  endTs: endTs ?? 0,
  endGood: endGood ?? 0,
  endReject: endReject ?? 0,
});

/** `b` may follow `a` in one segment: neither counter went down. */
const continues = (a: CountsPoint, b: CountsPoint) => b.good >= a.good && b.reject >= a.reject;

/** Time order; equal timestamps by value, so conflicting readings sort the same way in every run. */
const byTime = (a: CountsPoint, b: CountsPoint) => a.ts - b.ts || a.good - b.good || a.reject - b.reject;
const same = (a: CountsPoint, b: CountsPoint) => a.ts === b.ts && a.good === b.good && a.reject === b.reject;

/**
 * Merges samples into an item's segments and returns the new segments (the inputs are not
 * changed). The segments are the endpoints of the maximal monotonic runs of all known readings
 * in time order, so an item that saw only growth has exactly one segment.
 */
export function mergeCountSamples(segments: readonly CounterSegment[], samples: readonly CountsPoint[]): CounterSegment[] {
  const points: CountsPoint[] = [];
  for (const s of segments) {
    points.push({ ts: s.startTs, good: s.startGood, reject: s.startReject });
    points.push({ ts: s.endTs, good: s.endGood, reject: s.endReject });
  }
  for (const s of samples) points.push({ ts: s.ts, good: s.good, reject: s.reject });
  points.sort(byTime);

  const out: CounterSegment[] = [];
  let prev: CountsPoint | undefined;
  for (const p of points) {
    if (prev && same(prev, p)) continue;
    const current = out[out.length - 1];
    if (current && prev && continues(prev, p)) {
      current.endTs = p.ts;
      current.endGood = p.good;
      current.endReject = p.reject;
    } else {
      out.push({ startTs: p.ts, startGood: p.good, startReject: p.reject, endTs: p.ts, endGood: p.good, endReject: p.reject });
    }
    prev = p;
  }
  return out;
}

/** How one counter moved between two readings. */
export type CounterChange = 'increase' | 'reset' | 'rollover';

/** Production observed between two consecutive readings, `fromTs` to `toTs`. */
export interface CountDelta {
  fromTs: number;
  toTs: number;
  good: number;
  reject: number;
  goodChange: CounterChange;
  rejectChange: CounterChange;
}

/**
 * What one counter produced from `prev` to `next`.
 * - Not lower: the difference.
 * - Lower, from near the maximum: one rollover, `(max - prev) + next + 1` (the wrap to 0 is one count).
 * - Lower otherwise: a reset to 0, so `next` was produced since; what was produced between
 *   `prev` and the reset is unknown and not counted (the approximation of every reset).
 */
export function counterDelta(prev: number, next: number, options: CounterOptions = {}): { produced: number; change: CounterChange } {
  if (next >= prev) return { produced: next - prev, change: 'increase' };
  const max = options.counterMax ?? DEFAULT_COUNTER_MAX;
  const threshold = options.rolloverThreshold ?? DEFAULT_ROLLOVER_THRESHOLD;
  if (prev <= max && prev >= threshold * max && next <= max) return { produced: max - prev + next + 1, change: 'rollover' };
  return { produced: next, change: 'reset' };
}

/**
 * Production between consecutive known readings (the ends of the segments, from any number of
 * items, e.g. the minute items of a day), in time order, unchanged readings left out. The
 * segments are not merged with each other: each item's ends are readings that place counts in
 * time, and merging would spread a day's production evenly over the day.
 */
export function countDeltas(segments: readonly CounterSegment[], options: CounterOptions = {}): CountDelta[] {
  const points: CountsPoint[] = [];
  for (const s of segments) {
    points.push({ ts: s.startTs, good: s.startGood, reject: s.startReject });
    points.push({ ts: s.endTs, good: s.endGood, reject: s.endReject });
  }
  points.sort(byTime);
  const out: CountDelta[] = [];
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]!;
    const next = points[i]!;
    if (same(prev, next)) continue;
    const good = counterDelta(prev.good, next.good, options);
    const reject = counterDelta(prev.reject, next.reject, options);
    if (good.produced === 0 && reject.produced === 0 && good.change === 'increase' && reject.change === 'increase') continue;
    out.push({ fromTs: prev.ts, toTs: next.ts, good: good.produced, reject: reject.produced, goodChange: good.change, rejectChange: reject.change });
  }
  return out;
}

export interface ProducedCounts {
  good: number;
  reject: number;
}

/** Counts produced between any two times, from readings indexed once (many ranges over one day: operations, shifts). */
export interface CountIndex {
  between(fromTs: number, toTs: number): ProducedCounts;
}

/**
 * Indexes the readings once: deltas in time order with prefix sums, so each range costs a
 * binary search instead of a sort of all readings.
 *
 * Approximation: between two readings the counts are spread evenly over time (we only know
 * how many were made in that span, not when). A segment keeps only its first and last
 * reading, so with one-minute items counts are placed in time to within about a minute;
 * segments merged over a longer span spread over all of it, stops included. A range is
 * `round(C(to)) - round(C(from))` of the cumulative production C, so it is a whole number,
 * never negative, exact whenever both bounds fall outside the readings' span or on readings,
 * and adjacent ranges add up exactly to the range they tile (shifts and operations sum to the day).
 */
export function countIndex(segments: readonly CounterSegment[], options: CounterOptions = {}): CountIndex {
  // Deltas are consecutive, so they are ordered by both ends; prefix[i] = production of deltas before i.
  const deltas = countDeltas(segments, options);
  const prefixGood = [0];
  const prefixReject = [0];
  for (const d of deltas) {
    prefixGood.push(prefixGood[prefixGood.length - 1]! + d.good);
    prefixReject.push(prefixReject[prefixReject.length - 1]! + d.reject);
  }
  /** Production before `t`, unrounded: whole deltas that ended before it, plus a share of the one it falls in. */
  const cumulative = (t: number): ProducedCounts => {
    // First delta not wholly before t (an instant one at t is not before t).
    let lo = 0;
    let hi = deltas.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const d = deltas[mid]!;
      if (d.toTs < t || (d.toTs === t && d.toTs > d.fromTs)) lo = mid + 1;
      else hi = mid;
    }
    let good = prefixGood[lo]!;
    let reject = prefixReject[lo]!;
    const d = deltas[lo];
    if (d && d.toTs > d.fromTs && t > d.fromTs) {
      const share = (t - d.fromTs) / (d.toTs - d.fromTs);
      good += d.good * share;
      reject += d.reject * share;
    }
    return { good, reject };
  };
  return {
    between(fromTs, toTs) {
      if (toTs <= fromTs) return { good: 0, reject: 0 };
      const a = cumulative(fromTs);
      const b = cumulative(toTs);
      return { good: Math.round(b.good) - Math.round(a.good), reject: Math.round(b.reject) - Math.round(a.reject) };
    },
  };
}

/** Good and reject counts produced in `[fromTs, toTs)`; see `countIndex` for how, and use it for many ranges. */
export function countsBetween(segments: readonly CounterSegment[], fromTs: number, toTs: number, options: CounterOptions = {}): ProducedCounts {
  return countIndex(segments, options).between(fromTs, toTs);
}

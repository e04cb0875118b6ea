/**
 * Half-open time intervals `[start, end)` in epoch milliseconds, and the set operations the
 * shift calendar, the timeline and OEE share. Every function takes any order and overlaps and
 * returns sorted, disjoint, non-empty intervals, so callers never normalise by hand.
 */
export interface Interval {
  start: number;
  end: number;
}

/** Sorted, merged, empty intervals dropped. Touching intervals merge (`[0,5)` + `[5,9)` = `[0,9)`). */
export function unionIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** The time covered by both. */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const x = unionIntervals(a);
  const y = unionIntervals(b);
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const p = x[i]!;
    const q = y[j]!;
    const start = Math.max(p.start, q.start);
    const end = Math.min(p.end, q.end);
    if (end > start) out.push({ start, end });
    if (p.end < q.end) i++;
    else j++;
  }
  return out;
}

/** The time in `a` not covered by `b`. */
export function subtractIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const cut = unionIntervals(b);
  const out: Interval[] = [];
  for (const i of unionIntervals(a)) {
    let start = i.start;
    for (const c of cut) {
      if (c.end <= start || c.start >= i.end) continue;
      if (c.start > start) out.push({ start, end: c.start });
      start = Math.max(start, c.end);
    }
    if (i.end > start) out.push({ start, end: i.end });
  }
  return out;
}

/** Total covered time; overlaps count once. */
export function totalMs(intervals: readonly Interval[]): number {
  return unionIntervals(intervals).reduce((sum, i) => sum + (i.end - i.start), 0);
}

/** How much of `interval` the (normalised) `intervals` cover. */
export function overlapMs(interval: Interval, intervals: readonly Interval[]): number {
  return totalMs(intersectIntervals([interval], intervals));
}

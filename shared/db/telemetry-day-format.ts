/**
 * How one unit's day is stored inside a group's day item: compact like the minute format
 * (telemetry-bucket-format.ts), since a group's day holds every unit of the group.
 */
import type { UnitDay } from '../domain/telemetry/rollup.ts';
import type { ProcessTuple } from './telemetry-bucket-format.ts';

export interface StoredUnitDay {
  /** Kept readings: [ts, good, reject]. */
  r?: [number, number, number][];
  /** Cuts. */
  k?: number[];
  /** Seen spans [first, last], merged across silences up to `g` ms. */
  s?: [number, number][];
  g: number;
  p?: Record<string, ProcessTuple>;
  f: number;
  l: number;
}

export function readUnitDay(stored: StoredUnitDay): UnitDay {
  return {
    readings: (stored.r ?? []).map(([ts, good, reject]) => ({ ts, good, reject })),
    cuts: stored.k ?? [],
    seen: (stored.s ?? []).map(([first, last]) => ({ first, last })),
    seenGapMs: stored.g,
    process: Object.fromEntries(
      Object.entries(stored.p ?? {}).map(([name, [min, max, sum, count, last, lastTs, seconds, outOfLimits]]) => [
        name,
        { min, max, sum, count, last, lastTs, seconds, outOfLimits },
      ]),
    ),
    firstSeen: stored.f,
    lastSeen: stored.l,
  };
}

export function writeUnitDay(day: UnitDay): StoredUnitDay {
  const process = Object.entries(day.process);
  return {
    ...(day.readings.length ? { r: day.readings.map((r) => [r.ts, r.good, r.reject] as [number, number, number]) } : {}),
    ...(day.cuts.length ? { k: day.cuts } : {}),
    ...(day.seen.length ? { s: day.seen.map((s) => [s.first, s.last] as [number, number]) } : {}),
    g: day.seenGapMs,
    ...(process.length
      ? {
          p: Object.fromEntries(
            process.map(([n, a]) => [n, [a.min, a.max, a.sum, a.count, a.last, a.lastTs, a.seconds, a.outOfLimits] as ProcessTuple]),
          ),
        }
      : {}),
    f: day.firstSeen,
    l: day.lastSeen,
  };
}

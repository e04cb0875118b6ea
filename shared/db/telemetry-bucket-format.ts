/**
 * How one unit's minute is stored inside a group's minute item. Compact on purpose: a write
 * costs a WRU per KB of the whole item, and every batch rewrites the items it touches, so
 * attribute names repeated per unit and per value would be paid for again and again.
 * Only the telemetry repository reads and writes it: everything above it sees UnitMinute.
 */
import { type CounterSegmentTuple, segmentFromTuple, segmentToTuple } from '../domain/telemetry/counters.ts';
import type { ProcessAggregate } from '../domain/telemetry/process.ts';
import type { UnitMinute } from '../domain/telemetry/repository.ts';

/** [min, max, sum, count, last, lastTs, seconds (hex mask), outOfLimits] */
export type ProcessTuple = [number, number, number, number, number, number, string, number];

export interface StoredUnitMinute {
  /** Counter segments. */
  c?: CounterSegmentTuple[];
  /** Process aggregates by value name. */
  p?: Record<string, ProcessTuple>;
  /** First and last sample time seen (epoch ms). */
  f: number;
  l: number;
}

const processToTuple = (a: ProcessAggregate): ProcessTuple => [a.min, a.max, a.sum, a.count, a.last, a.lastTs, a.seconds, a.outOfLimits];
const processFromTuple = ([min, max, sum, count, last, lastTs, seconds, outOfLimits]: ProcessTuple): ProcessAggregate => ({
  min,
  max,
  sum,
  count,
  last,
  lastTs,
  seconds,
  outOfLimits,
});

export function readUnitMinute(stored: StoredUnitMinute | undefined): UnitMinute | undefined {
  if (!stored) return undefined;
  return {
    counts: (stored.c ?? []).map(segmentFromTuple),
    process: Object.fromEntries(Object.entries(stored.p ?? {}).map(([name, t]) => [name, processFromTuple(t)])),
    firstSeen: stored.f,
    lastSeen: stored.l,
  };
}

export function writeUnitMinute(unit: UnitMinute): StoredUnitMinute {
  const process = Object.entries(unit.process);
  return {
    ...(unit.counts.length ? { c: unit.counts.map(segmentToTuple) } : {}),
    ...(process.length ? { p: Object.fromEntries(process.map(([name, a]) => [name, processToTuple(a)])) } : {}),
    f: unit.firstSeen,
    l: unit.lastSeen,
  };
}

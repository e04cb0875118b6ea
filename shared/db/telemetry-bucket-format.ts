/**
 * How one unit's minute is stored inside a group's minute item. Compact on purpose: a write
 * costs a WRU per KB of the whole item, and every batch rewrites the items it touches, so
 * attribute names repeated per unit and per value would be paid for again and again.
 * Times inside the minute are kept as milliseconds from its start (5 digits instead of 13: about a
 * tenth of a unit's bytes); items written before that hold epoch milliseconds, and read the same,
 * since no time of a minute is below a minute's length unless the minute starts at 0.
 * Only the telemetry repository reads and writes it: everything above it sees UnitMinute.
 */
import { type CounterSegmentTuple, segmentFromTuple, segmentToTuple } from '../domain/telemetry/counters.ts';
import type { ProcessAggregate } from '../domain/telemetry/process.ts';
import type { UnitMinute } from '../domain/telemetry/repository.ts';

/** [min, max, sum, count, last, lastTs (from the minute), seconds (hex mask), outOfLimits] */
export type ProcessTuple = [number, number, number, number, number, number, string, number];

export interface StoredUnitMinute {
  /** Counter segments. */
  c?: CounterSegmentTuple[];
  /** Process aggregates by value name. */
  p?: Record<string, ProcessTuple>;
  /** First and last sample time seen (ms from the minute's start; epoch ms in older items). */
  f: number;
  l: number;
}

const MINUTE_MS = 60_000;

/** A time of the minute as stored: its offset when it lies inside the minute, else as it is. */
const toStored = (t: number, minute: number) => (t >= minute && t - minute < MINUTE_MS ? t - minute : t);
/** Back from storage: an offset is below a minute's length; an epoch time (older items, or outside the minute) is not. */
const fromStored = (t: number, minute: number) => (t >= 0 && t < MINUTE_MS ? minute + t : t);

const processToTuple = (a: ProcessAggregate, minute: number): ProcessTuple => [
  a.min,
  a.max,
  a.sum,
  a.count,
  a.last,
  toStored(a.lastTs, minute),
  a.seconds,
  a.outOfLimits,
];
const processFromTuple = ([min, max, sum, count, last, lastTs, seconds, outOfLimits]: ProcessTuple, minute: number): ProcessAggregate => ({
  min,
  max,
  sum,
  count,
  last,
  lastTs: fromStored(lastTs, minute),
  seconds,
  outOfLimits,
});

const segmentToStored = (tuple: CounterSegmentTuple, minute: number): CounterSegmentTuple => {
  const [startTs, startGood, startReject, endTs, endGood, endReject] = tuple;
  return [toStored(startTs, minute), startGood, startReject, toStored(endTs, minute), endGood, endReject];
};
const segmentFromStored = (tuple: CounterSegmentTuple, minute: number): CounterSegmentTuple => {
  const [startTs, startGood, startReject, endTs, endGood, endReject] = tuple;
  return [fromStored(startTs, minute), startGood, startReject, fromStored(endTs, minute), endGood, endReject];
};

/** `minute`: the start (epoch ms) of the minute the item holds. */
export function readUnitMinute(stored: StoredUnitMinute | undefined, minute: number): UnitMinute | undefined {
  if (!stored) return undefined;
  return {
    counts: (stored.c ?? []).map((t) => segmentFromTuple(segmentFromStored(t, minute))),
    process: Object.fromEntries(Object.entries(stored.p ?? {}).map(([name, t]) => [name, processFromTuple(t, minute)])),
    firstSeen: fromStored(stored.f, minute),
    lastSeen: fromStored(stored.l, minute),
  };
}

export function writeUnitMinute(unit: UnitMinute, minute: number): StoredUnitMinute {
  const process = Object.entries(unit.process);
  return {
    ...(unit.counts.length ? { c: unit.counts.map((s) => segmentToStored(segmentToTuple(s), minute)) } : {}),
    ...(process.length ? { p: Object.fromEntries(process.map(([name, a]) => [name, processToTuple(a, minute)])) } : {}),
    f: toStored(unit.firstSeen, minute),
    l: toStored(unit.lastSeen, minute),
  };
}

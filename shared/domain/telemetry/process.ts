/**
 * Process values (temperature, pressure, ...) aggregated per name per one-minute item:
 * min, max, sum, count, last, and which seconds of the minute were already counted, so a
 * redelivered sample (QoS 1, a retried batch) is not counted twice.
 *
 * Merges are idempotent and independent of order and batching: min, max and last are lattice
 * operations, and sum, count and the out-of-limit count take at most one sample per second,
 * marked in the seconds mask. Two different samples of one name in the same second are a
 * device sending faster than the 1 s resolution: both reach min, max and last, but only the
 * first merged reaches the mean (within one batch, the lowest).
 */

export interface ProcessLimits {
  min?: number | undefined;
  max?: number | undefined;
}

export interface ProcessAggregate {
  min: number;
  max: number;
  sum: number;
  count: number;
  /** The value with the latest timestamp (ties: the larger value, so the order never matters). */
  last: number;
  lastTs: number;
  /**
   * Seconds of the minute already counted: bit i = second i, as 15 hex digits. 60 bits do
   * not fit a JavaScript number exactly (integers are exact only up to 2**53), a BigInt
   * does not survive JSON or the DynamoDB document client, and a fixed-width hex string is
   * exact, 15 bytes, and readable in the console.
   */
  seconds: string;
  /** Samples outside the limits given when they were merged (counted once per second, like `count`). */
  outOfLimits: number;
}

/** Aggregates of one unit in one minute item, by process value name. */
export type ProcessAggregates = Record<string, ProcessAggregate>;

export interface ProcessPoint {
  ts: number;
  value: number;
}

/** A process sample as `ProcessSample` in shared/telemetry/messages.ts carries it. */
export interface ProcessValuesSample {
  ts: number;
  values: Readonly<Record<string, number>>;
}

export const BUCKET_MS = 60_000;
const NO_SECONDS = '0'.repeat(15);

/** Inclusive limits: a value on the limit is in specification. */
export function outOfLimits(value: number, limits: ProcessLimits | undefined): boolean {
  if (!limits) return false;
  return (limits.min !== undefined && value < limits.min) || (limits.max !== undefined && value > limits.max);
}

/** Which second of the item's minute `ts` falls in; a sample of another minute is a caller bug. */
function secondOf(bucketStartTs: number, ts: number): number {
  const second = Math.floor((ts - bucketStartTs) / 1000);
  if (second < 0 || second >= 60) throw new RangeError(`sample at ${ts} is outside the minute starting at ${bucketStartTs}`);
  return second;
}

const toMask = (hex: string) => BigInt(`0x${hex || '0'}`);
const toHex = (mask: bigint) => mask.toString(16).padStart(15, '0');

/**
 * Merges one name's values of one minute into its aggregate (undefined when the name is new).
 * Non-finite values are skipped: the schema rejects them, and one NaN would poison min and
 * max for the whole minute. Returns undefined only when there was nothing to merge.
 */
export function mergeProcessValues(
  aggregate: ProcessAggregate | undefined,
  bucketStartTs: number,
  points: readonly ProcessPoint[],
  limits?: ProcessLimits,
): ProcessAggregate | undefined {
  const sorted = points.filter((p) => Number.isFinite(p.value)).sort((a, b) => a.ts - b.ts || a.value - b.value);
  if (sorted.length === 0) return aggregate && { ...aggregate };
  const first = sorted[0]!;
  const next: ProcessAggregate = aggregate
    ? { ...aggregate }
    : { min: first.value, max: first.value, sum: 0, count: 0, last: first.value, lastTs: first.ts, seconds: NO_SECONDS, outOfLimits: 0 };
  let mask = toMask(next.seconds);
  for (const p of sorted) {
    const bit = 1n << BigInt(secondOf(bucketStartTs, p.ts));
    next.min = Math.min(next.min, p.value);
    next.max = Math.max(next.max, p.value);
    if (p.ts > next.lastTs || (p.ts === next.lastTs && p.value > next.last)) {
      next.last = p.value;
      next.lastTs = p.ts;
    }
    if ((mask & bit) !== 0n) continue;
    mask |= bit;
    next.sum += p.value;
    next.count += 1;
    if (outOfLimits(p.value, limits)) next.outOfLimits += 1;
  }
  next.seconds = toHex(mask);
  return next;
}

/**
 * Merges process samples of one unit and one minute into that item's aggregates; returns new
 * aggregates (the input is not changed). `limits` by name, when the running operation's
 * routing has them, feed the out-of-limit count.
 */
export function mergeProcessSamples(
  aggregates: Readonly<ProcessAggregates> | undefined,
  bucketStartTs: number,
  samples: readonly ProcessValuesSample[],
  limits?: Readonly<Record<string, ProcessLimits>>,
): ProcessAggregates {
  const byName = new Map<string, ProcessPoint[]>();
  for (const s of samples) {
    for (const [name, value] of Object.entries(s.values)) {
      let list = byName.get(name);
      if (!list) byName.set(name, (list = []));
      list.push({ ts: s.ts, value });
    }
  }
  const out: ProcessAggregates = { ...aggregates };
  for (const [name, points] of byName) {
    const merged = mergeProcessValues(out[name], bucketStartTs, points, limits?.[name]);
    if (merged) out[name] = merged;
  }
  return out;
}

export interface ProcessSummary {
  count: number;
  min: number | null;
  max: number | null;
  /** Mean of the counted samples (not time-weighted); null without any. */
  mean: number | null;
  last: number | null;
  lastTs: number | null;
  outOfLimits: number;
}

/** One name over many minute items (an operation, a shift). */
export function summarize(aggregates: readonly (ProcessAggregate | undefined)[]): ProcessSummary {
  const present = aggregates.filter((a): a is ProcessAggregate => a !== undefined);
  if (present.length === 0) return { count: 0, min: null, max: null, mean: null, last: null, lastTs: null, outOfLimits: 0 };
  let { min, max, last, lastTs } = present[0]!;
  let sum = 0;
  let count = 0;
  let out = 0;
  for (const a of present) {
    min = Math.min(min, a.min);
    max = Math.max(max, a.max);
    if (a.lastTs > lastTs || (a.lastTs === lastTs && a.last > last)) {
      last = a.last;
      lastTs = a.lastTs;
    }
    sum += a.sum;
    count += a.count;
    out += a.outOfLimits;
  }
  // Floating-point sums can push the mean of equal values a hair outside [min, max].
  const mean = count > 0 ? Math.min(max, Math.max(min, sum / count)) : null;
  return { count, min, max, mean, last, lastTs, outOfLimits: out };
}

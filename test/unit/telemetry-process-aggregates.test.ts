import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type ProcessAggregate,
  type ProcessPoint,
  mergeProcessSamples,
  mergeProcessValues,
  outOfLimits,
  summarize,
} from '#shared/domain/telemetry/process.ts';

const MINUTE = Date.UTC(2025, 2, 3, 6, 0);
const sec = (s: number, ms = 0) => MINUTE + s * 1000 + ms;

const mergeBatches = (batches: readonly (readonly ProcessPoint[])[]) =>
  batches.reduce<ProcessAggregate | undefined>((agg, b) => mergeProcessValues(agg, MINUTE, b, { min: 10, max: 90 }), undefined);

/** Values exact in binary (quarters), so sums do not depend on the order of addition. */
const quarter = fc.integer({ min: -4000, max: 4000 }).map((n) => n / 4);
/** At most one sample per second, as devices send them (redeliveries come on top). */
const minuteOfSamples = fc
  .uniqueArray(fc.record({ second: fc.integer({ min: 0, max: 59 }), ms: fc.integer({ min: 0, max: 999 }), value: quarter }), {
    minLength: 1,
    maxLength: 60,
    selector: (s) => s.second,
  })
  .map((list) => list.map((s) => ({ ts: sec(s.second, s.ms), value: s.value })));

describe('process value aggregates', () => {
  it('keeps min, max, sum, count, last and the seconds counted, per name', () => {
    const aggs = mergeProcessSamples(
      undefined,
      MINUTE,
      [
        { ts: sec(0), values: { temp: 80, pressure: 2 } },
        { ts: sec(59, 999), values: { temp: 82 } },
        { ts: sec(30), values: { temp: 95 } },
      ],
      { temp: { max: 90 } },
    );
    assert.deepEqual(aggs.temp, { min: 80, max: 95, sum: 257, count: 3, last: 82, lastTs: sec(59, 999), seconds: '800000040000001', outOfLimits: 1 });
    assert.equal(aggs.pressure?.count, 1);
    assert.equal(aggs.pressure?.outOfLimits, 0);
  });

  it('counts a redelivered sample once', () => {
    const once = mergeProcessSamples(undefined, MINUTE, [{ ts: sec(5), values: { temp: 80 } }]);
    const again = mergeProcessSamples(once, MINUTE, [
      { ts: sec(5), values: { temp: 80 } },
      { ts: sec(6), values: { temp: 70 } },
    ]);
    assert.equal(again.temp?.count, 2);
    assert.equal(again.temp?.sum, 150);
  });

  it('refuses a sample from another minute: the caller picked the wrong item', () => {
    assert.throws(() => mergeProcessValues(undefined, MINUTE, [{ ts: sec(60), value: 1 }]), RangeError);
    assert.throws(() => mergeProcessValues(undefined, MINUTE, [{ ts: MINUTE - 1, value: 1 }]), RangeError);
  });

  it('skips values that are not finite', () => {
    assert.equal(mergeProcessValues(undefined, MINUTE, [{ ts: sec(1), value: Number.NaN }]), undefined);
    assert.equal(
      mergeProcessValues(undefined, MINUTE, [
        { ts: sec(1), value: Number.NaN },
        { ts: sec(2), value: 3 },
      ])?.max,
      3,
    );
  });

  it('keeps 60 seconds exactly (beyond 2**53)', () => {
    const all = Array.from({ length: 60 }, (_, s) => ({ ts: sec(s), value: s }));
    const agg = mergeProcessValues(undefined, MINUTE, all)!;
    assert.equal(agg.seconds, 'fffffffffffffff');
    assert.deepEqual(mergeProcessValues(agg, MINUTE, all), agg);
  });

  it('treats limits as inclusive', () => {
    assert.equal(outOfLimits(10, { min: 10, max: 20 }), false);
    assert.equal(outOfLimits(20.0001, { min: 10, max: 20 }), true);
    assert.equal(outOfLimits(-5, { max: 20 }), false);
    assert.equal(outOfLimits(-5, undefined), false);
  });

  it('summarizes minutes into min, max, mean, count and last; nothing gives nulls', () => {
    const a = mergeProcessValues(undefined, MINUTE, [
      { ts: sec(1), value: 10 },
      { ts: sec(2), value: 20 },
    ])!;
    const b = mergeProcessValues(undefined, MINUTE + 60_000, [{ ts: sec(61), value: 60 }])!;
    assert.deepEqual(summarize([b, undefined, a]), { count: 3, min: 10, max: 60, mean: 30, last: 60, lastTs: sec(61), outOfLimits: 0 });
    assert.deepEqual(summarize([]), { count: 0, min: null, max: null, mean: null, last: null, lastTs: null, outOfLimits: 0 });
  });

  it('property: idempotent, and independent of order, batching and redelivery', () => {
    fc.assert(
      fc.property(
        minuteOfSamples.chain((samples) =>
          fc.tuple(
            fc.constant(samples),
            fc.shuffledSubarray(samples, { minLength: samples.length, maxLength: samples.length }),
            fc.array(fc.nat(), { maxLength: 60 }),
            fc.subarray(samples),
          ),
        ),
        ([samples, shuffled, cuts, again]) => {
          const inOrder = mergeBatches([samples]);
          const batches: ProcessPoint[][] = [[]];
          [...shuffled, ...again].forEach((p, i) => {
            if ((cuts[i] ?? 1) % 4 === 0) batches.push([]);
            batches[batches.length - 1]!.push(p);
          });
          assert.deepEqual(mergeBatches(batches), inOrder);
          assert.deepEqual(mergeProcessValues(inOrder, MINUTE, samples, { min: 10, max: 90 }), inOrder);
          assert.equal(inOrder?.count, samples.length);
        },
      ),
    );
  });

  it('property: min <= mean <= max, for any values', () => {
    const anyValue = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.record({ second: fc.integer({ min: 0, max: 59 }), value: anyValue }), { minLength: 1, maxLength: 20 }), {
          maxLength: 5,
        }),
        (minutes) => {
          const aggs = minutes.map((m, i) =>
            mergeProcessValues(
              undefined,
              MINUTE + i * 60_000,
              m.map((s) => ({ ts: sec(s.second) + i * 60_000, value: s.value })),
            ),
          );
          const s = summarize(aggs);
          if (s.count === 0) return;
          assert.ok(s.min! <= s.mean! && s.mean! <= s.max!, JSON.stringify(s));
        },
      ),
    );
  });
});

/**
 * Day items (shared/domain/telemetry/rollup.ts) give the minute-based counts exactly at every
 * boundary they were cut at, and say so (dayAnswers) only where they do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type CounterSegment, type CountsPoint, countIndex, mergeCountSamples } from '#shared/domain/telemetry/counters.ts';
import type { UnitMinute } from '#shared/domain/telemetry/repository.ts';
import { dayAnswers, mergeSeen, readingsAsSegments, rollUpUnitDay } from '#shared/domain/telemetry/rollup.ts';
import { buildTimeline } from '#shared/domain/telemetry/timeline.ts';

const DAY = 86_400_000;
const MINUTE = 60_000;
const D0 = Date.UTC(2026, 0, 5);

/** Readings as the ingest stores them: merged per minute item. */
function minuteItems(points: readonly CountsPoint[]): Map<number, UnitMinute> {
  const items = new Map<number, UnitMinute>();
  for (const p of points) {
    const minute = Math.floor(p.ts / MINUTE) * MINUTE;
    const item = items.get(minute) ?? { counts: [], process: {}, firstSeen: p.ts, lastSeen: p.ts };
    item.counts = mergeCountSamples(item.counts, [p]);
    item.firstSeen = Math.min(item.firstSeen, p.ts);
    item.lastSeen = Math.max(item.lastSeen, p.ts);
    items.set(minute, item);
  }
  return items;
}

/** Counter readings over `days` days: mostly growing, sometimes reset, at random times. */
const readingsArb = (days: number) =>
  fc
    .array(
      fc.record({ at: fc.integer({ min: 0, max: days * DAY - 1 }), good: fc.integer({ min: 0, max: 50 }), reset: fc.integer({ min: 0, max: 30 }) }),
      {
        minLength: 2,
        maxLength: 300,
      },
    )
    .map((steps) => {
      const sorted = [...steps].sort((a, b) => a.at - b.at);
      let good = 1000;
      let reject = 10;
      return sorted.map((s) => {
        if (s.reset === 0) good = s.good;
        else good += s.good;
        if (s.good % 7 === 0) reject += 1;
        return { ts: D0 + s.at, good, reject };
      });
    });

describe('daily rollup', () => {
  it('gives the minute-based counts of every piece between the boundaries it was cut at', () => {
    fc.assert(
      fc.property(readingsArb(3), fc.array(fc.integer({ min: 0, max: 3 * DAY }), { maxLength: 12 }), (points, offsets) => {
        const items = minuteItems(points);
        const minuteSegments: CounterSegment[] = [...items.values()].flatMap((m) => m.counts);
        const boundaries = [...new Set([D0, D0 + DAY, D0 + 2 * DAY, D0 + 3 * DAY, ...offsets.map((o) => D0 + o)])].sort((a, b) => a - b);
        const daySegments: CounterSegment[] = [];
        for (let day = D0; day < D0 + 3 * DAY; day += DAY) {
          const ofDay = [...items].filter(([m]) => m >= day && m < day + DAY).map(([, item]) => item);
          if (ofDay.length === 0) continue;
          const rolled = rollUpUnitDay(ofDay, { cuts: boundaries.filter((b) => b > day && b < day + DAY), seenGapMs: 120_000 });
          assert.ok(dayAnswers(rolled, boundaries, 120_000));
          daySegments.push(...readingsAsSegments(rolled.readings));
        }
        const byMinute = countIndex(minuteSegments);
        const byDay = countIndex(daySegments);
        for (let i = 1; i < boundaries.length; i++) {
          assert.deepEqual(byDay.between(boundaries[i - 1]!, boundaries[i]!), byMinute.between(boundaries[i - 1]!, boundaries[i]!));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a small part of a busy day: its ends, its resets and both sides of each cut', () => {
    // A reading every 10 s all day, one reset at noon: 8,640 readings, 1,440 minute items.
    const points = Array.from({ length: 8640 }, (_, i) => ({ ts: D0 + i * 10_000, good: i < 4320 ? i : i - 4320, reject: 0 }));
    const cuts = [D0 + 6 * 3_600_000 + 5_000, D0 + 14 * 3_600_000];
    const day = rollUpUnitDay([...minuteItems(points).values()], { cuts, seenGapMs: 120_000 });
    assert.ok(day.readings.length <= 10, `${day.readings.length} readings kept`);
    assert.deepEqual(day.seen, [{ first: D0, last: D0 + 8639 * 10_000 }]);
  });

  it('does not answer for a boundary it was not cut at, nor for a shorter silence than it merged', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ ts: D0 + 3_600_000 + i * MINUTE, good: i, reject: 0 }));
    const day = rollUpUnitDay([...minuteItems(points).values()], { cuts: [D0 + 2 * 3_600_000], seenGapMs: 120_000 });
    assert.equal(dayAnswers(day, [D0 + 2 * 3_600_000], 120_000), true);
    assert.equal(dayAnswers(day, [D0 + 2 * 3_600_000 + 1], 120_000), false, 'a boundary inside its readings that it was not cut at');
    assert.equal(dayAnswers(day, [D0 + 30 * MINUTE, D0 + 20 * 3_600_000], 120_000), true, 'boundaries outside its readings');
    assert.equal(dayAnswers(day, [], 60_000), false, 'a unit that goes offline sooner than the silences merged');
  });

  it('merges seen spans so that the timeline finds the same offline gaps', () => {
    const spans = [
      { first: D0, last: D0 + 50_000 },
      { first: D0 + 110_000, last: D0 + 170_000 },
      { first: D0 + 600_000, last: D0 + 650_000 },
      { first: D0 + 700_000, last: D0 + 760_000 },
    ];
    const merged = mergeSeen(spans, 120_000);
    assert.equal(merged.length, 2);
    const transitions = [{ ts: D0, state: 'running' as const, msgId: 'm' }];
    const timeline = (seen: typeof spans) =>
      buildTimeline({ transitions, seen, from: D0, to: D0 + 900_000, commissionedAt: D0 }, { offlineAfterMs: 120_000 }).segments;
    assert.deepEqual(timeline(merged), timeline(spans));
  });
});

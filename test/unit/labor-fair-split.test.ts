/**
 * The fair split (docs/labor.md): while a person is on N things at once, each moment counts 1/N
 * to each; shifts cut the time; an entry may end earlier than recorded (an operation completed).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { LaborEntry } from '#shared/domain/labor/model.ts';
import { fairSplit, minutes } from '#shared/domain/labor/split.ts';

const T0 = Date.parse('2030-01-07T13:00:00Z');
const at = (m: number) => new Date(T0 + m * 60_000).toISOString();
const entry = (id: string, from: number, to?: number, more: Partial<LaborEntry> = {}): LaborEntry => ({
  entryId: id,
  personnelId: 'p',
  personName: 'P',
  workOrderId: 'WO',
  seq: 10,
  kind: 'run',
  startedAt: at(from),
  startedBy: 'p',
  ...(to === undefined ? {} : { endedAt: at(to) }),
  ...more,
});
const byId = (allocs: ReturnType<typeof fairSplit>) => Object.fromEntries(allocs.map((a) => [a.entry.entryId, minutes(a.ms)]));

describe('labor: the fair split', () => {
  it('gives each of N overlapping entries 1/N of each shared minute', () => {
    const split = fairSplit([entry('a', 0, 60), entry('b', 20, 40), entry('c', 30, 40)], { from: T0, to: T0 + 3_600_000, now: T0 + 3_600_000 });
    // a: 20 alone + 10/2 + 10/3 + 20 alone; b: 10/2 + 10/3; c: 10/3.
    assert.deepEqual(byId(split), { a: 48.33, b: 8.33, c: 3.33 });
  });

  it('cuts at the window, ends open entries now, and ends an entry early when told', () => {
    const window = { from: T0 + 10 * 60_000, to: T0 + 50 * 60_000, now: T0 + 45 * 60_000 };
    assert.deepEqual(byId(fairSplit([entry('a', 0), entry('b', 0, 20)], window)), { a: 45 - 10 - 5, b: 5 });
    const early = fairSplit([entry('a', 0)], { ...window, endOf: () => T0 + 30 * 60_000 });
    assert.deepEqual(byId(early), { a: 20 });
  });

  it('splits by shift', () => {
    const calendar = {
      timeZone: 'UTC',
      shifts: [
        { name: 'Early', start: '06:00', end: '14:00', days: ['mon'] as const },
        { name: 'Late', start: '14:00', end: '22:00', days: ['mon'] as const },
      ],
    };
    const [a] = fairSplit([entry('a', 30, 90)], { from: T0, to: T0 + 7_200_000, now: T0 + 7_200_000, calendar });
    assert.deepEqual(
      [...(a?.byShift ?? [])].map(([k, ms]) => [k, minutes(ms)]),
      [
        ['2030-01-07 Early', 30],
        ['2030-01-07 Late', 30],
      ],
    );
  });

  it('never counts a person’s time twice: the shares add up to the time they were on anything', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })), { maxLength: 8 }), (spans) => {
        const entries = spans.map(([x, y], i) => entry(`e${i}`, Math.min(x, y), Math.max(x, y)));
        const total = fairSplit(entries, { from: T0, to: T0 + 6_000_000, now: T0 + 6_000_000 }).reduce((s, a) => s + a.ms, 0);
        // The union of the spans, in minutes.
        const covered = new Set<number>();
        for (const [x, y] of spans) for (let m = Math.min(x, y); m < Math.max(x, y); m++) covered.add(m);
        assert.ok(Math.abs(total - covered.size * 60_000) < 1e-6, `${total} vs ${covered.size} minutes`);
      }),
    );
  });
});

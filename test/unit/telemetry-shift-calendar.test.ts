import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type ShiftCalendar,
  calendarProblems,
  localToUtc,
  plannedProductionTime,
  shiftAt,
  shiftOccurrences,
} from '#shared/domain/telemetry/shifts.ts';

const H = 3_600_000;
const utc = (iso: string) => Date.parse(iso);

const plant: ShiftCalendar = {
  timeZone: 'Europe/Berlin',
  shifts: [
    { name: 'early', start: '06:00', end: '14:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'], breaks: [{ start: '10:00', end: '10:30' }] },
    { name: 'night', start: '22:00', end: '06:00', days: ['sat', 'mon'], breaks: [{ start: '02:00', end: '02:30' }] },
  ],
};

describe('shift calendar', () => {
  it('gives planned production time as shift time minus breaks, in the plant time zone', () => {
    // Monday 2025-03-03, Berlin is UTC+1 in winter.
    const day = plannedProductionTime(plant, utc('2025-03-03T00:00:00Z'), utc('2025-03-03T20:00:00Z'));
    assert.equal(day.plannedTimeMs, 7.5 * H);
    assert.deepEqual(day.intervals, [
      { start: utc('2025-03-03T05:00:00Z'), end: utc('2025-03-03T09:00:00Z'), shift: 'early', date: '2025-03-03' },
      { start: utc('2025-03-03T09:30:00Z'), end: utc('2025-03-03T13:00:00Z'), shift: 'early', date: '2025-03-03' },
    ]);
  });

  it('lets a night shift cross midnight and belong to the day it starts on', () => {
    const tuesday1am = utc('2025-03-04T00:00:00Z');
    const shift = shiftAt(plant, tuesday1am);
    assert.equal(shift?.name, 'night');
    assert.equal(shift?.date, '2025-03-03');
    assert.deepEqual([shift?.start, shift?.end], [utc('2025-03-03T21:00:00Z'), utc('2025-03-04T05:00:00Z')]);
    assert.deepEqual(shift?.breaks, [{ start: utc('2025-03-04T01:00:00Z'), end: utc('2025-03-04T01:30:00Z') }]);
    assert.equal(plannedProductionTime(plant, shift!.start, shift!.end).plannedTimeMs, 7.5 * H);
    assert.equal(shiftAt(plant, utc('2025-03-04T05:30:00Z'))?.name, 'early');
    assert.equal(shiftAt(plant, utc('2025-03-04T18:00:00Z')), undefined);
  });

  it('follows the clock change: the spring night is an hour shorter, the autumn night an hour longer', () => {
    const night = (iso: string) => shiftOccurrences(plant, utc(iso), utc(iso) + 1).find((o) => o.name === 'night')!;
    const spring = night('2025-03-29T23:00:00Z'); // Sat 29 March 22:00 CET to Sun 06:00 CEST
    assert.equal(spring.end - spring.start, 7 * H);
    const autumn = night('2025-10-25T23:00:00Z'); // Sat 25 October 22:00 CEST to Sun 06:00 CET
    assert.equal(autumn.end - autumn.start, 9 * H);
  });

  it('moves a skipped wall time forward by the gap and takes the earlier of a repeated one', () => {
    assert.equal(localToUtc('Europe/Berlin', utc('2025-03-30T02:30:00Z')), utc('2025-03-30T01:30:00Z'));
    assert.equal(localToUtc('Europe/Berlin', utc('2025-10-26T02:30:00Z')), utc('2025-10-26T00:30:00Z'));
    assert.equal(localToUtc('America/New_York', utc('2025-07-01T08:00:00Z')), utc('2025-07-01T12:00:00Z'));
    assert.equal(localToUtc('Asia/Kolkata', utc('2025-07-01T08:00:00Z')), utc('2025-07-01T02:30:00Z'));
  });

  it('takes out planned stops, plant-wide or for the units they name', () => {
    const calendar: ShiftCalendar = {
      ...plant,
      plannedStops: [
        { start: utc('2025-03-03T06:00:00Z'), end: utc('2025-03-03T07:00:00Z'), reason: 'maintenance' },
        { start: utc('2025-03-03T11:00:00Z'), end: utc('2025-03-03T12:00:00Z'), reason: 'trial', equipmentIds: ['press-1'] },
      ],
    };
    const from = utc('2025-03-03T00:00:00Z');
    const to = utc('2025-03-03T20:00:00Z');
    assert.equal(plannedProductionTime(calendar, from, to).plannedTimeMs, 6.5 * H);
    assert.equal(plannedProductionTime(calendar, from, to, { equipmentId: 'press-1' }).plannedTimeMs, 5.5 * H);
    assert.equal(plannedProductionTime(calendar, from, to, { equipmentId: 'press-2' }).plannedTimeMs, 6.5 * H);
  });

  it('counts overlapping shifts once, for the one that started first', () => {
    const calendar: ShiftCalendar = {
      timeZone: 'UTC',
      shifts: [
        { name: 'a', start: '06:00', end: '14:00', days: ['mon'] },
        { name: 'b', start: '12:00', end: '20:00', days: ['mon'] },
      ],
    };
    const { plannedTimeMs, intervals } = plannedProductionTime(calendar, utc('2025-03-03T00:00:00Z'), utc('2025-03-04T00:00:00Z'));
    assert.equal(plannedTimeMs, 14 * H);
    assert.deepEqual(
      intervals.map((i) => i.shift),
      ['a', 'b'],
    );
    assert.equal(intervals[1]?.start, utc('2025-03-03T14:00:00Z'));
  });

  it('treats an end equal to the start as a 24-hour shift and 24:00 as midnight', () => {
    const calendar: ShiftCalendar = {
      timeZone: 'UTC',
      shifts: [
        { name: 'round', start: '06:00', end: '06:00', days: ['mon'] },
        { name: 'late', start: '18:00', end: '24:00', days: ['wed'] },
      ],
    };
    const week = plannedProductionTime(calendar, utc('2025-03-03T00:00:00Z'), utc('2025-03-10T00:00:00Z'));
    assert.equal(week.plannedTimeMs, 30 * H);
  });

  it('explains what is wrong with a calendar', () => {
    const problems = calendarProblems({
      timeZone: 'Mars/Olympus',
      shifts: [
        { name: 'x', start: '6:00', end: '14:00', days: [] },
        { name: 'x', start: '06:00', end: '14:00', days: ['mon'], breaks: [{ start: '15:00', end: '15:30' }] },
      ],
      plannedStops: [{ start: 10, end: 5 }],
    });
    assert.deepEqual(
      problems.map((p) => p.pointer),
      ['/timeZone', '/shifts/0/start', '/shifts/0/days', '/shifts/1/name', '/shifts/1/breaks/0', '/plannedStops/0'],
    );
    assert.deepEqual(calendarProblems(plant), []);
  });

  it('property: planned time of adjacent ranges adds up, stays within the range and never overlaps', () => {
    const start = utc('2025-03-24T00:00:00Z'); // two weeks around the spring clock change
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 14 * 24 }), fc.integer({ min: 0, max: 14 * 24 }), fc.integer({ min: 0, max: 14 * 24 }), (a, b, c) => {
        const [x, y, z] = [a, b, c].sort((p, q) => p - q).map((h) => start + h * H + (h % 7) * 60_000) as [number, number, number];
        const whole = plannedProductionTime(plant, x, z);
        assert.equal(plannedProductionTime(plant, x, y).plannedTimeMs + plannedProductionTime(plant, y, z).plannedTimeMs, whole.plannedTimeMs);
        assert.ok(whole.plannedTimeMs <= z - x);
        whole.intervals.forEach((i, k) => {
          assert.ok(i.start >= x && i.end <= z && i.end > i.start);
          const next = whole.intervals[k + 1];
          if (next) assert.ok(next.start >= i.end);
          assert.equal(shiftAt(plant, i.start)?.name, i.shift);
        });
      }),
      { numRuns: 50 },
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyReasonAssignments, computeOee, downtimePareto, plannedInService } from '#shared/domain/telemetry/oee.ts';
import { type ShiftCalendar, plannedProductionTime } from '#shared/domain/telemetry/shifts.ts';
import { type StateTransition, buildTimeline, commissioning } from '#shared/domain/telemetry/timeline.ts';
import { EQUIPMENT_STATES } from '#shared/telemetry/messages.ts';

const DAY = Date.UTC(2025, 2, 3); // a Monday
const at = (hhmm: string, day = 0) => DAY + day * 86_400_000 + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000;
const MIN = 60_000;
const calendar: ShiftCalendar = {
  timeZone: 'UTC',
  shifts: [{ name: 'early', start: '06:00', end: '14:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] }],
};

/** A unit's OEE over [from, to) as the service computes it. */
function oeeOf(transitions: StateTransition[], from: number, to: number, commissionedAt: number | null | undefined) {
  const timeline = buildTimeline({ transitions, from, to, commissionedAt });
  const planned = plannedInService(plannedProductionTime(calendar, from, to).intervals, commissionedAt);
  const result = computeOee({ plannedIntervals: planned, segments: timeline.segments, counts: { good: 0, reject: 0 }, idealCycleTimeSeconds: 10 });
  return { timeline, planned, result };
}

describe('commissioning: a unit figures start when it goes into service', () => {
  it('is the date set on the unit when there is one, else its first data, else none', () => {
    assert.equal(commissioning({ setAt: at('10:00'), firstData: [at('07:00')] }), at('10:00'), 'a set date wins over earlier test data');
    assert.equal(commissioning({ setAt: at('06:00'), firstData: [at('07:00')] }), at('06:00'), 'and over later first data');
    assert.equal(commissioning({ firstData: [at('08:00'), undefined, at('07:30')] }), at('07:30'));
    assert.equal(commissioning({ firstData: [undefined] }), null);
    assert.equal(commissioning({}), null);
  });

  it('counts nothing before a set date: trial data is neither run time nor downtime', () => {
    const transitions: StateTransition[] = [
      { ts: at('06:00'), state: 'running' }, // a trial
      { ts: at('07:00'), state: 'down', reasonCode: 'TRIAL' },
      { ts: at('11:00'), state: 'running' },
    ];
    const { timeline, result } = oeeOf(transitions, at('06:00'), at('14:00'), at('10:00'));
    assert.equal(timeline.segments[0]?.start, at('10:00'));
    assert.equal(timeline.segments[0]?.since, at('10:00'), 'a state does not hold since before the unit was in service');
    assert.equal(result.plannedTimeMs, 4 * 60 * MIN);
    assert.equal(result.downtimeMs, 60 * MIN, 'only the hour of the stop after commissioning');
    assert.equal(result.availability, 3 / 4);
    // The stop that began before commissioning keeps its identity but starts, as downtime, at commissioning.
    assert.deepEqual(
      timeline.downtime.map((e) => [e.stopStart, e.start, e.end, e.durationMs / MIN]),
      [[at('07:00'), at('10:00'), at('11:00'), 60]],
    );
  });

  it('counts from the first data when no date is set: the hours before are not offline', () => {
    const transitions: StateTransition[] = [{ ts: at('09:00'), state: 'running' }];
    const first = commissioning({ firstData: [at('09:00')] });
    const before = oeeOf(transitions, at('06:00'), at('14:00'), undefined);
    assert.equal(before.result.downtimeByState.offline, 3 * 60 * MIN, 'without commissioning the morning was offline');
    const { timeline, result } = oeeOf(transitions, at('06:00'), at('14:00'), first);
    assert.equal(result.plannedTimeMs, 5 * 60 * MIN);
    assert.equal(result.downtimeMs, 0);
    assert.equal(result.availability, 1);
    assert.deepEqual(timeline.downtime, []);
    assert.deepEqual(
      downtimePareto(
        applyReasonAssignments(timeline.downtime, []),
        before.planned.length ? oeeOf(transitions, at('06:00'), at('14:00'), first).planned : [],
      ),
      [],
    );
  });

  it('gives a day before commissioning no figure (null, not 0 %), and a unit never commissioned none at all', () => {
    const transitions: StateTransition[] = [{ ts: at('06:00', 1), state: 'running' }];
    const monday = oeeOf(transitions, at('00:00'), at('00:00', 1), at('06:00', 1));
    assert.equal(monday.result.plannedTimeMs, 0);
    assert.equal(monday.result.downtimeMs, 0);
    assert.equal(monday.result.availability, null);
    assert.equal(monday.result.oee, null);
    assert.deepEqual(monday.timeline, { segments: [], downtime: [] });
    const tuesday = oeeOf(transitions, at('00:00', 1), at('00:00', 2), at('06:00', 1));
    assert.equal(tuesday.result.availability, 1);
    assert.equal(tuesday.result.oee, 0);
    const never = oeeOf([], at('00:00'), at('00:00', 1), null);
    assert.equal(never.result.plannedTimeMs, 0);
    assert.equal(never.result.oee, null);
    assert.deepEqual(never.timeline.downtime, []);
  });

  it('property: no segment, downtime or planned time lies before commissioning, and what follows it is unchanged', () => {
    const transitionsArb = fc.array(
      fc.record({ ts: fc.integer({ min: at('04:00'), max: at('16:00') }), state: fc.constantFrom(...EQUIPMENT_STATES) }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(transitionsArb, fc.integer({ min: at('05:00'), max: at('15:00') }), (transitions, c) => {
        const { timeline, planned } = oeeOf(transitions, at('06:00'), at('14:00'), c);
        assert.ok(timeline.segments.every((s) => s.start >= c && s.since >= c));
        assert.ok(timeline.downtime.every((e) => e.start >= c));
        assert.ok(planned.every((p) => p.start >= c));
        const all = buildTimeline({ transitions, from: at('06:00'), to: at('14:00') });
        const after = (s: { start: number; end: number; state: string }) => s.end > c;
        assert.deepEqual(
          timeline.segments.map((s) => [Math.max(s.start, c), s.end, s.state]),
          all.segments.filter(after).map((s) => [Math.max(s.start, c), s.end, s.state]),
        );
      }),
      { numRuns: 200 },
    );
  });
});

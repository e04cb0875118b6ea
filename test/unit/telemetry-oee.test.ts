import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type CountsPoint, countsBetween, mergeCountSamples } from '#shared/domain/telemetry/counters.ts';
import {
  type OeeSegment,
  type ReasonNode,
  applyReasonAssignments,
  blendIdealCycleTime,
  computeOee,
  downtimePareto,
  lossOf,
  reasonTreeProblems,
} from '#shared/domain/telemetry/oee.ts';
import { type ShiftCalendar, plannedProductionTime } from '#shared/domain/telemetry/shifts.ts';
import { type SeenSpan, type StateTransition, buildTimeline } from '#shared/domain/telemetry/timeline.ts';
import { EQUIPMENT_STATES } from '#shared/telemetry/messages.ts';

const DAY = Date.UTC(2025, 2, 3); // a Monday
const at = (hhmm: string) => DAY + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000;
const MIN = 60_000;
const close = (actual: number | null, expected: number) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

describe('OEE of a whole shift replayed from telemetry', () => {
  it('matches the figures computed by hand', () => {
    // Prepare: early shift 06:00-14:00 with a break 10:00-10:30: 450 planned minutes.
    const calendar: ShiftCalendar = {
      timeZone: 'UTC',
      shifts: [{ name: 'early', start: '06:00', end: '14:00', days: ['mon'], breaks: [{ start: '10:00', end: '10:30' }] }],
    };
    const transitions: StateTransition[] = [
      { ts: at('05:50'), state: 'running' },
      { ts: at('08:00'), state: 'down', reasonCode: 'JAM' }, // 30 min
      { ts: at('08:30'), state: 'running' },
      { ts: at('10:00'), state: 'idle' }, // the break: not planned time
      { ts: at('10:30'), state: 'setup', reasonCode: 'CHANGEOVER' }, // 30 min
      { ts: at('11:00'), state: 'running' },
      { ts: at('12:00'), state: 'planned-stop' }, // 10 min out of planned time
      { ts: at('12:20'), state: 'running' }, // 12:10-12:20 silent: 10 min offline
    ];
    // Counters read every minute; 2 parts per running minute (ideal 25 s: 2.4 a minute), every 20th a reject.
    const samples: CountsPoint[] = [];
    const seen: SeenSpan[] = [];
    let made = 0;
    const running = (t: number) => {
      const state = transitions.filter((x) => x.ts <= t).at(-1)?.state;
      return state === 'running' && !(t >= at('12:10') && t < at('12:20'));
    };
    for (let t = at('05:50'); t <= at('14:00'); t += MIN) {
      if (t > at('12:10') && t < at('12:20')) continue; // the unit is silent
      samples.push({ ts: t, good: made - Math.floor(made / 20), reject: Math.floor(made / 20) });
      seen.push({ first: t, last: t });
      if (running(t)) made += 2;
    }

    // Act: the same calls the OEE endpoint makes.
    const from = at('06:00');
    const to = at('14:00');
    const planned = plannedProductionTime(calendar, from, to).intervals;
    const timeline = buildTimeline({ transitions, seen, from, to }, { offlineAfterMs: 5 * MIN });
    // As stored: one item per minute, so counts are placed in time to within a minute.
    const minutes = new Map<number, CountsPoint[]>();
    for (const x of samples) minutes.set(Math.floor(x.ts / MIN), [...(minutes.get(Math.floor(x.ts / MIN)) ?? []), x]);
    const segments = [...minutes.values()].flatMap((minute) => mergeCountSamples([], minute));
    const counts = planned
      .map((p) => countsBetween(segments, p.start, p.end))
      .reduce((a, c) => ({ good: a.good + c.good, reject: a.reject + c.reject }));
    const oee = computeOee({ plannedIntervals: planned, segments: timeline.segments, counts, idealCycleTimeSeconds: 25 });

    // Assess: planned 450 - 10 planned stop = 440; downtime 30 down + 30 setup + 10 offline = 70; run 370;
    // 370 running minutes x 2 = 740 parts, 37 rejects.
    assert.equal(oee.plannedTimeMs, 440 * MIN);
    assert.equal(oee.plannedStopMs, 10 * MIN);
    assert.equal(oee.runTimeMs, 370 * MIN);
    assert.equal(oee.downtimeMs, 70 * MIN);
    assert.deepEqual(oee.downtimeByState, { down: 30 * MIN, setup: 30 * MIN, offline: 10 * MIN });
    assert.deepEqual(oee.downtimeByReason, { JAM: 30 * MIN, CHANGEOVER: 30 * MIN, '(none)': 10 * MIN });
    assert.deepEqual([oee.totalCount, oee.goodCount, oee.rejectCount], [740, 703, 37]);
    close(oee.availability, 370 / 440);
    close(oee.performance, (25 * 740) / (370 * 60));
    close(oee.quality, 703 / 740);
    close(oee.oee, (703 * 25) / (440 * 60)); // 0.6657...
    close(oee.oee, oee.availability! * oee.performance! * oee.quality!);

    const pareto = downtimePareto(timeline.downtime, planned);
    assert.deepEqual(
      pareto.map((p) => [p.reasonCode, p.state, p.durationMs / MIN, p.count, p.share]),
      [
        ['CHANGEOVER', 'setup', 30, 1, 30 / 70],
        ['JAM', 'down', 30, 1, 30 / 70],
        [null, 'offline', 10, 1, 10 / 70],
      ],
    );
  });
});

describe('OEE figures', () => {
  const shift = [{ start: at('06:00'), end: at('14:00') }];
  const seg = (a: string, b: string, state: OeeSegment['state'], reasonCode?: string): OeeSegment => ({
    start: at(a),
    end: at(b),
    state,
    reasonCode,
  });

  it('gives null, never NaN, where a denominator is zero', () => {
    const none = computeOee({ plannedIntervals: [], segments: [], counts: { good: 0, reject: 0 }, idealCycleTimeSeconds: 30 });
    assert.deepEqual([none.availability, none.performance, none.quality, none.oee], [null, null, null, null]);
    const allDown = computeOee({
      plannedIntervals: shift,
      segments: [seg('06:00', '14:00', 'down')],
      counts: { good: 0, reject: 0 },
      idealCycleTimeSeconds: 30,
    });
    assert.deepEqual([allDown.availability, allDown.performance, allDown.quality, allDown.oee], [0, null, null, 0]);
    const idle = computeOee({
      plannedIntervals: shift,
      segments: [seg('06:00', '14:00', 'idle')],
      counts: { good: 0, reject: 0 },
      idealCycleTimeSeconds: 30,
    });
    assert.deepEqual([idle.availability, idle.performance, idle.quality, idle.oee], [1, 0, null, 0]);
    const noIdeal = computeOee({
      plannedIntervals: shift,
      segments: [seg('06:00', '14:00', 'running')],
      counts: { good: 5, reject: 0 },
      idealCycleTimeSeconds: null,
    });
    assert.deepEqual([noIdeal.availability, noIdeal.performance, noIdeal.quality, noIdeal.oee], [1, null, 1, null]);
  });

  it('reports performance above 1 as it is, not capped', () => {
    const fast = computeOee({
      plannedIntervals: shift,
      segments: [seg('06:00', '14:00', 'running')],
      counts: { good: 1000, reject: 0 },
      idealCycleTimeSeconds: 60,
    });
    close(fast.performance, 1000 / 480);
  });

  it('counts setup as planned when the plant does, and planned time no segment covers as offline', () => {
    const segments = [seg('06:00', '07:00', 'setup'), seg('07:00', '13:00', 'running')];
    const planned = computeOee({
      plannedIntervals: shift,
      segments,
      counts: { good: 0, reject: 0 },
      idealCycleTimeSeconds: 30,
      setupIsPlanned: true,
    });
    assert.deepEqual(
      [planned.plannedTimeMs, planned.runTimeMs, planned.downtimeMs, planned.downtimeByState.offline],
      [7 * 60 * MIN, 6 * 60 * MIN, 60 * MIN, 60 * MIN],
    );
    const unplanned = computeOee({ plannedIntervals: shift, segments, counts: { good: 0, reject: 0 }, idealCycleTimeSeconds: 30 });
    assert.deepEqual([unplanned.plannedTimeMs, unplanned.downtimeMs, unplanned.downtimeByState.setup], [8 * 60 * MIN, 120 * MIN, 60 * MIN]);
  });

  it('blends ideal cycle times of several materials by count', () => {
    assert.equal(
      blendIdealCycleTime([
        { totalCount: 100, idealCycleTimeSeconds: 30 },
        { totalCount: 300, idealCycleTimeSeconds: 10 },
      ]),
      15,
    );
    assert.equal(blendIdealCycleTime([]), null);
  });

  it('property: availability and quality within [0, 1]; planned = run + downtime; OEE = good x ideal / planned = A x P x Q', () => {
    const segmentsArb = fc
      .array(
        fc.record({
          minutes: fc.integer({ min: 1, max: 120 }),
          state: fc.constantFrom(...EQUIPMENT_STATES, 'offline' as const),
          reason: fc.option(fc.constantFrom('A', 'B'), { nil: undefined }),
        }),
        {
          maxLength: 20,
        },
      )
      .map((parts) => {
        let t = at('05:00');
        return parts.map((p) => {
          const s = { start: t, end: t + p.minutes * MIN, state: p.state, reasonCode: p.reason };
          t = s.end;
          return s;
        });
      });
    const plannedArb = fc
      .array(fc.record({ start: fc.integer({ min: 0, max: 1200 }), len: fc.integer({ min: 0, max: 300 }) }), { maxLength: 4 })
      .map((list) => list.map((p) => ({ start: at('05:00') + p.start * MIN, end: at('05:00') + (p.start + p.len) * MIN })));
    fc.assert(
      fc.property(
        plannedArb,
        segmentsArb,
        fc.nat(5000),
        fc.nat(500),
        fc.double({ min: 0.1, max: 600, noNaN: true }),
        fc.boolean(),
        (plannedIntervals, segments, good, reject, ideal, setupIsPlanned) => {
          const r = computeOee({ plannedIntervals, segments, counts: { good, reject }, idealCycleTimeSeconds: ideal, setupIsPlanned });
          assert.equal(r.plannedTimeMs, r.runTimeMs + r.downtimeMs);
          if (r.availability !== null) assert.ok(r.availability >= 0 && r.availability <= 1);
          if (r.quality !== null) assert.ok(r.quality >= 0 && r.quality <= 1);
          for (const v of [r.availability, r.performance, r.quality, r.oee]) assert.ok(v === null || Number.isFinite(v));
          if (r.plannedTimeMs > 0) close(r.oee, (good * ideal * 1000) / r.plannedTimeMs);
          if (r.runTimeMs > 0 && r.totalCount > 0) {
            const product = r.availability! * r.performance! * r.quality!;
            assert.ok(Math.abs(r.oee! - product) <= 1e-9 * Math.max(1, product));
          }
        },
      ),
    );
  });
});

describe('downtime Pareto', () => {
  it('sorts reasons by time in planned intervals, groups unassigned stops by state, and applies supervisors reasons', () => {
    const planned = [
      { start: at('06:00'), end: at('10:00') },
      { start: at('10:30'), end: at('14:00') },
    ];
    const events = applyReasonAssignments(
      [
        { stopStart: at('05:30'), start: at('05:30'), end: at('06:10'), state: 'down', reasonCode: 'JAM', durationMs: 0 }, // 10 min in plan
        { stopStart: at('07:00'), start: at('07:00'), end: at('07:05'), state: 'down', durationMs: 0 },
        { stopStart: at('09:50'), start: at('09:50'), end: at('10:40'), state: 'down', reasonCode: 'JAM', durationMs: 0 }, // 20 min in plan
        { stopStart: at('11:00'), start: at('11:00'), end: at('11:20'), state: 'offline', durationMs: 0 },
        { stopStart: at('13:50'), start: at('13:50'), state: 'down', durationMs: 0 }, // open: to the end of the plan
      ],
      [{ start: at('11:00'), reasonCode: 'POWER' }],
    );
    assert.deepEqual(
      downtimePareto(events, planned).map((p) => [p.reasonCode, p.state, p.durationMs / MIN, p.count, p.share]),
      [
        ['JAM', 'down', 30, 2, 30 / 65],
        ['POWER', 'offline', 20, 1, 20 / 65],
        [null, 'down', 15, 2, 15 / 65],
      ],
    );
    assert.deepEqual(downtimePareto([], planned), []);
  });
});

describe('Six Big Losses', () => {
  const tree: ReasonNode[] = [
    {
      code: 'MECH',
      name: 'Mechanical',
      loss: 'equipment-failure',
      children: [
        { code: 'JAM', name: 'Jam', loss: 'idling-minor-stops' },
        { code: 'MOTOR', name: 'Motor' },
      ],
    },
    { code: 'CHG', name: 'Changeover', loss: 'setup-adjustment' },
  ];

  it('maps a reason to its own loss or its nearest ancestor', () => {
    assert.equal(lossOf(tree, 'JAM'), 'idling-minor-stops');
    assert.equal(lossOf(tree, 'MOTOR'), 'equipment-failure');
    assert.equal(lossOf(tree, 'CHG'), 'setup-adjustment');
    assert.equal(lossOf(tree, 'NOPE'), undefined);
  });

  it('reads the flat list the API stores, with parent codes', () => {
    const flat: ReasonNode[] = [
      { code: 'QUAL', name: 'Quality', loss: 'process-defects' },
      { code: 'SCRATCH', name: 'Scratch', parentCode: 'QUAL' },
      { code: 'WARMUP', name: 'Warm-up scrap', parentCode: 'QUAL', loss: 'reduced-yield' },
      { code: 'LOOP', name: 'Loop', parentCode: 'LOOP' },
    ];
    assert.equal(lossOf(flat, 'SCRATCH'), 'process-defects');
    assert.equal(lossOf(flat, 'WARMUP'), 'reduced-yield');
    assert.equal(lossOf(flat, 'LOOP'), undefined);
    assert.deepEqual(
      reasonTreeProblems(flat).map((p) => p.detail),
      ["reason 'LOOP' is its own ancestor"],
    );
  });

  it('finds duplicate codes and leaves without a loss', () => {
    assert.deepEqual(reasonTreeProblems(tree), []);
    const bad: ReasonNode[] = [
      { code: 'A', name: 'A', children: [{ code: 'B', name: 'B' }] },
      { code: 'A', name: 'again', loss: 'reduced-speed' },
    ];
    assert.deepEqual(
      reasonTreeProblems(bad).map((p) => p.pointer),
      ['/reasons/0/children/0', '/reasons/1/code'],
    );
  });
});

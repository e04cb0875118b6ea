import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { applyReasonAssignments, downtimePareto, reasonsForEvents } from '#shared/domain/telemetry/oee.ts';
import { type SeenSpan, type StateTransition, buildTimeline, normalizeTransitions } from '#shared/domain/telemetry/timeline.ts';
import { EQUIPMENT_STATES } from '#shared/telemetry/messages.ts';

const T0 = Date.UTC(2025, 2, 3, 6, 0);
const min = (m: number) => T0 + m * 60_000;
const OFFLINE_AFTER = 120_000;
/** Data without a break from `a` to `b` (minutes), minute by minute. */
const seenEvery = (a: number, b: number): SeenSpan[] => Array.from({ length: b - a }, (_, i) => ({ first: min(a + i), last: min(a + i + 1) }));

/**
 * What the service reads for a window, as the repository gives it: the transitions inside it,
 * the run of one state and reason in force at its start back to its first transition, and the
 * minute items from one offline period before it.
 */
function windowOf(all: { transitions: StateTransition[]; seen: SeenSpan[] }, from: number, to: number) {
  const sorted = normalizeTransitions(all.transitions);
  const before = sorted.filter((t) => t.ts < from);
  const run: StateTransition[] = [];
  for (let i = before.length - 1; i >= 0; i--) {
    const t = before[i]!;
    if (run.length && (t.state !== run[0]!.state || t.reasonCode !== run[0]!.reasonCode)) break;
    run.unshift(t);
  }
  return {
    transitions: [...run, ...sorted.filter((t) => t.ts >= from && t.ts <= to)],
    seen: all.seen.filter((s) => s.last >= from - OFFLINE_AFTER && s.first < to + OFFLINE_AFTER),
    from,
    to,
  };
}

/** Commissioned at its first data, as the service does when no date is set. */
const build = (all: Parameters<typeof windowOf>[0], from: number, to: number, commissionedAt?: number) =>
  buildTimeline({ ...windowOf(all, from, to), commissionedAt }, { offlineAfterMs: OFFLINE_AFTER });

describe('a stop has one identity in every time range', () => {
  // Running, then a jam at 0 that the unit repeats every 10 minutes, silent 30-50 (offline), and running again at 120.
  const unit = {
    transitions: [
      { ts: min(-600), state: 'running' },
      ...[0, 10, 20, 50, 60, 70, 80, 90, 100, 110].map((m) => ({ ts: min(m), state: 'down' as const, reasonCode: 'JAM' })),
      { ts: min(120), state: 'running' },
    ] satisfies StateTransition[],
    seen: [...seenEvery(-600, 30), ...seenEvery(50, 200)],
  };
  const firstData = min(-600);
  const week = build(unit, min(-7 * 1440), min(200), firstData);
  const day = build(unit, min(-1200), min(200), firstData);
  const midStop = build(unit, min(65), min(200), firstData); // starts after the gap, inside the stop
  const inGap = build(unit, min(40), min(200), firstData); // starts inside the offline gap

  it('names the stop by the transition that began it, across an offline gap and a window that starts inside it', () => {
    const downs = (t: typeof week) => t.downtime.filter((e) => e.state === 'down').map((e) => [e.stopStart, e.start, e.end]);
    assert.deepEqual(downs(week), [
      [min(0), min(0), min(30)],
      [min(0), min(50), min(120)],
    ]);
    assert.deepEqual(downs(day), downs(week));
    // A window that begins inside the stop does not see the gap: one stretch, the same identity.
    assert.deepEqual(downs(midStop), [[min(0), min(0), min(120)]]);
    // A window that begins inside the gap shows the stretch after it: still the same stop.
    assert.deepEqual(downs(inGap), [[min(0), min(50), min(120)]]);
    // The silence is its own stop, named by when it began.
    assert.deepEqual(
      week.downtime.filter((e) => e.state === 'offline').map((e) => [e.stopStart, e.end]),
      [[min(30), min(50)]],
    );
  });

  it('keeps a reason assigned in one range on the stop in every other range, with its comment, and counts the stop once', () => {
    const assigned = [{ start: min(0), state: 'down' as const, reasonCode: 'MOTOR', comment: 'bearing replaced' }];
    for (const t of [week, day, midStop, inGap]) {
      const events = applyReasonAssignments(t.downtime, assigned).filter((e) => e.state === 'down');
      assert.ok(events.length > 0);
      for (const e of events) {
        assert.equal(e.reasonCode, 'MOTOR');
        assert.equal(e.comment, 'bearing replaced');
      }
    }
    const pareto = downtimePareto(applyReasonAssignments(week.downtime, assigned), [{ start: min(-600), end: min(200) }]);
    assert.deepEqual(
      pareto.map((p) => [p.reasonCode, p.state, p.count, p.durationMs / 60_000]),
      [
        ['MOTOR', 'down', 1, 100],
        [null, 'offline', 1, 20],
      ],
    );
  });

  it('still reads reasons stored under the old identity (the start of a stretch, no state)', () => {
    // Assigned in the 7-day view on the stretch after the gap, before stops had one identity.
    const older = [{ start: min(50), reasonCode: 'MOTOR', assignedAt: '2025-03-03T09:00:00.000Z' }];
    for (const t of [week, day, midStop]) {
      const down = t.downtime.filter((e) => e.state === 'down');
      assert.deepEqual(
        reasonsForEvents(down, older).map((a) => a?.reasonCode),
        down.map(() => 'MOTOR'),
      );
    }
    // A stop's own record wins over an older one inside it; another stop's record is not taken.
    const both = [...older, { start: min(0), state: 'down' as const, reasonCode: 'JAM-CLEARED' }];
    assert.deepEqual(
      reasonsForEvents(week.downtime, both).map((a) => a?.reasonCode),
      week.downtime.map((e) => (e.state === 'down' ? 'JAM-CLEARED' : undefined)),
    );
  });

  it('keeps a reason on a long silence (offline) whether the range starts before it or inside it', () => {
    // Running from 0, silent 30-300, running again from 300.
    const quiet = {
      transitions: [
        { ts: min(0), state: 'running' as const },
        { ts: min(300), state: 'running' as const },
      ],
      seen: [...seenEvery(0, 30), ...seenEvery(300, 400)],
    };
    const inside = { from: min(100), lastTransitionBefore: min(0) };
    const offline = (t: ReturnType<typeof build>) => t.downtime.filter((e) => e.state === 'offline');
    const wide = offline(build(quiet, min(-100), min(400), min(0)));
    const narrow = offline(build(quiet, inside.from, min(400), min(0)));
    assert.deepEqual(
      wide.map((e) => [e.stopStart, e.end]),
      [[min(30), min(300)]],
    );
    assert.deepEqual(
      narrow.map((e) => [e.stopStart, e.end]),
      [[min(100), min(300)]],
      'the narrow range names it where its data begins',
    );
    // Assigned in the narrow range: the wide one finds it inside the silence.
    const fromNarrow = [{ start: min(100), state: 'offline' as const, reasonCode: 'POWER' }];
    assert.deepEqual(
      reasonsForEvents(wide, fromNarrow).map((a) => a?.reasonCode),
      ['POWER'],
    );
    // Assigned in the wide range: the narrow one finds it before its start, after the last state message.
    const fromWide = [{ start: min(30), state: 'offline' as const, reasonCode: 'NETWORK' }];
    assert.deepEqual(
      reasonsForEvents(narrow, fromWide, inside).map((a) => a?.reasonCode),
      ['NETWORK'],
    );
    assert.deepEqual(
      reasonsForEvents(narrow, fromWide, { ...inside, lastTransitionBefore: min(50) }).map((a) => a?.reasonCode),
      [undefined],
    );
  });

  const transitionsArb = fc.array(
    fc.record({
      ts: fc.integer({ min: min(-120), max: min(120) }),
      state: fc.constantFrom(...EQUIPMENT_STATES),
      reasonCode: fc.option(fc.constantFrom('A', 'B'), { nil: undefined }),
    }),
    { maxLength: 40 },
  );
  const seenArb = fc.array(
    fc.integer({ min: min(-120), max: min(120) }).map((t) => ({ first: t, last: t + 30_000 })),
    { maxLength: 60 },
  );
  const windowArb = fc
    .tuple(fc.integer({ min: min(-150), max: min(150) }), fc.integer({ min: 1, max: 300 * 60_000 }))
    .map(([from, length]) => ({ from, to: from + length }));

  it('property: where two windows both show a stop of a reported state at the same moment, they give it the same identity', () => {
    fc.assert(
      fc.property(transitionsArb, seenArb, windowArb, windowArb, fc.integer({ min: min(-150), max: min(450) }), (transitions, seen, a, b, t) => {
        const all = { transitions, seen };
        const at = (w: { from: number; to: number }) => {
          if (t < w.from || t >= w.to) return undefined;
          return build(all, w.from, w.to).downtime.find((e) => e.state !== 'offline' && e.start <= t && (e.end === undefined || t < e.end));
        };
        const x = at(a);
        const y = at(b);
        if (x && y && x.state === y.state && x.reasonCode === y.reasonCode) assert.equal(x.stopStart, y.stopStart);
      }),
      { numRuns: 300 },
    );
  });
});

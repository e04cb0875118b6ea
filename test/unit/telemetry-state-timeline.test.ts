import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EQUIPMENT_STATES } from '#shared/telemetry/messages.ts';
import { type SeenSpan, type StateTransition, buildTimeline, isDowntimeState } from '#shared/domain/telemetry/timeline.ts';

const T0 = Date.UTC(2025, 2, 3, 6, 0);
const min = (m: number) => T0 + m * 60_000;
const brief = (segments: { start: number; end: number; state: string; reasonCode?: string | undefined }[]) =>
  segments.map((s) => `${(s.start - T0) / 60_000}-${(s.end - T0) / 60_000} ${s.state}${s.reasonCode ? `:${s.reasonCode}` : ''}`);
/** Data every minute from `a` to `b` (minutes), as minute items report it. */
const seenEvery = (a: number, b: number): SeenSpan[] => Array.from({ length: b - a }, (_, i) => ({ first: min(a + i), last: min(a + i) + 59_000 }));

describe('state timeline', () => {
  it('sorts, de-duplicates and merges transitions into segments over the window', () => {
    const transitions: StateTransition[] = [
      { ts: min(30), state: 'down', reasonCode: 'JAM' },
      { ts: min(10), state: 'running' },
      { ts: min(30), state: 'down', reasonCode: 'JAM' },
      { ts: min(20), state: 'running' }, // a repeat is not a change
      { ts: min(40), state: 'running' },
      { ts: min(-5), state: 'idle' },
    ];
    const { segments, downtime } = buildTimeline({ transitions, from: T0, to: min(60) });
    assert.deepEqual(brief(segments), ['0-10 idle', '10-30 running', '30-40 down:JAM', '40-60 running']);
    assert.equal(segments[0]?.since, min(-5));
    assert.equal(
      segments.reduce((sum, s) => sum + s.durationMs, 0),
      60 * 60_000,
    );
    assert.deepEqual(downtime, [{ stopStart: min(30), start: min(30), end: min(40), state: 'down', reasonCode: 'JAM', durationMs: 10 * 60_000 }]);
  });

  it('starts offline when the state before the window is unknown', () => {
    const { segments } = buildTimeline({ transitions: [{ ts: min(5), state: 'running' }], from: T0, to: min(10) });
    assert.deepEqual(brief(segments), ['0-5 offline', '5-10 running']);
  });

  it('inserts offline where no data came for longer than offlineAfterMs', () => {
    const seen = [...seenEvery(0, 10), ...seenEvery(20, 30), { first: min(31), last: min(31) }];
    const { segments, downtime } = buildTimeline(
      { transitions: [{ ts: min(-1), state: 'running' }], seen, from: T0, to: min(32) },
      { offlineAfterMs: 120_000 },
    );
    // 9:59 to 20:00 silent; 29:59 to 31:00 is only 61 s, within the allowance.
    assert.deepEqual(brief(segments), [
      `0-${(min(9) + 59_000 - T0) / 60_000} running`,
      `${(min(9) + 59_000 - T0) / 60_000}-20 offline`,
      '20-32 running',
    ]);
    assert.deepEqual(
      downtime.map((d) => [d.state, d.start, d.end]),
      [['offline', min(9) + 59_000, min(20)]],
    );
  });

  it('leaves an event open while it lasts to the end of what is known', () => {
    const seen = seenEvery(0, 5);
    const { downtime, segments } = buildTimeline(
      { transitions: [{ ts: min(2), state: 'down' }], seen, from: T0, to: min(10) },
      { offlineAfterMs: 60_000 },
    );
    assert.deepEqual(brief(segments), ['0-2 offline', '2-4.983333333333333 down', '4.983333333333333-10 offline']);
    assert.equal(downtime.at(-1)?.state, 'offline');
    assert.equal(downtime.at(-1)?.end, undefined);
    assert.equal(downtime.at(-2)?.end, min(4) + 59_000);
  });

  it('gives a state that began before the window its true start, and one that goes on past it its true end', () => {
    const transitions: StateTransition[] = [
      { ts: min(-30), state: 'setup' },
      { ts: min(15), state: 'running' },
      { ts: min(50), state: 'down' },
      { ts: min(90), state: 'running' },
    ];
    const { downtime } = buildTimeline({ transitions, from: T0, to: min(60) });
    assert.deepEqual(downtime, [
      { stopStart: min(-30), start: min(-30), end: min(15), state: 'setup', durationMs: 15 * 60_000 },
      { stopStart: min(50), start: min(50), end: min(90), state: 'down', durationMs: 10 * 60_000 },
    ]);
    assert.deepEqual(buildTimeline({ transitions, from: T0, to: min(60) }, { setupIsPlanned: true }).downtime.length, 1);
  });

  it('picks the same winner among different messages with one timestamp, whatever their order', () => {
    const a: StateTransition = { ts: min(1), state: 'down', msgId: 'a' };
    const b: StateTransition = { ts: min(1), state: 'running', msgId: 'b' };
    const one = buildTimeline({ transitions: [a, b], from: T0, to: min(2) });
    const other = buildTimeline({ transitions: [b, a], from: T0, to: min(2) });
    assert.deepEqual(one, other);
    assert.equal(one.segments.at(-1)?.state, 'running');
  });

  it('counts down, offline and setup as downtime, setup only unless planned', () => {
    assert.deepEqual(
      (['running', 'idle', 'down', 'setup', 'planned-stop', 'offline'] as const).filter((s) => isDowntimeState(s)),
      ['down', 'setup', 'offline'],
    );
    assert.equal(isDowntimeState('setup', { setupIsPlanned: true }), false);
  });

  const transitionsArb = fc.array(
    fc.record({
      ts: fc.integer({ min: min(-10), max: min(70) }),
      state: fc.constantFrom(...EQUIPMENT_STATES),
      reasonCode: fc.option(fc.constantFrom('A', 'B'), { nil: undefined }),
    }),
    { maxLength: 30 },
  );
  const seenArb = fc.option(
    fc.array(
      fc.integer({ min: min(-10), max: min(70) }).map((t) => ({ first: t, last: t + 30_000 })),
      { maxLength: 40 },
    ),
    { nil: undefined },
  );

  it('property: segments tile the window in order, and downtime matches the downtime segments', () => {
    fc.assert(
      fc.property(transitionsArb, seenArb, fc.boolean(), (transitions, seen, setupIsPlanned) => {
        const from = T0;
        const to = min(60);
        const { segments, downtime } = buildTimeline({ transitions, seen, from, to }, { setupIsPlanned });
        assert.equal(segments[0]?.start, from);
        assert.equal(segments.at(-1)?.end, to);
        segments.forEach((s, i) => {
          assert.ok(s.end > s.start && s.durationMs === s.end - s.start && s.since <= s.start);
          const next = segments[i + 1];
          if (next) {
            assert.equal(next.start, s.end);
            assert.ok(next.state !== s.state || next.reasonCode !== s.reasonCode, 'adjacent segments differ');
          }
        });
        const down = segments.filter((s) => isDowntimeState(s.state, { setupIsPlanned }));
        assert.deepEqual(
          downtime.map((d) => [d.state, d.durationMs]),
          down.map((s) => [s.state, s.durationMs]),
        );
      }),
    );
  });

  it('property: order and duplicates of transitions and seen data change nothing', () => {
    fc.assert(
      fc.property(transitionsArb, seenArb, fc.nat(), (transitions, seen, seed) => {
        const shuffle = <T>(list: readonly T[]) =>
          [...list]
            .map((v, i) => ({ v, k: (i * 7919 + seed) % 1009 }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.v);
        const base = buildTimeline({ transitions, seen, from: T0, to: min(60) });
        const messy = buildTimeline({
          transitions: shuffle([...transitions, ...transitions.slice(0, 5)]),
          seen: seen && shuffle([...seen, ...seen.slice(0, 3)]),
          from: T0,
          to: min(60),
        });
        assert.deepEqual(messy, base);
      }),
    );
  });
});

/**
 * Presence, not silence (issue 13): a reported state holds while the unit's connection is up;
 * offline comes from lifecycle events (ordered by version, duplicates and any arrival order
 * alike), from a declared link down (a gateway's presence sample, a Last Will), and, only for
 * units with a heartbeat, from silence longer than the limit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { EQUIPMENT_STATES } from '#shared/telemetry/messages.ts';
import { type ConnectionEvent, type DeclaredPresence, connectionDown, onlineAt, silenceLimitMs } from '#shared/domain/telemetry/presence.ts';
import { type SeenSpan, type StateTransition, buildTimeline } from '#shared/domain/telemetry/timeline.ts';

const T0 = Date.UTC(2025, 2, 3, 6, 0);
const min = (m: number) => T0 + m * 60_000;
const brief = (segments: { start: number; end: number; state: string; reasonCode?: string | undefined }[]) =>
  segments.map((s) => `${(s.start - T0) / 60_000}-${(s.end - T0) / 60_000} ${s.state}${s.reasonCode ? `:${s.reasonCode}` : ''}`);
const connected = (m: number, version: number): ConnectionEvent => ({ ts: min(m), version, connected: true });
const disconnected = (m: number, version: number): ConnectionEvent => ({ ts: min(m), version, connected: false });

describe('presence', () => {
  it('holds a reported state through any silence while connected, without a heartbeat', () => {
    // Report by exception: down at 10, nothing more for 50 minutes, yet still down.
    const { segments } = buildTimeline(
      {
        transitions: [
          { ts: min(0), state: 'running' },
          { ts: min(10), state: 'down', reasonCode: 'JAM' },
        ],
        seen: [{ first: min(0), last: min(10) }],
        from: T0,
        to: min(60),
        presence: { connection: [connected(-1, 1)] },
      },
      { offlineAfterMs: undefined },
    );
    assert.deepEqual(brief(segments), ['0-10 running', '10-60 down:JAM']);
  });

  it('is offline from a disconnect to the reconnect, then the last state holds again with the same stop identity', () => {
    const transitions: StateTransition[] = [
      { ts: min(0), state: 'running' },
      { ts: min(10), state: 'down', reasonCode: 'JAM' },
    ];
    const connection = [connected(-1, 1), disconnected(20, 1), connected(30, 2)];
    const { segments, downtime } = buildTimeline({ transitions, from: T0, to: min(60), presence: { connection } });
    assert.deepEqual(brief(segments), ['0-10 running', '10-20 down:JAM', '20-30 offline', '30-60 down:JAM']);
    assert.deepEqual(
      downtime.map((d) => [d.state, (d.stopStart - T0) / 60_000, d.end === undefined ? null : (d.end - T0) / 60_000]),
      [
        ['down', 10, 20],
        ['offline', 20, 30],
        ['down', 10, null],
      ],
    );
  });

  it('orders lifecycle events by version, then time: a late, older disconnect does not undo a newer connect', () => {
    // Session 1 ended at 20 (its event arrives last and, on another node's clock, says 31); session 2 began at 30.
    const events = [connected(-1, 1), connected(30, 2), disconnected(31, 1)];
    // Version order: session 1's disconnect, then session 2's connect, which cannot precede it: never down.
    assert.deepEqual(connectionDown(events), []);
    assert.deepEqual(connectionDown([connected(-1, 1), disconnected(20, 1), connected(30, 2)]), [{ start: min(20), end: min(30) }]);
    assert.deepEqual(connectionDown([disconnected(20, 1), connected(30, 2), connected(-1, 1), disconnected(20, 1)]), [
      { start: min(20), end: min(30) },
    ]);
    assert.deepEqual(connectionDown([connected(0, 1), disconnected(5, 1)]), [{ start: min(5), end: Number.POSITIVE_INFINITY }]);
  });

  it('is offline where the link is declared down, until declared back, a state arrives or the connection connects again', () => {
    const transitions: StateTransition[] = [
      { ts: min(0), state: 'running' },
      { ts: min(25), state: 'idle' },
    ];
    const declared: DeclaredPresence[] = [
      { ts: min(5), online: false, msgId: 'a' },
      { ts: min(10), online: true, msgId: 'b' },
      { ts: min(20), online: false, msgId: 'c' },
      { ts: min(40), online: false, msgId: 'd' },
    ];
    const connection = [connected(-1, 1), disconnected(45, 1), connected(50, 2)];
    const { segments } = buildTimeline({ transitions, from: T0, to: min(60), presence: { connection, declared } });
    assert.deepEqual(brief(segments), ['0-5 running', '5-10 offline', '10-20 running', '20-25 offline', '25-40 idle', '40-50 offline', '50-60 idle']);
  });

  it('a unit with a heartbeat goes offline after its silence while connected; one without never does', () => {
    const seen: SeenSpan[] = [{ first: min(0), last: min(10) }];
    const input = {
      transitions: [{ ts: min(0), state: 'running' as const }],
      seen,
      from: T0,
      to: min(30),
      presence: { connection: [connected(-1, 1)] },
    };
    const limit = silenceLimitMs({ heartbeatSeconds: 60 });
    assert.equal(limit, 180_000, 'three heartbeats by default');
    assert.equal(silenceLimitMs({ heartbeatSeconds: 60, offlineAfterSeconds: 600 }), 600_000);
    assert.equal(silenceLimitMs({ offlineAfterSeconds: 600 }), undefined, 'offlineAfterSeconds alone: no heartbeat, no silence rule');
    assert.deepEqual(brief(buildTimeline(input, { offlineAfterMs: limit }).segments), ['0-10 running', '10-30 offline']);
    assert.deepEqual(brief(buildTimeline(input).segments), ['0-30 running']);
    assert.equal(onlineAt({ presence: input.presence, at: min(12), lastSeen: min(10), silenceLimitMs: limit }), true);
    assert.equal(onlineAt({ presence: input.presence, at: min(14), lastSeen: min(10), silenceLimitMs: limit }), false);
    assert.equal(onlineAt({ presence: input.presence, at: min(600), lastSeen: min(10) }), true);
  });

  it('takes a unit without any lifecycle event (data written without a broker) as connected', () => {
    const { segments } = buildTimeline({ transitions: [{ ts: min(5), state: 'running' }], from: T0, to: min(60), presence: {} });
    assert.deepEqual(brief(segments), ['0-5 offline', '5-60 running']);
    assert.equal(onlineAt({ presence: undefined, at: min(60) }), true);
  });

  // ---- properties ---------------------------------------------------------------------------

  /** A history of sessions: each version connects, and all but maybe the last disconnect, in time order. */
  const sessionsArb = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 })), { minLength: 0, maxLength: 6 })
    .chain((gaps) =>
      fc.boolean().map((lastOpen) => {
        const events: ConnectionEvent[] = [];
        let at = -10;
        gaps.forEach(([up, down], i) => {
          at += up;
          events.push(connected(at, i + 1));
          at += down + 1;
          if (i < gaps.length - 1 || !lastOpen) events.push(disconnected(at, i + 1));
        });
        return events;
      }),
    );
  const declaredArb = fc.array(
    fc.record({ ts: fc.integer({ min: -10, max: 70 }).map(min), online: fc.boolean(), msgId: fc.constantFrom('x', 'y', 'z') }),
    { maxLength: 6 },
  );
  const transitionsArb = fc.array(fc.record({ ts: fc.integer({ min: -10, max: 70 }).map(min), state: fc.constantFrom(...EQUIPMENT_STATES) }), {
    maxLength: 8,
  });
  const shuffledWithDuplicates = <T>(items: readonly T[], seed: number): T[] => {
    const copy = [...items, ...items.filter((_, i) => (seed >> i) & 1)];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = (seed * (i + 7)) % (i + 1);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  };

  it('property: duplicated and out-of-order lifecycle events and declarations give the same timeline', () => {
    fc.assert(
      fc.property(transitionsArb, sessionsArb, declaredArb, fc.nat(), (transitions, connection, declared, seed) => {
        const expected = buildTimeline({ transitions, from: T0, to: min(60), presence: { connection, declared } });
        const actual = buildTimeline({
          transitions,
          from: T0,
          to: min(60),
          presence: { connection: shuffledWithDuplicates(connection, seed), declared: shuffledWithDuplicates(declared, seed + 1) },
        });
        assert.deepEqual(actual, expected);
      }),
    );
  });

  it('property: segments tile the window, and offline is exactly where presence says the unit is not online', () => {
    fc.assert(
      fc.property(transitionsArb, sessionsArb, declaredArb, fc.integer({ min: 0, max: 59 }), (transitions, connection, declared, m) => {
        const presence = { connection, declared };
        const { segments } = buildTimeline({ transitions, from: T0, to: min(60), presence });
        assert.equal(segments[0]?.start, T0);
        assert.equal(segments.at(-1)?.end, min(60));
        for (let i = 1; i < segments.length; i++) assert.equal(segments[i]!.start, segments[i - 1]!.end);
        const at = min(m) + 30_000;
        const segment = segments.find((s) => s.start <= at && at < s.end)!;
        const known = transitions.some((t) => t.ts <= at);
        if (known) assert.equal(segment.state === 'offline', !onlineAt({ presence, at, stateTimes: transitions.map((t) => t.ts) }));
      }),
    );
  });
});

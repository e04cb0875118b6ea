import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JITTER, MAX_ATTEMPTS, MAX_RETRY_AFTER_MS, RETRY_DELAYS_MS, nextAttempt, parseRetryAfter } from '#shared/integration/retry-schedule.ts';

const NOW = new Date('2030-01-01T00:00:00.000Z');
const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('webhook retry schedule (Standard Webhooks)', () => {
  it('is immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: ten attempts', () => {
    assert.deepEqual([...RETRY_DELAYS_MS], [0, 5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H]);
    assert.equal(MAX_ATTEMPTS, 10);
  });

  it('waits exactly the schedule when the jitter is centred', () => {
    // Prepare / Act
    const waits = Array.from({ length: 9 }, (_, i) => nextAttempt({ failedAttempts: i + 1, now: NOW, random: () => 0.5 }));
    // Assess
    assert.deepEqual(
      waits.map((w) => (w.kind === 'retry' ? [w.attempt, w.delayMs] : w.kind)),
      RETRY_DELAYS_MS.slice(1).map((d, i) => [i + 2, d]),
    );
  });

  it('gives up after the tenth failed attempt, and on nonsense counts', () => {
    assert.equal(nextAttempt({ failedAttempts: 10, now: NOW }).kind, 'give-up');
    assert.equal(nextAttempt({ failedAttempts: 11, now: NOW }).kind, 'give-up');
    assert.equal(nextAttempt({ failedAttempts: 0, now: NOW }).kind, 'give-up');
  });

  it('keeps every wait within ±20 % of the schedule, whatever the random source says', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (failed, r) => {
        const next = nextAttempt({ failedAttempts: failed, now: NOW, random: () => r });
        assert.equal(next.kind, 'retry');
        if (next.kind !== 'retry') return;
        const base = RETRY_DELAYS_MS[failed]!;
        assert.ok(next.delayMs >= Math.floor(base * (1 - JITTER)) && next.delayMs <= Math.ceil(base * (1 + JITTER)), `${next.delayMs} vs ${base}`);
        assert.equal(next.at.getTime(), NOW.getTime() + next.delayMs);
      }),
    );
  });

  it('waits at least a Retry-After in seconds, and says so', () => {
    const next = nextAttempt({ failedAttempts: 1, retryAfter: '120', now: NOW, random: () => 0.5 });
    assert.equal(next.kind, 'retry');
    assert.equal(next.kind === 'retry' && next.delayMs, 120 * S);
    assert.equal(next.retryAfterSeconds, 120);
  });

  it('keeps the schedule when Retry-After asks for less', () => {
    const next = nextAttempt({ failedAttempts: 3, retryAfter: '1', now: NOW, random: () => 0.5 });
    assert.equal(next.kind === 'retry' && next.delayMs, 30 * M);
  });

  it('reads Retry-After as an HTTP-date', () => {
    const date = new Date(NOW.getTime() + 3 * H).toUTCString();
    const next = nextAttempt({ failedAttempts: 1, retryAfter: date, now: NOW, random: () => 0.5 });
    assert.equal(next.kind === 'retry' && next.delayMs, 3 * H);
    assert.equal(next.retryAfterSeconds, 3 * 3600);
  });

  it('caps Retry-After at 24 hours', () => {
    const next = nextAttempt({ failedAttempts: 1, retryAfter: String(7 * 86_400), now: NOW, random: () => 0.5 });
    assert.equal(next.kind === 'retry' && next.delayMs, MAX_RETRY_AFTER_MS);
  });

  it('never waits less than Retry-After (up to the cap) nor less than the jittered schedule', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.nat({ max: 10 * 86_400 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (failed, seconds, r) => {
          const next = nextAttempt({ failedAttempts: failed, retryAfter: String(seconds), now: NOW, random: () => r });
          if (next.kind !== 'retry') return assert.fail('gave up');
          const scheduled = nextAttempt({ failedAttempts: failed, now: NOW, random: () => r });
          assert.ok(next.delayMs >= Math.min(seconds * S, MAX_RETRY_AFTER_MS));
          assert.equal(next.delayMs, Math.max(scheduled.kind === 'retry' ? scheduled.delayMs : 0, Math.min(seconds * S, MAX_RETRY_AFTER_MS)));
        },
      ),
    );
  });

  it('ignores a Retry-After it cannot read, and a date in the past means no extra wait', () => {
    assert.equal(parseRetryAfter('soon', NOW), undefined);
    assert.equal(parseRetryAfter('-5', NOW), undefined);
    assert.equal(parseRetryAfter('2030-01-02', NOW), undefined);
    assert.equal(parseRetryAfter('', NOW), undefined);
    assert.equal(parseRetryAfter(undefined, NOW), undefined);
    assert.equal(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW), 0);
    assert.equal(parseRetryAfter(' 30 ', NOW), 30);
  });
});

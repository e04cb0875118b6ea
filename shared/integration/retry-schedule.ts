/**
 * The Standard Webhooks retry schedule, pure: attempt 1 at once, then 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 14 h, 20 h and 24 h after the previous one (10 attempts, about three days), each
 * wait jittered so that a receiver coming back up is not hit by every message at the same
 * second. A receiver's Retry-After makes the next wait at least that long (at most 24 h).
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The wait before each attempt, after the previous one; index 0 is attempt 1. */
export const RETRY_DELAYS_MS = [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length;
/** Each wait is the schedule's ± this fraction. */
export const JITTER = 0.2;
/** Retry-After never holds a message back longer than this. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

/**
 * Retry-After in seconds from now: delta-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`), never negative; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text);
  // An HTTP-date names its weekday and ends in GMT; anything else Date.parse reads is not one.
  if (!/^[A-Za-z]{3},\s.*GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / SECOND));
}

export interface NextAttemptInput {
  /** Failed attempts so far in this round (1 after the first attempt failed). */
  failedAttempts: number;
  /** The receiver's Retry-After header of the last attempt, as sent. */
  retryAfter?: string | undefined;
  now: Date;
  /** Uniform in [0, 1); injectable so tests pin the jitter. */
  random?: () => number;
}

export type NextAttempt =
  | { kind: 'retry'; attempt: number; at: Date; delayMs: number; retryAfterSeconds?: number }
  | { kind: 'give-up'; retryAfterSeconds?: number };

/** When to try next after a failed attempt, or give up after the last. */
export function nextAttempt({ failedAttempts, retryAfter, now, random = Math.random }: NextAttemptInput): NextAttempt {
  const retryAfterSeconds = parseRetryAfter(retryAfter, now);
  const extra = retryAfterSeconds === undefined ? {} : { retryAfterSeconds };
  const base = RETRY_DELAYS_MS[failedAttempts];
  if (failedAttempts < 1 || base === undefined) return { kind: 'give-up', ...extra };
  const jittered = Math.round(base * (1 + JITTER * (2 * random() - 1)));
  const floor = retryAfterSeconds === undefined ? 0 : Math.min(retryAfterSeconds * SECOND, MAX_RETRY_AFTER_MS);
  const delayMs = Math.max(jittered, floor);
  return { kind: 'retry', attempt: failedAttempts + 1, at: new Date(now.getTime() + delayMs), delayMs, ...extra };
}

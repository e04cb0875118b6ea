/**
 * Fair use (issue 17): each plant (tenant) has a token bucket of API requests, so one busy plant
 * cannot starve the others. docs/fair-use.md says why it is built this way.
 *
 * - The limits: `requestsPerSecond` (the refill rate) and `burst` (the bucket's size). Every plant
 *   has DEFAULT_RATE_LIMITS until a platform operator sets its own (stored on the plant's bucket
 *   item, `{tenant}#RATE`/`BUCKET`, audited; plant admins cannot change them). A deployment may
 *   change the default for every plant (MES_RATE_LIMIT_DEFAULT, "rps/burst").
 * - The bucket lives in DynamoDB; each Lambda container leases a small batch of tokens with one
 *   conditional UpdateItem and spends them locally (functions/lib/rate-limit.ts).
 * - A request over the limit is a 429 `urn:mes:problem:rate-limited` with `Retry-After` (whole
 *   seconds until the next token) and the same number as `retryAfterSeconds` in the problem.
 *
 * Pure arithmetic here (no AWS): the bucket's refill, how big a lease to take, how long to wait.
 */

export interface RateLimits {
  /** Tokens added per second: the sustained request rate. */
  requestsPerSecond: number;
  /** The bucket's size: how many requests may come at once after a quiet spell. */
  burst: number;
}

/**
 * Every plant's limits until a platform operator sets its own. A phone screen polls about one
 * request every 2 s; 50 a second is about a hundred open screens plus the ERP, far above the
 * demo plant's use, and a burst of 100 covers a screen's first load on many phones at once.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = { requestsPerSecond: 50, burst: 100 };

/** Bounds a platform operator may set (also the API schema's, shared/api/fair-use-schemas.ts). */
export const RATE_LIMIT_BOUNDS = { requestsPerSecond: { min: 0.1, max: 10_000 }, burst: { min: 1, max: 100_000 } } as const;

/** The problem type of a refused request (RFC 9457), status 429. */
export const RATE_LIMITED = 'urn:mes:problem:rate-limited';

/**
 * How long a leased token may be spent, ms. A lease is a container's: the longer it lives, the
 * more tokens can sit unspent in one container while another is refused (docs/fair-use.md).
 */
export const LEASE_LIFETIME_MS = 1_000;

/** The most tokens one lease takes: bounds the fairness error per container. */
export const MAX_LEASE = 20;

/** The bucket as stored: tokens left (fractional) at `refilledAt` (epoch ms). */
export interface BucketState {
  tokens: number;
  refilledAt: number;
}

/** The bucket at `now`: refilled at the limits' rate since `refilledAt`, never above `burst`. A new bucket is full. */
export function refill(state: BucketState | undefined, limits: RateLimits, now: number): BucketState {
  if (!state) return { tokens: limits.burst, refilledAt: now };
  const elapsed = Math.max(0, now - state.refilledAt) / 1000;
  return { tokens: Math.min(limits.burst, state.tokens + elapsed * limits.requestsPerSecond), refilledAt: Math.max(now, state.refilledAt) };
}

/**
 * How many tokens a container asks for in one lease: a fifth of a second of the plant's rate,
 * at least 1, at most MAX_LEASE and the burst. Larger leases cost fewer writes, smaller ones
 * are fairer (docs/fair-use.md has the figures).
 */
export function leaseSize(limits: RateLimits): number {
  return Math.max(1, Math.min(MAX_LEASE, Math.floor(limits.burst), Math.ceil(limits.requestsPerSecond / 5)));
}

export type LeaseDecision =
  | { ok: true; granted: number; after: BucketState }
  /** Not one whole token: `tokens` in the bucket now; wait `retryAfterSeconds` (whole seconds, at least 1). */
  | { ok: false; tokens: number; retryAfterSeconds: number };

/** What a lease of up to `wanted` tokens takes from the bucket at `now`. */
export function takeLease(state: BucketState | undefined, limits: RateLimits, wanted: number, now: number): LeaseDecision {
  const full = refill(state, limits, now);
  const granted = Math.min(wanted, Math.floor(full.tokens));
  if (granted >= 1) return { ok: true, granted, after: { tokens: full.tokens - granted, refilledAt: full.refilledAt } };
  return { ok: false, tokens: full.tokens, retryAfterSeconds: secondsUntilToken(full.tokens, limits) };
}

/** Whole seconds until the bucket holds one token again (Retry-After is in whole seconds; never 0). */
export function secondsUntilToken(tokens: number, limits: RateLimits): number {
  return Math.max(1, Math.ceil((1 - tokens) / limits.requestsPerSecond));
}

/** "rps/burst" (MES_RATE_LIMIT_DEFAULT) as limits; undefined when unset or not two positive numbers. */
export function parseRateLimits(text: string | undefined): RateLimits | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+)\s*$/.exec(text ?? '');
  if (!match) return undefined;
  const requestsPerSecond = Number(match[1]);
  const burst = Number(match[2]);
  return requestsPerSecond > 0 && burst >= 1 ? { requestsPerSecond, burst } : undefined;
}

/** The plain words of a refusal; the web app says the same. */
export const rateLimitedWords = (retryAfterSeconds: number) =>
  `The plant is sending more requests than its limit; trying again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`;

/**
 * Fair use at the HTTP edge (issue 17, docs/fair-use.md): `admitRequest(tenantId)` lets a
 * request of the plant through or throws RateLimitedError (429 with Retry-After).
 *
 * Each container (a Lambda sandbox; the local runtime's one process) leases a small batch of
 * the plant's tokens from its DynamoDB bucket (shared/db/rate-limit-repository.ts, one
 * conditional UpdateItem) and spends them locally for up to LEASE_LIFETIME_MS: one write per
 * lease, not per request. Concurrent requests of a plant in one container share one lease
 * call. A refusal is remembered until the next token is due, so a flood of refused requests
 * costs no DynamoDB calls.
 *
 * Fail open: when the bucket cannot be read or written (a DynamoDB error, throttling, contention
 * that does not settle), the request goes through and the failure is logged; for a second the
 * container then lets the plant's requests through without trying again.
 */
import { LEASE_LIFETIME_MS, leaseSize, MAX_LEASE, type RateLimits, secondsUntilToken } from '#shared/domain/fair-use.ts';
import { RateLimitedError } from '#shared/domain/errors.ts';
import { BucketContentionError, type StoredBucket, rateLimits } from '#shared/db/rate-limit-repository.ts';
import { withoutUsage } from '#shared/db/usage.ts';
import { logger } from './logger.ts';

const FAIL_OPEN_MS = 1_000;
/** Rounds of waiting for leases before a request gives up (429). */
const MAX_ROUNDS = 50;
/** After a lease lost to other containers every time, this container refuses the plant for so long. */
const CONTENTION_BACKOFF_MS = 200;

interface PlantLease {
  /** Tokens leased and not spent yet. */
  left: number;
  /** Leased tokens are not spent after this (epoch ms). */
  expiresAt: number;
  /** The bucket as this container last saw it: the next lease starts from it. */
  bucket?: StoredBucket | undefined;
  limits?: RateLimits | undefined;
  /** Refused until then (epoch ms): the bucket has no whole token before. */
  refusedUntil?: number | undefined;
  /** The bucket failed: requests pass until then (epoch ms). */
  openUntil?: number | undefined;
  /** A lease on its way: concurrent requests wait for it instead of asking for their own. */
  leasing?: Promise<void> | undefined;
  /** Requests of the plant in this container waiting for a token: a lease asks for as many (up to MAX_LEASE). */
  waiting: number;
}

/** What the limiter needs of the bucket store (shared/db/rate-limit-repository.ts). */
export type BucketStore = Pick<typeof rateLimits, 'get' | 'lease'>;

/** One container's leases of every plant's tokens. */
export class RequestLimiter {
  private readonly plants = new Map<string, PlantLease>();

  constructor(
    private readonly store: BucketStore = rateLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Lets one request of `tenantId` through, or throws RateLimitedError. */
  async admit(tenantId: string): Promise<void> {
    let plant = this.plants.get(tenantId);
    if (!plant) {
      plant = { left: 0, expiresAt: 0, waiting: 0 };
      this.plants.set(tenantId, plant);
    }
    // Each round either admits, refuses, or waits for a lease that changed something (tokens,
    // a refusal, fail open); a request that waited may find the lease spent by the others that
    // waited, and asks again. Bounded, in case the others keep winning.
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const at = this.now();
      if (plant.openUntil !== undefined && at < plant.openUntil) return;
      if (plant.left > 0 && at < plant.expiresAt) {
        plant.left -= 1;
        return;
      }
      if (plant.refusedUntil !== undefined && at < plant.refusedUntil && plant.limits) {
        throw new RateLimitedError(Math.max(1, Math.ceil((plant.refusedUntil - at) / 1000)), plant.limits);
      }
      if (!plant.leasing) {
        const leasing = this.lease(tenantId, plant, at).finally(() => {
          if (plant && plant.leasing === leasing) plant.leasing = undefined;
        });
        plant.leasing = leasing;
      }
      plant.waiting += 1;
      try {
        await plant.leasing;
      } finally {
        plant.waiting -= 1;
      }
    }
    // Still nothing after many leases in a row: others in this container took every token.
    const limits = plant.limits;
    if (limits) throw new RateLimitedError(secondsUntilToken(0, limits), limits);
  }

  private async lease(tenantId: string, plant: PlantLease, at: number): Promise<void> {
    try {
      // A refusal remembered from an old read may miss a limit raised meanwhile: read the bucket again.
      const seen = plant.refusedUntil !== undefined ? await withoutUsage(() => this.store.get(tenantId)) : plant.bucket;
      // As many tokens as requests wait here, at least a lease's worth, at most MAX_LEASE.
      const wanted = (limits: RateLimits) => Math.min(MAX_LEASE, Math.max(leaseSize(limits), plant.waiting + 1));
      const result = await withoutUsage(() => this.store.lease(tenantId, wanted, at, seen));
      plant.bucket = result.bucket;
      plant.limits = result.limits;
      if (result.ok) {
        plant.left = result.granted;
        plant.expiresAt = at + LEASE_LIFETIME_MS;
        plant.refusedUntil = undefined;
      } else {
        plant.left = 0;
        plant.refusedUntil = at + Math.ceil(((1 - result.tokens) / result.limits.requestsPerSecond) * 1000);
      }
    } catch (error) {
      if (error instanceof BucketContentionError) {
        // Not a failure: other containers lease from the bucket right now. Refuse for a moment.
        plant.limits = error.limits;
        plant.refusedUntil = at + CONTENTION_BACKOFF_MS;
        return;
      }
      // Fail open: a broken bucket must not take the API down with it.
      logger.warn('fair use: the request bucket failed; letting the plant through', { tenantId, error: error as Error });
      plant.openUntil = at + FAIL_OPEN_MS;
    }
  }
}

/** This container's limiter. */
const limiter = new RequestLimiter();

/** Lets one request of `tenantId` through, or throws RateLimitedError (429 with Retry-After). */
export const admitRequest = (tenantId: string): Promise<void> => limiter.admit(tenantId);

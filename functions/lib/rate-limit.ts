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
import { LEASE_LIFETIME_MS, leaseSize, type RateLimits, secondsUntilToken } from '#shared/domain/fair-use.ts';
import { RateLimitedError } from '#shared/domain/errors.ts';
import { type StoredBucket, rateLimits } from '#shared/db/rate-limit-repository.ts';
import { withoutUsage } from '#shared/db/usage.ts';
import { logger } from './logger.ts';

const FAIL_OPEN_MS = 1_000;

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
}

const plants = new Map<string, PlantLease>();

/** Lets one request of `tenantId` through, or throws RateLimitedError. */
export async function admitRequest(tenantId: string, now: () => number = Date.now): Promise<void> {
  let plant = plants.get(tenantId);
  if (!plant) {
    plant = { left: 0, expiresAt: 0 };
    plants.set(tenantId, plant);
  }
  // A few rounds: a request that waited for another's lease may find it spent by the others that waited.
  for (let round = 0; round < 4; round++) {
    const at = now();
    if (plant.openUntil !== undefined && at < plant.openUntil) return;
    if (plant.left > 0 && at < plant.expiresAt) {
      plant.left -= 1;
      return;
    }
    if (plant.refusedUntil !== undefined && at < plant.refusedUntil && plant.limits) {
      throw new RateLimitedError(Math.max(1, Math.ceil((plant.refusedUntil - at) / 1000)), plant.limits);
    }
    if (!plant.leasing) {
      plant.leasing = lease(tenantId, plant, at).finally(() => {
        if (plant) plant.leasing = undefined;
      });
    }
    await plant.leasing;
  }
  // Still nothing after several leases in a row: others in this container took every token.
  const limits = plant.limits;
  if (limits) throw new RateLimitedError(secondsUntilToken(0, limits), limits);
}

async function lease(tenantId: string, plant: PlantLease, at: number): Promise<void> {
  try {
    // A refusal remembered from an old read may miss a limit raised meanwhile: read the bucket again.
    const seen = plant.refusedUntil !== undefined ? await withoutUsage(() => rateLimits.get(tenantId)) : plant.bucket;
    const result = await withoutUsage(() => rateLimits.lease(tenantId, leaseSize, at, seen));
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
    // Fail open: a broken bucket must not take the API down with it.
    logger.warn('fair use: the request bucket failed; letting the plant through', { tenantId, error: error as Error });
    plant.openUntil = at + FAIL_OPEN_MS;
  }
}

/** Test-only: forget every lease (a fresh container). */
export function resetLeases(): void {
  plants.clear();
}

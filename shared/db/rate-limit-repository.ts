/**
 * The plant's request bucket on DynamoDB (issue 17; the arithmetic is shared/domain/fair-use.ts,
 * the per-container leases functions/lib/rate-limit.ts). One item, `{t}#RATE`/`BUCKET`:
 * `tokens` left at `refilledAt` (epoch ms), `v` (bumped by every write) and, once a platform
 * operator set them, the plant's own `limits` (audited, chain `RATE`, in the same partition).
 *
 * A lease is ONE conditional UpdateItem on `v`, computed from the bucket as last seen; when
 * another container wrote first, the failed condition returns the item as it is now
 * (ReturnValuesOnConditionCheckFailure), so the retry needs no read.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type BucketState, DEFAULT_RATE_LIMITS, parseRateLimits, type RateLimits, takeLease } from '../domain/fair-use.ts';
import { VersionConflictError } from '../domain/errors.ts';
import { ENV } from '../config.ts';
import { type AuditHead, chainedAudit } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { keys } from './keys.ts';
import { transact } from './transactions.ts';

/** The bucket item as stored (keys aside). */
export interface StoredBucket extends Partial<BucketState> {
  v: number;
  /** The plant's own limits, when a platform operator set them. */
  limits?: RateLimits | undefined;
  limitsVersion?: number | undefined;
  limitsSetBy?: string | undefined;
  limitsSetAt?: string | undefined;
  auditHead?: AuditHead | undefined;
}

/** Every plant's limits unless its own are set: the deployment's (MES_RATE_LIMIT_DEFAULT), else DEFAULT_RATE_LIMITS. */
export const defaultRateLimits = (): RateLimits => parseRateLimits(process.env[ENV.rateLimitDefault]) ?? DEFAULT_RATE_LIMITS;

export const limitsOf = (bucket: StoredBucket | undefined): RateLimits => bucket?.limits ?? defaultRateLimits();

export type LeaseResult =
  | { ok: true; granted: number; limits: RateLimits; bucket: StoredBucket }
  /** Refused: not one token until `tokens` (the bucket as computed at `now`) refills to 1. */
  | { ok: false; limits: RateLimits; bucket: StoredBucket | undefined; tokens: number };

/** Contention between containers: attempts before the lease gives up (the limiter then lets the request through, as on any failure). */
const LEASE_ATTEMPTS = 8;

const fromItem = (item: Record<string, unknown> | undefined): StoredBucket | undefined => {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = item;
  return rest as unknown as StoredBucket;
};

/** The bucket changed under every attempt of a lease: other containers are leasing from it right now. */
export class BucketContentionError extends Error {
  override readonly name = 'BucketContentionError';
  constructor(
    tenantId: string,
    readonly limits: RateLimits,
  ) {
    super(`the request bucket of ${tenantId} kept changing`);
  }
}

export class DynamoDbRateLimitRepository {
  /** The bucket as stored now (strongly consistent), or undefined for a plant that never sent a request and has no limits of its own. */
  async get(tenantId: string): Promise<StoredBucket | undefined> {
    const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.rateBucket(tenantId), ConsistentRead: true }));
    return fromItem(Item);
  }

  /**
   * Takes up to `wanted` tokens at `now`, starting from `seen` (the bucket as this container
   * last saw it; undefined: as if absent, and the condition tells if it is not). Refused without
   * a write when the bucket, as seen, has not one token: others only ever take tokens, so a
   * bucket seen empty is empty (a limit raised meanwhile is seen at the caller's next read).
   */
  async lease(tenantId: string, wanted: number | ((limits: RateLimits) => number), now: number, seen?: StoredBucket): Promise<LeaseResult> {
    let bucket = seen;
    for (let attempt = 0; attempt < LEASE_ATTEMPTS; attempt++) {
      const limits = limitsOf(bucket);
      const want = typeof wanted === 'function' ? wanted(limits) : wanted;
      const state =
        bucket && bucket.tokens !== undefined && bucket.refilledAt !== undefined
          ? { tokens: bucket.tokens, refilledAt: bucket.refilledAt }
          : undefined;
      const decision = takeLease(state, limits, want, now);
      if (!decision.ok) return { ok: false, limits, bucket, tokens: decision.tokens };
      const next: StoredBucket = { ...bucket, v: (bucket?.v ?? 0) + 1, tokens: decision.after.tokens, refilledAt: decision.after.refilledAt };
      try {
        await ddb().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: keys.rateBucket(tenantId),
            UpdateExpression: 'SET entity = :e, tokens = :t, refilledAt = :r, v = :next',
            ConditionExpression: bucket ? 'v = :v' : 'attribute_not_exists(pk)',
            ExpressionAttributeValues: {
              ':e': 'RateBucket',
              ':t': next.tokens,
              ':r': next.refilledAt,
              ':next': next.v,
              ...(bucket ? { ':v': bucket.v } : {}),
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        return { ok: true, granted: decision.granted, limits, bucket: next };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        // Another container leased first (or the limits changed): go on from the bucket as it is,
        // as the failed condition returned it (DynamoDB), or read it (a store that returns nothing).
        bucket = error.Item ? fromItem(unmarshall(error.Item)) : await this.get(tenantId);
        // A little jitter, so that containers leasing at the same moment do not collide again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
      }
    }
    // Others kept leasing first: the bucket works and is busy. The caller refuses for now.
    throw new BucketContentionError(tenantId, limitsOf(bucket));
  }

  /**
   * A platform operator sets a plant's limits: the bucket item and its audit record in one
   * transaction, conditioned on the bucket's `v` as read. The tokens already in the bucket
   * stay (capped by the new burst at the next lease); every container sees the new limits at
   * its next lease, whose condition on `v` fails and returns them.
   */
  async setLimits(tenantId: string, limits: RateLimits, by: string, at: string): Promise<StoredBucket> {
    // Leases bump `v` all the time on a busy plant: read again and retry a few times.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.setLimitsOnce(tenantId, limits, by, at);
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= LEASE_ATTEMPTS) throw error;
      }
    }
  }

  private async setLimitsOnce(tenantId: string, limits: RateLimits, by: string, at: string): Promise<StoredBucket> {
    const before = await this.get(tenantId);
    const version = (before?.limitsVersion ?? 0) + 1;
    const audit = {
      version,
      at,
      by,
      action: 'rateLimits.set',
      target: tenantId,
      changes: [{ field: 'limits', from: before?.limits ?? null, to: limits }],
    };
    const record = chainedAudit(tenantId, keys.rateAudit(tenantId, version), audit, before?.auditHead, 'RATE');
    const next: StoredBucket = {
      ...before,
      v: (before?.v ?? 0) + 1,
      limits,
      limitsVersion: version,
      limitsSetBy: by,
      limitsSetAt: at,
      auditHead: record.head,
    };
    const cancelled = await transact([
      {
        Update: {
          TableName: tableName(),
          Key: keys.rateBucket(tenantId),
          UpdateExpression: 'SET entity = :e, limits = :l, limitsVersion = :lv, limitsSetBy = :by, limitsSetAt = :at, auditHead = :h, v = :next',
          ConditionExpression: before ? 'v = :v' : 'attribute_not_exists(pk)',
          ExpressionAttributeValues: {
            ':e': 'RateBucket',
            ':l': limits,
            ':lv': version,
            ':by': by,
            ':at': at,
            ':h': record.head,
            ':next': next.v,
            ...(before ? { ':v': before.v } : {}),
          },
        },
      },
      { Put: { TableName: tableName(), Item: record.item, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    if (cancelled) throw new VersionConflictError(`the limits of ${tenantId} changed meanwhile; read them again and retry`);
    return next;
  }
}

export const rateLimits = new DynamoDbRateLimitRepository();

/**
 * Telemetry on DynamoDB (docs/telemetry.md): state transitions as idempotent items, counts and
 * process values in per-minute aggregate items per group of units, merged read-modify-write
 * under a version condition, and rejected messages with a TTL. Implements the telemetry ports
 * (shared/domain/telemetry/repository.ts) and decodes the stored forms here: above this file
 * nothing knows the compact minute format or the key attributes.
 */
import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ddb, tableName } from './client.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { chainOf } from '../domain/audit/chain.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { queryAll } from './partition-page.ts';
import { type StoredUnitMinute, readUnitMinute, writeUnitMinute } from './telemetry-bucket-format.ts';
import { type StoredUnitDay, readUnitDay, writeUnitDay } from './telemetry-day-format.ts';
import type { DayBucket } from '../domain/telemetry/rollup.ts';
import { transact } from './transactions.ts';
import { VersionConflictError } from '../domain/errors.ts';
import type {
  BucketKey,
  DowntimeReasonRecord,
  MinuteBucket,
  OperationContextRecord,
  RejectedMessage,
  StoredConnectionEvent,
  StoredDeclaredPresence,
  StoredStateTransition,
  TelemetryRepository,
  UnitMinute,
} from '../domain/telemetry/repository.ts';

const REJECTED_TTL_SECONDS = 30 * 24 * 3600;
const MAX_ATTEMPTS = 5;
/** How many items before a window's start are read for the presence in force at it (duplicates and out-of-order versions included). */
const IN_FORCE_ITEMS = 10;
/** How far back the run of a state in force at a window's start is read: pages of state items (each ~200 bytes). */
const RUN_PAGE = 200;
const RUN_PAGES = 10;

/** A minute bucket as stored: each unit's minute in the compact form (telemetry-bucket-format.ts). */
interface BucketItem {
  tenantId: string;
  group: number;
  minute: number;
  version: number;
  units: Record<string, StoredUnitMinute>;
}

const decodeBucket = (item: Record<string, unknown>): MinuteBucket => {
  const { units, ...rest } = stripKeys<BucketItem>(item);
  const decoded: Record<string, UnitMinute> = {};
  for (const [id, stored] of Object.entries(units ?? {})) {
    const unit = readUnitMinute(stored, rest.minute);
    if (unit) decoded[id] = unit;
  }
  return { ...rest, units: decoded };
};
const encodeUnits = (units: MinuteBucket['units'], minute: number): BucketItem['units'] =>
  Object.fromEntries(Object.entries(units).map(([id, unit]) => [id, writeUnitMinute(unit, minute)]));
const decodeTransition = (item: Record<string, unknown>) => stripKeys<StoredStateTransition>(item);

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt) * Math.random()));

/** One item per key: BatchWriteItem refuses a request that names a key twice (a duplicate in the same batch). */
const uniqueByKey = <T extends { pk: string; sk: string }>(items: T[]): T[] => [...new Map(items.map((i) => [`${i.pk}|${i.sk}`, i])).values()];

/** BatchWriteItem in chunks of 25, retrying what DynamoDB left unprocessed. */
async function batchPut(items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`${requests.length} items stayed unprocessed`);
      if (attempt > 0) await backoff(attempt);
      const { UnprocessedItems } = await ddb().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: requests }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      requests = (UnprocessedItems?.[tableName()] ?? []) as typeof requests;
    }
  }
}

export class DynamoDbTelemetryRepository implements TelemetryRepository {
  /**
   * Same message, same key: a redelivery rewrites the item with itself. Its place in the change
   * feed is set on first arrival only (if_not_exists), so a redelivery does not show again.
   * One UpdateItem each: state changes are rare, and BatchWriteItem cannot express that.
   */
  async putStateTransitions(tenantId: string, transitions: StoredStateTransition[]): Promise<void> {
    const unique = new Map(transitions.map((t) => [`${t.equipmentId}|${t.ts}|${t.msgId}`, t]));
    await Promise.all(
      [...unique.values()].map((t) => {
        const feed = keys.stateChangeFeed(tenantId, t.receivedAt ?? t.ts, t.equipmentId, t.msgId);
        const { receivedAt: _, ...fields } = t;
        const values: Record<string, unknown> = { entity: 'StateTransition', ...fields, receivedAt: t.receivedAt ?? t.ts };
        const names = Object.keys(values);
        return ddb().send(
          new UpdateCommand({
            TableName: tableName(),
            Key: keys.equipmentState(tenantId, t.equipmentId, t.ts, t.msgId),
            UpdateExpression: `SET ${names.map((_n, i) => `#f${i} = if_not_exists(#f${i}, :v${i})`).join(', ')}, gsi1pk = :gpk, gsi1sk = if_not_exists(gsi1sk, :gsk)`,
            ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
            ExpressionAttributeValues: {
              ...Object.fromEntries(names.map((n, i) => [`:v${i}`, values[n]])),
              ':gpk': feed.gsi1pk,
              ':gsk': feed.gsi1sk,
            },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
      }),
    );
  }

  /** Same event, same key: a duplicate (IoT Core sends some) rewrites the item with itself. */
  async putConnectionEvents(tenantId: string, events: StoredConnectionEvent[]): Promise<void> {
    await batchPut(
      uniqueByKey(
        events.map((e) => ({
          ...keys.connectionEvent(tenantId, e.clientId, e.ts, e.version, e.connected),
          entity: 'ConnectionEvent',
          ...e,
          receivedAt: e.receivedAt ?? e.ts,
        })),
      ),
    );
  }

  async putDeclaredPresence(tenantId: string, samples: StoredDeclaredPresence[]): Promise<void> {
    await batchPut(
      uniqueByKey(
        samples.map((p) => ({
          ...keys.declaredPresence(tenantId, p.equipmentId, p.ts, p.msgId),
          entity: 'DeclaredPresence',
          ...p,
          receivedAt: p.receivedAt ?? p.ts,
        })),
      ),
    );
  }

  async connectionEvents(tenantId: string, clientId: string, from: number, to: number): Promise<StoredConnectionEvent[]> {
    return this.timedWithInForce<StoredConnectionEvent>(keys.connectionPartition(tenantId, clientId), from, to);
  }

  async declaredPresence(tenantId: string, equipmentId: string, from: number, to: number): Promise<StoredDeclaredPresence[]> {
    return this.timedWithInForce<StoredDeclaredPresence>(keys.declaredPresencePartition(tenantId, equipmentId), from, to);
  }

  /** Items of a partition sorted by ISO time: those in [from, to], plus the latest few before `from`, in two Queries at once. */
  private async timedWithInForce<T>(pk: string, from: number, to: number): Promise<T[]> {
    const fromSk = new Date(from).toISOString();
    const [before, within] = await Promise.all([
      ddb().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND sk < :from',
          ExpressionAttributeValues: { ':pk': pk, ':from': fromSk },
          ScanIndexForward: false,
          Limit: IN_FORCE_ITEMS,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
      queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        // `to` included: an event at the very moment asked about (a status read as the unit drops) counts.
        ExpressionAttributeValues: { ':pk': pk, ':from': fromSk, ':to': `${new Date(to).toISOString()}~` },
      }),
    ]);
    return [...(before.Items ?? []).reverse(), ...within].map((i) => stripKeys<T>(i));
  }

  async putRejections(rejections: RejectedMessage[]): Promise<void> {
    // DynamoDB's TTL deletes by the real time, so the expiry is the real time's too, never a test's clock.
    const expiresAt = Math.floor(Date.now() / 1000) + REJECTED_TTL_SECONDS;
    await batchPut(
      rejections.map((r, n) => {
        const { tenantId, ...rest } = r;
        return { ...keys.rejectedMessage(tenantId, r.receivedAt, r.recordId, n), entity: 'RejectedMessage', ...rest, expiresAt };
      }),
    );
  }

  /**
   * Merges additions into bucket items: read them (BatchGetItem), merge, write each under a
   * version condition; a conflicting writer makes that bucket start over. Returns the buckets
   * that still failed.
   */
  async mergeBuckets<A>(
    additions: (BucketKey & { add: A; expiresAt?: number | undefined })[],
    merge: (existing: MinuteBucket | undefined, add: A, bucket: BucketKey) => MinuteBucket,
  ): Promise<BucketKey[]> {
    let pending = additions;
    for (let attempt = 0; pending.length > 0 && attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await backoff(attempt);
      const existing = await this.getBuckets(pending);
      const conflicts: typeof pending = [];
      await Promise.all(
        pending.map(async (a) => {
          const key = keys.telemetryBucket(a.tenantId, a.group, a.minute);
          const before = existing.get(`${key.pk}|${key.sk}`);
          const after = merge(before, a.add, a);
          try {
            await ddb().send(
              new PutCommand({
                TableName: tableName(),
                Item: {
                  ...key,
                  entity: 'TelemetryBucket',
                  ...after,
                  units: encodeUnits(after.units, a.minute),
                  version: (before?.version ?? 0) + 1,
                  // The plant's minute retention (TABLE.ttlAttribute): set on every write, so a changed setting reaches the minutes still written.
                  ...(a.expiresAt ? { expiresAt: a.expiresAt } : {}),
                },
                ...(before
                  ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
                ReturnConsumedCapacity: 'TOTAL',
              }),
            );
          } catch (error) {
            if (error instanceof ConditionalCheckFailedException) conflicts.push(a);
            else throw error;
          }
        }),
      );
      pending = conflicts;
    }
    return pending.map(({ tenantId, group, minute }) => ({ tenantId, group, minute }));
  }

  private async getBuckets(wanted: BucketKey[]): Promise<Map<string, MinuteBucket>> {
    const found = new Map<string, MinuteBucket>();
    const unique = [
      ...new Map(
        wanted.map((w) => {
          const key = keys.telemetryBucket(w.tenantId, w.group, w.minute);
          return [`${key.pk}|${key.sk}`, key];
        }),
      ).values(),
    ];
    for (let i = 0; i < unique.length; i += 100) {
      let requested: Record<string, unknown>[] = unique.slice(i, i + 100);
      for (let attempt = 0; requested.length > 0; attempt++) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`${requested.length} buckets stayed unread`);
        if (attempt > 0) await backoff(attempt);
        const { Responses, UnprocessedKeys } = await ddb().send(
          new BatchGetCommand({
            RequestItems: { [tableName()]: { Keys: requested, ConsistentRead: true } },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        for (const item of Responses?.[tableName()] ?? []) found.set(`${item.pk}|${item.sk}`, decodeBucket(item));
        requested = (UnprocessedKeys?.[tableName()]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found;
  }

  /**
   * State transitions of a unit in [from, to), plus those in force at `from`: the run of the
   * same state and reason that began before it, back to its first transition (so a stop has the
   * same start whatever the window), read newest first in pages of RUN_PAGE, at most RUN_PAGES.
   */
  async stateTransitions(tenantId: string, equipmentId: string, from: number, to: number): Promise<StoredStateTransition[]> {
    const pk = keys.equipmentStatePartition(tenantId, equipmentId);
    const fromSk = new Date(from).toISOString();
    const [before, within] = await Promise.all([
      this.runBefore(pk, fromSk),
      queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': fromSk, ':to': new Date(to).toISOString() },
      }),
    ]);
    return [...before, ...within.map(decodeTransition)];
  }

  /** The unbroken run of one state and reason that is in force just before `fromSk`, oldest first. */
  private async runBefore(pk: string, fromSk: string): Promise<StoredStateTransition[]> {
    const run: StoredStateTransition[] = [];
    let cursor: Record<string, unknown> | undefined;
    for (let page = 0; page < RUN_PAGES; page++) {
      const { Items = [], LastEvaluatedKey } = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND sk < :from',
          ExpressionAttributeValues: { ':pk': pk, ':from': fromSk },
          ScanIndexForward: false,
          // The first page is one item: a unit that sends its state on change has a run of one.
          Limit: page === 0 ? 1 : RUN_PAGE,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      for (const item of Items) {
        const t = decodeTransition(item);
        const head = run[0];
        if (head && (t.state !== head.state || t.reasonCode !== head.reasonCode)) return run.reverse();
        run.push(t);
      }
      if (!LastEvaluatedKey) break;
      cursor = LastEvaluatedKey;
    }
    return run.reverse();
  }

  /** A unit's first state transition: its first data, for its commissioning. */
  async firstState(tenantId: string, equipmentId: string): Promise<StoredStateTransition | undefined> {
    const { Items = [] } = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.equipmentStatePartition(tenantId, equipmentId) },
        ScanIndexForward: true,
        Limit: 1,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Items[0] ? decodeTransition(Items[0]) : undefined;
  }

  /** The latest state transition of a unit. */
  async latestState(tenantId: string, equipmentId: string): Promise<StoredStateTransition | undefined> {
    return (await this.latestStates(tenantId, equipmentId, 1))[0];
  }

  /** A unit's last `limit` state transitions, newest first: one Query. */
  async latestStates(tenantId: string, equipmentId: string, limit: number): Promise<StoredStateTransition[]> {
    const { Items = [] } = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.equipmentStatePartition(tenantId, equipmentId) },
        ScanIndexForward: false,
        Limit: limit,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Items.map(decodeTransition);
  }

  /** A group's minute buckets in [from, to): one Query per UTC day. */
  async buckets(tenantId: string, group: number, from: number, to: number): Promise<MinuteBucket[]> {
    const out: MinuteBucket[] = [];
    for (
      let day = Date.UTC(new Date(from).getUTCFullYear(), new Date(from).getUTCMonth(), new Date(from).getUTCDate());
      day < to;
      day += 86_400_000
    ) {
      const dayIso = new Date(day).toISOString().slice(0, 10);
      const lo = Math.max(from, day);
      const hi = Math.min(to, day + 86_400_000) - 1;
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
        ExpressionAttributeValues: {
          ':pk': keys.telemetryPartition(tenantId, group, dayIso),
          ':lo': new Date(Math.floor(lo / 60_000) * 60_000).toISOString().slice(11, 16),
          ':hi': new Date(hi).toISOString().slice(11, 16),
        },
      });
      out.push(...items.map(decodeBucket));
    }
    return out;
  }

  /** A group's day items for the UTC days in [fromDay, toDay): one Query (a partition per group). */
  async dayBuckets(tenantId: string, group: number, fromDay: number, toDay: number): Promise<DayBucket[]> {
    if (!(toDay > fromDay)) return [];
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: {
        ':pk': keys.telemetryDayPartition(tenantId, group),
        ':lo': keys.telemetryDay(tenantId, group, fromDay).sk,
        ':hi': keys.telemetryDay(tenantId, group, toDay - 1).sk,
      },
    });
    return items.map((item) => {
      const units = (item.units ?? {}) as Record<string, StoredUnitDay>;
      return {
        tenantId,
        group,
        day: Date.parse(`${String(item.sk)}T00:00:00Z`),
        units: Object.fromEntries(Object.entries(units).map(([id, u]) => [id, readUnitDay(u)])),
      };
    });
  }

  /** Writes a group's day whole (the rollup recomputes it from the minute items, so a rewrite is idempotent). */
  async putDayBucket(bucket: DayBucket, expiresAt: number): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.telemetryDay(bucket.tenantId, bucket.group, bucket.day),
          entity: 'TelemetryDay',
          units: Object.fromEntries(Object.entries(bucket.units).map(([id, u]) => [id, writeUnitDay(u)])),
          expiresAt,
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  /** The last UTC day (YYYY-MM-DD) the rollup of a tenant finished. */
  async rollupThrough(tenantId: string): Promise<string | undefined> {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.telemetryRollupState(tenantId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return typeof Item?.through === 'string' ? Item.through : undefined;
  }

  async putRollupThrough(tenantId: string, through: string): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.telemetryRollupState(tenantId), entity: 'TelemetryRollup', through },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  /** Notes that a tenant sends telemetry (idempotent; the ingest does it once per tenant and process). */
  async registerTelemetryTenant(tenantId: string): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.telemetryTenant(tenantId), entity: 'TelemetryTenant' },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  }

  async telemetryTenants(): Promise<string[]> {
    const items = await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.telemetryTenantsPartition } });
    return items.map((i) => String(i.sk));
  }

  /** State changes of every unit that arrived after `since` (an ISO time or a returned cursor), oldest first. */
  async stateChangesSince(tenantId: string, since: string, limit: number) {
    const { Items = [] } = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk > :since',
        ExpressionAttributeValues: { ':pk': keys.stateChangeFeedPartition(tenantId), ':since': since },
        Limit: limit,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Items.map((i) => ({ cursor: String(i.gsi1sk), ...decodeTransition(i) }));
  }

  /** Reasons assigned to downtime events that started in [from, to]. */
  /** `consistent` for a read that a conditional write follows (a reason assigned on what is current). */
  async downtimeReasons(tenantId: string, equipmentId: string, from: number, to: number, consistent = false): Promise<DowntimeReasonRecord[]> {
    const items = await queryAll({
      ConsistentRead: consistent,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.downtimeReasonPartition(tenantId, equipmentId),
        ':from': new Date(from).toISOString(),
        ':to': `${new Date(to).toISOString()}~`,
      },
    });
    return items.filter((i) => i.entity === 'DowntimeReason').map((i) => stripKeys<DowntimeReasonRecord>(i));
  }

  /** Assigns a reason and writes its audit record in one transaction, conditioned on the version read. */
  async putDowntimeReason(tenantId: string, equipmentId: string, next: DowntimeReasonRecord, before: DowntimeReasonRecord | undefined) {
    // One partition holds a unit's downtime reasons: each reason is a chain of its own (chain.ts chainOf('downtime', ...)).
    const startIso = new Date(next.start).toISOString();
    const audit = chainedAudit(
      tenantId,
      keys.downtimeReasonAudit(tenantId, equipmentId, next.start, next.version),
      {
        version: next.version,
        at: next.assignedAt,
        by: next.assignedBy,
        action: before ? 'downtime.reason.change' : 'downtime.reason.assign',
        target: `equipment/${equipmentId}/downtime/${startIso}`,
        ...(next.comment ? { comment: next.comment } : {}),
        changes: [{ field: 'reasonCode', from: before?.reasonCode ?? null, to: next.reasonCode }],
      },
      auditHeadOf(before),
      chainOf('downtime', `${equipmentId}@${startIso}`),
    );
    const cancelled = await transact([
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.downtimeReason(tenantId, equipmentId, next.start), entity: 'DowntimeReason', ...next, auditHead: audit.head },
          ...(before
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      {
        Put: {
          TableName: tableName(),
          Item: audit.item,
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (cancelled) throw new VersionConflictError('the downtime reason was changed meanwhile; reload and try again');
  }

  async rejected(tenantId: string, day: string, limit: number) {
    const { Items = [] } = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.rejectedPartition(tenantId, day) },
        ScanIndexForward: false,
        Limit: limit,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Items.map((i) => stripKeys<Record<string, unknown>>(i));
  }

  /** Operation context items of a work center written in [fromIso, toIso] (shared/telemetry/context.ts). */
  async operationContexts(tenantId: string, workCenterId: string, fromIso: string, toIso: string): Promise<OperationContextRecord[]> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.operationContextPartition(tenantId, workCenterId), ':from': fromIso, ':to': `${toIso}~` },
    });
    return items.map((i) => stripKeys<OperationContextRecord>(i, ['workOrderId']));
  }
}

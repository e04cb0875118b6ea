/**
 * Outbound webhooks on DynamoDB: endpoints (one partition per tenant, versioned, each change
 * audited in the same transaction) and messages (one partition per endpoint, sorted by the
 * event's UUIDv7, so newest first is a backwards Query and "since" a key range). Attempts are
 * claimed and recorded with conditional writes, so two deliveries of one job never both send.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookAttempt } from '../api/integration-schemas.ts';
import { AlreadyExistsError, VersionConflictError } from '../domain/errors.ts';
import { diff } from '../domain/work-order/diff.ts';
import type { PageRequest } from '../domain/work-order/repository.ts';
import {
  type AttemptRecord,
  type AttemptTrigger,
  type AuditInfo,
  DELIVERED_RETENTION_DAYS,
  type MessageStatus,
  type MessageSummary,
  type StoredEndpoint,
  type StoredMessage,
  type WebhookRepository,
} from '../integration/model.ts';
import { ddb, tableName } from './client.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { partitionPage, queryAll } from './partition-page.ts';
import { cursorAttributes, decodeCursor, encodeCursor } from './pagination.ts';
import { type TransactItem, transact } from './transactions.ts';

const ENDPOINT = 'WebhookEndpoint';
const MESSAGE = 'WebhookMessage';
/** Not audited as changes: bookkeeping, and secrets (sealed or not, they stay out of the trail). */
const NOT_AUDITED = new Set(['version', 'updatedAt', 'updatedBy', 'secrets']);

/**
 * The smallest UUIDv7 (as text) of a millisecond: its first 48 bits are the Unix time in ms,
 * so every id minted at or after `ms` sorts at or after this.
 */
export function uuidv7LowerBound(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/** Stored message -> domain record: keys off, workOrderId (hidden by stripKeys) kept. */
const toMessage = (item: Record<string, unknown>) => stripKeys<StoredMessage>(item, ['workOrderId']);

export class DynamoDbWebhookRepository implements WebhookRepository {
  // ---------- endpoints ----------

  async getEndpoint(tenantId: string, id: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.webhookEndpoint(tenantId, id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<StoredEndpoint>(Item) : undefined;
  }

  async listEndpoints(tenantId: string, page: PageRequest) {
    return partitionPage<StoredEndpoint>(keys.webhookEndpointPartition(tenantId), page);
  }

  async allEndpoints(tenantId: string) {
    return queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.webhookEndpointPartition(tenantId) },
    }).then((items) => items.map((i) => stripKeys<StoredEndpoint>(i)));
  }

  async saveEndpoint(tenantId: string, next: StoredEndpoint, before: StoredEndpoint | undefined, audit: AuditInfo) {
    const record = this.auditItem(tenantId, next.id, next.version, before, next, audit);
    const cancelled = await transact([
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.webhookEndpoint(tenantId, next.id), entity: ENDPOINT, ...next, auditHead: record.head },
          ...(before
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      record.put,
    ]);
    if (!cancelled) return;
    if (!before && cancelled.failed.some((f) => f.index === 0)) throw new AlreadyExistsError(`webhook endpoint ${next.id} exists already`);
    throw new VersionConflictError(`webhook endpoint ${next.id} was changed meanwhile; reload it and try again`);
  }

  async deleteEndpoint(tenantId: string, before: StoredEndpoint, audit: AuditInfo) {
    const cancelled = await transact([
      {
        Delete: {
          TableName: tableName(),
          Key: keys.webhookEndpoint(tenantId, before.id),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': before.version },
        },
      },
      // The endpoint goes; its audit trail stays, chained, its last record saying so.
      this.auditItem(tenantId, before.id, before.version + 1, before, {}, audit).put,
    ]);
    if (cancelled) throw new VersionConflictError(`webhook endpoint ${before.id} was changed meanwhile; reload it and try again`);
  }

  /** The endpoint's audit record, chained after the head the endpoint carried when read (audit-chain.ts). */
  private auditItem(tenantId: string, id: string, version: number, before: StoredEndpoint | undefined, after: object, audit: AuditInfo) {
    const { item, head } = chainedAudit(
      tenantId,
      keys.integrationAudit(tenantId, 'webhook-endpoint', id, version),
      {
        version,
        at: audit.at,
        by: audit.by,
        action: audit.action,
        target: `webhook-endpoint/${id}`,
        changes: diff(before ?? {}, after, NOT_AUDITED),
      },
      auditHeadOf(before),
    );
    const put: TransactItem = { Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } };
    return { put, head };
  }

  // ---------- messages ----------

  async createMessage(tenantId: string, message: StoredMessage) {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          // tenantId too: the local runtime finds pending messages by a Scan at startup and queues them again.
          Item: { ...keys.webhookMessage(tenantId, message.endpointId, message.id), entity: MESSAGE, tenantId, ...message },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return { created: true, message };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Only on a redelivery: the extra read is rare.
      const existing = await this.getMessage(tenantId, message.endpointId, message.id);
      return { created: false, message: existing ?? message };
    }
  }

  async getMessage(tenantId: string, endpointId: string, id: string) {
    const { Item } = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.webhookMessage(tenantId, endpointId, id),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Item ? toMessage(Item) : undefined;
  }

  async claimAttempt(tenantId: string, endpointId: string, id: string, attempt: number, now: string, until: string) {
    return this.conditionalUpdate({
      Key: keys.webhookMessage(tenantId, endpointId, id),
      UpdateExpression: 'SET claimAttempt = :attempt, claimUntil = :until',
      ConditionExpression: '#status = :pending AND attemptCount = :count AND (attribute_not_exists(claimUntil) OR claimUntil < :now)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':attempt': attempt, ':until': until, ':pending': 'pending', ':count': attempt - 1, ':now': now },
    });
  }

  async recordAttempt(tenantId: string, endpointId: string, id: string, attempts: WebhookAttempt[], record: AttemptRecord) {
    const set: Record<string, unknown> = {
      attemptCount: record.attempt.attempt,
      attempts,
      status: record.status,
      nextAttemptAt: record.nextAttemptAt,
      deliveredAt: record.deliveredAt,
      failedAt: record.failedAt,
      failureReason: record.failureReason,
      expiresAt: record.deliveredAt ? Math.floor(Date.parse(record.deliveredAt) / 1000) + DELIVERED_RETENTION_DAYS * 86_400 : undefined,
    };
    const { expression, names, values } = setAndRemove(set, ['claimAttempt', 'claimUntil']);
    return this.conditionalUpdate({
      Key: keys.webhookMessage(tenantId, endpointId, id),
      UpdateExpression: expression,
      ConditionExpression: 'claimAttempt = :claimed AND attemptCount = :before',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ':claimed': record.attempt.attempt, ':before': record.attempt.attempt - 1 },
    });
  }

  async failMessage(tenantId: string, endpointId: string, id: string, attemptCount: number, at: string, reason: string) {
    return this.conditionalUpdate({
      Key: keys.webhookMessage(tenantId, endpointId, id),
      UpdateExpression: 'SET #status = :failed, failedAt = :at, failureReason = :reason REMOVE nextAttemptAt',
      ConditionExpression: '#status = :pending AND attemptCount = :count AND (attribute_not_exists(claimUntil) OR claimUntil < :at)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':failed': 'failed', ':pending': 'pending', ':at': at, ':reason': reason, ':count': attemptCount },
    });
  }

  async restartMessage(tenantId: string, endpointId: string, id: string, trigger: AttemptTrigger, now: string) {
    try {
      const { Attributes } = await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.webhookMessage(tenantId, endpointId, id),
          UpdateExpression:
            'SET #status = :pending, nextAttemptAt = :now, roundStart = attemptCount, roundTrigger = :trigger ' +
            'REMOVE deliveredAt, failedAt, failureReason, expiresAt',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':now': now, ':trigger': trigger },
          ReturnValues: 'ALL_NEW',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return Attributes ? toMessage(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async listMessages(tenantId: string, endpointId: string, page: PageRequest & { status?: MessageStatus | undefined }) {
    const partition = keys.webhookMessagePartition(tenantId, endpointId);
    const { Items = [], LastEvaluatedKey } = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ScanIndexForward: false,
        // A status filter is applied after the read: a page may hold fewer than `limit`, and the cursor goes on.
        ...(page.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
        ExpressionAttributeValues: { ':pk': partition, ...(page.status ? { ':status': page.status } : {}) },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, cursorAttributes(), 'pk', partition),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const nextCursor = encodeCursor(LastEvaluatedKey);
    return { items: Items.map(toMessage), ...(nextCursor ? { nextCursor } : {}) };
  }

  async messagesSince(tenantId: string, endpointId: string, since: string, limit: number) {
    const items: MessageSummary[] = [];
    let next: MessageSummary | undefined;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          // Ids are minted right after the event's time: an id's time is never before its occurredAt,
          // so the key range holds them all; the filter drops the few minted just before `since`.
          FilterExpression: 'occurredAt >= :since',
          ProjectionExpression: 'id, occurredAt, #status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pk': keys.webhookMessagePartition(tenantId, endpointId),
            ':from': uuidv7LowerBound(Date.parse(since)),
            ':since': since,
          },
          ExclusiveStartKey: start,
          Limit: Math.min(1000, limit + 1),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      for (const item of page.Items ?? []) {
        const summary = item as MessageSummary;
        if (items.length < limit) items.push(summary);
        else {
          next = summary;
          break;
        }
      }
      start = page.LastEvaluatedKey;
    } while (start && !next);
    return next ? { items, next } : { items };
  }

  // ---------- helpers ----------

  private async conditionalUpdate(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>): Promise<boolean> {
    try {
      await ddb().send(new UpdateCommand({ TableName: tableName(), ReturnConsumedCapacity: 'TOTAL', ...input }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

/** `SET a = :a, ... REMOVE b, ...`: undefined values are removed, not written. */
function setAndRemove(values: Record<string, unknown>, alsoRemove: string[]) {
  const names: Record<string, string> = {};
  const vals: Record<string, unknown> = {};
  const sets: string[] = [];
  const removes: string[] = [];
  for (const [field, value] of Object.entries(values)) {
    names[`#${field}`] = field;
    if (value === undefined) removes.push(`#${field}`);
    else {
      vals[`:${field}`] = value;
      sets.push(`#${field} = :${field}`);
    }
  }
  removes.push(...alsoRemove);
  return {
    expression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    names,
    values: vals,
  };
}

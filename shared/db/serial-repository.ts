/**
 * Serials on DynamoDB (issue 14, docs/tracking.md). A serial is one item collection: the serial
 * (`SN`), its movements `MOV#`, audit trail `AUDIT#` and outbox `EVT#`. The work-order commands
 * make it (version 1, `produce`); the serial commands here (hold, release, ship) change it, each
 * in ONE TransactWriteItems: the serial (an Update conditioned on the version read, so the
 * attributes the maker wrote, such as its order's index keys, stay as they are), its movement,
 * audit record and event. `serialChangeItems` hands the same items to a recall's transaction.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import type { SerialAggregate, SerialChange, SerialRepository } from '../domain/tracking/serials.ts';
import { ddb, tableName } from './client.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { type TransactItem, transact } from './transactions.ts';

/** `workOrderId` is a serial field that shares its name with an attribute stripKeys hides. */
const KEEP = ['workOrderId'] as const;
const toSerialAggregate = (item: Record<string, unknown>): SerialAggregate => stripKeys<SerialAggregate>(item, KEEP);

export class DynamoDbSerialRepository implements SerialRepository {
  async get(tenantId: string, id: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.serial(tenantId, id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? toSerialAggregate(Item) : undefined;
  }

  /** Strongly consistent, 100 keys a BatchGetItem. */
  async getMany(tenantId: string, ids: readonly string[]) {
    const table = tableName();
    const found: SerialAggregate[] = [];
    const all = [...new Set(ids)].map((id) => keys.serial(tenantId, id));
    for (let i = 0; i < all.length; i += 100) {
      let left: Record<string, unknown>[] | undefined = all.slice(i, i + 100);
      for (let attempt = 0; left?.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await ddb().send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: left, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' }),
        );
        found.push(...(Responses?.[table] ?? []).map(toSerialAggregate));
        left = UnprocessedKeys?.[table]?.Keys;
      }
    }
    return found;
  }

  async commit(tenantId: string, change: SerialChange) {
    const cancelled = await transact(serialChangeItems(tableName(), tenantId, change));
    if (cancelled) throw new VersionConflictError();
  }
}

/**
 * One serial's change: the serial's changed fields (at the version read), its movement, audit
 * record and events. The serial is updated, not replaced: what its maker stored stays.
 */
export function serialChangeItems(table: string, tenantId: string, change: SerialChange): TransactItem[] {
  const { before, after } = change;
  const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':v': before.version };
  const fields = ['status', 'holdReason', 'updatedAt', 'updatedBy', 'version', 'eventSeq'] as const;
  for (const f of fields) {
    names[`#${f}`] = f;
    const value = after[f];
    if (value === undefined) removes.push(`#${f}`);
    else {
      sets.push(`#${f} = :${f}`);
      values[`:${f}`] = value;
    }
  }
  const audit = chainedAudit(tenantId, keys.serialAudit(tenantId, after.id, change.audit.version), change.audit, auditHeadOf(before));
  names['#auditHead'] = 'auditHead';
  sets.push('#auditHead = :auditHead');
  values[':auditHead'] = audit.head;
  return [
    {
      Update: {
        TableName: table,
        Key: keys.serial(tenantId, after.id),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: '#version = :v',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    {
      Put: {
        TableName: table,
        Item: { ...keys.serialMovement(tenantId, after.id, after.version), entity: 'SerialMovement', ...change.movement },
        ...isNew,
      },
    },
    {
      Put: { TableName: table, Item: audit.item, ...isNew },
    },
    ...change.events.map((event) => ({
      Put: {
        TableName: table,
        Item: { ...keys.serialOutboxEvent(tenantId, after.id, after.version, event.sequence), entity: 'OutboxEvent', ...event },
        ...isNew,
      },
    })),
  ];
}

/**
 * Labor on DynamoDB (issue 18, docs/labor.md): a person's item collection (`{t}#LABOR#{p}`:
 * HEAD, entries `E#`, AUDIT#, EVT#). Each command is ONE TransactWriteItems over every person it
 * moves, conditioned on each head's version; an entry is put once and its end written once.
 */
import { BatchGetCommand, type BatchGetCommandOutput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import type { LaborEntry, LaborHead, LaborRepository, LaborWrite } from '../domain/labor/model.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { queryAll } from './partition-page.ts';
import { type TransactItem, transact } from './transactions.ts';

export class DynamoDbLaborRepository implements LaborRepository {
  async heads(tenantId: string, personnelIds: readonly string[]) {
    const found = new Map<string, LaborHead>();
    const table = tableName();
    const unique = [...new Set(personnelIds)];
    for (let i = 0; i < unique.length; i += 100) {
      let left: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((p) => keys.laborHead(tenantId, p));
      for (let attempt = 0; left?.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await ddb().send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: left, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' }),
        );
        for (const item of Responses?.[table] ?? []) {
          const head = stripKeys<LaborHead>(item, ['workOrderId']);
          found.set(head.personnelId, head);
        }
        left = UnprocessedKeys?.[table]?.Keys;
      }
    }
    return found;
  }

  async commit(tenantId: string, writes: readonly LaborWrite[]) {
    const cancelled = await transact(writes.flatMap((w) => laborWriteItems(tableName(), tenantId, w)));
    if (cancelled) throw new VersionConflictError();
  }

  async personEntries(tenantId: string, personnelId: string, fromIso: string, toIso: string) {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.laborPartition(tenantId, personnelId),
        ':from': `${keys.laborEntryPrefix}${fromIso}`,
        ':to': `${keys.laborEntryPrefix}${toIso}#\uffff`,
      },
      ConsistentRead: true,
    });
    return items.map((i) => stripKeys<LaborEntry>(i, ['workOrderId']));
  }

  async orderEntries(tenantId: string, workOrderId: string) {
    return (await indexQuery('gsi2', keys.laborByOrderPartition(tenantId, workOrderId))).map((i) => stripKeys<LaborEntry>(i, ['workOrderId']));
  }

  async active(tenantId: string) {
    return (await indexQuery('gsi1', keys.laborActivePartition(tenantId))).map((i) => stripKeys<LaborHead>(i, ['workOrderId']));
  }
}

async function indexQuery(index: 'gsi1' | 'gsi2', partition: string) {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: index,
        KeyConditionExpression: `${index}pk = :pk`,
        ExpressionAttributeValues: { ':pk': partition },
        ExclusiveStartKey: start,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const entryItem = (tenantId: string, e: LaborEntry) => ({
  ...keys.laborEntry(tenantId, e.personnelId, e.startedAt, e.entryId),
  ...(e.workOrderId !== undefined && e.seq !== undefined ? keys.laborByOrder(tenantId, e.workOrderId, e.seq, e.startedAt, e.entryId) : {}),
  entity: 'LaborEntry',
  ...e,
});

/** Every item of one person's write: head, entries opened, entries closed, audit, events. */
export function laborWriteItems(table: string, tenantId: string, write: LaborWrite): TransactItem[] {
  const { before, after } = write;
  const p = after.personnelId;
  const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
  const audit = chainedAudit(tenantId, keys.laborAudit(tenantId, p, write.audit.version), write.audit, auditHeadOf(before));
  return [
    {
      Put: {
        TableName: table,
        Item: {
          ...keys.laborHead(tenantId, p),
          // Sparse: only a person on something is in "who is on what".
          ...(after.open.length ? keys.laborActive(tenantId, p) : {}),
          entity: 'LaborHead',
          ...after,
          auditHead: audit.head,
        },
        ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : isNew),
      },
    },
    ...write.opened.map((e): TransactItem => ({ Put: { TableName: table, Item: entryItem(tenantId, e), ...isNew } })),
    // The end is written once: an entry already ended is not ended again.
    ...write.closed.map(
      (e): TransactItem => ({
        Put: { TableName: table, Item: entryItem(tenantId, e), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(endedAt)' },
      }),
    ),
    { Put: { TableName: table, Item: audit.item, ...isNew } },
    ...write.events.map(
      (event, n): TransactItem => ({
        Put: { TableName: table, Item: { ...keys.laborOutboxEvent(tenantId, p, after.version, n + 1), entity: 'OutboxEvent', ...event }, ...isNew },
      }),
    ),
  ];
}

/**
 * Recalls on DynamoDB (issue 14, docs/tracking.md "Trace and recall"). A recall is one item
 * collection: the recall (`RECALL`), the shipped lots and serials it found (`SHIP#{nodeKey}`),
 * its audit trail and its outbox events. The holds it puts are the lots' and serials' own
 * changes (lotChangeItems, serialChangeItems), written a group of nodes a transaction together
 * with the group's shipped entries.
 */
import { AlreadyExistsError, VersionConflictError } from '../domain/errors.ts';
import { type Movement, type NodeRef, nodeKey, type ShippedNode } from '../domain/tracking/model.ts';
import type { RecallAggregate, RecallChange, RecallRepository } from '../domain/tracking/recall.ts';
import { tableName } from './client.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { lotChangeItems } from './lot-repository.ts';
import { queryPage } from './partition-page.ts';
import { serialChangeItems } from './serial-repository.ts';
import { type TransactItem, transact } from './transactions.ts';

export class DynamoDbRecallRepository implements RecallRepository {
  async get(tenantId: string, id: string) {
    const partition = keys.recallPartition(tenantId, id);
    let recall: RecallAggregate | undefined;
    const shipped: ShippedNode[] = [];
    let cursor: string | undefined;
    // The recall and its shipped entries: 'RECALL' sorts before 'SHIP#'; the audit and outbox items before both are skipped.
    do {
      const page = await queryPage(
        {
          KeyConditionExpression: 'pk = :pk AND sk >= :from',
          ExpressionAttributeValues: { ':pk': partition, ':from': 'RECALL' },
          ConsistentRead: true,
        },
        'pk',
        partition,
        { limit: 1000, cursor },
        (item) => item,
      );
      for (const item of page.items) {
        if (item.sk === 'RECALL') recall = stripKeys<RecallAggregate>(item);
        else if (String(item.sk).startsWith(keys.recallShippedPrefix)) shipped.push(stripKeys<ShippedNode>(item));
      }
      cursor = page.nextCursor;
    } while (cursor);
    return recall ? { recall, shipped } : undefined;
  }

  async commitRecall(tenantId: string, change: RecallChange) {
    const table = tableName();
    const { before, after } = change;
    const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
    const audit = chainedAudit(tenantId, keys.recallAudit(tenantId, after.id, change.audit.version), change.audit, auditHeadOf(before));
    const items: TransactItem[] = [
      {
        Put: {
          TableName: table,
          Item: { ...keys.recall(tenantId, after.id), entity: 'Recall', ...after, auditHead: audit.head },
          ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : isNew),
        },
      },
      {
        Put: {
          TableName: table,
          Item: audit.item,
          ...isNew,
        },
      },
      ...change.events.map((event) => ({
        Put: {
          TableName: table,
          Item: { ...keys.recallOutboxEvent(tenantId, after.id, after.version, event.sequence), entity: 'OutboxEvent', ...event },
          ...isNew,
        },
      })),
    ];
    const cancelled = await transact(items);
    if (!cancelled) return;
    if (!before) throw new AlreadyExistsError(`recall ${after.id} exists already`);
    throw new VersionConflictError();
  }

  async commitNodes(tenantId: string, recallId: string, write: { lots: RecallChangeLots; serials: RecallChangeSerials; shipped: ShippedNode[] }) {
    const table = tableName();
    const items: TransactItem[] = [
      ...write.lots.flatMap((c) => lotChangeItems(table, tenantId, c)),
      ...write.serials.flatMap((c) => serialChangeItems(table, tenantId, c)),
      // A re-run writes the same entry again: the shipments as they are now.
      ...write.shipped.map((s) => ({
        Put: { TableName: table, Item: { ...keys.recallShipped(tenantId, recallId, nodeKey(s)), entity: 'RecallShipped', ...s } },
      })),
    ];
    const cancelled = await transact(items);
    if (cancelled) throw new VersionConflictError();
  }

  async shipments(tenantId: string, node: NodeRef): Promise<Movement[]> {
    const partition = node.kind === 'lot' ? keys.lotPartition(tenantId, node.id) : keys.serialPartition(tenantId, node.id);
    const moves: Movement[] = [];
    let cursor: string | undefined;
    do {
      const page = await queryPage(
        {
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.lotMovementPrefix },
        },
        'pk',
        partition,
        { limit: 1000, cursor },
        (item) => stripKeys<Movement>(item, ['workOrderId']),
      );
      moves.push(...page.items.filter((m) => m.type === 'ship'));
      cursor = page.nextCursor;
    } while (cursor);
    return moves;
  }
}

type RecallChangeLots = Parameters<RecallRepository['commitNodes']>[2]['lots'];
type RecallChangeSerials = Parameters<RecallRepository['commitNodes']>[2]['serials'];

/**
 * What the batch record reads (shared/domain/record/service.ts), in a bounded number of calls:
 * the order's collection in two Queries (audit trail; from 'INSP#' on: inspection results,
 * nonconformance references, operations, signatures, header: the outbox between them is never
 * read), the nonconformances and consumed lots and serials in one BatchGetItem per 100 keys,
 * the serials made in one Query, the time zone in one GetItem.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { InspectionRecord } from '../domain/quality/inspections.ts';
import type { Nonconformance } from '../domain/quality/nonconformance-model.ts';
import type { NodeFacts } from '../domain/record/build.ts';
import type { Signature } from '../domain/signatures/model.ts';
import type { SignatureSettings } from '../domain/signatures/policy.ts';
import type { OrderRecordItems, RecordReader } from '../domain/record/service.ts';
import type { SignatureWriter } from '../domain/record/signing.ts';
import { VersionConflictError } from '../domain/errors.ts';
import type { CommandResult } from '../domain/work-order/model.ts';
import { signatureItem } from './signature-repository.ts';
import { transact } from './transactions.ts';
import { resultItems } from './work-order-repository.ts';
import type { SerialUnit } from '../domain/tracking/model.ts';
import type { AuditRecord, Operation, WorkOrderAggregate } from '../domain/work-order/model.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { queryAll } from './partition-page.ts';

const BATCH_GET_MAX = 100;

export class DynamoDbRecordReader implements RecordReader {
  async orderItems(tenantId: string, workOrderId: string): Promise<OrderRecordItems | undefined> {
    const pk = keys.workOrderPartition(tenantId, workOrderId);
    const [audit, rest] = await Promise.all([
      queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': keys.auditPrefix },
        ConsistentRead: true,
      }),
      queryAll({
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: { ':pk': pk, ':from': keys.workOrderRecordFrom },
        ConsistentRead: true,
      }),
    ]);
    const header = rest.find((i) => i.sk === 'WO');
    if (!header) return undefined;
    const by = (prefix: string) => rest.filter((i) => String(i.sk).startsWith(prefix));
    return {
      order: { ...stripKeys<WorkOrderAggregate>(header), operations: by('OP#').map((i) => stripKeys<Operation>(i)) },
      audit: audit.map((i) => stripKeys<AuditRecord>(i)),
      inspections: by('INSP#').map((i) => stripKeys<InspectionRecord>(i, ['workOrderId'])),
      signatures: by('SIG#').map((i) => stripKeys<Signature>(i)),
      nonconformanceIds: by('NCREF#').map((i) => String(i.nonconformanceId)),
    };
  }

  async related(
    tenantId: string,
    ids: { nonconformances: readonly string[]; nodes: readonly { kind: 'lot' | 'serial'; id: string }[] },
  ): Promise<{ nonconformances: Nonconformance[]; nodes: Map<string, NodeFacts> }> {
    const nodeKeys = [...new Map(ids.nodes.map((n) => [`${n.kind}:${n.id}`, n])).values()].map((n) =>
      n.kind === 'lot' ? keys.lot(tenantId, n.id) : keys.serial(tenantId, n.id),
    );
    const all = [...new Set(ids.nonconformances)].map((id) => keys.nonconformance(tenantId, id)).concat(nodeKeys);
    const items = await batchGet(all);
    const nonconformances: Nonconformance[] = [];
    const nodes = new Map<string, NodeFacts>();
    for (const item of items) {
      if (item.sk === 'NC') {
        const { eventSeq: _, ...nc } = stripKeys<Nonconformance & { eventSeq?: number }>(item, ['workOrderId']);
        nonconformances.push(nc);
      } else {
        const kind = item.sk === 'LOT' ? 'lot' : 'serial';
        const facts: NodeFacts = {
          ...(item.materialName !== undefined ? { materialName: String(item.materialName) } : {}),
          ...(item.supplierId !== undefined ? { supplierId: String(item.supplierId) } : {}),
          ...(item.supplierLot !== undefined ? { supplierLot: String(item.supplierLot) } : {}),
        };
        nodes.set(`${kind}:${String(item.id)}`, facts);
      }
    }
    return { nonconformances, nodes };
  }

  async serialsMade(tenantId: string, workOrderId: string): Promise<string[]> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.orderSerialsPartition(tenantId, workOrderId) },
      ConsistentRead: true,
    });
    return items.map((i) => String(i.serialId));
  }

  async plant(tenantId: string): Promise<{ timeZone: string; settings: SignatureSettings | undefined }> {
    const get = (key: Record<string, string>) => ddb().send(new GetCommand({ TableName: tableName(), Key: key, ReturnConsumedCapacity: 'TOTAL' }));
    const [calendar, settings] = await Promise.all([
      get(keys.masterData(tenantId, 'shift-calendar', 'shift-calendar')),
      get(keys.tenantSettings(tenantId)),
    ]);
    const timeZone = calendar.Item?.timeZone;
    return {
      timeZone: typeof timeZone === 'string' ? timeZone : 'UTC',
      settings: settings.Item ? stripKeys<SignatureSettings>(settings.Item) : undefined,
    };
  }

  async serial(tenantId: string, id: string): Promise<SerialUnit | undefined> {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.serial(tenantId, id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<SerialUnit>(Item, ['workOrderId']) : undefined;
  }

  async serialHistory(tenantId: string, id: string) {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.serial(tenantId, id).pk, ':prefix': 'MOV#' },
      ConsistentRead: true,
    });
    return items.map((i) => ({
      at: String(i.at),
      by: String(i.by),
      type: String(i.type),
      ...(i.reason !== undefined ? { reason: String(i.reason) } : {}),
    }));
  }
}

/** A work order's signature with its audit record and events (and the release, when it is the last one required): one transaction. */
export class DynamoDbRecordSignatureWriter implements SignatureWriter {
  async commitSignature(tenantId: string, result: CommandResult, signature: Signature): Promise<void> {
    const table = tableName();
    const items = [
      ...resultItems(table, tenantId, result),
      signatureItem(table, tenantId, keys.workOrderPartition(tenantId, result.after.id), signature),
    ];
    // The order changed since it was read (another signature, a change): sign again on what it is now.
    if (await transact(items)) throw new VersionConflictError();
  }
}

/** BatchGetItem by 100 keys, the unprocessed ones again with backoff. */
async function batchGet(all: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const table = tableName();
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < all.length; i += BATCH_GET_MAX) {
    let left: Record<string, unknown>[] | undefined = all.slice(i, i + BATCH_GET_MAX);
    for (let attempt = 0; left?.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
      const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await ddb().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: left } }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      found.push(...(Responses?.[table] ?? []));
      left = UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}

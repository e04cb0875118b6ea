/**
 * Nonconformances on DynamoDB (issue 15, docs/quality.md "Nonconformances"). A nonconformance
 * is one item collection (`NC`, its audit trail `AUDIT#` and outbox `EVT#`), listed through gsi1
 * (by status) and gsi2 (all, by time), both newest first. Opening and dispositioning one is ONE
 * TransactWriteItems composed of the item builders of what it changes: lotChangesItems,
 * serialChangeItems, the work order's resultItems, plus the hold registers and the counter.
 * `nonconformanceWriteItems` hands the same items to another command's transaction (an SPC
 * violation that opens a nonconformance).
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError, QuantityRuleError, VersionConflictError } from '../domain/errors.ts';
import type { HeldKind, Nonconformance, NonconformanceAggregate, NonconformanceStatus } from '../domain/quality/nonconformance-model.ts';
import type { NonconformanceRepository } from '../domain/quality/nonconformance-repository.ts';
import type { HoldRegister, HoldRegisterChange, NcChange, NcCounterAdvance, NonconformanceWrite } from '../domain/quality/nonconformance.ts';
import type { AuditRecord } from '../domain/work-order/model.ts';
import type { IdempotencyRecord, PageRequest, Receipt } from '../domain/work-order/repository.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { lotChangesItems } from './lot-repository.ts';
import { queryAll, queryPage } from './partition-page.ts';
import { serialChangeItems } from './serial-repository.ts';
import { listSignatures, signatureItem } from './signature-repository.ts';
import type { Signature } from '../domain/signatures/model.ts';
import { type TransactItem, transact } from './transactions.ts';
import { receiptItem, resultItems } from './work-order-repository.ts';

/** `workOrderId` is a nonconformance field that shares its name with an attribute stripKeys hides. */
const KEEP = ['workOrderId'] as const;
const toAggregate = (item: Record<string, unknown>) => stripKeys<NonconformanceAggregate>(item, KEEP);
const toNonconformance = (item: Record<string, unknown>): Nonconformance => {
  const { eventSeq: _, ...nc } = toAggregate(item);
  return nc;
};
const MAX_TRANSACTION_ITEMS = 100;

export class DynamoDbNonconformanceRepository implements NonconformanceRepository {
  async get(tenantId: string, id: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.nonconformance(tenantId, id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? toAggregate(Item) : undefined;
  }

  async registers(tenantId: string, things: readonly { kind: HeldKind; id: string }[]) {
    if (things.length === 0) return [];
    const table = tableName();
    const found: HoldRegister[] = [];
    let left: Record<string, unknown>[] | undefined = things.map((t) => keys.nonconformanceHold(tenantId, t.kind, t.id));
    for (let attempt = 0; left?.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
      const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await ddb().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: left, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      found.push(...(Responses?.[table] ?? []).map((i) => stripKeys<HoldRegister>(i)));
      left = UnprocessedKeys?.[table]?.Keys;
    }
    return found;
  }

  async counter(tenantId: string, year: string) {
    const { Item } = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.nonconformanceCounter(tenantId, year),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Number(Item?.seq ?? 0);
  }

  async commit(tenantId: string, write: NonconformanceWrite, receipt?: Receipt): Promise<{ replay?: IdempotencyRecord }> {
    const table = tableName();
    const items = nonconformanceWriteItems(table, tenantId, write);
    const receiptIndex = items.length;
    if (receipt) items.push(receiptItem(table, tenantId, receipt));
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new QuantityRuleError(`this would write ${items.length} records at once, more than one transaction holds (${MAX_TRANSACTION_ITEMS})`);
    }
    const cancelled = await transact(items);
    if (!cancelled) return {};
    const replay = receipt ? cancelled.failed.find((f) => f.index === receiptIndex) : undefined;
    if (replay?.item) return { replay: stripKeys<IdempotencyRecord>(replay.item) };
    // A new nonconformance whose number is taken: its counter moved too, so decide again on the counter as it is now.
    if (!write.nc.before && !write.counter && cancelled.failed.some((f) => f.index === 0)) {
      throw new AlreadyExistsError(`nonconformance ${write.nc.after.id} exists already`);
    }
    throw new VersionConflictError();
  }

  list(tenantId: string, status: NonconformanceStatus | undefined, page: PageRequest) {
    const partition = keys.nonconformancesByStatusPartition(tenantId);
    const [index, pkName, skName] = status ? (['gsi1', 'gsi1pk', 'gsi1sk'] as const) : (['gsi2', 'gsi2pk', 'gsi2sk'] as const);
    return queryPage(
      {
        IndexName: index,
        KeyConditionExpression: status ? `${pkName} = :pk AND begins_with(${skName}, :status)` : `${pkName} = :pk`,
        ExpressionAttributeValues: { ':pk': partition, ...(status ? { ':status': `${status}#` } : {}) },
        ScanIndexForward: false,
      },
      pkName,
      partition,
      page,
      toNonconformance,
    );
  }

  signatures(tenantId: string, id: string): Promise<Signature[]> {
    return listSignatures(tenantId, keys.nonconformancePartition(tenantId, id));
  }

  async history(tenantId: string, id: string): Promise<AuditRecord[]> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.nonconformancePartition(tenantId, id), ':prefix': 'AUDIT#' },
      ConsistentRead: true,
    });
    return items.map((i) => stripKeys<AuditRecord>(i));
  }
}

/**
 * Every item of a nonconformance's write (see NonconformanceWrite), the nonconformance's own
 * item first: for a transaction of its own (the repository's commit) or another command's (the
 * SPC reaction that opens a nonconformance writes these with its own items; it must then not
 * change, in the same transaction, anything the nonconformance holds: an item is written once
 * per transaction).
 */
export function nonconformanceWriteItems(table: string, tenantId: string, write: NonconformanceWrite): TransactItem[] {
  return [
    ...ncChangeItems(table, tenantId, write.nc),
    ...(write.signatures ?? []).map((sig) => signatureItem(table, tenantId, keys.nonconformancePartition(tenantId, write.nc.after.id), sig)),
    ...lotChangesItems(table, tenantId, write.lots),
    ...write.serials.flatMap((c) => serialChangeItems(table, tenantId, c)),
    ...(write.order ? resultItems(table, tenantId, write.order) : []),
    ...write.registers.map((r) => registerItem(table, tenantId, r)),
    ...(write.counter ? [counterItem(table, tenantId, write.counter)] : []),
  ];
}

function ncChangeItems(table: string, tenantId: string, change: NcChange): TransactItem[] {
  const { before, after } = change;
  const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
  return [
    {
      Put: {
        TableName: table,
        Item: {
          ...keys.nonconformance(tenantId, after.id),
          ...keys.nonconformancesByStatus(tenantId, after.status, after.reportedAt, after.id),
          ...keys.nonconformancesByTime(tenantId, after.reportedAt, after.id),
          entity: 'Nonconformance',
          ...after,
        },
        ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : isNew),
      },
    },
    {
      Put: {
        TableName: table,
        Item: { ...keys.nonconformanceAudit(tenantId, after.id, change.audit.version), entity: 'Audit', ...change.audit },
        ...isNew,
      },
    },
    ...change.events.map((event) => ({
      Put: {
        TableName: table,
        Item: { ...keys.nonconformanceOutboxEvent(tenantId, after.id, after.version, event.sequence), entity: 'OutboxEvent', ...event },
        ...isNew,
      },
    })),
  ];
}

function registerItem(table: string, tenantId: string, change: HoldRegisterChange): TransactItem {
  const { before, after } = change;
  return {
    Put: {
      TableName: table,
      Item: { ...keys.nonconformanceHold(tenantId, after.kind, after.id), entity: 'NonconformanceHold', ...after },
      ...(before
        ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
}

function counterItem(table: string, tenantId: string, advance: NcCounterAdvance): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: { ...keys.nonconformanceCounter(tenantId, advance.year), entity: 'NonconformanceCounter', seq: advance.to },
      ...(advance.from === 0
        ? { ConditionExpression: 'attribute_not_exists(pk) OR seq = :from', ExpressionAttributeValues: { ':from': 0 } }
        : { ConditionExpression: 'seq = :from', ExpressionAttributeValues: { ':from': advance.from } }),
    },
  };
}

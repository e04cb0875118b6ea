/**
 * The work order repository on DynamoDB. A work order is one item collection (header,
 * operations, audit trail, outbox), so reading it is one Query and every command is one
 * TransactWriteItems conditioned on the versions read.
 */
import { counterItem, lotResultItems } from './lot-repository.ts';
import { genealogyEdgeWrites } from './genealogy-repository.ts';
import { spcWriteItems } from './spc-repository.ts';
import type { SerialWrite } from '../domain/tracking/consume.ts';
import type { SerialUnit } from '../domain/tracking/model.ts';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord, DispatchEntry, Operation, WorkOrder } from '../api/schemas.ts';
import { AlreadyExistsError, QuantityRuleError, SpcMonitorChangedError, VersionConflictError } from '../domain/errors.ts';
import type { CommandResult, WorkOrderAggregate } from '../domain/work-order/model.ts';
import type { IdempotencyRecord, PageRequest, Receipt, TrackedWrites, WorkOrderRepository } from '../domain/work-order/repository.ts';
import { isDispatchable } from '../domain/work-order/status.ts';
import { type AuditHead, auditHeadOf, chainedAudits } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { queryPage } from './partition-page.ts';
import { type TransactItem, transact } from './transactions.ts';

const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
const ACTIVE_ORDER = new Set(['RELEASED', 'IN_PROGRESS', 'ON_HOLD']);
const CONTEXT_STATUSES = new Set(['RUNNING', 'PAUSED', 'DONE']);
/** The order fields an operation item copies (see operationItem). */
const DISPATCH_ORDER_FIELDS = ['status', 'materialId', 'materialName', 'uom', 'quantity', 'priority', 'dueDate'] as const;

export class DynamoDbWorkOrderRepository implements WorkOrderRepository {
  async get(tenantId: string, id: string): Promise<WorkOrderAggregate | undefined> {
    const { Items = [] } = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: { ':pk': keys.workOrderPartition(tenantId, id), ':from': keys.workOrderWithOperationsFrom },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const header = Items.find((i) => i.sk === 'WO');
    if (!header) return undefined;
    const operations = Items.filter((i) => String(i.sk).startsWith('OP#')).map((i) => stripKeys<Operation>(i));
    return { ...stripKeys<WorkOrderAggregate>(header), operations };
  }

  async commit(tenantId: string, result: CommandResult, idempotency?: IdempotencyRecord) {
    const receipt = idempotency ? { ...idempotency, scope: 'work-orders', ttlSeconds: IDEMPOTENCY_TTL_SECONDS } : undefined;
    return this.commitAll(tenantId, [result], receipt);
  }

  async commitTracked(tenantId: string, result: CommandResult, tracked: TrackedWrites): Promise<void> {
    const table = tableName();
    const items = [...resultItems(table, tenantId, result)];
    if (tracked.lots) items.push(...(await lotResultItems(table, tenantId, tracked.lots)));
    const serialsFrom = items.length;
    const serials = (tracked.serials ?? []).map((write) => {
      const index = items.length;
      items.push(...serialWriteItems(table, tenantId, write));
      return { index, write };
    });
    const serialsTo = items.length;
    if (tracked.edges?.length) items.push(...(await genealogyEdgeWrites(tenantId, tracked.edges)));
    for (const counter of tracked.counters ?? []) items.push(counterItem(table, tenantId, counter));
    const spcFrom = items.length;
    if (tracked.spc) items.push(...spcWriteItems(table, tenantId, tracked.spc));
    const spcTo = items.length;
    if (items.length > MAX_TRANSACTION_ITEMS) {
      const made = tracked.serials?.filter((s) => !s.before).length ?? 0;
      const fewer =
        made > 1
          ? `report at most ${Math.max(1, Math.floor((made * MAX_TRANSACTION_ITEMS) / items.length) - 1)} units at a time`
          : 'report or consume less at a time';
      throw new QuantityRuleError(
        `this would write ${items.length} records at once, more than one transaction holds (${MAX_TRANSACTION_ITEMS}): ${fewer}`,
      );
    }
    const cancelled = await transact(items);
    if (!cancelled) return;
    // A new serial whose number is taken: made once, by whatever made it first.
    const taken = serials.find((s) => !s.write.before && cancelled.failed.some((f) => f.index >= s.index && f.index < s.index + 3));
    if (taken && cancelled.failed.every((f) => f.index >= serialsFrom && f.index < serialsTo)) {
      throw new AlreadyExistsError(`serial ${taken.write.after.id} exists already: a serial number is made once`);
    }
    // Only SPC monitors' states: the caller reads them and writes again.
    if (cancelled.failed.every((f) => f.index >= spcFrom && f.index < spcTo)) throw new SpcMonitorChangedError();
    // The order, a lot, a serial or a counter changed since they were read: decided again (retry.ts).
    throw new VersionConflictError();
  }

  async serialsMade(tenantId: string, workOrderId: string, from: number, to: number): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.orderSerialsPartition(tenantId, workOrderId),
            ':from': keys.orderSerial(tenantId, workOrderId, from).sk,
            ':to': keys.orderSerial(tenantId, workOrderId, to - 1).sk,
          },
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.serialId));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  async getSerial(tenantId: string, id: string): Promise<SerialUnit | undefined> {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.serial(tenantId, id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<SerialUnit>(Item, ['workOrderId']) : undefined;
  }

  async commitAll(tenantId: string, results: readonly CommandResult[], receipt?: Receipt) {
    const table = tableName();
    const items: TransactItem[] = [];
    // Where each result's header item sits, to tell which order a failed condition was about.
    const headers = results.map((result) => {
      const index = items.length;
      items.push(...resultItems(table, tenantId, result));
      return { index, result };
    });
    const receiptIndex = items.length;
    if (receipt) items.push(receiptItem(table, tenantId, receipt));
    if (items.length === 0) return {};
    const cancelled = await transact(items);
    if (!cancelled) return {};
    const replay = cancelled.failed.find((f) => f.index === receiptIndex && receipt);
    if (replay?.item) return { replay: stripKeys<IdempotencyRecord>(replay.item) };
    const taken = headers.find((h) => !h.result.before && cancelled.failed.some((f) => f.index === h.index));
    if (taken) throw new AlreadyExistsError(`work order ${taken.result.after.id} exists already`);
    throw new VersionConflictError();
  }

  async getIdempotency(tenantId: string, scope: string, key: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.idempotency(tenantId, scope, key), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<IdempotencyRecord>(Item) : undefined;
  }

  async list(tenantId: string, filter: { status?: string | undefined; workCenterId?: string | undefined }, page: PageRequest) {
    const [index, pkName, skName, partition] = filter.workCenterId
      ? (['gsi2', 'gsi2pk', 'gsi2sk', keys.workOrdersByWorkCenterPartition(tenantId, filter.workCenterId)] as const)
      : (['gsi1', 'gsi1pk', 'gsi1sk', keys.workOrdersByStatusPartition(tenantId)] as const);
    return queryPage<WorkOrder>(
      {
        IndexName: index,
        KeyConditionExpression: filter.status ? `${pkName} = :pk AND begins_with(${skName}, :status)` : `${pkName} = :pk`,
        ExpressionAttributeValues: { ':pk': partition, ...(filter.status ? { ':status': `${filter.status}#` } : {}) },
      },
      pkName,
      partition,
      page,
      (item) => {
        const { eventSeq: _, ...order } = stripKeys<WorkOrderAggregate>(item);
        return order;
      },
    );
  }

  async history(tenantId: string, id: string, page: PageRequest) {
    const partition = keys.workOrderPartition(tenantId, id);
    return queryPage<AuditRecord>(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.auditPrefix },
      },
      'pk',
      partition,
      page,
      (item) => stripKeys<AuditRecord>(item),
    );
  }

  async dispatchList(tenantId: string, workCenterId: string, page: PageRequest) {
    const partition = keys.dispatchPartition(tenantId, workCenterId);
    return queryPage<DispatchEntry>(
      { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': partition } },
      'gsi2pk',
      partition,
      page,
      (item) => {
        const order = item.order as Pick<
          DispatchEntry,
          'workOrderStatus' | 'materialId' | 'materialName' | 'uom' | 'quantity' | 'priority' | 'dueDate'
        >;
        return {
          workOrderId: String(item.workOrderId),
          ...order,
          seq: Number(item.seq),
          name: String(item.name),
          status: item.status as DispatchEntry['status'],
          goodQty: Number(item.goodQty),
          scrapQty: Number(item.scrapQty),
          ...(item.startedAt ? { startedAt: String(item.startedAt) } : {}),
        };
      },
    );
  }
}

/**
 * The items one command result writes: header, operations, operation contexts, audit, outbox.
 * Exported so that another command (a nonconformance's hold, disposition) writes an order's
 * change in ITS transaction.
 */
export function resultItems(table: string, tenantId: string, result: CommandResult): TransactItem[] {
  const { items: audits, head } = auditItemsOf(tenantId, [result]);
  return [
    ...stateItems(table, tenantId, result.before, result.after, result.changedOperations, head),
    ...recordItems(table, tenantId, result, audits[0]),
  ];
}

/** The audit records of consecutive results of one order, chained after the head the order carried when read (audit-chain.ts). */
function auditItemsOf(tenantId: string, results: readonly CommandResult[]) {
  const first = results[0];
  if (!first) return { items: [], head: undefined };
  return chainedAudits(
    tenantId,
    results.map((r) => keys.audit(tenantId, r.after.id, r.audit.version)),
    results.map((r) => r.audit),
    auditHeadOf(first.before),
  );
}

/**
 * Consecutive command results of ONE order (each `before` the previous `after`: an inspection
 * recorded, then the hold its SPC violation places) as one write: the order's items once, at
 * their last state, conditioned on the first result's versions (a TransactWriteItems touches an
 * item once), and every result's audit record and events.
 */
export function resultChainItems(table: string, tenantId: string, results: readonly CommandResult[]): TransactItem[] {
  const [first] = results;
  const last = results.at(-1);
  if (!first || !last) return [];
  results.forEach((r, i) => {
    const previous = results[i - 1];
    if (r.after.id !== first.after.id || (previous && r.before?.version !== previous.after.version)) {
      throw new Error(`results of work order ${first.after.id} are not consecutive changes of one order`);
    }
  });
  const changed = [...new Set(results.flatMap((r) => r.changedOperations))];
  const { items: audits, head } = auditItemsOf(tenantId, results);
  return [
    ...stateItems(table, tenantId, first.before, last.after, changed, head),
    ...results.flatMap((r, i) => recordItems(table, tenantId, r, audits[i])),
  ];
}

/** The order's header, its changed operations and their operation contexts, from `before` (conditioned on its versions) to `after`. */
function stateItems(
  table: string,
  tenantId: string,
  before: WorkOrderAggregate | undefined,
  after: WorkOrderAggregate,
  changedOperations: readonly number[],
  auditHead: AuditHead | undefined,
): TransactItem[] {
  const items: TransactItem[] = [];
  const { operations, ...header } = after;
  items.push({
    Put: {
      TableName: table,
      Item: {
        ...keys.workOrder(tenantId, after.id),
        ...keys.workOrdersByStatus(tenantId, after.status, after.dueDate, after.id),
        ...keys.workOrdersByWorkCenter(tenantId, after.workCenterId, after.status, after.dueDate, after.id),
        entity: 'WorkOrder',
        ...header,
        auditHead,
      },
      ...(before
        ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  });
  // An operation item carries order fields for the dispatch list (operationItem's `order` and
  // its dispatch key), so it is rewritten when it changed, or when one of those order fields
  // changed under an active operation.
  const orderFieldsChanged = before !== undefined && DISPATCH_ORDER_FIELDS.some((f) => before[f] !== after[f]);
  for (const op of operations) {
    const old = before?.operations.find((o) => o.seq === op.seq);
    const changed = changedOperations.includes(op.seq);
    if (!changed && !(orderFieldsChanged && isDispatchable(op.status))) continue;
    items.push({ Put: { TableName: table, Item: operationItem(tenantId, after, op), ...versionCondition(old) } });
  }
  // Operation context for telemetry attribution: whenever an operation's status changes.
  for (const op of operations) {
    const old = before?.operations.find((o) => o.seq === op.seq);
    if (!old || old.status === op.status || !CONTEXT_STATUSES.has(op.status)) continue;
    items.push({
      Put: {
        TableName: table,
        Item: {
          ...keys.operationContext(tenantId, op.workCenterId, after.updatedAt, after.id, op.seq),
          entity: 'OperationContext',
          at: after.updatedAt,
          workOrderId: after.id,
          seq: op.seq,
          materialId: after.materialId,
          status: op.status,
          by: after.updatedBy,
          operator: op.startedBy,
        },
      },
    });
  }
  return items;
}

/** One result's audit record and outbox events (keyed by the version it made). */
function recordItems(table: string, tenantId: string, result: CommandResult, audit: object | undefined): TransactItem[] {
  const { after } = result;
  const items: TransactItem[] = [];
  items.push({
    Put: {
      TableName: table,
      Item: audit as Record<string, unknown>,
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  });
  for (const event of result.events) {
    items.push({
      Put: {
        TableName: table,
        Item: { ...keys.outboxEvent(tenantId, after.id, after.version, event.sequence), entity: 'OutboxEvent', ...event },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  return items;
}

/**
 * The idempotency record, conditioned on being the first: a concurrent duplicate fails this
 * condition and gets the first record back (ALL_OLD), not a second change.
 */
export function receiptItem(table: string, tenantId: string, receipt: Receipt): TransactItem {
  const { key, requestHash, response } = receipt;
  return {
    Put: {
      TableName: table,
      Item: {
        ...keys.idempotency(tenantId, receipt.scope, key),
        entity: 'Idempotency',
        key,
        requestHash,
        response,
        expiresAt: Math.floor(Date.now() / 1000) + receipt.ttlSeconds,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

function operationItem(tenantId: string, order: WorkOrderAggregate, op: Operation) {
  const dispatchable = isDispatchable(op.status) && ACTIVE_ORDER.has(order.status);
  return {
    ...keys.operation(tenantId, order.id, op.seq),
    ...(dispatchable ? keys.dispatchEntry(tenantId, op.workCenterId, order.priority, order.dueDate, order.id, op.seq) : {}),
    entity: 'Operation',
    workOrderId: order.id,
    order: {
      workOrderStatus: order.status,
      materialId: order.materialId,
      ...(order.materialName !== undefined ? { materialName: order.materialName } : {}),
      ...(order.uom !== undefined ? { uom: order.uom } : {}),
      quantity: order.quantity,
      priority: order.priority,
      dueDate: order.dueDate,
    },
    ...op,
  };
}

function versionCondition(old: Operation | undefined) {
  return old
    ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': old.version } }
    : { ConditionExpression: 'attribute_not_exists(pk)' };
}

/** TransactWriteItems holds at most this many items. */
const MAX_TRANSACTION_ITEMS = 100;

/**
 * A serial's write: the serial (new: must not exist, so a number is made once; changed: at the
 * version read), its movement and, for a new one, its place among its order's serials.
 */
function serialWriteItems(table: string, tenantId: string, write: SerialWrite): TransactItem[] {
  const { before, after } = write;
  const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
  return [
    {
      Put: {
        TableName: table,
        // A serial changed by production writes no audit record: it keeps its audit chain's head.
        Item: { ...keys.serial(tenantId, after.id), entity: 'SerialUnit', ...after, auditHead: auditHeadOf(before) },
        ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : isNew),
      },
    },
    {
      Put: {
        TableName: table,
        Item: { ...keys.serialMovement(tenantId, after.id, after.version), entity: 'SerialMovement', ...write.movement },
        ...isNew,
      },
    },
    ...(before
      ? []
      : [
          {
            Put: {
              TableName: table,
              Item: { ...keys.orderSerial(tenantId, after.workOrderId, after.ordinal), entity: 'OrderSerial', serialId: after.id },
              ...isNew,
            },
          },
        ]),
  ];
}

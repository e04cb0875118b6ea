/**
 * Maintenance on DynamoDB (issue 18, docs/maintenance.md). A request is one item collection
 * (`MR`, its audit trail `AUDIT#` and outbox `EVT#`), in the queue through gsi1 (the plant's, by
 * status, priority, age) and gsi2 (the same per unit). Each command is ONE TransactWriteItems:
 * the request at the version read, its chained audit record, its event, and what derives from it:
 * the number counter (a raise), the plan moved on (a plan's request), the downtime's link (a
 * request raised from a downtime: its status follows the request's) and the unit's planned
 * maintenance window (a planned request once started). A plan is its own collection (`MPLAN`
 * and its audit trail), listed through gsi1.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import {
  MAINTENANCE_PRIORITIES,
  type MaintenancePlan,
  type MaintenancePriority,
  type MaintenanceRequest,
  type MaintenanceRequestAggregate,
  type MaintenanceStatus,
} from '../domain/maintenance/model.ts';
import type { PlanChange } from '../domain/maintenance/plans.ts';
import type { MaintenanceRepository, MaintenanceWindowRecord } from '../domain/maintenance/repository.ts';
import { type MaintenanceRequestWrite, plannedMaintenanceInterval } from '../domain/maintenance/requests.ts';
import type { Interval } from '../domain/telemetry/intervals.ts';
import type { MaintenanceFacts } from '../telemetry/service.ts';
import type { AuditRecord } from '../domain/work-order/model.ts';
import type { IdempotencyRecord, PageRequest, Receipt } from '../domain/work-order/repository.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { queryAll, queryPage } from './partition-page.ts';
import { withSystemScope } from './tenant-scope.ts';
import { type TransactItem, transact } from './transactions.ts';
import { receiptItem } from './work-order-repository.ts';

const toAggregate = (item: Record<string, unknown>) => stripKeys<MaintenanceRequestAggregate>(item);
const toRequest = (item: Record<string, unknown>): MaintenanceRequest => {
  const { eventSeq: _, ...r } = toAggregate(item);
  return r;
};
const toPlan = (item: Record<string, unknown>) => stripKeys<MaintenancePlan>(item);

/** Urgent first in the queue: 1 urgent ... 4 low. */
export const priorityRank = (p: MaintenancePriority) => MAINTENANCE_PRIORITIES.indexOf(p) + 1;

export class DynamoDbMaintenanceRepository implements MaintenanceRepository {
  async get(tenantId: string, id: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.maintenanceRequest(tenantId, id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? toAggregate(Item) : undefined;
  }

  async history(tenantId: string, id: string): Promise<AuditRecord[]> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.maintenanceRequestPartition(tenantId, id), ':prefix': 'AUDIT#' },
      ConsistentRead: true,
    });
    return items.map((i) => stripKeys<AuditRecord>(i));
  }

  async counter(tenantId: string, year: string) {
    const { Item } = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.maintenanceRequestCounter(tenantId, year),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Number(Item?.seq ?? 0);
  }

  async commit(tenantId: string, write: MaintenanceRequestWrite, receipt?: Receipt): Promise<{ replay?: IdempotencyRecord }> {
    const table = tableName();
    const items = maintenanceWriteItems(table, tenantId, write);
    const receiptIndex = items.length;
    if (receipt) items.push(receiptItem(table, tenantId, receipt));
    const cancelled = await transact(items);
    if (!cancelled) return {};
    // The key taken first (a retry, or this very commit gone through before an SDK retry): its record, not a second request.
    const replay = receipt ? cancelled.failed.find((f) => f.index === receiptIndex) : undefined;
    if (replay?.item) return { replay: stripKeys<IdempotencyRecord>(replay.item) };
    throw new VersionConflictError();
  }

  async getIdempotency(tenantId: string, scope: string, key: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.idempotency(tenantId, scope, key), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<IdempotencyRecord>(Item) : undefined;
  }

  list(tenantId: string, status: MaintenanceStatus, equipmentId: string | undefined, page: PageRequest) {
    const [index, pkName, skName, partition] = equipmentId
      ? (['gsi2', 'gsi2pk', 'gsi2sk', keys.maintenanceRequestsOfUnitPartition(tenantId, equipmentId)] as const)
      : (['gsi1', 'gsi1pk', 'gsi1sk', keys.maintenanceRequestsPartition(tenantId)] as const);
    return queryPage(
      {
        IndexName: index,
        KeyConditionExpression: `${pkName} = :pk AND begins_with(${skName}, :status)`,
        ExpressionAttributeValues: { ':pk': partition, ':status': `${status}#` },
      },
      pkName,
      partition,
      page,
      toRequest,
    );
  }

  async all(tenantId: string, statuses: readonly MaintenanceStatus[], equipmentId: string | undefined) {
    const [index, pkName, skName, partition] = equipmentId
      ? (['gsi2', 'gsi2pk', 'gsi2sk', keys.maintenanceRequestsOfUnitPartition(tenantId, equipmentId)] as const)
      : (['gsi1', 'gsi1pk', 'gsi1sk', keys.maintenanceRequestsPartition(tenantId)] as const);
    const lists = await Promise.all(
      statuses.map(async (status) => {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await ddb().send(
            new QueryCommand({
              TableName: tableName(),
              IndexName: index,
              KeyConditionExpression: `${pkName} = :pk AND begins_with(${skName}, :status)`,
              ExpressionAttributeValues: { ':pk': partition, ':status': `${status}#` },
              ExclusiveStartKey: start,
              ReturnConsumedCapacity: 'TOTAL',
            }),
          );
          items.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey;
        } while (start);
        return items.map(toRequest);
      }),
    );
    return lists.flat();
  }

  async windows(tenantId: string, equipmentId: string, from: number): Promise<MaintenanceWindowRecord[]> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND sk >= :from',
      ExpressionAttributeValues: { ':pk': keys.maintenanceWindowPartition(tenantId, equipmentId), ':from': new Date(from).toISOString() },
    });
    return items.map((i) => stripKeys<MaintenanceWindowRecord>(i));
  }

  async getPlan(tenantId: string, id: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.maintenancePlan(tenantId, id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? toPlan(Item) : undefined;
  }

  listPlans(tenantId: string, page: PageRequest) {
    const partition = keys.maintenancePlansPartition(tenantId);
    return queryPage(
      { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': partition } },
      'gsi1pk',
      partition,
      page,
      toPlan,
    );
  }

  async allPlans(tenantId: string) {
    const plans: MaintenancePlan[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listPlans(tenantId, { limit: 100, ...(cursor ? { cursor } : {}) });
      plans.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return plans;
  }

  async commitPlan(tenantId: string, change: PlanChange) {
    const table = tableName();
    const audit = chainedAudit(
      tenantId,
      keys.maintenancePlanAudit(tenantId, change.after.id, change.audit.version),
      change.audit,
      auditHeadOf(change.before),
    );
    const cancelled = await transact([
      planItem(table, tenantId, change.before, change.after, audit.head),
      { Put: { TableName: table, Item: audit.item, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    if (cancelled) throw new VersionConflictError();
  }

  async registerTenant(tenantId: string) {
    await withSystemScope(() =>
      ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.maintenanceTenant(tenantId), entity: 'MaintenanceTenant' },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }

  async tenants() {
    const items = await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.maintenanceTenantsPartition } });
    return items.map((i) => String(i.sk));
  }
}

function planItem(table: string, tenantId: string, before: MaintenancePlan | undefined, after: MaintenancePlan, auditHead: unknown): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: {
        ...keys.maintenancePlan(tenantId, after.id),
        ...keys.maintenancePlansById(tenantId, after.id),
        entity: 'MaintenancePlan',
        ...after,
        ...(auditHead ? { auditHead } : {}),
      },
      ...(before
        ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
}

/** Every item of a request's write, the request's own first. */
export function maintenanceWriteItems(table: string, tenantId: string, write: MaintenanceRequestWrite): TransactItem[] {
  const { before, after } = write;
  const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
  const audit = chainedAudit(tenantId, keys.maintenanceRequestAudit(tenantId, after.id, write.audit.version), write.audit, auditHeadOf(before));
  const rank = priorityRank(after.priority);
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table,
        Item: {
          ...keys.maintenanceRequest(tenantId, after.id),
          ...keys.maintenanceRequestsByStatus(tenantId, after.status, rank, after.raisedAt, after.id),
          ...keys.maintenanceRequestsOfUnit(tenantId, after.equipmentId, after.status, rank, after.raisedAt, after.id),
          entity: 'MaintenanceRequest',
          ...after,
          auditHead: audit.head,
        },
        ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : isNew),
      },
    },
    { Put: { TableName: table, Item: audit.item, ...isNew } },
    ...write.events.map(
      (event): TransactItem => ({
        Put: {
          TableName: table,
          Item: { ...keys.maintenanceRequestOutboxEvent(tenantId, after.id, after.version, event.sequence), entity: 'OutboxEvent', ...event },
          ...isNew,
        },
      }),
    ),
  ];
  if (write.counter) {
    const { year, from, to } = write.counter;
    items.push({
      Put: {
        TableName: table,
        Item: { ...keys.maintenanceRequestCounter(tenantId, year), entity: 'MaintenanceRequestCounter', seq: to },
        ...(from === 0
          ? { ConditionExpression: 'attribute_not_exists(pk) OR seq = :from', ExpressionAttributeValues: { ':from': 0 } }
          : { ConditionExpression: 'seq = :from', ExpressionAttributeValues: { ':from': from } }),
      },
    });
  }
  if (write.plan) items.push(planItem(table, tenantId, write.plan.before, write.plan.after, auditHeadOf(write.plan.before)));
  if (after.downtimeStart) {
    // An index item that follows the request (no record of its own): rewritten with each status.
    items.push({
      Put: {
        TableName: table,
        Item: {
          ...keys.maintenanceDowntimeLink(tenantId, after.equipmentId, after.downtimeStart, after.id),
          entity: 'MaintenanceDowntimeLink',
          requestId: after.id,
          equipmentId: after.equipmentId,
          stopStart: after.downtimeStart,
          status: after.status,
          priority: after.priority,
        },
      },
    });
  }
  if (after.plannedWindow && after.startedAt) {
    items.push({
      Put: {
        TableName: table,
        Item: {
          ...keys.maintenanceWindow(tenantId, after.equipmentId, after.plannedWindow.end, after.id),
          entity: 'MaintenanceWindow',
          requestId: after.id,
          equipmentId: after.equipmentId,
          plannedWindow: after.plannedWindow,
          startedAt: after.startedAt,
          ...(after.completedAt ? { completedAt: after.completedAt } : {}),
          ...(after.cancelledAt ? { cancelledAt: after.cancelledAt } : {}),
        },
      },
    });
  }
  return items;
}

/**
 * What the telemetry side reads of maintenance (shared/telemetry/service.ts MaintenanceFacts):
 * a unit's planned maintenance (one Query of its windows by end) and the requests raised from
 * its stops (one Query of its downtime partition, where the links sit beside the reasons).
 */
export class DynamoDbMaintenanceFacts implements MaintenanceFacts {
  constructor(private readonly repository = new DynamoDbMaintenanceRepository()) {}

  async plannedMaintenance(tenantId: string, equipmentId: string, from: number, to: number): Promise<Interval[]> {
    return (await this.repository.windows(tenantId, equipmentId, from)).flatMap((w) => {
      const i = plannedMaintenanceInterval(w);
      return i && i.start < to && i.end > from ? [{ start: Math.max(i.start, from), end: Math.min(i.end, to) }] : [];
    });
  }

  async downtimeLinks(tenantId: string, equipmentId: string, from: number, to: number) {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.downtimeReasonPartition(tenantId, equipmentId),
        ':from': new Date(from).toISOString(),
        ':to': `${new Date(to).toISOString()}~`,
      },
    });
    return items
      .filter((i) => i.entity === 'MaintenanceDowntimeLink')
      .map((i) => ({ stopStart: String(i.stopStart), requestId: String(i.requestId), status: String(i.status) }));
  }
}

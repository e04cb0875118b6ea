/**
 * Lots on DynamoDB (issue 14, docs/tracking.md). A lot is one item collection (`LOT`, its
 * movements `MOV#`, audit trail `AUDIT#` and outbox `EVT#`), listed through gsi1 (by material
 * and status) and gsi2 (by status). Every lot command is one TransactWriteItems; the item
 * builders are exported so that a work-order command (consume, produce) writes a lot's change
 * in ITS transaction: `lotResultItems`, `counterItem`.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError, VersionConflictError } from '../domain/errors.ts';
import type { CounterAdvance, LotRepository } from '../domain/tracking/lot-repository.ts';
import type { LotAggregate, LotChange, LotCommandResult } from '../domain/tracking/lots.ts';
import type { LotStatus, MaterialLot, Movement } from '../domain/tracking/model.ts';
import type { IdempotencyRecord, PageRequest, Receipt } from '../domain/work-order/repository.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { listSignatures, signatureItem } from './signature-repository.ts';
import type { Signature } from '../domain/signatures/model.ts';
import { queryPage } from './partition-page.ts';
import { genealogyEdgeWrites } from './genealogy-repository.ts';
import { type TransactItem, transact } from './transactions.ts';
import { receiptItem } from './work-order-repository.ts';

/**
 * A lot's expiry is stored as `lotExpiresAt`, never under the table's TTL attribute
 * (`expiresAt`): TTL deletes items, and a record of a lot is never deleted. `workOrderId` is a
 * lot field that shares its name with an attribute stripKeys hides.
 */
const KEEP = ['workOrderId'] as const;
const EXPIRY_ATTRIBUTE = 'lotExpiresAt';
export const toLotAggregate = (item: Record<string, unknown>): LotAggregate => {
  const { [EXPIRY_ATTRIBUTE]: expiry, ...rest } = item;
  const lot = stripKeys<LotAggregate>(rest, KEEP);
  return typeof expiry === 'string' ? { ...lot, expiresAt: expiry } : lot;
};
/** The lot as stored: its expiry out of the TTL attribute's way. */
const lotAttributes = ({ expiresAt, ...lot }: LotAggregate) => ({ ...lot, ...(expiresAt ? { [EXPIRY_ATTRIBUTE]: expiresAt } : {}) });
export const toLot = (item: Record<string, unknown>): MaterialLot => {
  const { eventSeq: _, ...lot } = toLotAggregate(item);
  return lot;
};

export class DynamoDbLotRepository implements LotRepository {
  async get(tenantId: string, id: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.lot(tenantId, id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? toLotAggregate(Item) : undefined;
  }

  async getMany(tenantId: string, ids: readonly string[]) {
    const table = tableName();
    const found: LotAggregate[] = [];
    let left: Record<string, unknown>[] | undefined = [...new Set(ids)].map((id) => keys.lot(tenantId, id));
    // A merge reads at most a few lots: one BatchGetItem, again for what throttling left.
    for (let attempt = 0; left?.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
      const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await ddb().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: left, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      found.push(...(Responses?.[table] ?? []).map(toLotAggregate));
      left = UnprocessedKeys?.[table]?.Keys;
    }
    return found;
  }

  async commit(tenantId: string, result: LotCommandResult, options: { counters?: readonly CounterAdvance[]; receipt?: Receipt } = {}) {
    const table = tableName();
    const items: TransactItem[] = [];
    const lots = result.changes.map((change) => {
      const index = items.length;
      items.push(...lotChangeItems(table, tenantId, change));
      return { index, change };
    });
    // Split and merge edges go through the genealogy writer: edge items and both nodes' adjacency, which the trace reads.
    if (result.edges.length) items.push(...(await genealogyEdgeWrites(tenantId, result.edges)));
    const countersFrom = items.length;
    for (const counter of options.counters ?? []) items.push(counterItem(table, tenantId, counter));
    const countersTo = items.length;
    const receiptIndex = items.length;
    if (options.receipt) items.push(receiptItem(table, tenantId, options.receipt));
    const cancelled = await transact(items);
    if (!cancelled) return {};
    const replay = options.receipt ? cancelled.failed.find((f) => f.index === receiptIndex) : undefined;
    if (replay?.item) return { replay: stripKeys<IdempotencyRecord>(replay.item) };
    // Numbers taken by a command that came first: its lot holds this one's number too. Decide
    // again on the counter as it is now, rather than call the number taken.
    if (cancelled.failed.some((f) => f.index >= countersFrom && f.index < countersTo)) throw new VersionConflictError();
    const taken = lots.find((l) => !l.change.before && cancelled.failed.some((f) => f.index === l.index));
    if (taken) throw new AlreadyExistsError(`lot ${taken.change.after.id} exists already`);
    throw new VersionConflictError();
  }

  list(tenantId: string, filter: { materialId?: string | undefined; status?: LotStatus | undefined }, page: PageRequest) {
    const [index, pkName, skName, partition] = filter.materialId
      ? (['gsi1', 'gsi1pk', 'gsi1sk', keys.lotsByMaterialPartition(tenantId, filter.materialId)] as const)
      : (['gsi2', 'gsi2pk', 'gsi2sk', keys.lotsByStatusPartition(tenantId)] as const);
    return queryPage(
      {
        IndexName: index,
        KeyConditionExpression: filter.status ? `${pkName} = :pk AND begins_with(${skName}, :status)` : `${pkName} = :pk`,
        ExpressionAttributeValues: { ':pk': partition, ...(filter.status ? { ':status': `${filter.status}#` } : {}) },
      },
      pkName,
      partition,
      page,
      toLot,
    );
  }

  signatures(tenantId: string, id: string): Promise<Signature[]> {
    return listSignatures(tenantId, keys.lotPartition(tenantId, id));
  }

  /** When the lot was last put on hold: its newest `hold` movement, read backwards (strongly consistent). */
  async heldSince(tenantId: string, id: string): Promise<string | undefined> {
    let start: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          FilterExpression: '#type = :hold',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':pk': keys.lotPartition(tenantId, id), ':prefix': keys.lotMovementPrefix, ':hold': 'hold' },
          ScanIndexForward: false,
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      const found = page.Items?.[0];
      if (found) return String(found.at);
      start = page.LastEvaluatedKey;
    } while (start);
    return undefined;
  }

  movements(tenantId: string, id: string, page: PageRequest) {
    const partition = keys.lotPartition(tenantId, id);
    return queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': partition, ':prefix': keys.lotMovementPrefix },
      },
      'pk',
      partition,
      page,
      (item) => stripKeys<Movement>(item, ['workOrderId']),
    );
  }

  async staged(tenantId: string, materialIds: readonly string[], workCenterId: string): Promise<MaterialLot[]> {
    const perMaterial = await Promise.all(
      materialIds.map(async (materialId) => {
        const found: MaterialLot[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await ddb().send(
            new QueryCommand({
              TableName: tableName(),
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :status)',
              FilterExpression: 'stagedAt = :at',
              ExpressionAttributeValues: { ':pk': keys.lotsByMaterialPartition(tenantId, materialId), ':status': 'available#', ':at': workCenterId },
              ExclusiveStartKey: start,
              ReturnConsumedCapacity: 'TOTAL',
            }),
          );
          for (const item of page.Items ?? []) found.push(toLot(item));
          start = page.LastEvaluatedKey;
        } while (start);
        return found;
      }),
    );
    return perMaterial.flat();
  }

  async counter(tenantId: string, kind: 'lot' | 'serial', materialId: string) {
    const { Item } = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.trackingCounter(tenantId, kind, materialId),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Number(Item?.seq ?? 0);
  }
}

/** Every item of a lot command's result (lots, movements, audit, outbox, edges), for another command's transaction. */
export async function lotResultItems(table: string, tenantId: string, result: LotCommandResult): Promise<TransactItem[]> {
  return [
    ...result.changes.flatMap((c) => lotChangeItems(table, tenantId, c)),
    ...(result.edges.length ? await genealogyEdgeWrites(tenantId, result.edges) : []),
  ];
}

/** One lot's change: the lot (new: must not exist; changed: at the version read), its movement, audit record and events. */
export function lotChangeItems(table: string, tenantId: string, change: LotChange): TransactItem[] {
  const { before, after } = change;
  const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
  return [
    {
      Put: {
        TableName: table,
        Item: {
          ...keys.lot(tenantId, after.id),
          ...keys.lotsByMaterial(tenantId, after.materialId, after.status, after.createdAt, after.id),
          ...keys.lotsByStatus(tenantId, after.status, after.createdAt, after.id),
          entity: 'MaterialLot',
          ...lotAttributes(after),
        },
        ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : isNew),
      },
    },
    ...(change.movement
      ? [
          {
            Put: {
              TableName: table,
              Item: { ...keys.lotMovement(tenantId, after.id, after.version), entity: 'LotMovement', ...change.movement },
              ...isNew,
            },
          },
        ]
      : []),
    { Put: { TableName: table, Item: { ...keys.lotAudit(tenantId, after.id, change.audit.version), entity: 'Audit', ...change.audit }, ...isNew } },
    ...(change.signatures ?? []).map((sig) => signatureItem(table, tenantId, keys.lotPartition(tenantId, after.id), sig)),
    ...change.events.map((event) => ({
      Put: {
        TableName: table,
        Item: { ...keys.lotOutboxEvent(tenantId, after.id, after.version, event.sequence), entity: 'OutboxEvent', ...event },
        ...isNew,
      },
    })),
  ];
}

/**
 * Several lot changes for another command's transaction, where one lot may change more than
 * once in a row (a nonconformance's scrap, then the release of what is left): a transaction
 * writes an item once, so such a chain is the lot as it ends (conditioned on the version first
 * read) with every change's movement, audit record and events.
 */
export function lotChangesItems(table: string, tenantId: string, changes: readonly LotChange[]): TransactItem[] {
  const chains = new Map<string, LotChange[]>();
  for (const c of changes) chains.set(c.after.id, [...(chains.get(c.after.id) ?? []), c]);
  return [...chains.values()].flatMap((chain) => {
    const first = chain[0] as LotChange;
    const last = chain[chain.length - 1] as LotChange;
    const [lotItem] = lotChangeItems(table, tenantId, { ...last, before: first.before });
    return [lotItem as TransactItem, ...chain.flatMap((c) => lotChangeItems(table, tenantId, c).slice(1))];
  });
}

/** A material's number counter moved from `from` to `to`: a concurrent command that took the same numbers fails here. */
export function counterItem(table: string, tenantId: string, advance: CounterAdvance): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: { ...keys.trackingCounter(tenantId, advance.kind, advance.materialId), entity: 'TrackingCounter', seq: advance.to },
      ...(advance.from === 0
        ? { ConditionExpression: 'attribute_not_exists(pk) OR seq = :from', ExpressionAttributeValues: { ':from': 0 } }
        : { ConditionExpression: 'seq = :from', ExpressionAttributeValues: { ':from': advance.from } }),
    },
  };
}

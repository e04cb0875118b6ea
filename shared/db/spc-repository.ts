/**
 * SPC on DynamoDB (issue 15, docs/spc.md "Charts and storage"). A characteristic is one
 * partition: its values packed per UTC hour and order (spc-value-format.ts), appended with list_append so
 * that writers in other transactions (a report, an inspection) never read them first; the
 * monitor's state item (version, baseline in force, last points); its versioned baselines, audit
 * trail and outbox events. The item builders are exported so a work-order command writes its
 * values, the monitor's state and any violation event in ITS transaction: `spcValueItems`,
 * `spcMonitorItems`, `spcWriteItems`.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import type { MonitorState } from '../domain/quality/spc-monitor.ts';
import type { Baseline, SpcSample } from '../domain/quality/spc-model.ts';
import type { BaselineCommit, SpcRepository, SpcWrites } from '../domain/quality/spc-repository.ts';
import type { OutboxEvent } from '../domain/work-order/model.ts';
import { ddb, tableName } from './client.ts';
import { type AuditHead, auditHeadOf, chainedAudit } from './audit-chain.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { fromTuple, hourOf, type SampleTuple, toTuple } from './spc-value-format.ts';
import { type TransactItem, transact } from './transactions.ts';

/**
 * Values of one characteristic, hour and order (machine values: no order) in one Update each:
 * list_append, no read, no condition. Keyed by order too, so that reports and inspections of
 * different orders never write the same item (issue 15's bench: one item per characteristic and
 * hour made concurrent reports of one routing conflict); an order's own writes are serialized by
 * its version already.
 */
export function spcValueItems(table: string, tenantId: string, samples: readonly SpcSample[]): TransactItem[] {
  const byItem = new Map<string, { characteristicId: string; hour: string; workOrderId: string | undefined; tuples: SampleTuple[] }>();
  for (const sample of samples) {
    const hour = hourOf(sample.at);
    const key = `${sample.characteristicId}\u0000${hour}\u0000${sample.workOrderId ?? ''}`;
    const entry = byItem.get(key) ?? { characteristicId: sample.characteristicId, hour, workOrderId: sample.workOrderId, tuples: [] };
    entry.tuples.push(toTuple(sample));
    byItem.set(key, entry);
  }
  return [...byItem.values()].map(({ characteristicId, hour, workOrderId, tuples }) => ({
    Update: {
      TableName: table,
      Key: keys.spcValues(tenantId, characteristicId, hour, workOrderId),
      UpdateExpression: 'SET v = list_append(if_not_exists(v, :empty), :new), entity = :entity',
      ExpressionAttributeValues: { ':empty': [], ':new': tuples, ':entity': 'SpcValues' },
    },
  }));
}

/** The monitor's state item; it keeps the audit head of the characteristic's chain (audit-chain.ts) the state read carried. */
const stateItem = (tenantId: string, state: MonitorState, auditHead: AuditHead | undefined) => ({
  ...keys.spcState(tenantId, state.characteristicId),
  entity: 'SpcState',
  ...state,
  auditHead,
});

const eventItem = (table: string, tenantId: string, event: OutboxEvent): TransactItem => ({
  Put: {
    TableName: table,
    Item: { ...keys.spcOutboxEvent(tenantId, event.characteristicId as string, event.sequence), entity: 'OutboxEvent', ...event },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/**
 * The monitor's writes for one characteristic: nothing when the writer read no baseline in force
 * (the values are not judged, and no check on the shared state item makes writers of different
 * orders meet: a baseline frozen meanwhile judges from the next value on); otherwise the next
 * state conditioned on the version read, and the violation events.
 */
export function spcMonitorItems(
  table: string,
  tenantId: string,
  before: MonitorState | undefined,
  next: MonitorState | undefined,
  events: readonly OutboxEvent[],
): TransactItem[] {
  if (!before || !next) return [];
  return [
    {
      Put: {
        TableName: table,
        Item: stateItem(tenantId, next, auditHeadOf(before)),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': before.version },
      },
    },
    ...events.map((e) => eventItem(table, tenantId, e)),
  ];
}

/** Every item of a set of SPC writes (values, states, events), for a command's transaction. */
export function spcWriteItems(table: string, tenantId: string, writes: SpcWrites): TransactItem[] {
  return [
    ...spcValueItems(table, tenantId, writes.samples),
    ...writes.monitored.flatMap((m) => spcMonitorItems(table, tenantId, m.before, m.next, m.events)),
  ];
}

const toState = (item: Record<string, unknown>) => stripKeys<MonitorState>(item);

export class DynamoDbSpcRepository implements SpcRepository {
  async state(tenantId: string, characteristicId: string) {
    const { Item } = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.spcState(tenantId, characteristicId),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Item ? toState(Item) : undefined;
  }

  async states(tenantId: string, characteristicIds: readonly string[]) {
    const table = tableName();
    const found = new Map<string, MonitorState>();
    let left: Record<string, unknown>[] | undefined = [...new Set(characteristicIds)].map((id) => keys.spcState(tenantId, id));
    for (let attempt = 0; left?.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
      const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await ddb().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: left, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      for (const item of Responses?.[table] ?? []) {
        const state = toState(item);
        found.set(state.characteristicId, state);
      }
      left = UnprocessedKeys?.[table]?.Keys;
    }
    return found;
  }

  /**
   * The samples taken in [from, to), in time order: one Query over the hour items of the window,
   * whichever order wrote them (a page per MB: 100,000 values in subgroups of 5 are about 1.5 MB,
   * two pages).
   */
  async samples(tenantId: string, characteristicId: string, from: string, to: string) {
    const out: SpcSample[] = [];
    let start: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.spcPartition(tenantId, characteristicId),
            ':from': keys.spcValuesRange(hourOf(from), hourOf(to)).from,
            ':to': keys.spcValuesRange(hourOf(from), hourOf(to)).to,
          },
          ExclusiveStartKey: start,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      pages++;
      for (const item of page.Items ?? []) {
        const hour = String(item.sk).slice(keys.spcValuesPrefix.length, keys.spcValuesPrefix.length + 13);
        for (const tuple of (item.v ?? []) as SampleTuple[]) {
          const sample = fromTuple(characteristicId, hour, tuple);
          if (sample.at >= from && sample.at < to) out.push(sample);
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    return { samples: out, pages };
  }

  async baseline(tenantId: string, characteristicId: string, version: number) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.spcBaseline(tenantId, characteristicId, version), ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<Baseline>(Item) : undefined;
  }

  /** The new baseline (never rewritten), the state now holding it (conditioned on the version read), audit and event: one transaction. */
  async commitBaseline(tenantId: string, commit: BaselineCommit) {
    const table = tableName();
    const { baseline, before, next, audit, event } = commit;
    const id = baseline.characteristicId;
    const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
    const chained = chainedAudit(tenantId, keys.spcAudit(tenantId, id, next.version), audit, auditHeadOf(before));
    const cancelled = await transact([
      { Put: { TableName: table, Item: { ...keys.spcBaseline(tenantId, id, baseline.version), entity: 'SpcBaseline', ...baseline }, ...isNew } },
      {
        Put: {
          TableName: table,
          Item: stateItem(tenantId, next, chained.head),
          ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : isNew),
        },
      },
      { Put: { TableName: table, Item: chained.item, ...isNew } },
      eventItem(table, tenantId, event),
    ]);
    if (cancelled) throw new VersionConflictError();
  }

  /** Samples written on their own (an import, the bench's set-up): values, states and events in one transaction. */
  async write(tenantId: string, writes: SpcWrites) {
    const cancelled = await transact(spcWriteItems(tableName(), tenantId, writes));
    if (cancelled) throw new VersionConflictError();
  }
}

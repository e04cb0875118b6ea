/** Master data on DynamoDB: one partition per tenant and kind; get = GetItem, list = Query. */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import type { MasterDataKind, StoredRecord } from '../domain/master-data/model.ts';
import type { MasterDataRepository } from '../domain/master-data/repository.ts';
import type { IdempotencyRecord, PageRequest, Receipt } from '../domain/work-order/repository.ts';
import { diff } from '../domain/work-order/diff.ts';
import { ddb, tableName } from './client.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { transact } from './transactions.ts';
import { partitionPage, queryAll } from './partition-page.ts';
import { receiptItem } from './work-order-repository.ts';

const META = new Set(['version', 'updatedAt', 'updatedBy']);

export class DynamoDbMasterDataRepository implements MasterDataRepository {
  async get<K extends MasterDataKind>(tenantId: string, kind: K, id: string, options: { consistent?: boolean } = {}) {
    const { Item } = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.masterData(tenantId, kind, id),
        ConsistentRead: options.consistent ?? false,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Item ? stripKeys<StoredRecord<K>>(Item) : undefined;
  }

  async getMany<K extends MasterDataKind>(tenantId: string, kind: K, ids: readonly string[]) {
    const found: StoredRecord<K>[] = [];
    const unique = [...new Set(ids)];
    // BatchGetItem takes 100 keys; what it leaves unprocessed (throttling) is asked for again.
    for (let i = 0; i < unique.length; i += 100) {
      let keysLeft: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((id) => keys.masterData(tenantId, kind, id));
      for (let attempt = 0; keysLeft?.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
        const table: string = tableName();
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await ddb().send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: keysLeft } }, ReturnConsumedCapacity: 'TOTAL' }),
        );
        found.push(...(Responses?.[table] ?? []).map((item) => stripKeys<StoredRecord<K>>(item)));
        keysLeft = UnprocessedKeys?.[table]?.Keys;
      }
    }
    return found;
  }

  async put<K extends MasterDataKind>(tenantId: string, kind: K, next: StoredRecord<K>, before: StoredRecord<K> | undefined, receipt?: Receipt) {
    const table = tableName();
    const audit = chainedAudit(
      tenantId,
      keys.masterDataAudit(tenantId, kind, next.id, next.version),
      {
        version: next.version,
        at: next.updatedAt,
        by: next.updatedBy,
        action: before ? `${kind}.replace` : `${kind}.create`,
        target: `${kind}/${next.id}`,
        changes: diff(before ?? {}, next, META),
      },
      auditHeadOf(before),
    );
    const cancelled = await transact([
      {
        Put: {
          TableName: table,
          Item: { ...keys.masterData(tenantId, kind, next.id), entity: kind, ...next, auditHead: audit.head },
          ...(before
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      {
        Put: {
          TableName: table,
          Item: audit.item,
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(receipt ? [receiptItem(table, tenantId, receipt)] : []),
    ]);
    if (!cancelled) return {};
    const replay = receipt ? cancelled.failed.find((f) => f.index === 2)?.item : undefined;
    if (replay) return { replay: stripKeys<IdempotencyRecord>(replay) };
    throw new VersionConflictError();
  }

  async list<K extends MasterDataKind>(tenantId: string, kind: K, page: PageRequest) {
    return partitionPage<StoredRecord<K>>(keys.masterDataPartition(tenantId, kind), page);
  }

  async listAll<K extends MasterDataKind>(tenantId: string, kind: K) {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.masterDataPartition(tenantId, kind) },
    });
    return items.map((i) => stripKeys<StoredRecord<K>>(i));
  }
}

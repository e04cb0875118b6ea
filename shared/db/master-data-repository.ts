/** Master data on DynamoDB: one partition per tenant and kind; get = GetItem, list = Query. */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { StaleVersionError } from '../domain/errors.ts';
import type { MasterDataRepository, StoredRecord } from '../domain/master-data/repository.ts';
import type { PageRequest } from '../domain/work-order/repository.ts';
import { diff } from '../domain/work-order/diff.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { type MasterDataKind, keys } from './keys.ts';
import { cursorAttributes, decodeCursor, encodeCursor } from './pagination.ts';
import { transact } from './transactions.ts';

const META = new Set(['version', 'updatedAt', 'updatedBy']);

export class DynamoDbMasterDataRepository implements MasterDataRepository {
  async get(tenantId: string, kind: MasterDataKind, id: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.masterData(tenantId, kind, id), ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<StoredRecord>(Item) : undefined;
  }

  async put(tenantId: string, kind: MasterDataKind, next: StoredRecord, before: StoredRecord | undefined) {
    const table = tableName();
    const cancelled = await transact([
      {
        Put: {
          TableName: table,
          Item: { ...keys.masterData(tenantId, kind, next.id), entity: kind, ...next },
          ...(before
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      {
        Put: {
          TableName: table,
          Item: {
            ...keys.masterDataAudit(tenantId, kind, next.id, next.version),
            entity: 'Audit',
            version: next.version,
            at: next.updatedAt,
            by: next.updatedBy,
            action: before ? `${kind}.replace` : `${kind}.create`,
            target: `${kind}/${next.id}`,
            changes: diff(before ?? {}, next, META),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (cancelled) throw new StaleVersionError();
  }

  async list(tenantId: string, kind: MasterDataKind, page: PageRequest) {
    const partition = keys.masterDataPartition(tenantId, kind);
    const { Items = [], LastEvaluatedKey } = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, cursorAttributes(), 'pk', partition),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const nextCursor = encodeCursor(LastEvaluatedKey);
    return { items: Items.map((i) => stripKeys<StoredRecord>(i)), ...(nextCursor ? { nextCursor } : {}) };
  }
}

/** Queries of the table's partitions: a page behind the opaque cursor, or every page. */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../domain/work-order/repository.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { cursorAttributes, decodeCursor, encodeCursor } from './pagination.ts';
import { TABLE } from './table.ts';

export async function partitionPage<T>(
  partition: string,
  page: PageRequest,
  map: (item: Record<string, unknown>) => T = (i) => stripKeys<T>(i),
): Promise<Page<T>> {
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
  return { items: Items.map(map), ...(nextCursor ? { nextCursor } : {}) };
}

/**
 * A page of a Query (of the table or one of its indexes) behind the opaque cursor; the cursor
 * must belong to `partition` (the value of `partitionAttribute` queried).
 */
export async function queryPage<T>(
  input: Omit<QueryCommandInput, 'TableName'>,
  partitionAttribute: string,
  partition: string,
  page: PageRequest,
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const index = TABLE.globalSecondaryIndexes.find((g) => g.indexName === input.IndexName);
  const { Items = [], LastEvaluatedKey } = await ddb().send(
    new QueryCommand({
      ...input,
      TableName: tableName(),
      Limit: page.limit,
      ExclusiveStartKey: decodeCursor(page.cursor, cursorAttributes(index), partitionAttribute, partition),
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  const nextCursor = encodeCursor(LastEvaluatedKey);
  return { items: Items.map(map), ...(nextCursor ? { nextCursor } : {}) };
}

/** Every item a key condition selects, page after page (for bounded ranges only). */
export async function queryAll(
  input: Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeValues' | 'ConsistentRead'>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(new QueryCommand({ TableName: tableName(), ...input, ExclusiveStartKey: start, ReturnConsumedCapacity: 'TOTAL' }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

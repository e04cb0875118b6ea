/** One page of a whole partition of the table, in sort key order, behind the opaque cursor. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../domain/work-order/repository.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { cursorAttributes, decodeCursor, encodeCursor } from './pagination.ts';

export async function partitionPage<T>(partition: string, page: PageRequest, map: (item: Record<string, unknown>) => T = (i) => stripKeys<T>(i)): Promise<Page<T>> {
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

/**
 * The floor: the same DynamoDB Local, the raw AWS SDK, no HTTP, no auth, no domain. The reads
 * are exactly the ones the API makes (a consistent Query of a real order's header and
 * operations; a consistent GetItem of its header); the write is one TransactWriteItems of
 * copies of a real command's items (header, operation, audit record, two outbox events), each
 * conditioned on attribute_not_exists as the command's are, written to fresh keys each time.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { localClientConfig } from '../infra/local/dynamodb.ts';
import { keys } from '../shared/db/keys.ts';
import { type LoadOptions, load, type Run } from './stats.ts';

export const FLOOR_CALLS = ['GetItem', 'Query', 'TransactWriteItems', 'Query+TransactWriteItems'] as const;
export type FloorCall = (typeof FLOOR_CALLS)[number];

type Item = Record<string, unknown>;

/** Reads go round `orderIds` (orders the API has driven); writes copy the first one's items. */
export async function createFloor(endpoint: string, table: string, tenantId: string, orderIds: string[]) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(endpoint)));
  let reads = 0;
  const nextOrder = () => orderIds[reads++ % orderIds.length] as string;
  const query = () =>
    db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: { ':pk': keys.workOrderPartition(tenantId, nextOrder()), ':from': keys.workOrderWithOperationsFrom },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  const get = () =>
    db.send(new GetCommand({ TableName: table, Key: keys.workOrder(tenantId, nextOrder()), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));

  // Templates from an order as the API left it: its whole item collection, oldest first.
  const partition = keys.workOrderPartition(tenantId, orderIds[0] as string);
  const { Items: all = [] } = await db.send(
    new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': partition } }),
  );
  const pick = (prefix: string, n: number) => all.filter((i) => String(i.sk).startsWith(prefix)).slice(-n);
  const templates = [...pick('WO', 1), ...pick('OP#0010', 1), ...pick('AUDIT#', 1), ...pick('EVT#', 2)];
  if (templates.length !== 5) throw new Error(`${partition} lacks the items to copy (found ${templates.length} of 5)`);

  let written = 0;
  const transact = () => {
    const pk = `floor#${process.pid}#${written++}`;
    return db.send(
      new TransactWriteCommand({
        TransactItems: templates.map((t) => ({
          Put: { TableName: table, Item: rekey(t, pk), ConditionExpression: 'attribute_not_exists(pk)' },
        })),
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
  };

  const calls: Record<FloorCall, () => Promise<unknown>> = {
    GetItem: get,
    Query: query,
    TransactWriteItems: transact,
    'Query+TransactWriteItems': async () => {
      await query();
      await transact();
    },
  };
  return {
    itemsPerTransaction: templates.length,
    measure: (call: FloorCall, options: LoadOptions): Promise<Run> => load(options, () => calls[call]().then(() => true)),
    destroy: () => db.destroy(),
  };
}

/** The same item under a fresh partition; GSI keys moved aside so the bench's lists stay clean. */
function rekey(item: Item, pk: string): Item {
  const copy: Item = { ...item, pk };
  for (const k of ['gsi1pk', 'gsi2pk']) if (typeof copy[k] === 'string') copy[k] = `floor#${copy[k]}`;
  return copy;
}

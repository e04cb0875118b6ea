/**
 * The guard on the DynamoDB client (client.ts): inside a tenant scope, every key a command names
 * must start with `{tenant}#`, exactly the tenant and then '#' (tenant `acme` never reaches
 * `acme-2#...`). The same rule as the AWS tenant role's `dynamodb:LeadingKeys` condition
 * (`${aws:PrincipalTag/tenantId}#*`), checked before the call leaves the process, locally and on
 * AWS alike, and a little stricter: index keys on written items and on an ExclusiveStartKey are
 * checked too, and a Scan or PartiQL statement is refused outright (the API uses neither).
 *
 * Reads either shape of an input: the document client's plain values or marshalled ones ({ S }).
 * Outside a tenant scope (jobs, streams, seed) and in the system scope nothing is checked.
 */
import { TABLE } from './table.ts';
import { currentScope, TenantIsolationError } from './tenant-scope.ts';

type Input = Record<string, unknown>;
type Item = Record<string, unknown> | undefined;

const PARTITION_KEYS = [TABLE.partitionKey, ...TABLE.globalSecondaryIndexes.map((gsi) => gsi.partitionKey)];
const INDEX_PARTITION_KEY = new Map<string, string>(TABLE.globalSecondaryIndexes.map((gsi) => [gsi.indexName, gsi.partitionKey]));
/** Commands that cannot be limited to a tenant's keys: never inside a tenant scope. */
const REFUSED = new Set(['ScanCommand', 'ExecuteStatementCommand', 'BatchExecuteStatementCommand', 'ExecuteTransactionCommand']);

const text = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
};

/** Throws TenantIsolationError when the command, inside a tenant scope, names a key outside the tenant. */
export function guardTenantKeys(command: string, input: Input): void {
  const scope = currentScope();
  if (scope?.kind !== 'tenant') return;
  const prefix = `${scope.tenantId}#`;
  const refuse = (where: string): never => {
    throw new TenantIsolationError(scope.tenantId, command.replace(/Command$/, ''), where);
  };
  /** The item's partition keys (table's always, the indexes' when present) start with the tenant. */
  const checkKey = (item: Item, where: string) => {
    if (!item || typeof item !== 'object') refuse(where);
    for (const name of PARTITION_KEYS) {
      const value = (item as Record<string, unknown>)[name];
      // The table's partition key always; an index's where the item or key has one.
      if (value === undefined && name !== TABLE.partitionKey) continue;
      if (!text(value)?.startsWith(prefix)) refuse(`${where}.${name}`);
    }
  };

  if (REFUSED.has(command)) refuse(command);
  switch (command) {
    case 'GetItemCommand':
    case 'DeleteItemCommand':
    case 'UpdateItemCommand':
      checkKey(input.Key as Item, 'Key');
      return;
    case 'PutItemCommand':
      checkKey(input.Item as Item, 'Item');
      return;
    case 'QueryCommand':
      checkQuery(input, prefix, refuse);
      if (input.ExclusiveStartKey) checkKey(input.ExclusiveStartKey as Item, 'ExclusiveStartKey');
      return;
    case 'TransactWriteItemsCommand':
      (input.TransactItems as Input[] | undefined)?.forEach((t, i) => {
        if (t.Put) checkKey((t.Put as Input).Item as Item, `TransactItems[${i}].Put.Item`);
        else if (t.Update) checkKey((t.Update as Input).Key as Item, `TransactItems[${i}].Update.Key`);
        else if (t.Delete) checkKey((t.Delete as Input).Key as Item, `TransactItems[${i}].Delete.Key`);
        else if (t.ConditionCheck) checkKey((t.ConditionCheck as Input).Key as Item, `TransactItems[${i}].ConditionCheck.Key`);
        else refuse(`TransactItems[${i}]`);
      });
      return;
    case 'TransactGetItemsCommand':
      (input.TransactItems as Input[] | undefined)?.forEach((t, i) => {
        checkKey((t.Get as Input | undefined)?.Key as Item, `TransactItems[${i}].Get.Key`);
      });
      return;
    case 'BatchGetItemCommand':
      for (const [table, request] of Object.entries((input.RequestItems ?? {}) as Record<string, Input>)) {
        (request.Keys as Item[] | undefined)?.forEach((key, i) => {
          checkKey(key, `RequestItems[${table}].Keys[${i}]`);
        });
      }
      return;
    case 'BatchWriteItemCommand':
      for (const [table, requests] of Object.entries((input.RequestItems ?? {}) as Record<string, Input[]>)) {
        requests.forEach((r, i) => {
          const where = `RequestItems[${table}][${i}]`;
          if (r.PutRequest) checkKey((r.PutRequest as Input).Item as Item, `${where}.PutRequest.Item`);
          else if (r.DeleteRequest) checkKey((r.DeleteRequest as Input).Key as Item, `${where}.DeleteRequest.Key`);
          else refuse(where);
        });
      }
      return;
    default:
      // DescribeTable and the like name no item; nothing else reads or writes items.
      return;
  }
}

/** A Query's partition key value (the table's, or the index's on an IndexName) starts with the tenant. */
function checkQuery(input: Input, prefix: string, refuse: (where: string) => never): void {
  const indexName = input.IndexName as string | undefined;
  const partitionKey = indexName ? INDEX_PARTITION_KEY.get(indexName) : TABLE.partitionKey;
  if (!partitionKey) refuse('IndexName');
  const where = `KeyConditionExpression (${partitionKey})`;
  // The legacy parameter, for completeness.
  const legacy = (input.KeyConditions as Record<string, { AttributeValueList?: unknown[] }> | undefined)?.[partitionKey as string];
  if (legacy) {
    if (!text(legacy.AttributeValueList?.[0])?.startsWith(prefix)) refuse(where);
    return;
  }
  const expression = input.KeyConditionExpression;
  if (typeof expression !== 'string') refuse(where);
  else checkEqualities(expression, input, partitionKey as string, prefix, () => refuse(where));
}

function checkEqualities(expression: string, input: Input, partitionKey: string, prefix: string, refuse: () => never): void {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  // `name = :value` or `:value = name`, the name possibly a #placeholder: the partition key is always compared by equality.
  const equalities = [...expression.matchAll(/([#:]?[\w.]+)\s*=\s*([#:]?[\w.]+)/g)];
  const resolve = (token: string) => (token.startsWith('#') ? names[token] : token);
  let found = false;
  for (const [, left = '', right = ''] of equalities) {
    const [name, value] = left.startsWith(':') ? [right, left] : [left, right];
    if (resolve(name) !== partitionKey) continue;
    found = true;
    if (!value.startsWith(':') || !text(values[value])?.startsWith(prefix)) refuse();
  }
  if (!found) refuse();
}

/**
 * Tenant isolation, locally (issue 17, docs/isolation.md): inside a tenant scope the one DynamoDB
 * client refuses any command naming a key that does not start `{tenant}#`, before it reaches
 * DynamoDB Local, the way the tenant role's `dynamodb:LeadingKeys` condition refuses it on AWS.
 * Every command shape the repositories use (Get, Query on the table and on an index, Put,
 * TransactWrite, BatchGet, a page's ExclusiveStartKey), a tenant sharing a prefix (`acme` vs
 * `acme-2`), and a handler behind the real HTTP edge that builds another tenant's key: a 500
 * that names neither the key nor the other tenant, and nothing written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { httpHandler } from '#functions/lib/http.ts';
import type { RouteDef } from '#shared/api/routes.ts';
import { ddb, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { TenantIsolationError, withSystemScope, withTenantScope } from '#shared/db/tenant-scope.ts';
import { testDocClient } from '../helpers/ddb.ts';
import { newTenantId } from '../helpers/runtime.ts';

const isolationError = (tenantId: string) => (error: unknown) => {
  assert.ok(error instanceof TenantIsolationError, `expected a TenantIsolationError, got ${String(error)}`);
  assert.equal(error.tenantId, tenantId);
  return true;
};

/** A work order item of `tenantId`, as the repositories write it, with its gsi1 key. */
const order = (tenantId: string, id: string) => ({
  ...keys.workOrder(tenantId, id),
  ...keys.workOrdersByStatus(tenantId, 'RELEASED', '2026-01-05', id),
  entity: 'WorkOrder',
  id,
});

const get = (tenantId: string, id: string) => new GetCommand({ TableName: tableName(), Key: keys.workOrder(tenantId, id) });
const put = (tenantId: string, id: string) => new PutCommand({ TableName: tableName(), Item: order(tenantId, id) });
const stored = async (tenantId: string, id: string) =>
  (await testDocClient().send(new GetCommand({ TableName: tableName(), Key: keys.workOrder(tenantId, id) }))).Item;

describe('tenant isolation: the guard on the DynamoDB client (local and AWS alike)', () => {
  const acme = newTenantId();
  const other = newTenantId();
  /** Shares acme's id as a prefix: `acme#` must not reach `acme-2#`. */
  const acme2 = `${acme}-2`;

  it("lets a tenant's scope read and write its own keys, table and index", async () => {
    await withTenantScope(acme, async () => {
      await ddb().send(put(acme, 'WO-1'));
      assert.equal((await ddb().send(get(acme, 'WO-1'))).Item?.id, 'WO-1');
      const byStatus = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'gsi1',
          KeyConditionExpression: '#pk = :pk AND begins_with(gsi1sk, :s)',
          ExpressionAttributeNames: { '#pk': 'gsi1pk' },
          ExpressionAttributeValues: { ':pk': keys.workOrdersByStatus(acme, 'RELEASED', '', '').gsi1pk, ':s': 'RELEASED#' },
        }),
      );
      assert.deepEqual(
        byStatus.Items?.map((i) => i.id),
        ['WO-1'],
      );
    });
  });

  it("refuses a GetItem of another tenant's key, and of a tenant sharing the prefix", async () => {
    await withSystemScope(async () => {
      await ddb().send(put(other, 'WO-9'));
      await ddb().send(put(acme2, 'WO-9'));
    });
    await withTenantScope(acme, async () => {
      await assert.rejects(ddb().send(get(other, 'WO-9')), isolationError(acme));
      await assert.rejects(ddb().send(get(acme2, 'WO-9')), isolationError(acme));
    });
  });

  it("refuses a Query of another tenant's partition, on the table and on each index, however the key is named", async () => {
    await withTenantScope(acme, async () => {
      const queries = [
        { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.workOrderPartition(other, 'WO-9') } },
        { KeyConditionExpression: ':pk = pk', ExpressionAttributeValues: { ':pk': keys.workOrderPartition(acme2, 'WO-9') } },
        {
          KeyConditionExpression: '#k = :pk AND begins_with(sk, :s)',
          ExpressionAttributeNames: { '#k': 'pk' },
          ExpressionAttributeValues: { ':pk': keys.workOrderPartition(other, 'WO-9'), ':s': 'WO' },
        },
        { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `${other}#WO` } },
        { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': `${acme2}#LOTS` } },
        // The sort key holding the tenant does not make the partition the tenant's.
        { KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': `${other}#WO#WO-9`, ':sk': `${acme}#x` } },
        // An index query that names the table's key instead of the index's is not let through either.
        { IndexName: 'gsi1', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `${acme}#WO` } },
      ];
      for (const query of queries) {
        await assert.rejects(ddb().send(new QueryCommand({ TableName: tableName(), ...query })), isolationError(acme), JSON.stringify(query));
      }
    });
  });

  it("refuses a page that starts from another tenant's key (ExclusiveStartKey)", async () => {
    await withTenantScope(acme, async () => {
      const query = new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.workOrderPartition(acme, 'WO-1') },
        ExclusiveStartKey: keys.workOrder(other, 'WO-9'),
      });
      await assert.rejects(ddb().send(query), isolationError(acme));
    });
  });

  it("refuses a PutItem into another tenant's partition or index, and writes nothing", async () => {
    await withTenantScope(acme, async () => {
      await assert.rejects(ddb().send(put(other, 'WO-2')), isolationError(acme));
      await assert.rejects(ddb().send(put(acme2, 'WO-2')), isolationError(acme));
      // Its own partition, but listed in another tenant's index.
      const sneaky = { ...order(acme, 'WO-3'), ...keys.workOrdersByStatus(other, 'RELEASED', '2026-01-05', 'WO-3') };
      await assert.rejects(ddb().send(new PutCommand({ TableName: tableName(), Item: sneaky })), isolationError(acme));
    });
    assert.equal(await stored(other, 'WO-2'), undefined);
    assert.equal(await stored(acme2, 'WO-2'), undefined);
    assert.equal(await stored(acme, 'WO-3'), undefined);
  });

  it('refuses a TransactWriteItems with one item outside the tenant, and writes none of it', async () => {
    await withTenantScope(acme, async () => {
      for (const foreign of [
        { Put: { TableName: tableName(), Item: order(other, 'WO-4') } },
        {
          Update: {
            TableName: tableName(),
            Key: keys.workOrder(acme2, 'WO-9'),
            UpdateExpression: 'SET x = :x',
            ExpressionAttributeValues: { ':x': 1 },
          },
        },
        { ConditionCheck: { TableName: tableName(), Key: keys.workOrder(other, 'WO-9'), ConditionExpression: 'attribute_exists(pk)' } },
        { Delete: { TableName: tableName(), Key: keys.workOrder(other, 'WO-9') } },
      ]) {
        const transaction = new TransactWriteCommand({ TransactItems: [{ Put: { TableName: tableName(), Item: order(acme, 'WO-4') } }, foreign] });
        await assert.rejects(ddb().send(transaction), isolationError(acme));
      }
    });
    assert.equal(await stored(acme, 'WO-4'), undefined);
    assert.equal(await stored(other, 'WO-4'), undefined);
    assert.ok(await stored(other, 'WO-9'), "the other tenant's order is still there");
  });

  it('refuses a BatchGetItem naming one key outside the tenant', async () => {
    await withTenantScope(acme, async () => {
      const batch = new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: [keys.workOrder(acme, 'WO-1'), keys.workOrder(acme2, 'WO-9')] } } });
      await assert.rejects(ddb().send(batch), isolationError(acme));
      const own = new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: [keys.workOrder(acme, 'WO-1')] } } });
      assert.equal((await ddb().send(own)).Responses?.[tableName()]?.length, 1);
    });
  });

  it('refuses a Scan inside a tenant scope: it cannot be limited to a tenant', async () => {
    await withTenantScope(acme, async () => {
      await assert.rejects(ddb().send(new ScanCommand({ TableName: tableName(), Limit: 1 })), isolationError(acme));
    });
  });

  it('checks nothing outside a scope (jobs, streams, seed) and in the system scope (work that spans tenants)', async () => {
    assert.ok((await ddb().send(get(other, 'WO-9'))).Item);
    await withSystemScope(async () => {
      assert.ok((await ddb().send(get(other, 'WO-9'))).Item);
    });
    // The innermost scope wins: an organization's read of a member plant opens that plant's scope.
    await withTenantScope(acme, () =>
      withTenantScope(other, async () => {
        assert.ok((await ddb().send(get(other, 'WO-9'))).Item);
        await assert.rejects(ddb().send(get(acme, 'WO-1')), isolationError(other));
      }),
    );
  });

  it('refuses to open a scope that is not a tenant id', () => {
    assert.throws(() => withTenantScope('', async () => undefined));
    assert.throws(() => withTenantScope(`${acme}#WO`, async () => undefined));
  });
});

describe('tenant isolation at the HTTP edge', () => {
  const route = {
    method: 'GET',
    path: '/v1/test-isolation/{id}',
    summary: 'a handler with a key-building bug',
    params: z.object({ id: z.string() }),
    response: z.unknown(),
    tag: 'test',
    roles: ['supervisor'],
    successStatus: 200,
    handler: 'test/isolation',
    fn: 'orders',
    table: 'read',
  } as const satisfies RouteDef;

  const event = (tenantId: string): APIGatewayProxyEventV2 =>
    ({
      routeKey: `GET ${route.path}`,
      rawPath: '/v1/test-isolation/WO-9',
      headers: {},
      pathParameters: { id: 'WO-9' },
      requestContext: {
        requestId: 'req-isolation-1',
        authorizer: { jwt: { claims: { token_use: 'id', 'custom:tenantId': tenantId, sub: 'u-1', 'cognito:groups': '[supervisor]' } } },
      },
    }) as unknown as APIGatewayProxyEventV2;

  it("answers 500 to a handler that builds another tenant's key, naming neither key nor tenant, and writes nothing", async () => {
    const acme = newTenantId();
    const acme2 = `${acme}-2`;
    await testDocClient().send(new PutCommand({ TableName: tableName(), Item: order(acme2, 'WO-9') }));
    // The bug: the tenant taken from somewhere other than the verified token.
    const buggy = httpHandler(route, async () => {
      const { Item } = await ddb().send(get(acme2, 'WO-9'));
      await ddb().send(put(acme2, 'WO-10'));
      return { body: Item };
    });
    // The logger writes to the process's streams: read what it writes while the request runs.
    const logged: string[] = [];
    const streams = [process.stdout, process.stderr];
    const writes = streams.map((stream) => stream.write);
    for (const stream of streams) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
        logged.push(String(chunk));
        return original(chunk, ...rest);
      }) as typeof stream.write;
    }
    let response: APIGatewayProxyStructuredResultV2;
    try {
      response = (await buggy(event(acme), {} as never)) as APIGatewayProxyStructuredResultV2;
    } finally {
      streams.forEach((stream, i) => {
        stream.write = writes[i] as typeof stream.write;
      });
    }
    assert.equal(response.statusCode, 500);
    const body = String(response.body);
    assert.ok(!body.includes(acme2) && !body.includes('#'), body);
    assert.match(body, /req-isolation-1/);
    // Logged loudly: the error's name and its scope, never the refused key.
    const log = logged.join('\n');
    assert.match(log, /TENANT ISOLATION/);
    assert.ok(!log.includes(`${acme2}#`), 'the log names no refused key');
    assert.equal(await stored(acme2, 'WO-10'), undefined);
  });

  it('lets the same handler read its own tenant', async () => {
    const acme = newTenantId();
    await testDocClient().send(new PutCommand({ TableName: tableName(), Item: order(acme, 'WO-9') }));
    const handler = httpHandler(route, async ({ auth, params }) => {
      const { Item } = await ddb().send(get(auth.tenantId, params.id));
      return { body: { id: Item?.id } };
    });
    const response = (await handler(event(acme), {} as never)) as APIGatewayProxyStructuredResultV2;
    assert.equal(response.statusCode, 200, String(response.body));
    assert.deepEqual(JSON.parse(String(response.body)), { id: 'WO-9' });
  });
});

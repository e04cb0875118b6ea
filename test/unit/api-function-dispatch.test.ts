/**
 * An API function's entry (functions/lib/api-function.ts): it finds the route by the event's
 * routeKey, imports the route's module on the first call only, tries a failed import again,
 * and answers a routeKey it does not serve with a 404 problem+json instead of crashing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { apiFunction } from '#functions/lib/api-function.ts';
import type { RouteModule } from '#functions/lib/route-modules.ts';
import { apiFunctionsOf, routeKeyOf } from '#shared/api/functions.ts';
import { routeList } from '#shared/api/routes.ts';

const event = (routeKey: string) =>
  ({ version: '2.0', routeKey, rawPath: '/v1/x', headers: {}, requestContext: { requestId: 'req-1' } }) as unknown as APIGatewayProxyEventV2;
const context = { awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 10_000 } as Context;

/** A loader that records what it was asked for; each module answers with its own name. */
function recordingLoader(fail: Set<string> = new Set()) {
  const loads: string[] = [];
  const load = async (handler: string): Promise<RouteModule> => {
    loads.push(handler);
    if (fail.has(handler)) {
      fail.delete(handler);
      throw new Error(`cannot load ${handler}`);
    }
    return { handler: async (e) => ({ statusCode: 200, body: `${handler} ${e.routeKey}` }) };
  };
  return { loads, load };
}

const routes = new Map([
  ['GET /v1/things/{id}', 'things/get-thing'],
  ['POST /v1/things', 'things/create-thing'],
]);

describe('an API function', () => {
  it("calls the handler of the event's routeKey", async () => {
    // Prepare
    const { load } = recordingLoader();
    const handler = apiFunction('orders', { routes, load });
    // Act
    const reply = (await handler(event('POST /v1/things'), context)) as APIGatewayProxyStructuredResultV2;
    // Assess
    assert.equal(reply.body, 'things/create-thing POST /v1/things');
  });

  it('imports a route module on its first call only, and no other', async () => {
    // Prepare
    const { loads, load } = recordingLoader();
    const handler = apiFunction('orders', { routes, load });
    // Act: two concurrent first calls, then a third
    await Promise.all([handler(event('GET /v1/things/{id}'), context), handler(event('GET /v1/things/{id}'), context)]);
    await handler(event('GET /v1/things/{id}'), context);
    // Assess
    assert.deepEqual(loads, ['things/get-thing']);
  });

  it('imports nothing before the first call', () => {
    const { loads, load } = recordingLoader();
    apiFunction('orders', { routes, load });
    assert.deepEqual(loads, []);
  });

  it('tries a failed import again on the next call', async () => {
    // Prepare
    const { loads, load } = recordingLoader(new Set(['things/get-thing']));
    const handler = apiFunction('orders', { routes, load });
    // Act
    await assert.rejects(handler(event('GET /v1/things/{id}'), context), /cannot load/);
    const reply = (await handler(event('GET /v1/things/{id}'), context)) as APIGatewayProxyStructuredResultV2;
    // Assess
    assert.equal(reply.statusCode, 200);
    assert.deepEqual(loads, ['things/get-thing', 'things/get-thing']);
  });

  it('answers a routeKey it does not serve with a 404 problem+json, loading nothing', async () => {
    // Prepare
    const { loads, load } = recordingLoader();
    const handler = apiFunction('orders', { routes, load });
    // Act
    const reply = (await handler(event('DELETE /v1/things/{id}'), context)) as APIGatewayProxyStructuredResultV2;
    // Assess
    assert.equal(reply.statusCode, 404);
    assert.equal(reply.headers?.['content-type'], 'application/problem+json');
    const problem = JSON.parse(reply.body as string);
    assert.equal(problem.status, 404);
    assert.match(problem.detail, /DELETE \/v1\/things\/\{id\}.*orders/);
    assert.deepEqual(loads, []);
  });

  it("serves, by default, exactly its context's routes of the route table", async () => {
    for (const fn of apiFunctionsOf(routeList)) {
      // Prepare
      const { loads, load } = recordingLoader();
      const handler = apiFunction(fn.id, { load });
      // Act
      for (const route of routeList) await handler(event(routeKeyOf(route)), context);
      // Assess
      assert.deepEqual(loads.sort(), fn.routes.map((r) => r.handler).sort(), fn.id);
    }
  });
});

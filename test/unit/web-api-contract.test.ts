/**
 * The web app's typed client (web/src/contract.ts) against a real HTTP server: paths from the
 * route table with encoded parameters, the query, the headers a route takes, and every answer
 * read through the route's response schema, a mismatch being an error in plain words.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApiError, ContractError } from '../../web/src/api-error.ts';
import { createClient, routePath } from '../../web/src/contract.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the server answers next, and every request it got. */
let answer: { status: number; type?: string; body?: unknown } = { status: 200 };
const seen: Seen[] = [];
let server: Server;
let baseUrl = '';

const unauthorized: number[] = [];
const reached: boolean[] = [];
const client = () =>
  createClient({
    baseUrl: () => baseUrl,
    token: () => 'token-1',
    onUnauthorized: () => unauthorized.push(1),
    onReached: (ok) => reached.push(ok),
  });

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': answer.type ?? 'application/json' });
      res.end(text);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());
beforeEach(() => {
  seen.length = 0;
  unauthorized.length = 0;
  reached.length = 0;
});

const problem = (status: number, title: string, detail: string, errors?: { pointer: string; detail: string }[]) => ({
  status,
  type: 'application/problem+json',
  body: { type: 'about:blank', title, status, detail, ...(errors ? { errors } : {}) },
});

describe('web API client: requests from the route table', () => {
  it('builds the path from the route template with each parameter encoded, and the query from its fields', async () => {
    // Prepare
    answer = { status: 200, body: { items: [] } };

    // Act
    const page = await client().call('listDowntime', {
      params: { id: 'press 1' },
      query: { from: '2026-03-01T00:00:00.000Z', to: undefined, shift: 'Early & late' },
    });

    // Assess
    assert.deepEqual(page, { items: [] });
    assert.equal(seen[0]?.method, 'GET');
    assert.equal(seen[0]?.url, '/v1/equipment/press%201/downtime?from=2026-03-01T00%3A00%3A00.000Z&shift=Early%20%26%20late');
    assert.equal(seen[0]?.headers.authorization, 'Bearer token-1');
    assert.equal(seen[0]?.headers['if-match'], undefined);
    assert.equal(seen[0]?.body, '');
    assert.deepEqual(reached, [true]);
  });

  it('encodes every path parameter, and leaves out a query that has no values', () => {
    assert.equal(
      routePath('assignDowntimeReason', { params: { id: 'a/b', start: '2026-03-01T06:00:00.000Z' } }),
      '/v1/equipment/a%2Fb/downtime/2026-03-01T06%3A00%3A00.000Z/reason',
    );
    assert.equal(
      routePath('listWorkOrders', { query: { status: undefined, limit: 50, cursor: 'x=1&y' } }),
      '/v1/work-orders?limit=50&cursor=x%3D1%26y',
    );
    assert.equal(routePath('getPlantStatus'), '/v1/plant/status');
    assert.throws(() => routePath('getWorkOrder', { params: { id: '' } }), /path parameter id is missing/);
  });

  it('sends the body as JSON and the version seen as If-Match; a 409 problem becomes an ApiError in plain words', async () => {
    // Prepare
    answer = problem(409, 'Conflict', 'The work order is at version 4, not 3.');

    // Act
    const error = await client()
      .call('startOperation', { params: { id: 'WO-1', seq: 20 }, body: { comment: 'shift start' }, ifMatch: 3 })
      .catch((e: unknown) => e);

    // Assess
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.url, '/v1/work-orders/WO-1/operations/20/start');
    assert.equal(seen[0]?.headers['if-match'], '"3"');
    assert.equal(seen[0]?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(seen[0]?.body ?? ''), { comment: 'shift start' });
    assert.ok(error instanceof ApiError && !(error instanceof ContractError));
    assert.equal(error.status, 409);
    assert.match(error.plain, /^Not done: someone or something changed it first.*version 4, not 3\./);
  });

  it('sends an Idempotency-Key where the route honours one; a 400 names the fields', async () => {
    // Prepare
    answer = problem(400, 'Bad Request', 'The request is not valid.', [{ pointer: '/body/quantity', detail: 'must be positive' }]);

    // Act
    const error = await client()
      .call('createWorkOrder', {
        body: { id: 'WO-9', materialId: 'M-1', quantity: -1, routingId: 'R-1', dueDate: '2026-03-02T00:00:00.000Z', workCenterId: 'wc-1' },
        idempotencyKey: 'key-9',
      })
      .catch((e: unknown) => e);

    // Assess
    assert.equal(seen[0]?.url, '/v1/work-orders');
    assert.equal(seen[0]?.headers['idempotency-key'], 'key-9');
    assert.ok(error instanceof ApiError);
    assert.equal(error.plain, 'Please check what you entered: quantity must be positive.');
  });

  it('reads a 204 as nothing, after a DELETE with If-Match', async () => {
    answer = { status: 204 };
    const result = await client().call('deleteWebhookEndpoint', { params: { id: 'hook-1' }, ifMatch: 7 });
    assert.equal(result, undefined);
    assert.equal(seen[0]?.method, 'DELETE');
    assert.equal(seen[0]?.headers['if-match'], '"7"');
  });
});

describe('web API client: answers through the route schema', () => {
  it("returns the response schema's output", async () => {
    answer = { status: 200, body: { status: 'ok', version: '1.2.3', time: '2026-03-01T06:00:00.000Z', extra: 'ignored' } };
    const health = await client().call('getHealth');
    assert.deepEqual(health, { status: 'ok', version: '1.2.3', time: '2026-03-01T06:00:00.000Z' });
  });

  it('refuses an answer that does not match: a ContractError in plain words, logged with the zod issues', async (t) => {
    // Prepare
    answer = { status: 200, body: { status: 'ok', time: 'yesterday' } };
    const logged = t.mock.method(console, 'error', () => {});

    // Act
    const error = await client()
      .call('getHealth')
      .catch((e: unknown) => e);

    // Assess
    assert.ok(error instanceof ContractError);
    assert.equal(error.status, 200);
    assert.match(
      error.plain,
      /^The MES answered in a form this app does not understand \(GET \/v1\/health: version: .+; time: .+\); reload the app\.$/,
    );
    assert.equal(logged.mock.callCount(), 1);
    const issues = logged.mock.calls[0]?.arguments[1] as { path: PropertyKey[] }[];
    assert.deepEqual(
      issues.map((i) => i.path.join('.')),
      ['version', 'time'],
    );
  });

  it('says a change was made when only its answer cannot be read', async (t) => {
    t.mock.method(console, 'error', () => {});
    answer = { status: 200, body: {} };
    const error = await client()
      .call('pauseOperation', { params: { id: 'WO-1', seq: 10 }, body: { reason: 'jam' }, ifMatch: 2 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ContractError);
    assert.match(
      error.plain,
      /^It was done, but the MES answered in a form this app does not understand \(POST \/v1\/work-orders\/WO-1\/operations\/10\/pause: /,
    );
  });

  it('treats a 2xx that is not JSON as an answer it does not understand', async (t) => {
    t.mock.method(console, 'error', () => {});
    answer = { status: 200, type: 'text/html', body: '<html>gateway</html>' };
    await assert.rejects(client().call('getPlantStatus'), ContractError);
  });

  it('signs out on a 401, and marks the connection lost when the API cannot be reached', async () => {
    answer = { status: 401, body: { message: 'Unauthorized' } };
    await assert.rejects(client().call('getHealth'), (e: unknown) => e instanceof ApiError && e.status === 401);
    assert.deepEqual(unauthorized, [1]);

    const offline = createClient({ baseUrl: () => 'http://127.0.0.1:1', token: () => undefined, onReached: (ok) => reached.push(ok) });
    await assert.rejects(offline.call('getHealth'), (e: unknown) => e instanceof ApiError && e.status === 0 && /No connection/.test(e.plain));
    assert.deepEqual(reached, [true, false]);
  });

  it('passes an abort through as an AbortError, not as an offline API', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(client().call('getHealth', { signal: controller.signal }), { name: 'AbortError' });
    assert.deepEqual(reached, []);
  });

  it('keeps the status of a refusal that is not problem+json', async () => {
    answer = { status: 503, type: 'text/plain', body: 'Service Unavailable' };
    await assert.rejects(
      client().call('getHealth'),
      (e: unknown) => e instanceof ApiError && e.status === 503 && /could not do this \(503\)/.test(e.plain),
    );
  });
});

describe('web app: every API path comes from the route table', () => {
  it('writes no /v1 path by hand under web/src', () => {
    const root = join(import.meta.dirname, '../../web/src');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    const offenders = files(root).filter((file) => readFileSync(file, 'utf8').includes('/v1'));
    assert.deepEqual(
      offenders.map((file) => relative(root, file)),
      [],
    );
  });
});

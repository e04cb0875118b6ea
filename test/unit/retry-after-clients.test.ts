/**
 * The clients honour 429 + Retry-After (issue 17, docs/fair-use.md), against a real local HTTP
 * server that refuses first: the simulator's API calls wait and ask again; the web app's client
 * sends a read once more and shows a refused command in plain words without repeating it.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fetchHonouringRetryAfter, retryAfterSeconds } from '../../shared/api/retry-after.ts';
import { credentialsFrom } from '../../simulator/device-credentials.ts';
import { fetchWorkUnitGateways } from '../../simulator/plant.ts';
import { ApiError } from '../../web/src/api-error.ts';
import { createClient } from '../../web/src/contract.ts';

const RATE_LIMITED = {
  type: 'urn:mes:problem:rate-limited',
  title: 'Too many requests',
  status: 429,
  detail: 'The plant is sending more requests than its limit (1 a second, 1 at once); try again in 1 second.',
  retryAfterSeconds: 1,
  limits: { requestsPerSecond: 1, burst: 1 },
};

/** Answers 429 (Retry-After: 1) to the first `refusals` requests of each path, then what `ok` says. */
let refusals = 1;
let ok: (path: string) => unknown = () => ({});
const seen: { method: string; path: string }[] = [];
let server: Server;
let baseUrl = '';

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      seen.push({ method: req.method ?? '', path });
      if (seen.filter((s) => s.path === path).length <= refusals && !path.startsWith('/local/token')) {
        res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '1' });
        res.end(JSON.stringify(RATE_LIMITED));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok(path)));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());
beforeEach(() => {
  seen.length = 0;
  refusals = 1;
});

describe('Retry-After', () => {
  it('reads seconds or an HTTP date, at least 1 and at most a minute; nothing usable is 1', () => {
    const h = (value?: string) => new Headers(value === undefined ? {} : { 'retry-after': value });
    assert.equal(retryAfterSeconds(h('3')), 3);
    assert.equal(retryAfterSeconds(h('0')), 1);
    assert.equal(retryAfterSeconds(h('3600')), 60);
    assert.equal(retryAfterSeconds(h()), 1);
    assert.equal(retryAfterSeconds(h('soon')), 1);
    assert.equal(retryAfterSeconds(h(new Date(Date.UTC(2030, 0, 1, 0, 0, 5)).toUTCString()), Date.UTC(2030, 0, 1)), 5);
  });

  it('fetch waits what each 429 says and returns the last answer when the retries run out', async () => {
    refusals = 5;
    const waits: number[] = [];
    const res = await fetchHonouringRetryAfter(`${baseUrl}/v1/x`, {}, { retries: 2, sleep: async (ms) => void waits.push(ms) });
    assert.equal(res.status, 429);
    assert.deepEqual(waits, [1000, 1000]);
    assert.equal(seen.length, 3);
  });
});

describe('the simulator', () => {
  it("lists the plant's units after waiting out a 429 on the equipment list", async () => {
    ok = (path) => (path === '/local/token' ? { token: 't' } : { items: [{ id: 'wu-1', level: 'workUnit', gatewayId: 'gw-1' }] });
    const units = await fetchWorkUnitGateways(baseUrl, 'demo');
    assert.deepEqual(units, [{ id: 'wu-1', gatewayId: 'gw-1' }]);
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.path}`),
      ['POST /local/token', 'GET /v1/equipment', 'GET /v1/equipment'],
    );
  });

  it("registers a unit's credentials after waiting out a 429", async () => {
    // The simulator registers its devices through POST /v1/devices (issue 17, docs/devices.md).
    ok = (path) =>
      path === '/local/token'
        ? { token: 't' }
        : { credentials: { clientId: 'demo:wu-1', username: 'demo', password: 'p', brokerUrl: 'mqtt://127.0.0.1:1883' } };
    const credentials = await credentialsFrom(baseUrl)({ tenantId: 'demo', equipmentId: 'wu-1' });
    assert.equal(credentials.clientId, 'demo:wu-1');
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.path}`),
      ['POST /local/token', 'POST /v1/devices', 'POST /v1/devices'],
    );
  });
});

describe("the web app's client", () => {
  const client = () => createClient({ baseUrl: () => baseUrl, token: () => 'token-1' });

  it('sends a read once more after Retry-After, and says so in plain words when it is refused again', async () => {
    ok = () => ({ items: [] });
    assert.deepEqual(await client().call('listEquipment', { query: {} }), { items: [] });
    assert.equal(seen.length, 2);

    seen.length = 0;
    refusals = 2;
    const error = await client()
      .call('listEquipment', { query: {} })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(seen.length, 2);
    assert.equal(error.plain, 'The plant is sending more requests than its limit; trying again in 1 second.');
  });

  it('does not repeat a command by itself: the refusal says nothing was changed', async () => {
    const error = await client()
      .call('startOperation', { params: { id: 'WO-1', seq: 10 }, body: {} } as never)
      .catch((e: unknown) => e);
    assert.ok(error instanceof ApiError);
    assert.equal(seen.length, 1);
    assert.equal(error.plain, 'The plant is sending more requests than its limit; nothing was changed. Try again in 1 second.');
  });
});

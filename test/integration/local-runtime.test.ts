/**
 * The local API Gateway: the event a handler receives has the HTTP API payload 2.0 shape, the
 * handler's result becomes the response, unknown paths and methods get problem+json, and the
 * local identity provider issues tokens that verify against its JWKS. Fixture handlers stand in
 * for functions/http/ so these tests say nothing about the MES domain.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LOCAL_ONLY_PATHS } from '../../shared/api/routes.ts';
import { CLAIMS } from '../../shared/auth/claims.ts';
import { type HandlerResolver, type LambdaHandler, silentLog } from '../../infra/local/http-server.ts';
import { APP_VERSION } from '../../infra/local/runtime.ts';
import { DEMO_SPC_CHARACTERISTIC, DEMO_TENANT, DEMO_USERS, SIGNED_DEMO_ORDER, seedDemoPlant } from '../../infra/local/seed.ts';
import type { WorkOrder, WorkOrderDetail } from '../../shared/api/schemas.ts';
import * as fixtures from '../fixtures/echo-event-handler.ts';
import { newTenantId, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { pdfText } from '../helpers/pdf-text.ts';

const awsExample = JSON.parse(readFileSync(new URL('../fixtures/events/api-gateway-http-api-v2.json', import.meta.url), 'utf8'));

/** Which fixture answers which route; every other route echoes. */
const special: Record<string, LambdaHandler> = {
  cancelWorkOrder: fixtures.failingHandler,
  getOpenApi: fixtures.binaryHandler,
  getHealth: fixtures.bareResultHandler,
};
const handlerResolver: HandlerResolver = async (route) => special[route.id] ?? fixtures.handler;

interface Echo {
  event: APIGatewayProxyEventV2;
  context: { functionName: string; awsRequestId: string; remainingMs: number };
  env: Record<string, string | undefined>;
}

/** node:http rather than fetch: it can repeat a header, which is what the test needs. */
function send(baseUrl: string, method: string, path: string, headers: Record<string, string | string[]> = {}, body?: Buffer | string) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    req.once('error', reject);
    req.end(body);
  });
}

const json = (body: Buffer) => JSON.parse(body.toString('utf8'));

describe('local runtime', () => {
  let mes: TestRuntime;
  /** A valid token: the local gateway, like the JWT authorizer, lets no request without one reach a non-public route. */
  let signedIn: { authorization: string };
  before(async () => {
    mes = await startTestRuntime({ handlerResolver });
    signedIn = { authorization: `Bearer ${await mes.token(newTenantId(), 'u-echo', ['supervisor'])}` };
  });
  after(() => mes.stop());

  describe('the event a handler receives', () => {
    it('has the API Gateway HTTP API payload 2.0 shape', async () => {
      // Act
      const res = await send(
        mes.baseUrl,
        'POST',
        '/v1/work-orders/WO-1/operations/10/start?x=1&y=2',
        { ...signedIn, 'content-type': 'application/json', cookie: 'a=1' },
        '{}',
      );
      // Assess
      const { event } = json(res.body) as Echo;
      assert.deepEqual(Object.keys(event).sort(), Object.keys(awsExample).sort());
      assert.deepEqual(Object.keys(event.requestContext).sort(), Object.keys(awsExample.requestContext).sort());
      assert.deepEqual(Object.keys(event.requestContext.http).sort(), Object.keys(awsExample.requestContext.http).sort());
      assert.equal(event.version, '2.0');
      assert.equal(event.routeKey, 'POST /v1/work-orders/{id}/operations/{seq}/start');
      assert.equal(event.requestContext.routeKey, event.routeKey);
      assert.equal(event.requestContext.stage, '$default');
      assert.match(event.requestContext.time, /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
      assert.equal(typeof event.requestContext.timeEpoch, 'number');
      assert.equal(event.requestContext.requestId, res.headers['apigw-requestid']);
    });

    it('carries path, query, headers and cookies as API Gateway joins them', async () => {
      // Act
      const res = await send(mes.baseUrl, 'GET', '/v1/work-orders/WO%201?status=RELEASED&status=ON_HOLD&limit=5&q=a%2Bb', {
        ...signedIn,
        'X-Multi': ['one', 'two'],
        Cookie: 'session=abc; theme=dark',
        'User-Agent': 'local-runtime-test',
      });
      // Assess
      const { event } = json(res.body) as Echo;
      assert.equal(event.rawPath, '/v1/work-orders/WO%201');
      assert.equal(event.requestContext.http.path, '/v1/work-orders/WO%201');
      assert.equal(event.rawQueryString, 'status=RELEASED&status=ON_HOLD&limit=5&q=a%2Bb');
      assert.deepEqual(event.pathParameters, { id: 'WO 1' });
      assert.deepEqual(event.queryStringParameters, { status: 'RELEASED,ON_HOLD', limit: '5', q: 'a+b' });
      assert.equal(event.headers['x-multi'], 'one,two');
      assert.equal(event.headers['user-agent'], 'local-runtime-test');
      assert.equal(event.headers.cookie, undefined);
      assert.deepEqual(event.cookies, ['session=abc', 'theme=dark']);
      assert.equal(event.requestContext.http.method, 'GET');
      assert.equal(event.requestContext.http.userAgent, 'local-runtime-test');
      assert.equal(event.requestContext.http.sourceIp, '127.0.0.1');
      assert.equal(event.requestContext.domainName, new URL(mes.baseUrl).host);
      assert.equal(event.body, undefined);
      assert.equal(event.isBase64Encoded, false);
    });

    it('passes text bodies as text and binary bodies base64-encoded', async () => {
      // Prepare
      const bytes = Buffer.from([0, 159, 146, 150, 255]);
      // Act
      const text = json(
        (await send(mes.baseUrl, 'POST', '/v1/work-orders', { ...signedIn, 'content-type': 'application/json; charset=utf-8' }, '{"a":"é"}')).body,
      ) as Echo;
      const binary = json(
        (await send(mes.baseUrl, 'POST', '/v1/work-orders', { ...signedIn, 'content-type': 'application/octet-stream' }, bytes)).body,
      ) as Echo;
      // Assess
      assert.equal(text.event.body, '{"a":"é"}');
      assert.equal(text.event.isBase64Encoded, false);
      assert.equal(binary.event.body, bytes.toString('base64'));
      assert.equal(binary.event.isBase64Encoded, true);
    });

    it('comes with a Lambda context and the environment CDK would set', async () => {
      // Act
      const { context, env } = json((await send(mes.baseUrl, 'GET', '/v1/equipment/press-1', signedIn)).body) as Echo;
      // Assess
      // The API function of the route's context (shared/api/functions.ts), as on AWS.
      assert.equal(context.functionName, 'masterData');
      assert.match(context.awsRequestId, /^[0-9a-f-]{36}$/);
      assert.ok(context.remainingMs > 0 && context.remainingMs <= 30_000);
      // As CDK sets none: the JWT authorizer (locally the gateway) verifies the token, not the function.
      assert.equal(env.AUTH_ISSUER, undefined);
      assert.equal(env.AUTH_AUDIENCE, undefined);
      assert.equal(env.AUTH_JWKS_URL, undefined);
      assert.equal(env.TABLE_NAME, mes.runtime.tableName);
      assert.equal(env.DYNAMODB_ENDPOINT, mes.runtime.dynamoDbEndpoint);
      assert.equal(env.APP_VERSION, APP_VERSION);
      assert.ok(env.AWS_REGION);
    });
  });

  describe('the response', () => {
    it('has the status, headers and cookies the handler returned', async () => {
      // Act
      const res = await send(mes.baseUrl, 'GET', '/v1/materials/m-1', signedIn);
      // Assess
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-fixture'], 'echo');
      assert.deepEqual(res.headers['set-cookie'], ['session=abc; Path=/; HttpOnly', 'theme=dark']);
    });

    it('decodes a base64-encoded body', async () => {
      // Act
      const res = await send(mes.baseUrl, 'GET', '/v1/openapi.json');
      // Assess
      assert.equal(res.headers['content-type'], 'application/octet-stream');
      assert.deepEqual([...res.body], [0, 1, 2, 254, 255]);
    });

    it('turns a result without statusCode into a 200 JSON body', async () => {
      // Act
      const res = await send(mes.baseUrl, 'GET', '/v1/health');
      // Assess
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.deepEqual(json(res.body), { hello: 'world' });
    });

    it('is a 500 problem+json when the handler throws', async () => {
      // Act
      const res = await send(
        mes.baseUrl,
        'POST',
        '/v1/work-orders/WO-1/cancel',
        { ...signedIn, 'content-type': 'application/json' },
        '{"reason":"x"}',
      );
      // Assess
      assert.equal(res.status, 500);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.equal(json(res.body).status, 500);
      assert.doesNotMatch(res.body.toString(), /on purpose/);
    });
  });

  describe('requests no route takes', () => {
    it('are a 404 problem+json for an unknown path', async () => {
      // Act
      const res = await send(mes.baseUrl, 'GET', '/v1/no-such-thing');
      // Assess
      assert.equal(res.status, 404);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.deepEqual({ ...json(res.body), detail: undefined }, { type: 'about:blank', title: 'Not Found', status: 404, detail: undefined });
    });

    it('are a 405 problem+json with Allow for a known path and another method', async () => {
      // Act
      const res = await send(mes.baseUrl, 'DELETE', '/v1/work-orders/WO-1');
      // Assess
      assert.equal(res.status, 405);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.equal(res.headers.allow, 'GET');
      assert.equal(json(res.body).title, 'Method Not Allowed');
    });

    it('are a 413 problem+json above 10 MB of body', async () => {
      // Act
      const res = await send(mes.baseUrl, 'POST', '/v1/work-orders', { 'content-type': 'application/json' }, Buffer.alloc(10 * 1024 * 1024 + 1, 32));
      // Assess
      assert.equal(res.status, 413);
      assert.equal(res.headers['content-type'], 'application/problem+json');
    });
  });

  describe('CORS', () => {
    it('answers a preflight from another loopback port', async () => {
      // Act
      const res = await send(mes.baseUrl, 'OPTIONS', '/v1/work-orders', {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,idempotency-key',
      });
      // Assess
      assert.equal(res.status, 204);
      assert.equal(res.headers['access-control-allow-origin'], 'http://localhost:5173');
      assert.equal(res.headers['access-control-allow-methods'], 'POST');
      assert.equal(res.headers['access-control-allow-headers'], 'authorization,content-type,idempotency-key');
    });

    it('gives no CORS headers to an origin off this machine', async () => {
      // Act
      const preflight = await send(mes.baseUrl, 'OPTIONS', '/v1/work-orders', {
        origin: 'https://example.com',
        'access-control-request-method': 'POST',
      });
      const get = await send(mes.baseUrl, 'GET', '/v1/work-orders', { ...signedIn, origin: 'https://example.com' });
      // Assess
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
      assert.equal(get.headers['access-control-allow-origin'], undefined);
    });
  });

  describe('the local identity provider', () => {
    it('issues a token whose signature verifies against its JWKS', async () => {
      // Prepare
      const tenantId = newTenantId();
      // Act
      const res = await fetch(`${mes.baseUrl}${LOCAL_ONLY_PATHS.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId, userId: 'u-1', name: 'Una', roles: ['operator', 'quality'] }),
      });
      // Assess
      assert.equal(res.status, 200);
      const body = (await res.json()) as { token: string; tokenType: string; expiresIn: number };
      assert.equal(body.tokenType, 'Bearer');
      assert.equal(body.expiresIn, 12 * 60 * 60);
      const jwks = createRemoteJWKSet(new URL(`${mes.baseUrl}${LOCAL_ONLY_PATHS.jwks}`));
      const { payload, protectedHeader } = await jwtVerify(body.token, jwks, { issuer: `${mes.baseUrl}/local`, audience: 'mes-local' });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.ok(protectedHeader.kid);
      assert.equal(payload[CLAIMS.tenantId], tenantId);
      assert.deepEqual(payload[CLAIMS.roles], ['operator', 'quality']);
      assert.equal(payload.sub, 'u-1');
      assert.equal(payload.name, 'Una');
      assert.equal(payload.token_use, 'id');
      assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 12 * 60 * 60);
    });

    it('signs the tokens of issueToken with the same key', async () => {
      // Act
      const token = await mes.token(newTenantId(), 'u-2', ['supervisor']);
      // Assess
      const jwks = (await (await fetch(`${mes.baseUrl}${LOCAL_ONLY_PATHS.jwks}`)).json()) as { keys: { kid: string }[] };
      assert.deepEqual(
        jwks.keys.map((k) => k.kid),
        [decodeProtectedHeader(token).kid],
      );
    });

    it('refuses an invalid token request with a 400 naming each field', async () => {
      // Act
      const res = await fetch(`${mes.baseUrl}${LOCAL_ONLY_PATHS.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantId: 'Not A Tenant', userId: 'u-1', roles: ['janitor'] }),
      });
      // Assess
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      const problem = (await res.json()) as { status: number; errors: { pointer: string; detail: string }[] };
      assert.equal(problem.status, 400);
      assert.deepEqual(problem.errors.map((e) => e.pointer).sort(), ['/roles/0', '/tenantId']);
    });

    it('refuses a body that is not JSON with a 400', async () => {
      // Act
      const res = await fetch(`${mes.baseUrl}${LOCAL_ONLY_PATHS.token}`, { method: 'POST', body: '{not json' });
      // Assess
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
    });
  });
});

// Runs after the suite above has stopped its runtime, with the real API functions.
describe('the demo plant seed (real handlers)', () => {
  let mes: TestRuntime;
  before(async () => {
    mes = await startTestRuntime({ seed: true });
  });
  after(() => mes.stop());

  it('leaves work orders in every state a supervisor sees on a normal day', async () => {
    // Prepare
    const token = await mes.runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.supervisor });
    // Act
    const res = await fetch(`${mes.baseUrl}/v1/work-orders?limit=100`, { headers: { authorization: `Bearer ${token}` } });
    // Assess
    assert.equal(mes.runtime.seed?.seeded, true, mes.runtime.seed?.detail);
    const { items } = (await res.json()) as { items: WorkOrder[] };
    const statuses = Object.fromEntries(items.map((o) => [o.id, o.status]));
    assert.deepEqual(statuses, {
      'WO-0990': 'CLOSED',
      'WO-0991': 'CLOSED',
      'WO-0992': 'CLOSED',
      'WO-0993': 'CLOSED',
      // Its last seat-height inspection broke the frozen limits: the plan opened a nonconformance, which holds it.
      'WO-0994': 'ON_HOLD',
      'WO-0997': 'CLOSED',
      'WO-0998': 'COMPLETED',
      'WO-0999': 'CLOSED',
      'WO-1001': 'PLANNED',
      'WO-1002': 'RELEASED',
      'WO-1003': 'IN_PROGRESS',
      'WO-1004': 'ON_HOLD',
      'WO-1005': 'COMPLETED',
      // Issue 18: released after the qualification requirements, so its operations carry them.
      'WO-1020': 'RELEASED',
    });
  });

  it('has qualifications: requirements on the pump assembly, one expired and some expiring (issue 18)', async () => {
    // Prepare
    const token = await mes.runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.supervisor });
    const get = async (path: string) => (await fetch(`${mes.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
    // Act
    const order = (await get('/v1/work-orders/WO-1020')) as { operations: { seq: number; qualifications?: { qualificationId: string }[] }[] };
    const expiring = (await get('/v1/qualifications/expiring?withinDays=30')) as {
      items: { personnelId: string; qualificationId: string; expired: boolean }[];
    };
    // Assess
    assert.deepEqual(
      order.operations.map((o) => [o.seq, (o.qualifications ?? []).map((q) => q.qualificationId)]),
      [
        [10, ['Q-PRESS', 'Q-TORQUE']],
        [20, ['Q-LEAK-CERT']],
        [30, []],
      ],
    );
    assert.deepEqual(
      expiring.items.map((i) => [i.personnelId, i.qualificationId, i.expired]),
      [
        ['p-olivia', 'Q-TORQUE', true],
        ['p-noah', 'Q-LEAK-CERT', false],
        ['p-olivia', 'Q-LEAK-CERT', false],
      ],
    );
  });

  it('has supplier lots and serial-numbered pumps to trace both ways', async () => {
    // Prepare
    const token = await mes.runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.supervisor });
    const get = async (path: string) => (await fetch(`${mes.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
    // Act
    const forward = (await get('/v1/lots/HSG-100-L01/genealogy?direction=forward')) as { nodes: { kind: string; id: string }[] };
    const serials = forward.nodes.filter((n) => n.kind === 'serial').map((n) => n.id);
    const back = (await get(`/v1/serials/${serials[0]}/genealogy?direction=backward`)) as { nodes: { id: string; level: number }[] };
    // Assess: the first four pumps of WO-0998 have a housing of the first lot, and each its impeller, motor and grease lots.
    assert.equal(serials.length, 4, JSON.stringify(forward));
    for (const id of serials) assert.match(id, /^P100-\d{4}-\d{5}$/);
    assert.deepEqual(
      back.nodes
        .filter((n) => n.level === 1)
        .map((n) => n.id)
        .sort(),
      ['GRS-10-L01', 'HSG-100-L01', 'IMP-100-L01', 'MTR-100-L01'],
    );
  });

  it('has an inspection plan, its results and a control chart with a real violation that opened a nonconformance', async () => {
    // Prepare
    const token = await mes.runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.quality });
    const get = async (path: string) => (await fetch(`${mes.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
    // Act
    const chart = (await get(`/v1/characteristics/${encodeURIComponent(DEMO_SPC_CHARACTERISTIC)}/spc`)) as {
      chart: string;
      limitsFrom: string;
      points: { subgroupId: string; violations: { rule: number }[] }[];
      capability?: { cpk: number; count: number };
    };
    const open = (await get('/v1/nonconformances?status=open')) as { items: { workOrderId?: string; inspectionId?: string }[] };
    // Assess: 25 subgroups of 5, limits frozen from the first 20, the last beyond them (rule 1) and only it.
    assert.equal(chart.chart, 'xbar-r');
    assert.equal(chart.limitsFrom, 'baseline');
    assert.equal(chart.points.length, 25);
    const broken = chart.points.filter((p) => p.violations.length > 0);
    assert.deepEqual(
      broken.map((p) => [p.subgroupId, p.violations.map((v) => v.rule)]),
      [['WO-0994~10~IP-V20-ASSY~5#1', [1]]],
    );
    assert.equal(chart.capability?.count, 125);
    assert.ok((chart.capability?.cpk ?? 0) > 1.33, JSON.stringify(chart.capability));
    assert.ok(
      open.items.some((nc) => nc.workOrderId === 'WO-0994' && nc.inspectionId === 'WO-0994~10~IP-V20-ASSY~5'),
      JSON.stringify(open.items),
    );
  });

  it("gives a serial's device history record, as JSON and as a PDF", async () => {
    // Prepare
    const token = await mes.runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.quality });
    const get = (path: string, accept = 'application/json') =>
      fetch(`${mes.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept } });
    const forward = (await (await get('/v1/lots/HSG-100-L01/genealogy?direction=forward')).json()) as { nodes: { kind: string; id: string }[] };
    const serial = forward.nodes.find((n) => n.kind === 'serial')?.id as string;
    // Act
    const dhr = (await (await get(`/v1/serials/${serial}/record`)).json()) as {
      serialId: string;
      history: { type: string }[];
      record: { workOrderId: string; produced: { serials: string[] }; operations: { consumed: { kind: string; id: string }[] }[] };
    };
    const pdf = await get(`/v1/serials/${serial}/record`, 'application/pdf');
    // Assess
    assert.deepEqual([dhr.serialId, dhr.record.workOrderId, dhr.record.produced.serials], [serial, 'WO-0998', [serial]]);
    assert.ok(dhr.history.length > 0, JSON.stringify(dhr.history));
    assert.ok(dhr.record.operations.some((o) => o.consumed.some((c) => c.id === 'HSG-100-L01')));
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    const text = (await pdfText(new Uint8Array(await pdf.arrayBuffer()))).join('\n');
    assert.match(text, new RegExp(`Device history record ${serial}`));
    assert.match(text, /Page 1 of \d+/);
  });

  it('has a closed order whose batch record is reviewed by the supervisor, approved by quality and released', async () => {
    // Prepare
    const token = await mes.runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.quality });
    // Act
    const res = await fetch(`${mes.baseUrl}/v1/work-orders/${SIGNED_DEMO_ORDER}/record`, { headers: { authorization: `Bearer ${token}` } });
    const record = (await res.json()) as { released: boolean; signatures: { printedName: string; meaning: string; valid: boolean }[] };
    // Assess
    assert.equal(record.released, true);
    assert.deepEqual(
      record.signatures.map((s) => [s.printedName, s.meaning, s.valid]),
      [
        [DEMO_USERS.supervisor.name, 'review', true],
        [DEMO_USERS.quality.name, 'approval', true],
      ],
    );
  });

  it('releases its orders with approved work instructions, one with a superseded version and a draft (issue 16)', async () => {
    // Prepare
    const quality = { authorization: `Bearer ${await mes.runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.quality })}` };
    // Act
    const versions = (await (await fetch(`${mes.baseUrl}/v1/documents/WI-P100-ASSEMBLY/versions`, { headers: quality })).json()) as {
      versions: { version: number; status: string }[];
    };
    const order = (await (await fetch(`${mes.baseUrl}/v1/work-orders/WO-1003`, { headers: quality })).json()) as WorkOrderDetail;
    // Assess
    assert.deepEqual(
      versions.versions.map((v) => [v.version, v.status]),
      [
        [3, 'draft'],
        [2, 'effective'],
        [1, 'superseded'],
      ],
    );
    const named = order.operations.flatMap((op) => (op.documents ?? []).map((d) => `${op.seq}:${d.documentId}@${d.version}`));
    assert.ok(named.length > 0, `WO-1003 names no work instruction: ${JSON.stringify(order.operations.map((o) => o.documents))}`);
  });

  // Issue 18 (docs/labor.md): someone is on the floor, and a person has finished entries.
  it('shows Olivia on the floor and Noah’s booked time', async () => {
    const headers = { authorization: `Bearer ${await mes.runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.supervisor })}` };
    const active = (await (await fetch(`${mes.baseUrl}/v1/labor/active`, { headers })).json()) as {
      people: { personName: string; on: { workOrderId?: string; operationName?: string }[] }[];
    };
    assert.deepEqual(
      active.people.map((p) => [p.personName, p.on.map((e) => e.workOrderId)]),
      [['Olivia Bakker', ['WO-1003']]],
    );
    const noah = (await (await fetch(`${mes.baseUrl}/v1/personnel/p-noah/labor`, { headers })).json()) as {
      entries: { endedAt?: string; kind?: string; reasonCode?: string }[];
    };
    assert.deepEqual(
      noah.entries.map((e) => [e.kind ?? e.reasonCode, Boolean(e.endedAt)]),
      [
        ['setup', true],
        ['run', true],
        ['MEETING', true],
      ],
    );
  });

  it('shows maintenance: a request raised from a stop, in progress; a planned one done with its part; a plan by calendar and one by counter (issue 18)', async () => {
    // Prepare
    const token = await mes.runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.maintenance });
    const get = async (path: string) => {
      const res = await fetch(`${mes.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, path);
      return (await res.json()) as { items: Record<string, any>[] };
    };
    // Act
    const [press, screw, plans] = await Promise.all([
      get('/v1/maintenance-requests?equipmentId=wu-press-1'),
      get('/v1/maintenance-requests?status=completed&equipmentId=wu-screw-1'),
      get('/v1/maintenance-plans'),
    ]);
    const stops = await get(`/v1/equipment/wu-press-1/downtime?from=${new Date(Date.now() - 6 * 3_600_000).toISOString()}`);
    // Assess
    const fromStop = press.items.find((r) => r.origin === 'downtime');
    assert.deepEqual([fromStop?.status, fromStop?.priority], ['in-progress', 'high']);
    assert.deepEqual(
      stops.items.filter((e) => e.maintenanceRequest).map((e) => e.maintenanceRequest),
      [{ id: fromStop?.id, status: 'in-progress' }],
    );
    assert.deepEqual(
      screw.items.map((r) => [r.assigneeName, r.parts.map((p: { materialId: string }) => p.materialId), r.laborMinutes]),
      [['Tess de Wit', ['SPR-SEAL-1'], 40]],
    );
    assert.deepEqual(
      plans.items.map((p) => [p.id, p.trigger.kind]),
      [
        ['PM-LABELER-HEAD', 'counter'],
        ['PM-PRESS-GREASE', 'calendar'],
      ],
    );
  });

  it('does nothing when the plant is already there', async () => {
    // Act
    const again = await seedDemoPlant(mes.runtime, silentLog);
    // Assess
    assert.deepEqual(again, { seeded: false, detail: 'demo plant already seeded' });
  });
});

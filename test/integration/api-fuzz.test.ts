/**
 * Every route of the route table under generated requests (fast-check, arbitraries built from
 * the route's own zod schemas: path, query, body, plus If-Match, Idempotency-Key and media
 * types), against a seeded plant on a table of its own:
 *   - no answer is a 5xx;
 *   - every 4xx is RFC 9457 problem+json whose status member is the status;
 *   - a refusal writes nothing, and neither does any GET (the whole table is compared);
 *   - a success answers what the route's response schema says.
 * Bounded in time: MES_FUZZ_BUDGET_MS (default 40 s) is shared by the routes. A failure prints
 * the seed, the path and the request (not shrunk: each request changes the table the next one
 * meets); MES_FUZZ_SEED=<seed> runs the file again with the same seeds.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { ERP_EVENT_DATA, ERP_EVENT_TYPES } from '#shared/api/integration-schemas.ts';
import { type RouteDef, type RouteId, routeList } from '#shared/api/routes.ts';
import { ROLES } from '#shared/domain/roles.ts';
import { VirtualClock } from '#infra/local/virtual-clock.ts';
import { type Api, as, buildPlant, orderAt, PLANT, type Reply, staff } from '../e2e/support/mes.ts';
import { ALWAYS_PLANNED, ingestAll, MINUTE, REASON_TREE, unit } from '../e2e/support/telemetry.ts';
import { testDocClient } from '../helpers/ddb.ts';
import { arbitraryOf, HOSTILE_STRINGS, hostileValue, jsonSchemaOf } from '../helpers/fuzz.ts';
import { newTenantId, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

type Route = RouteDef & { id: RouteId };
const BUDGET_MS = Number(process.env.MES_FUZZ_BUDGET_MS ?? 40_000);
const MIN_RUNS = 20;
/** MES_FUZZ_ROUTES=putTenantSettings,putRouting fuzzes only those routes (ids from the route table). */
const ONLY = process.env.MES_FUZZ_ROUTES?.split(',').map((id) => id.trim());
const SEED = process.env.MES_FUZZ_SEED ? Number(process.env.MES_FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);

interface FuzzRequest {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body?: unknown;
  /** Sent as is (XML or deliberately broken JSON) instead of `body`. */
  rawBody?: string;
  headers: Record<string, string>;
}

describe(`every route under generated requests (seed ${SEED})`, () => {
  const tableName = `mes-fuzz-${randomUUID().slice(0, 8)}`;
  const tenant = newTenantId();
  let mes: TestRuntime;
  let api: Api;
  let receiver: Server;
  let credential: { id: string; secret: string };
  /** Known values by parameter or field name: generated requests mostly name things that exist. */
  const pools: Record<string, unknown[]> = {};
  let before_: Map<string, string>;

  before(async () => {
    receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    // A table of its own, so that the whole of it can be compared; a clock that stands still,
    // so that no webhook retry fires in the middle of a comparison.
    mes = await startTestRuntime({ tableName, clock: new VirtualClock(Date.now()), webhookTimeoutMs: 1_000 });
    const people = await staff(mes, tenant);
    api = await as(mes, tenant, 'u-fuzz', ROLES);
    await buildPlant(people.planner);
    await people.planner.ok('PUT', '/v1/personnel/p-1', { name: 'Olivia', roles: ['operator'] });
    await people.admin.ok('PUT', '/v1/tenant-settings', { overrunTolerancePct: 5 });
    await people.planner.ok('PUT', `/v1/equipment/${PLANT.workUnit}`, {
      name: 'Press 1',
      level: 'workUnit',
      parentId: 'wc-assembly',
      offlineAfterSeconds: 86_400,
      idealCycleTimeSeconds: 6,
    });
    await people.planner.ok('PUT', '/v1/shift-calendar', ALWAYS_PLANNED);
    await people.planner.ok('PUT', '/v1/downtime-reasons', REASON_TREE);
    credential = await people.admin.ok('POST', '/v1/integration-credentials', { name: 'SAP' });
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/mes-events`;
    const endpoint = await people.admin.ok('POST', '/v1/webhook-endpoints', {
      url: receiverUrl,
      eventTypes: ['work-order.released', 'production.reported'],
    });
    const orders = [];
    for (const stage of ['PLANNED', 'RELEASED', 'RUNNING', 'PAUSED', 'ON_HOLD', 'COMPLETED', 'CLOSED'] as const)
      orders.push(await orderAt(people, stage));
    orders.push(await orderAt(people, 'RUNNING', { routingId: PLANT.routing, quantity: 30 }));
    const press = unit(tenant, PLANT.workUnit);
    const stoppedAt = Date.now() - 10 * MINUTE;
    await ingestAll([
      press.state(stoppedAt - MINUTE, 'running'),
      press.counts(stoppedAt - MINUTE, 100, 2),
      press.state(stoppedAt, 'down', 'E-42'),
      press.state(stoppedAt + 5 * MINUTE, 'running'),
    ]);
    await settle();
    const messages = (await api.get(`/v1/webhook-endpoints/${endpoint.id}/deliveries`)).body.items as { id: string }[];

    const ids = {
      equipment: [PLANT.site, PLANT.area, PLANT.workUnit, ...PLANT.workCenters],
      materials: [PLANT.product, ...PLANT.components],
      orders: orders.map((o) => o.id),
    };
    const times = [new Date(stoppedAt).toISOString(), new Date(stoppedAt - 2 * MINUTE).toISOString(), new Date().toISOString()];
    Object.assign(pools, {
      id: [...ids.equipment, ...ids.materials, ...ids.orders, PLANT.bom, PLANT.routing, PLANT.quickRouting, 'p-1', credential.id, endpoint.id],
      // A path's {id} by the resource it names: /v1/work-orders/{id} mostly names an order.
      'work-orders.id': ids.orders,
      'equipment.id': ids.equipment,
      'work-centers.id': [...PLANT.workCenters],
      'materials.id': ids.materials,
      'boms.id': [PLANT.bom],
      'routings.id': [PLANT.routing, PLANT.quickRouting],
      'personnel.id': ['p-1'],
      'integration-credentials.id': [credential.id],
      'webhook-endpoints.id': [endpoint.id],
      seq: [10, 20, 30],
      start: [new Date(stoppedAt).toISOString()],
      messageId: messages.map((m) => m.id),
      materialId: ids.materials,
      materialDefinitionId: ids.materials,
      routingId: [PLANT.routing, PLANT.quickRouting],
      operationsDefinitionId: [PLANT.routing, PLANT.quickRouting],
      bomId: [PLANT.bom],
      billOfMaterialId: [PLANT.bom],
      workCenterId: [...PLANT.workCenters],
      equipmentId: [...PLANT.workCenters],
      parentId: [PLANT.site, PLANT.area, ...PLANT.workCenters],
      reasonCode: [...REASON_TREE.reasons.map((r) => r.code), 'BREAK', 'MACHINE-DOWN'],
      scrapReasonCode: ['DIM', 'SURF'],
      credential: [credential.id],
      shift: ['all-day'],
      date: [new Date().toISOString().slice(0, 10)],
      from: times,
      to: times,
      since: times,
      operationSeq: [10, 20],
      status: ['RUNNING', 'PLANNED'],
    });
    before_ = await tableContents();
  });

  after(async () => {
    console.log(`# fuzz: ${runs} generated requests over ${routeList.length} routes (seed ${SEED})`);
    await mes?.stop();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  /** Every item of the table, as text by key. */
  async function tableContents(): Promise<Map<string, string>> {
    const items = new Map<string, string>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await testDocClient().send(new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }));
      // A plant's request bucket (fair use, issue 17) is metering, spent by every request, refused or not: not a record.
      for (const item of page.Items ?? []) if (!String(item.pk).endsWith('#RATE')) items.set(`${item.pk} | ${item.sk}`, JSON.stringify(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** What a success set going: its outbox events dispatched and their first deliveries made. */
  async function settle() {
    await mes.runtime.outbox?.poller.idle();
    await mes.runtime.outbox?.queue.idle();
  }

  function changes(was: Map<string, string>, now: Map<string, string>): string[] {
    const out: string[] = [];
    for (const [key, value] of now) if (was.get(key) !== value) out.push(`${was.has(key) ? 'changed' : 'added'} ${key}`);
    for (const key of was.keys()) if (!now.has(key)) out.push(`deleted ${key}`);
    return out;
  }

  const fuzzed = (routeList as Route[]).filter((r) => !ONLY || ONLY.includes(r.id));
  const budgetPerRoute = Math.max(200, Math.floor(BUDGET_MS / fuzzed.length));

  for (const route of fuzzed) {
    it(`${route.method} ${route.path}: no 5xx, problem+json on every 4xx, nothing written by a refusal`, async (t) => {
      const arbitrary = route.id === 'receiveErpEvent' ? erpRequest() : requestOf(route, pools);
      const statuses = new Map<number, number>();
      const property = fc.asyncProperty(arbitrary, async (request) => {
        const reply = await send(route, request);
        statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
        assert.ok(reply.status < 500, `answered ${reply.status}: ${reply.text.slice(0, 500)}`);
        if (reply.status >= 400) assertProblemJson(reply);
        if (reply.status < 300 && route.method !== 'GET') await settle();
        const now = await tableContents();
        const written = changes(before_, now);
        if (reply.status >= 300 || route.method === 'GET') {
          assert.deepEqual(written.slice(0, 5), [], `answered ${reply.status} and wrote: ${reply.text.slice(0, 300)}`);
        }
        before_ = now;
        if (reply.status < 300 && route.successStatus !== 204) {
          const parsed = route.response.safeParse(reply.body);
          assert.ok(
            parsed.success,
            `answered ${reply.status} with a body outside its schema: ${parsed.success ? '' : JSON.stringify(parsed.error.issues).slice(0, 500)}`,
          );
        }
      });
      // At least MIN_RUNS requests, then rounds of 10 more while this route's share of the budget
      // lasts. Never fast-check's own time limit: it abandons a request in flight, whose write
      // would then land in the next comparison.
      const started = Date.now();
      await check(property, { seed: SEED, numRuns: MIN_RUNS });
      for (let round = 1; Date.now() - started < budgetPerRoute; round++) await check(property, { seed: SEED + round, numRuns: 10 });
      t.diagnostic(
        `answers: ${[...statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${n} x ${status}`)
          .join(', ')}`,
      );
    });
  }

  /** The signed inbound route: mostly signed with the credential's secret, JSON events or B2MML. */
  function erpRequest(): fc.Arbitrary<FuzzRequest> {
    const json = fc
      .constantFrom(...ERP_EVENT_TYPES)
      .chain((type) => {
        const { root, defs } = jsonSchemaOf(ERP_EVENT_DATA[type]);
        return fc.record({
          type: fc.oneof({ weight: 9, arbitrary: fc.constant<unknown>(type) }, { weight: 1, arbitrary: hostileValue }),
          data: arbitraryOf(root, { defs, hostility: 1, pools }),
        });
      })
      .map((event) => ({ raw: JSON.stringify(event), type: 'application/json' }));
    const xml = fc
      .oneof(
        fc.constantFrom(...HOSTILE_STRINGS).map((value) => B2MML.replace('>250<', `>${escapeXml(value)}<`)),
        fc.constantFrom(...HOSTILE_STRINGS).map((value) => B2MML.replace('>2030-01-10T16:00:00Z<', `>${escapeXml(value)}<`)),
        fc
          .integer({ min: 1, max: 20_000 })
          .map((depth) => B2MML.replace('<b2mml:ID>SCHED-2030-W02</b2mml:ID>', `${'<b2mml:X>'.repeat(depth)}1${'</b2mml:X>'.repeat(depth)}`)),
        fc
          .integer({ min: 1, max: 30 })
          .map((n) => B2MML.replace(/(<b2mml:ProductionRequest>[\s\S]*?<\/b2mml:ProductionRequest>)/, (m) => m.repeat(n))),
        fc
          .integer({ min: 1, max: 50_000 })
          .map((n) => B2MML.replace('<b2mml:Description>Week 2 pumps</b2mml:Description>', '<b2mml:Note>x</b2mml:Note>'.repeat(n))),
        // Markup as it comes, unescaped: unclosed comments, instructions, CDATA and tags, up to the size limit.
        fc
          .tuple(
            fc.constantFrom('<!--', '<?', '<![CDATA[', '<!-- x -->', '<![CDATA[<!--]]>', '<a', '"', '<b2mml:N/>'),
            fc.integer({ min: 1, max: 200_000 }),
          )
          .map(([markup, n]) => B2MML.replace('Week 2 pumps', markup.repeat(Math.min(n, Math.floor(1_000_000 / markup.length))))),
        fc.constant(B2MML),
      )
      .map((raw) => ({ raw, type: 'application/xml' }));
    return fc.tuple(fc.oneof(json, xml), fc.integer({ min: 0, max: 9 })).map(([{ raw, type }, sign]) => {
      const id = `msg_${randomUUID()}`;
      const headers: Record<string, string> = { 'content-type': type };
      if (sign > 0) {
        const at = new Date();
        Object.assign(headers, {
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': new Webhook(credential.secret).sign(id, at, raw),
        });
      }
      return { params: {}, query: { credential: credential.id }, rawBody: raw, headers };
    });
  }

  async function send(route: Route, request: FuzzRequest): Promise<Reply> {
    // A hostile node may have replaced the whole path or query object: then every parameter is that value.
    const record = (v: unknown, names: string[]) =>
      v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : Object.fromEntries(names.map((n) => [n, v]));
    const params = record(
      request.params,
      [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string),
    );
    // A URL carries UTF-8, which has no lone surrogate: a client sends U+FFFD in its place (as URLSearchParams does).
    const text = (v: unknown) => Buffer.from(typeof v === 'string' ? v : (JSON.stringify(v) ?? '')).toString('utf8');
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(text(params[name] ?? '')));
    const query = new URLSearchParams(Object.entries(record(request.query, ['q'])).map(([k, v]) => [k, text(v)]));
    const qs = query.size ? `?${query}` : '';
    const options =
      request.rawBody !== undefined
        ? { rawBody: request.rawBody, headers: request.headers }
        : { ...(request.body !== undefined ? { body: request.body } : {}), headers: request.headers };
    return api.request(route.method, `${path}${qs}`, options);
  }
});

const B2MML = readFileSync(new URL('../fixtures/b2mml/production-schedule.xml', import.meta.url), 'utf8');
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Path, query, body and headers of one request to `route`. */
function requestOf(route: Route, pools: Record<string, unknown[]>): fc.Arbitrary<FuzzRequest> {
  const resource = route.path.split('/')[2] ?? '';
  const pathPools = Object.fromEntries(
    Object.entries(pools).flatMap(([name, values]) => (name.startsWith(`${resource}.`) ? [[name.slice(resource.length + 1), values]] : [])),
  );
  const part = (schema: RouteDef['params'], hostility: number, own: Record<string, unknown[]> = {}) => {
    if (!schema) return fc.constant({});
    const { root, defs } = jsonSchemaOf(schema);
    return arbitraryOf(root, { defs, hostility, pools: { ...pools, ...own } }) as fc.Arbitrary<Record<string, unknown>>;
  };
  const params = fc.oneof({ weight: 4, arbitrary: part(route.params, 0, pathPools) }, { weight: 1, arbitrary: part(route.params, 2) });
  const query = fc.oneof({ weight: 4, arbitrary: part(route.query, 0) }, { weight: 1, arbitrary: part(route.query, 2) });
  const body: fc.Arbitrary<unknown> = route.body
    ? fc.oneof({ weight: 3, arbitrary: part(route.body, 0) }, { weight: 3, arbitrary: part(route.body, 1) }, { weight: 1, arbitrary: hostileValue })
    : fc.constant(undefined);
  // Mostly without If-Match: a stale one is refused before anything else is looked at.
  const ifMatch = fc.oneof(
    { weight: 6, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom('"1"', '"2"', '"3"', '"5"', '"999999"', '"0"', 'W/"1"', '*', 'garbage', '"-1"', '""', '"99999999999"') },
  );
  // fc.option's freq is the odds of nil (1 in freq): weights say what is meant.
  const sometimes = <T>(weight: number, arbitrary: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 10 - weight, arbitrary: fc.constant(null) }, { weight, arbitrary });
  const idempotencyKey = sometimes(
    3,
    // biome-ignore lint/suspicious/noControlCharactersInRegex: a header value cannot carry control characters, so those are left out.
    fc.oneof(fc.uuid(), fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length <= 300 && !/[\u0000-\u001f\u007f-\uffff]/.test(s)))),
  );
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant('application/json') },
    { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/xml', 'application/json; charset=latin1', 'application/merge-patch+json') },
  );
  const broken = sometimes(1, fc.constantFrom('{', '[1,', '{"a":1}}', 'null', '"text"', '1e999', '{"goodQty":1e999}', ' '));
  return fc
    .record({ params, query, body, ifMatch, idempotencyKey, contentType, broken })
    .map(({ params, query, body, ifMatch, idempotencyKey, contentType, broken }) => {
      const headers: Record<string, string> = {};
      if (ifMatch !== null) headers['if-match'] = ifMatch;
      if (idempotencyKey !== null && route.idempotent) headers['idempotency-key'] = idempotencyKey;
      if (route.body) headers['content-type'] = contentType;
      const request: FuzzRequest = { params, query, headers };
      if (broken !== null && route.body) request.rawBody = broken;
      else if (route.body && body !== undefined) request.body = body;
      return request;
    });
}

let runs = 0;

/** Runs a property; a failure names the seed, the path and the request, shortened. */
async function check(property: fc.IAsyncProperty<[FuzzRequest]>, parameters: fc.Parameters<[FuzzRequest]>) {
  const details = await fc.check(property, { ...parameters, endOnFailure: true });
  runs += details.numRuns;
  if (!details.failed) return;
  const request = fc.stringify(details.counterexample?.[0]);
  assert.fail(
    `${(details.errorInstance as Error | undefined)?.message ?? 'failed'}\n` +
      `replay: fc.check with { seed: ${details.seed}, path: "${details.counterexamplePath}" } (MES_FUZZ_SEED=${SEED} reruns the whole file)\n` +
      `request: ${request.length > 1500 ? `${request.slice(0, 1500)}... (${request.length} characters)` : request}`,
  );
}

function assertProblemJson(reply: Reply) {
  assert.match(
    reply.headers.get('content-type') ?? '',
    /^application\/problem\+json/,
    `${reply.status} without problem+json: ${reply.text.slice(0, 300)}`,
  );
  const problem = reply.body as Record<string, unknown>;
  assert.equal(problem.status, reply.status, reply.text.slice(0, 300));
  assert.equal(typeof problem.type, 'string');
  assert.equal(typeof problem.title, 'string');
  assert.equal(typeof problem.detail, 'string', reply.text.slice(0, 300));
}

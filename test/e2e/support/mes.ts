/**
 * What the HTTP-level tests share: a running MES, a small fetch client that acts as one person
 * of one tenant (real tokens from the local identity provider), a plant built through the PUT
 * routes, problem+json assertions, and a raw look at an order's DynamoDB partition to prove a
 * refused request wrote nothing. Tests isolate themselves by tenant, never by table.
 */
import assert from 'node:assert/strict';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '#shared/domain/roles.ts';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import { LOCAL_ONLY_PATHS } from '#shared/api/routes.ts';
import { keys } from '#shared/db/keys.ts';
import { testDocClient, testTableName } from '../../helpers/ddb.ts';
import { newTenantId, startTestRuntime } from '../../helpers/runtime.ts';

export interface Mes {
  baseUrl: string;
  stop(): Promise<void>;
}

/** The in-process local runtime on a free port, on the DynamoDB Local that `npm test` started. */
export const startMes = (): Promise<Mes> => startTestRuntime();

export const newTenant = newTenantId;

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  /** The raw text, for bodies that are not JSON. */
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, with no content-type unless `headers` has one. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One person of one tenant (or nobody, without a token) calling the API over HTTP. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
    readonly userId?: string,
  ) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    } else if (options.rawBody !== undefined) body = options.rawBody;
    Object.assign(headers, options.headers);
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    if (text && /json/.test(res.headers.get('content-type') ?? '')) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get = <T = any>(path: string, headers?: Record<string, string>) => this.request<T>('GET', path, headers ? { headers } : {});
  put = <T = any>(path: string, body: unknown, headers?: Record<string, string>) =>
    this.request<T>('PUT', path, { body, ...(headers ? { headers } : {}) });
  post = <T = any>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    this.request<T>('POST', path, { body, ...(headers ? { headers } : {}) });

  /** A request that must succeed: fails the test with the problem the API answered. */
  async ok<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const reply = await this.request<T>(method, path, { ...(body !== undefined ? { body } : {}), ...(headers ? { headers } : {}) });
    assert.ok(reply.status >= 200 && reply.status < 300, `${method} ${path} answered ${reply.status}: ${reply.text}`);
    return reply.body;
  }
}

/** Gets a token from the runtime's local identity provider, as a client would. */
export async function tokenFor(mes: { baseUrl: string }, tenantId: string, userId: string, roles: readonly Role[]): Promise<string> {
  const res = await fetch(`${mes.baseUrl}${LOCAL_ONLY_PATHS.token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenantId, userId, roles }),
  });
  assert.equal(res.status, 200, `the local identity provider refused a token: ${await res.clone().text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function as(mes: { baseUrl: string }, tenantId: string, userId: string, roles: readonly Role[]): Promise<Api> {
  return new Api(mes.baseUrl, await tokenFor(mes, tenantId, userId, roles), userId);
}

/** The people of one plant, one per role. */
export async function staff(mes: { baseUrl: string }, tenantId: string) {
  const [planner, supervisor, operator, operator2, quality, admin, integration] = await Promise.all([
    as(mes, tenantId, 'u-planner', ['planner']),
    as(mes, tenantId, 'u-supervisor', ['supervisor']),
    as(mes, tenantId, 'u-operator', ['operator']),
    as(mes, tenantId, 'u-operator-2', ['operator']),
    as(mes, tenantId, 'u-quality', ['quality']),
    as(mes, tenantId, 'u-admin', ['admin']),
    as(mes, tenantId, 'u-integration', ['integration']),
  ]);
  return { planner, supervisor, operator, operator2, quality, admin, integration, anonymous: new Api(mes.baseUrl) };
}
export type Staff = Awaited<ReturnType<typeof staff>>;

// ---------- A plant ----------

/** The routing every plant gets: three operations on three work centers, two record data. */
export const ROUTING_OPERATIONS = [
  {
    seq: 10,
    name: 'Assemble',
    workCenterId: 'wc-assembly',
    standardTimeSeconds: 240,
    setupTimeSeconds: 600,
    instructions: 'Fit the impeller, mount the motor with six screws.',
    dataToRecord: [{ name: 'screwTorque', label: 'Screw torque', type: 'number', unit: 'Nm', min: 3.5, max: 4.5 }],
  },
  {
    seq: 20,
    name: 'Leak test',
    workCenterId: 'wc-test',
    standardTimeSeconds: 120,
    dataToRecord: [
      { name: 'leakRate', type: 'number', unit: 'mbar/min', min: 0, max: 0.5 },
      { name: 'testPassed', type: 'boolean' },
      { name: 'testerNote', type: 'text', required: false },
    ],
  },
  { seq: 30, name: 'Pack', workCenterId: 'wc-pack', standardTimeSeconds: 45 },
] as const;

export const PLANT = {
  site: 'site-1',
  area: 'area-1',
  workCenters: ['wc-assembly', 'wc-test', 'wc-pack'],
  workUnit: 'wu-press-1',
  product: 'FG-PUMP',
  components: ['HSG-1', 'IMP-1'],
  bom: 'BOM-PUMP',
  routing: 'RT-PUMP',
  /** A one-operation routing with nothing to record, for tests that only need an order in some state. */
  quickRouting: 'RT-QUICK',
} as const;

/** Builds the plant through the master data PUT routes, as a planner. */
export async function buildPlant(planner: Api): Promise<void> {
  const put = (path: string, body: unknown) => planner.ok('PUT', path, body);
  await put(`/v1/equipment/${PLANT.site}`, { name: 'Plant', level: 'site' });
  await put(`/v1/equipment/${PLANT.area}`, { name: 'Assembly hall', level: 'area', parentId: PLANT.site });
  await Promise.all(
    PLANT.workCenters.map((id) =>
      put(`/v1/equipment/${id}`, { name: id, level: 'workCenter', workCenterType: 'productionLine', parentId: PLANT.area }),
    ),
  );
  await put(`/v1/equipment/${PLANT.workUnit}`, { name: 'Press 1', level: 'workUnit', parentId: 'wc-assembly' });
  await Promise.all([
    put(`/v1/materials/${PLANT.product}`, { name: 'Pump', uom: 'ea', materialType: 'finished' }),
    ...PLANT.components.map((id) => put(`/v1/materials/${id}`, { name: id, uom: 'ea', materialType: 'raw' })),
  ]);
  await Promise.all([
    put(`/v1/boms/${PLANT.bom}`, {
      materialId: PLANT.product,
      components: PLANT.components.map((materialId) => ({ materialId, quantityPer: 1, operationSeq: 10 })),
    }),
    put(`/v1/routings/${PLANT.routing}`, { materialId: PLANT.product, name: 'Pump', operations: ROUTING_OPERATIONS }),
    put(`/v1/routings/${PLANT.quickRouting}`, {
      materialId: PLANT.product,
      operations: [{ seq: 10, name: 'Do it', workCenterId: 'wc-pack' }],
    }),
  ]);
}

const inDays = (n: number) => new Date(Date.UTC(2030, 0, 1) + n * 86_400_000).toISOString();
export { inDays };

export interface NewOrder {
  id?: string;
  quantity?: number;
  priority?: number;
  dueInDays?: number;
  routingId?: string;
}

export async function createOrder(planner: Api, order: NewOrder = {}): Promise<WorkOrderDetail> {
  return planner.ok<WorkOrderDetail>('POST', '/v1/work-orders', {
    ...(order.id ? { id: order.id } : {}),
    materialId: PLANT.product,
    quantity: order.quantity ?? 10,
    routingId: order.routingId ?? PLANT.routing,
    bomId: PLANT.bom,
    dueDate: inDays(order.dueInDays ?? 10),
    priority: order.priority ?? 500,
  });
}

/** States an order can be walked to through the API. */
export type Stage = 'PLANNED' | 'RELEASED' | 'RUNNING' | 'PAUSED' | 'ON_HOLD' | 'COMPLETED' | 'CLOSED';

/** An order (on the quick one-operation routing unless told) walked to `stage` by the right people. */
export async function orderAt(people: Staff, stage: Stage, order: NewOrder = {}): Promise<WorkOrderDetail> {
  const created = await createOrder(people.planner, { routingId: PLANT.quickRouting, ...order });
  const path = `/v1/work-orders/${created.id}`;
  let current = created;
  const step = async (who: Api, action: string, body: unknown = {}) => {
    current = await who.ok<WorkOrderDetail>('POST', `${path}/${action}`, body);
  };
  if (stage === 'PLANNED') return current;
  await step(people.supervisor, 'release');
  if (stage === 'RELEASED') return current;
  if (stage === 'ON_HOLD') {
    await step(people.supervisor, 'hold', { reasonCode: 'MATERIAL-SHORTAGE' });
    return current;
  }
  await step(people.operator, 'operations/10/start');
  if (stage === 'RUNNING') return current;
  if (stage === 'PAUSED') {
    await step(people.operator, 'operations/10/pause', { reasonCode: 'BREAK' });
    return current;
  }
  await step(people.operator, 'operations/10/complete', { goodQty: current.quantity });
  if (stage === 'COMPLETED') return current;
  await step(people.supervisor, 'close');
  return current;
}

// ---------- Assertions ----------

export interface ProblemExpectation {
  type?: string;
  /** JSON pointers that must each appear in `errors`. */
  pointers?: string[];
  instance?: string;
}

/** An RFC 9457 problem: the media type, the members, and the status in the body. */
export function assertProblem(reply: Reply, status: number, expected: ProblemExpectation = {}) {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text}`);
  assert.match(reply.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const p = reply.body as Record<string, unknown>;
  assert.equal(typeof p.type, 'string', 'type');
  assert.equal(typeof p.title, 'string', 'title');
  assert.equal(p.status, status, 'status member');
  assert.equal(typeof p.detail, 'string', 'detail');
  if (expected.type) assert.equal(p.type, expected.type);
  if (expected.instance) assert.equal(p.instance, expected.instance);
  if (expected.pointers) {
    const errors = p.errors as { pointer: string; detail: string }[] | undefined;
    assert.ok(Array.isArray(errors), `errors[] missing: ${reply.text}`);
    for (const e of errors) {
      assert.equal(typeof e.pointer, 'string');
      assert.equal(typeof e.detail, 'string');
    }
    const pointers = errors.map((e) => e.pointer);
    for (const pointer of expected.pointers) assert.ok(pointers.includes(pointer), `${pointer} not in ${JSON.stringify(pointers)}`);
  }
  return p;
}

export const PROBLEM = {
  invalidInput: 'urn:mes:problem:invalid-input',
  unauthorized: 'urn:mes:problem:unauthorized',
  forbidden: 'urn:mes:problem:forbidden',
  notFound: 'urn:mes:problem:not-found',
  illegalTransition: 'urn:mes:problem:illegal-transition',
  staleVersion: 'urn:mes:problem:stale-version',
  quantityRule: 'urn:mes:problem:quantity-rule',
  alreadyExists: 'urn:mes:problem:already-exists',
  idempotencyKeyReused: 'urn:mes:problem:idempotency-key-reused',
  unknownReference: 'urn:mes:problem:unknown-reference',
  reasonRemoved: 'urn:mes:problem:reason-removed',
  maintenanceRule: 'urn:mes:problem:maintenance-rule',
  unsupportedMediaType: 'urn:mes:problem:unsupported-media-type',
} as const;

/** Every page of a list, following nextCursor. */
export async function allPages<T = any>(api: Api, path: string, limit = 100): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  const sep = path.includes('?') ? '&' : '?';
  for (let pages = 0; pages < 1000; pages++) {
    const reply = await api.get<{ items: T[]; nextCursor?: string }>(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.equal(reply.status, 200, reply.text);
    items.push(...reply.body.items);
    cursor = reply.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`${path} did not end after 1000 pages`);
}

// ---------- A look at the table ----------

/** Every stored item of a partition (those whose sort key starts with `skPrefix`), read straight from DynamoDB. */
export async function partitionItems(pk: string, skPrefix?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await testDocClient().send(
      new QueryCommand({
        TableName: testTableName(),
        KeyConditionExpression: skPrefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ...(skPrefix === undefined ? {} : { ':prefix': skPrefix }) },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every stored item of one work order (header, operations, audit, outbox), read straight from DynamoDB. */
export const storedItems = (tenantId: string, workOrderId: string) => partitionItems(keys.workOrderPartition(tenantId, workOrderId));

/** What a refused request must leave unchanged: the order as read, its history and its stored items. */
export async function snapshot(api: Api, tenantId: string, workOrderId: string) {
  const [order, history, items] = await Promise.all([
    api.get<WorkOrderDetail>(`/v1/work-orders/${workOrderId}`),
    allPages(api, `/v1/work-orders/${workOrderId}/history`),
    storedItems(tenantId, workOrderId),
  ]);
  assert.equal(order.status, 200, order.text);
  return { version: order.body.version, order: order.body, historyCount: history.length, items };
}

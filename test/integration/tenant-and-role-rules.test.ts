/**
 * Who may call what, walked over EVERY route of the route table with a valid request built
 * from a seeded tenant A (real ids, valid bodies):
 *   (a) without a token: 401, and nothing written (public routes answer 200);
 *   (b) with a token of tenant B: A's records are not found, B's lists hold none of A's data,
 *       and B's writes land in B, never in A;
 *   (c) with each role: 403 exactly when the role is not in route.roles, and nothing written;
 *       otherwise the route's success status.
 * Plus tokens that must never pass: garbage, foreign signatures, unsigned, tampered, expired.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { after, before, describe, it } from 'node:test';
import { type RouteDef, type RouteId, routeList } from '#shared/api/routes.ts';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import { ROLES, type Role } from '#shared/domain/roles.ts';
import {
  Api,
  type Mes,
  PLANT,
  PROBLEM,
  type Stage,
  type Staff,
  allPages,
  as,
  assertProblem,
  buildPlant,
  inDays,
  newTenant,
  orderAt,
  partitionItems,
  staff,
  startMes,
  tokenFor,
} from '../e2e/support/mes.ts';
import { withPassword } from '../e2e/support/signing.ts';
import { ALWAYS_PLANNED, MINUTE, REASON_TREE, ingestAll, unit } from '../e2e/support/telemetry.ts';
import { consumed, lot, lotRecord, putEdges, putRecords, serial, serialRecord } from '../fixtures/genealogy.ts';
import { individuals, putSpcSamples } from '../fixtures/spc.ts';

type Route = RouteDef & { id: RouteId };
/** A signature by one of tenant A's people (their passwords set with withPassword). */
const approvalBy = (userId: string) => ({ userId, password: SIGNING_PASSWORD, meaning: 'approval' });
/** A's recorded value of the plant's routing, with values seeded for the SPC routes. */
const SIGNING_PASSWORD = 'sign-it-2026';
/** A's settings: every permitted role of a signing route can succeed (issue 16): its admins sign what quality signs. */
const SETTINGS_OF_A = {
  overrunTolerancePct: 7,
  signaturePolicies: [
    { action: 'lot.release', required: [{ meaning: 'approval', roles: ['quality', 'admin'] }], distinctSigners: true },
    { action: 'nonconformance.use-as-is', required: [{ meaning: 'approval', roles: ['quality', 'admin'] }], distinctSigners: true },
    // A batch record released by one signature of any role, so that signing a fresh completed order's record succeeds for every role the route lets through.
    { action: 'work-order.release-record', required: [{ meaning: 'responsibility', roles: [...ROLES] }], distinctSigners: false },
  ],
};
const SPC_CHARACTERISTIC = `data:${PLANT.routing}:10:screwTorque`;
const spcWindow = { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' };
/** A's own scrap list: B must never see its code. */
const SCRAP_LIST_OF_A = {
  reasons: [
    { code: 'DIM', name: 'Dimension out of tolerance' },
    { code: 'SURF', name: 'Surface defect' },
    { code: 'MAT', name: 'Material defect' },
    { code: 'SETUP', name: 'Setup scrap' },
    { code: 'HANDLING', name: 'Handling damage' },
    { code: 'A-ONLY', name: 'Only tenant A has this' },
  ],
};
interface Request {
  params?: Record<string, string | number>;
  query?: Record<string, string>;
  body?: unknown;
}
/** How tenant B's call to A's request must turn out. */
type Isolation =
  | 'public'
  /** By id: 404, nothing written in A. */
  | 'not-found'
  /** PUT by id: creates B's own record (version 1); A's stays as it was. */
  | 'own-record'
  /** A list: 200 with none of A's items. */
  | 'list'
  /** A reason list: 200 with the plant's default (B saved none), none of A's reasons. */
  | 'own-default'
  /** A create naming A's master data: 422, those ids do not exist for B. */
  | 'unknown-reference'
  /** A create of B's own record (201): B's, never A's. */
  | 'own-create'
  /** Public, but authenticated by a Standard Webhooks signature: unsigned, it is a 401 for anyone. */
  | 'signed'
  /** A PUT of a controlled document by id: B's own document (version 1); A's stays as it was. */
  | 'own-document'
  /** About the caller alone (the live feed session): 204 for B, naming no record of A. */
  | 'own-session'
  /** A check over the caller's own data (the audit trail's verification): 200, naming none of A's records. */
  | 'own-check'
  /** Above the plants (issue 17): a plant's admin is no platform operator nor an organization user, 403. */
  | 'platform'
  /** About the caller's own labor (issue 18): B's own person (200, or 409 when B's person is on nothing), naming none of A's. */
  | 'own-labor';

interface Case {
  /**
   * A valid request on tenant A's data; `fresh` first makes state in which it succeeds for
   * `caller` (who may need to have made that state, e.g. their own hold).
   */
  build(fresh: boolean, caller?: Api): Promise<Request>;
  isolation: Isolation;
  /** A fingerprint of what the request would change in A, to prove a refusal wrote nothing. */
  probe?(request: Request): Promise<unknown>;
  /** What a permitted role gets when it is not the route's success status (a release that needs a signature: 409). */
  permittedStatus?: number;
}

const fill = (route: Route, request: Request) =>
  route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = request.params?.[name];
    assert.ok(value !== undefined, `${route.id} needs path parameter ${name}`);
    return encodeURIComponent(String(value));
  }) + (request.query ? `?${new URLSearchParams(request.query)}` : '');

describe('tenant and role rules on every route', () => {
  let mes: Mes;
  const tenantA = newTenant();
  const tenantB = newTenant();
  let people: Staff;
  let decider: Api;
  let adminB: Api;
  /** A's records, by kind, that B must never see. */
  const idsOfA = new Set<string>();
  /** Shared requests (not fresh) point at these. */
  const shared: Partial<Record<Stage, WorkOrderDetail>> = {};
  let cases: Record<RouteId, Case>;
  /** A's webhook subscriber: it takes every delivery, so nothing retries for days. */
  let receiver: Server;

  before(async () => {
    receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/mes-events`;
    mes = await startMes();
    people = await staff(mes, tenantA);
    adminB = await as(mes, tenantB, 'u-admin-b', ['admin']);
    await buildPlant(people.planner);
    await putSpcSamples(tenantA, individuals(SPC_CHARACTERISTIC, spcWindow.from, 25, 4.0, 0.05));
    await people.planner.ok('PUT', '/v1/personnel/p-1', { name: 'Olivia', roles: ['operator'] });
    // Issue 18: A's qualification, held by a person only A has (B's own p-1 is made by the putPersonnel case), expiring soon.
    await people.admin.ok('PUT', '/v1/qualifications/q-1', { name: 'Press operation', kind: 'skill' });
    await people.planner.ok('PUT', '/v1/personnel/p-qual', { name: 'Olivia', roles: ['operator'] });
    await people.admin.ok('PUT', '/v1/personnel/p-qual/qualifications', {
      qualifications: [{ qualificationId: 'q-1', grantedAt: '2026-01-01T00:00:00Z', expiresAt: new Date(Date.now() + 86_400_000).toISOString() }],
    });
    await people.admin.ok('PUT', '/v1/tenant-settings', SETTINGS_OF_A);
    decider = await as(mes, tenantA, 'u-decider', ['quality']);
    await adminB.ok('PUT', '/v1/materials/B-ONLY', { name: 'B’s own material', uom: 'kg' });
    // A's integration: a credential and an endpoint subscribed to every event, before the
    // orders below, so that their events become A's webhook messages.
    const credentialOfA = await people.admin.ok('POST', '/v1/integration-credentials', { name: 'SAP of A' });
    const endpoint = (url: string) => ({
      url,
      eventTypes: ['work-order.released', 'operation.started', 'production.reported'],
      description: 'ERP of A',
    });
    const endpointOfA = await people.admin.ok('POST', '/v1/webhook-endpoints', endpoint(receiverUrl));
    idsOfA.add(credentialOfA.id);
    idsOfA.add(endpointOfA.id);
    for (const stage of ['PLANNED', 'RELEASED', 'RUNNING', 'PAUSED', 'ON_HOLD', 'COMPLETED'] as const) {
      shared[stage] = await orderAt(people, stage);
    }
    for (const id of [
      PLANT.site,
      PLANT.area,
      PLANT.workUnit,
      ...PLANT.workCenters,
      PLANT.product,
      ...PLANT.components,
      PLANT.bom,
      PLANT.routing,
      PLANT.quickRouting,
      'p-1',
    ]) {
      idsOfA.add(id);
    }
    for (const order of Object.values(shared)) idsOfA.add(order.id);
    // A's genealogy: a lot consumed into a serial, stored as the tracking commands store them.
    await putRecords(tenantA, {
      lots: [lotRecord('LOT-OF-A')],
      serials: [serialRecord('SN-OF-A', { workOrderId: (Object.values(shared)[0] as WorkOrderDetail).id })],
    });
    await putEdges(tenantA, [consumed(lot('LOT-OF-A'), serial('SN-OF-A'), 1)]);
    idsOfA.add('LOT-OF-A');
    idsOfA.add('SN-OF-A');

    // Telemetry of A: a shift calendar, a reason tree, and one stop of the press (down, then
    // running again), ingested in-process as the IoT consumers would. The unit goes offline
    // only after a day of silence, so the stop stays 'down' however long this file runs.
    await people.planner.ok('PUT', `/v1/equipment/${PLANT.workUnit}`, {
      name: 'Press 1',
      level: 'workUnit',
      parentId: 'wc-assembly',
      offlineAfterSeconds: 86_400,
      idealCycleTimeSeconds: 6,
    });
    await people.planner.ok('PUT', '/v1/shift-calendar', ALWAYS_PLANNED);
    await people.planner.ok('PUT', '/v1/downtime-reasons', REASON_TREE);
    await people.planner.ok('PUT', '/v1/reason-lists/scrap', SCRAP_LIST_OF_A);
    const press = unit(tenantA, PLANT.workUnit);
    const stoppedAt = Date.now() - 10 * MINUTE;
    await ingestAll([
      press.state(stoppedAt - MINUTE, 'running'),
      press.counts(stoppedAt - MINUTE, 100, 2),
      press.state(stoppedAt, 'down', 'E-42'),
      press.state(stoppedAt + 5 * MINUTE, 'running'),
      press.counts(stoppedAt + 6 * MINUTE, 110, 2),
    ]);
    const stop = { id: PLANT.workUnit, start: new Date(stoppedAt).toISOString() };
    /** A's downtime of the press as A sees it: what an assignment would change. */
    const downtimeOfA = async () =>
      (await people.admin.get(`/v1/equipment/${PLANT.workUnit}/downtime?from=${new Date(stoppedAt - MINUTE).toISOString()}`)).body;
    // ...so that B's empty answers below prove isolation, not an empty table.
    assert.deepEqual(
      (await downtimeOfA()).items.map((e: { start: string; state: string }) => [e.start, e.state]),
      [[stop.start, 'down']],
    );
    assert.equal((await people.admin.get('/v1/state-changes?since=2000-01-01T00:00:00Z')).body.items.length, 3);

    const order = (stage: Stage) => async (fresh: boolean) => (fresh ? orderAt(people, stage) : (shared[stage] as WorkOrderDetail));
    const orderProbe = async (request: Request) => (await people.admin.get(`/v1/work-orders/${request.params?.id}`)).body;
    const laborProbe = async (request: Request) => (await people.admin.get(`/v1/work-orders/${request.params?.id}/labor`)).body;
    const orderAction = (stage: Stage, body: unknown, seq?: number): Case => ({
      isolation: 'not-found',
      build: async (fresh) => ({ params: { id: (await order(stage)(fresh)).id, ...(seq ? { seq } : {}) }, body }),
      probe: orderProbe,
    });
    const masterData = (resource: string, id: string, body: unknown): Record<'put' | 'get' | 'list', Case> => ({
      put: {
        isolation: 'own-record',
        build: async () => ({ params: { id }, body }),
        probe: async () => (await people.admin.get(`/v1/${resource}/${id}`)).body,
      },
      get: { isolation: 'not-found', build: async () => ({ params: { id } }) },
      list: { isolation: 'list', build: async () => ({}) },
    });
    const equipment = masterData('equipment', 'wc-assembly', { name: 'Line 1', level: 'workCenter', parentId: PLANT.area });
    const materials = masterData('materials', PLANT.product, { name: 'Pump', uom: 'EA', materialType: 'finished' });
    const boms = masterData('boms', PLANT.bom, {
      materialId: PLANT.product,
      components: [{ materialId: 'HSG-1', quantityPer: 1, operationSeq: 10 }],
    });
    const routings = masterData('routings', PLANT.quickRouting, {
      materialId: PLANT.product,
      operations: [{ seq: 10, name: 'Do it', workCenterId: 'wc-pack' }],
    });
    const personnel = masterData('personnel', 'p-1', { name: 'Olivia', roles: ['operator'] });
    const qualifications = masterData('qualifications', 'q-1', { name: 'Press operation', kind: 'skill' });
    // Inspections (issue 15): a plan on a routing of its own, so the other orders of A have none.
    const inspectedRouting = { materialId: PLANT.product, operations: [{ seq: 10, name: 'Inspect and pack', workCenterId: 'wc-pack' }] };
    await people.planner.ok('PUT', '/v1/routings/RT-INSPECTED', inspectedRouting);
    const inspectionPlan = {
      name: 'First article of A',
      materialId: PLANT.product,
      routingId: 'RT-INSPECTED',
      operationSeq: 10,
      characteristics: [{ id: 'visual', name: 'Visual', kind: 'attribute', defectCodes: [{ code: 'SCRATCH', name: 'Scratch' }] }],
      sampling: { kind: 'first-article', sampleSize: 1 },
    };
    const inspectionPlans = masterData('inspection-plans', 'IP-OF-A', inspectionPlan);
    await people.quality.ok('PUT', '/v1/inspection-plans/IP-OF-A', inspectionPlan);
    idsOfA.add('IP-OF-A');
    idsOfA.add('RT-INSPECTED');
    const inspectedOrder = async () => {
      const running = await orderAt(people, 'RUNNING', { routingId: 'RT-INSPECTED' });
      idsOfA.add(running.id);
      return running.id;
    };
    const sharedInspected = await inspectedOrder();
    const ordersOfA = async () => (await allPages(people.admin, '/v1/work-orders')).length;
    const credentialsOfA = async () => allPages(people.admin, '/v1/integration-credentials');
    const credentialProbe = async (request: Request) => (await people.admin.get(`/v1/integration-credentials/${request.params?.id}`)).body;
    const endpointsOfA = async () => allPages(people.admin, '/v1/webhook-endpoints');
    const endpointProbe = async (request: Request) => (await people.admin.get(`/v1/webhook-endpoints/${request.params?.id}`)).body;
    const freshCredential = async (fresh: boolean) =>
      fresh ? (await people.admin.ok('POST', '/v1/integration-credentials', { name: 'another' })).id : credentialOfA.id;
    const freshEndpoint = async (fresh: boolean) =>
      fresh ? (await people.admin.ok('POST', '/v1/webhook-endpoints', endpoint(receiverUrl))).id : endpointOfA.id;
    // The dispatcher works from the table stream, a moment after the commit.
    let messagesOfA: { id: string }[] = [];
    for (let waited = 0; messagesOfA.length === 0 && waited < 10_000; waited += 100) {
      messagesOfA = (await people.admin.get(`/v1/webhook-endpoints/${endpointOfA.id}/deliveries`)).body.items;
      if (messagesOfA.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(messagesOfA[0], 'the orders above became webhook messages of A');
    const messageOfA = messagesOfA[0];

    // A's lots (issue 14): one available, one held, two to merge.
    const newLotOfA = async () => {
      const lot = await people.supervisor.ok('POST', '/v1/lots', { materialId: PLANT.components[0], quantity: 10, supplierLot: 'SUP-A' });
      idsOfA.add(lot.id);
      return lot.id as string;
    };
    const heldLotOfA = async () => {
      const id = await newLotOfA();
      await people.supervisor.ok('POST', `/v1/lots/${id}/hold`, { reason: 'suspect supplier lot' });
      return id;
    };
    const sharedLots = { lot: await newLotOfA(), held: await heldLotOfA(), merge: [await newLotOfA(), await newLotOfA()] };
    const lotProbe = async (request: Request) => (await people.admin.get(`/v1/lots/${request.params?.id}`)).body;
    const lotsOfA = async () => allPages(people.admin, '/v1/lots');
    const lotAction = (body: unknown, held = false): Case => ({
      isolation: 'not-found',
      build: async (fresh) => ({ params: { id: fresh ? await (held ? heldLotOfA() : newLotOfA()) : held ? sharedLots.held : sharedLots.lot }, body }),
      probe: lotProbe,
    });

    // A's serials (issue 14), as the work-order commands store them; one recall.
    let serialCount = 0;
    const newSerialOfA = async (held = false) => {
      const id = `SN-A-${++serialCount}`;
      await putRecords(tenantA, { serials: [serialRecord(id)] });
      idsOfA.add(id);
      if (held) await people.supervisor.ok('POST', `/v1/serials/${id}/hold`, { reason: 'suspect unit' });
      return id;
    };
    const sharedSerials = { made: await newSerialOfA(), held: await newSerialOfA(true) };
    const serialAction = (body: unknown, held = false): Case => ({
      isolation: 'not-found',
      build: async (fresh) => ({ params: { id: fresh ? await newSerialOfA(held) : held ? sharedSerials.held : sharedSerials.made }, body }),
      probe: async (request) => partitionItems(`${tenantA}#SN#${request.params?.id}`),
    });
    const recallOfA = (await people.quality.ok('POST', '/v1/recalls', { lotId: await newLotOfA(), reason: 'recall of A', id: 'RC-OF-A' }))
      .id as string;
    idsOfA.add(recallOfA);

    // A's nonconformances (issue 15): each on a lot of its own, so a disposition has one to close.
    const newNcOfA = async () => {
      const nc = await people.operator.ok('POST', '/v1/nonconformances', {
        lotId: await newLotOfA(),
        quantity: 1,
        defectCode: 'DIM',
        description: 'bore over size',
      });
      idsOfA.add(nc.id);
      return nc.id as string;
    };
    const ncOfA = await newNcOfA();
    const ncProbe = async (request: Request) => partitionItems(`${tenantA}#NC#${request.params?.id}`);

    // A's maintenance (issue 18): requests on A's unit, each fresh one in the state its step needs, and a plan.
    const newMrOfA = async (started = false) => {
      const r = await people.supervisor.ok('POST', '/v1/maintenance-requests', { equipmentId: PLANT.workUnit, problem: 'oil leak at the ram' });
      idsOfA.add(r.id);
      if (started) await people.supervisor.ok('POST', `/v1/maintenance-requests/${r.id}/start`, {});
      return r.id as string;
    };
    const mrOfA = await newMrOfA();
    const mrProbe = async (request: Request) => partitionItems(`${tenantA}#MR#${request.params?.id}`);
    await people.planner.ok('PUT', '/v1/personnel/p-tech-a', { name: 'Tech of A', roles: ['maintenance'] });
    const planOfA = (await people.supervisor.ok('PUT', '/v1/maintenance-plans/PM-OF-A', {
      equipmentId: PLANT.workUnit,
      task: 'Grease the ram',
      trigger: { kind: 'calendar', every: 1, unit: 'weeks', start: '2030-01-01T06:00:00Z' },
    })) as { id: string };
    idsOfA.add(planOfA.id);
    const mrAction = (body: unknown, started = false): Case => ({
      isolation: 'not-found',
      build: async (fresh) => ({ params: { id: fresh ? await newMrOfA(started) : mrOfA }, body }),
      probe: mrProbe,
    });

    // A's controlled documents (issue 16): one in force, and fresh ones in review by the planner for each approval.
    const docOfA = 'WI-OF-A';
    const documentInput = { title: 'Assemble the pump', kind: 'work-instruction', body: '1. Fit the impeller.\n2. Mount the motor.' };
    const newDocInReview = async (id?: string) => {
      const docId = id ?? `WI-A-${Math.random().toString(36).slice(2, 8)}`;
      const put = await people.planner.ok('PUT', `/v1/documents/${docId}`, documentInput);
      await people.planner.ok('POST', `/v1/documents/${docId}/versions/${put.document.version}/submit`);
      idsOfA.add(docId);
      return { id: docId, version: put.document.version as number };
    };
    for (const userId of ['u-quality', 'u-admin', 'u-planner']) await withPassword(mes, tenantA, userId, SIGNING_PASSWORD);
    const docInReview = await newDocInReview(docOfA);
    await people.quality.ok('POST', `/v1/documents/${docOfA}/versions/${docInReview.version}/approve`, approvalBy('u-quality'));
    const docProbe = async (request: Request) => partitionItems(`${tenantA}#DOC#${request.params?.id}`);

    // A's users (issue 17): invited by A's admin; B's admin never reaches them.
    const newUserOfA = async () => {
      const userId = `u-inv-${Math.random().toString(36).slice(2, 8)}`;
      await people.admin.ok('POST', '/v1/users', { userId, name: 'Invited of A', roles: ['operator'] });
      idsOfA.add(userId);
      return userId;
    };
    const userOfA = await newUserOfA();
    const usersOfA = async () => partitionItems(`${tenantA}#USER`);
    const newPlant = () => ({
      tenantId: `p-${Math.random().toString(36).slice(2, 10)}`,
      name: 'Plant',
      timeZone: 'Europe/Amsterdam',
      firstAdmin: { userId: 'first', name: 'First Admin', email: 'first@example.com' },
    });
    // A's devices (issue 17): each registration needs a unit of its own (a registered unit is registered once).
    const newUnitOfA = async () => {
      const id = `wu-dev-${Math.random().toString(36).slice(2, 8)}`;
      await people.planner.ok('PUT', `/v1/equipment/${id}`, { name: `Unit ${id}`, level: 'workUnit', parentId: 'wc-assembly' });
      return id;
    };
    const newDeviceOfA = async () => {
      const equipmentId = await newUnitOfA();
      await people.admin.ok('POST', '/v1/devices', { name: `Device ${equipmentId}`, equipmentId });
      idsOfA.add(equipmentId);
      return equipmentId;
    };
    const deviceOfA = await newDeviceOfA();
    const deviceProbe = async (request: Request) =>
      partitionItems(`${tenantA}#DEVICE#${request.params?.id ?? (request.body as { equipmentId?: string } | undefined)?.equipmentId}`);

    cases = {
      createPlant: { isolation: 'platform', build: async () => ({ body: newPlant() }) },
      listPlants: { isolation: 'platform', build: async () => ({}) },
      getPlant: { isolation: 'platform', build: async () => ({ params: { id: tenantA } }) },
      getPlantRateLimits: { isolation: 'platform', build: async () => ({ params: { id: tenantA } }) },
      setPlantRateLimits: { isolation: 'platform', build: async () => ({ params: { id: tenantA }, body: { requestsPerSecond: 1000, burst: 2000 } }) },
      listUsers: { isolation: 'list', build: async () => ({}) },
      inviteUser: {
        isolation: 'own-create',
        build: async () => ({ body: { userId: `u-new-${Math.random().toString(36).slice(2, 8)}`, name: 'New', roles: ['operator'] } }),
        probe: usersOfA,
      },
      setUserRoles: {
        isolation: 'not-found',
        build: async (fresh) => ({ params: { id: fresh ? await newUserOfA() : userOfA }, body: { roles: ['operator', 'supervisor'] } }),
        probe: usersOfA,
      },
      disableUser: { isolation: 'not-found', build: async (fresh) => ({ params: { id: fresh ? await newUserOfA() : userOfA } }), probe: usersOfA },
      receiveLot: {
        isolation: 'unknown-reference',
        build: async () => ({ body: { materialId: PLANT.components[0], quantity: 5, supplierLot: 'SUP-1' } }),
        probe: lotsOfA,
      },
      listLots: { isolation: 'list', build: async () => ({}) },
      getLot: { isolation: 'not-found', build: async () => ({ params: { id: sharedLots.lot } }) },
      listLotMovements: { isolation: 'not-found', build: async () => ({ params: { id: sharedLots.lot } }) },
      holdLot: lotAction({ reason: 'suspect' }),
      // Staged at the same place twice is refused: each request stages a lot of its own.
      stageLot: {
        isolation: 'not-found',
        build: async () => ({ params: { id: await newLotOfA() }, body: { workCenterId: 'wc-assembly' } }),
        probe: lotProbe,
      },
      // The role gets through; a release then needs its signature (signLot releases): 409.
      releaseLot: { ...lotAction({ comment: 'checked' }, true), permittedStatus: 409 },
      scrapLot: lotAction({ quantity: 1, reasonCode: 'DIM' }),
      splitLot: lotAction({ parts: [{ quantity: 1 }] }),
      mergeLots: {
        isolation: 'not-found',
        build: async (fresh) => ({ body: { lotIds: fresh ? [await newLotOfA(), await newLotOfA()] : sharedLots.merge } }),
        probe: async (request) =>
          Promise.all((request.body as { lotIds: string[] }).lotIds.map(async (id) => (await people.admin.get(`/v1/lots/${id}`)).body)),
      },
      getHealth: { isolation: 'public', build: async () => ({}) },
      getOpenApi: { isolation: 'public', build: async () => ({}) },
      getTenantSettings: { isolation: 'not-found', build: async () => ({}) },
      putTenantSettings: {
        isolation: 'own-record',
        build: async () => ({ body: SETTINGS_OF_A }),
        probe: async () => (await people.admin.get('/v1/tenant-settings')).body,
      },
      putEquipment: equipment.put,
      getEquipment: equipment.get,
      listEquipment: equipment.list,
      putMaterial: materials.put,
      getMaterial: materials.get,
      listMaterials: materials.list,
      putBom: boms.put,
      getBom: boms.get,
      listBoms: boms.list,
      putRouting: routings.put,
      getRouting: routings.get,
      listRoutings: routings.list,
      putPersonnel: personnel.put,
      getPersonnel: personnel.get,
      listPersonnel: personnel.list,
      // Issue 18: B's view of A's qualifications: B has no such person (404), and B's expiring list names none of A's.
      putQualification: qualifications.put,
      getQualification: qualifications.get,
      listQualifications: qualifications.list,
      getExpiringQualifications: { isolation: 'list', build: async () => ({ query: { withinDays: '30' } }) },
      getPersonQualifications: { isolation: 'not-found', build: async () => ({ params: { id: 'p-qual' } }) },
      putPersonQualifications: {
        isolation: 'not-found',
        build: async () => ({ params: { id: 'p-qual' }, body: { qualifications: [] } }),
        probe: async () => (await people.admin.get('/v1/personnel/p-qual/qualifications')).body,
      },
      // B's plan would name A's material and routing: they do not exist for B.
      putInspectionPlan: { ...inspectionPlans.put, isolation: 'unknown-reference' },
      getInspectionPlan: inspectionPlans.get,
      listInspectionPlans: inspectionPlans.list,
      listWorkOrderInspections: { isolation: 'not-found', build: async () => ({ params: { id: sharedInspected } }) },
      // Each caller that may record gets an order of its own whose first article is due.
      recordInspectionResults: {
        isolation: 'not-found',
        build: async (fresh) => ({
          params: { id: `${fresh ? await inspectedOrder() : sharedInspected}~10~IP-OF-A~1` },
          body: { results: [{ characteristicId: 'visual', defectives: 0 }] },
        }),
        probe: async (request) => (await people.admin.get(`/v1/work-orders/${String(request.params?.id).split('~')[0]}/inspections`)).body,
      },
      createWorkOrder: {
        isolation: 'unknown-reference',
        build: async () => ({ body: { materialId: PLANT.product, quantity: 1, routingId: PLANT.quickRouting, dueDate: inDays(3) } }),
        probe: ordersOfA,
      },
      listWorkOrders: { isolation: 'list', build: async () => ({}) },
      getWorkOrder: { isolation: 'not-found', build: async () => ({ params: { id: (shared.RUNNING as WorkOrderDetail).id } }) },
      releaseWorkOrder: orderAction('PLANNED', { comment: 'go' }),
      holdWorkOrder: orderAction('RELEASED', { reasonCode: 'QUALITY-SUSPECT', comment: 'check' }),
      resumeWorkOrder: {
        ...orderAction('ON_HOLD', {}),
        // Held by the caller: quality may lift its own holds (shared/domain/roles.ts).
        build: async (fresh, caller) => {
          if (!fresh) return { params: { id: (shared.ON_HOLD as WorkOrderDetail).id }, body: {} };
          const released = await orderAt(people, 'RELEASED');
          await (caller ?? people.supervisor).ok('POST', `/v1/work-orders/${released.id}/hold`, { reasonCode: 'QUALITY-SUSPECT' });
          // A quality hold is lifted with a reason.
          return { params: { id: released.id }, body: { comment: 'checked' } };
        },
      },
      cancelWorkOrder: orderAction('PLANNED', { reason: 'not needed' }),
      closeWorkOrder: orderAction('COMPLETED', {}),
      startOperation: orderAction('RELEASED', {}, 10),
      pauseOperation: orderAction('RUNNING', { reasonCode: 'BREAK' }, 10),
      resumeOperation: orderAction('PAUSED', {}, 10),
      reportOperation: orderAction('RUNNING', { goodQty: 1 }, 10),
      completeOperation: orderAction('RUNNING', { goodQty: 1 }, 10),
      // A fresh lot of one of operation 10's BOM components for each caller that may consume.
      consumeMaterial: {
        ...orderAction('RUNNING', {}, 10),
        build: async (fresh) => ({
          params: { id: (await order('RUNNING')(fresh)).id, seq: 10 },
          body: { lotId: fresh ? await newLotOfA() : sharedLots.lot, quantity: 1 },
        }),
      },
      reopenOperation: orderAction('COMPLETED', { reason: 'counted again' }, 10),
      // Version 4 of an order walked to COMPLETED is its completion (create, release, start, complete).
      correctReport: orderAction('COMPLETED', { corrects: 4, scrapQty: 1, scrapReasonCode: 'SURF', reason: 'a dent found later' }),
      getWorkOrderHistory: { isolation: 'not-found', build: async () => ({ params: { id: (shared.RUNNING as WorkOrderDetail).id } }) },
      getWorkOrderRecord: { isolation: 'not-found', build: async () => ({ params: { id: (shared.RUNNING as WorkOrderDetail).id } }) },
      listWorkOrderSignatures: { isolation: 'not-found', build: async () => ({ params: { id: (shared.COMPLETED as WorkOrderDetail).id } }) },
      signWorkOrderRecord: {
        isolation: 'not-found',
        build: async (fresh, caller) => {
          if (fresh && caller?.userId) await withPassword(mes, tenantA, caller.userId, SIGNING_PASSWORD);
          const id = (await order('COMPLETED')(fresh)).id;
          return { params: { id }, body: { userId: caller?.userId ?? 'u-nobody', password: SIGNING_PASSWORD, meaning: 'responsibility' } };
        },
        probe: orderProbe,
      },
      // Issue 18: labor. Each permitted caller clocks itself on (and off) a fresh running order.
      clockOnOperation: { ...orderAction('RUNNING', {}, 10), probe: laborProbe },
      clockOffOperation: {
        isolation: 'not-found',
        build: async (fresh, caller) => {
          const id = (await order('RUNNING')(fresh)).id;
          if (fresh && caller) await caller.ok('POST', `/v1/work-orders/${id}/operations/10/clock-on`, {});
          return { params: { id, seq: 10 }, body: {} };
        },
        probe: laborProbe,
      },
      clockOnIndirect: { isolation: 'own-labor', build: async () => ({ body: { reasonCode: 'CLEANING' } }) },
      clockOffIndirect: {
        isolation: 'own-labor',
        build: async (fresh, caller) => {
          if (fresh && caller) await caller.ok('POST', '/v1/labor/indirect/clock-on', { reasonCode: 'MEETING' });
          return { body: {} };
        },
      },
      // An operator reads their own labor only (`me`); the others may read anyone's.
      getPersonLabor: { isolation: 'not-found', build: async (fresh) => ({ params: { id: fresh ? 'me' : 'p-1' } }) },
      getWorkOrderLabor: { isolation: 'not-found', build: async () => ({ params: { id: (shared.RUNNING as WorkOrderDetail).id } }) },
      getActiveLabor: { isolation: 'own-check', build: async () => ({}) },
      getDispatchList: { isolation: 'list', build: async () => ({ params: { id: 'wc-pack' } }) },
      getShiftCalendar: { isolation: 'not-found', build: async () => ({}) },
      putShiftCalendar: {
        isolation: 'own-record',
        build: async () => ({ body: ALWAYS_PLANNED }),
        probe: async () => (await people.admin.get('/v1/shift-calendar')).body,
      },
      getDowntimeReasons: { isolation: 'not-found', build: async () => ({}) },
      putDowntimeReasons: {
        isolation: 'own-record',
        build: async () => ({ body: REASON_TREE }),
        probe: async () => (await people.admin.get('/v1/downtime-reasons')).body,
      },
      getReasonLists: { isolation: 'own-default', build: async () => ({}) },
      getReasonList: { isolation: 'own-default', build: async () => ({ params: { list: 'scrap' } }) },
      putReasonList: {
        isolation: 'own-record',
        build: async () => ({ params: { list: 'scrap' }, body: SCRAP_LIST_OF_A }),
        probe: async () => (await people.admin.get('/v1/reason-lists/scrap')).body,
      },
      getEquipmentStatus: { isolation: 'not-found', build: async () => ({ params: { id: PLANT.workUnit } }) },
      getPlantStatus: { isolation: 'list', build: async () => ({}) },
      getEquipmentOee: {
        isolation: 'not-found',
        build: async () => ({ params: { id: PLANT.workUnit }, query: { from: new Date(stoppedAt - MINUTE).toISOString() } }),
      },
      getWorkCenterOee: {
        isolation: 'not-found',
        build: async () => ({ params: { id: 'wc-assembly' }, query: { from: new Date(stoppedAt - MINUTE).toISOString() } }),
      },
      getWorkOrderOee: { isolation: 'not-found', build: async () => ({ params: { id: (shared.RUNNING as WorkOrderDetail).id } }) },
      getWorkOrderMachineData: { isolation: 'not-found', build: async () => ({ params: { id: (shared.RUNNING as WorkOrderDetail).id } }) },
      listDowntime: {
        isolation: 'not-found',
        build: async () => ({ params: { id: PLANT.workUnit }, query: { from: new Date(stoppedAt - MINUTE).toISOString() } }),
      },
      assignDowntimeReason: {
        isolation: 'not-found',
        build: async () => ({ params: stop, body: { reasonCode: 'BD-JAM', comment: 'jammed feeder' } }),
        probe: downtimeOfA,
      },
      // 'list': B's feed from the beginning of time holds none of A's changes.
      startLiveFeedSession: { isolation: 'own-session', build: async () => ({ body: {} }) },
      listStateChanges: { isolation: 'list', build: async () => ({ query: { since: '2000-01-01T00:00:00Z' } }) },
      // Unsigned, as every request this file sends: signatures are test/integration/erp-inbound*.
      receiveErpEvent: {
        isolation: 'signed',
        build: async () => ({
          query: { credential: credentialOfA.id },
          body: { type: 'material.upserted', data: { id: 'ERP-MAT', description: 'From ERP', unitOfMeasure: 'ea' } },
        }),
        probe: async () => (await people.admin.get('/v1/materials/ERP-MAT')).status,
      },
      createIntegrationCredential: { isolation: 'own-create', build: async () => ({ body: { name: 'SAP' } }), probe: credentialsOfA },
      listIntegrationCredentials: { isolation: 'list', build: async () => ({}) },
      getIntegrationCredential: { isolation: 'not-found', build: async () => ({ params: { id: credentialOfA.id } }) },
      rotateIntegrationCredential: {
        isolation: 'not-found',
        build: async (fresh) => ({ params: { id: await freshCredential(fresh) }, body: {} }),
        probe: credentialProbe,
      },
      revokeIntegrationCredential: {
        isolation: 'not-found',
        build: async (fresh) => ({ params: { id: await freshCredential(fresh) } }),
        probe: credentialProbe,
      },
      createWebhookEndpoint: { isolation: 'own-create', build: async () => ({ body: endpoint(receiverUrl) }), probe: endpointsOfA },
      listWebhookEndpoints: { isolation: 'list', build: async () => ({}) },
      getWebhookEndpoint: { isolation: 'not-found', build: async () => ({ params: { id: endpointOfA.id } }) },
      updateWebhookEndpoint: {
        isolation: 'not-found',
        build: async (fresh) => ({ params: { id: await freshEndpoint(fresh) }, body: { description: 'changed' } }),
        probe: endpointProbe,
      },
      deleteWebhookEndpoint: {
        isolation: 'not-found',
        build: async (fresh) => ({ params: { id: await freshEndpoint(fresh) } }),
        probe: endpointProbe,
      },
      rotateWebhookSecret: {
        isolation: 'not-found',
        build: async (fresh) => ({ params: { id: await freshEndpoint(fresh) }, body: {} }),
        probe: endpointProbe,
      },
      listWebhookDeliveries: { isolation: 'not-found', build: async () => ({ params: { id: endpointOfA.id } }) },
      retryWebhookMessage: {
        isolation: 'not-found',
        build: async () => ({ params: { id: endpointOfA.id, messageId: messageOfA.id } }),
        probe: async () => (await people.admin.get(`/v1/webhook-endpoints/${endpointOfA.id}/deliveries?limit=100`)).body.items.length,
      },
      replayWebhookMessages: {
        isolation: 'not-found',
        build: async () => ({ params: { id: endpointOfA.id }, body: { since: new Date(Date.now() - 3_600_000).toISOString() } }),
        probe: async () => (await people.admin.get(`/v1/webhook-endpoints/${endpointOfA.id}/deliveries?limit=100`)).body.items.length,
      },
      traceLot: { isolation: 'not-found', build: async () => ({ params: { id: 'LOT-OF-A' }, query: { direction: 'forward' } }) },
      traceSerial: { isolation: 'not-found', build: async () => ({ params: { id: 'SN-OF-A' }, query: { direction: 'backward' } }) },
      getSerial: { isolation: 'not-found', build: async () => ({ params: { id: 'SN-OF-A' } }) },
      getSerialRecord: { isolation: 'not-found', build: async () => ({ params: { id: 'SN-OF-A' } }) },
      shipLot: lotAction({ reference: 'DN-1' }),
      holdSerial: serialAction({ reason: 'suspect' }),
      releaseSerial: serialAction({ comment: 'checked' }, true),
      shipSerial: serialAction({ reference: 'DN-2' }),
      startRecall: {
        isolation: 'unknown-reference',
        build: async (fresh) => ({ body: { lotId: fresh ? await newLotOfA() : sharedLots.lot, reason: 'supplier recall' } }),
        probe: async (request) => (await people.admin.get(`/v1/lots/${(request.body as { lotId: string }).lotId}`)).body,
      },
      getRecall: { isolation: 'not-found', build: async () => ({ params: { id: recallOfA } }) },
      reportNonconformance: {
        isolation: 'unknown-reference',
        build: async (fresh) => ({
          body: { lotId: fresh ? await newLotOfA() : sharedLots.lot, quantity: 1, defectCode: 'DIM', description: 'burr on the flange' },
        }),
        probe: async (request) => [
          (await people.admin.get(`/v1/lots/${(request.body as { lotId: string }).lotId}`)).body,
          await partitionItems(`${tenantA}#QSEQ`),
        ],
      },
      listNonconformances: { isolation: 'list', build: async () => ({}) },
      getNonconformance: { isolation: 'not-found', build: async () => ({ params: { id: ncOfA } }) },
      dispositionNonconformance: {
        isolation: 'not-found',
        build: async (fresh) => ({ params: { id: fresh ? await newNcOfA() : ncOfA }, body: { disposition: 'scrap' } }),
        probe: ncProbe,
      },
      signLot: {
        isolation: 'not-found',
        build: async (fresh, caller) => {
          if (!fresh || !caller)
            return { params: { id: sharedLots.held }, body: { userId: 'u-admin-b', password: 'not-asked', meaning: 'approval' } };
          await withPassword(mes, tenantA, caller.userId as string, SIGNING_PASSWORD);
          return { params: { id: await heldLotOfA() }, body: { userId: caller.userId, password: SIGNING_PASSWORD, meaning: 'approval' } };
        },
        probe: lotProbe,
      },
      listLotSignatures: { isolation: 'not-found', build: async () => ({ params: { id: sharedLots.lot } }) },
      // Signatures (issue 16): B's admin signing A's nonconformance finds nothing, and its password is never asked for.
      signNonconformance: {
        isolation: 'not-found',
        build: async (fresh, caller) => {
          if (!fresh || !caller) return { params: { id: ncOfA }, body: { userId: 'u-admin-b', password: 'not-asked', meaning: 'approval' } };
          const id = await newNcOfA();
          await decider.ok('POST', `/v1/nonconformances/${id}/disposition`, { disposition: 'use-as-is' });
          await withPassword(mes, tenantA, caller.userId as string, SIGNING_PASSWORD);
          return { params: { id }, body: { userId: caller.userId, password: SIGNING_PASSWORD, meaning: 'approval' } };
        },
        probe: ncProbe,
      },
      listNonconformanceSignatures: { isolation: 'not-found', build: async () => ({ params: { id: ncOfA } }) },
      getSpcChart: { isolation: 'not-found', build: async () => ({ params: { id: SPC_CHARACTERISTIC }, query: spcWindow }) },
      freezeBaseline: {
        isolation: 'not-found',
        build: async () => ({ params: { id: SPC_CHARACTERISTIC }, body: { ...spcWindow, chart: 'i-mr', reason: 'process shown stable' } }),
        probe: async () =>
          (await people.admin.get(`/v1/characteristics/${encodeURIComponent(SPC_CHARACTERISTIC)}/spc?${new URLSearchParams(spcWindow)}`)).body
            .baselineVersion ?? null,
      },
      // The audit trail (issue 16): A's lot's trail is a 404 for B; B's verification reads B's chains only.
      listAudit: { isolation: 'not-found', build: async () => ({ query: { entity: 'lot', id: sharedLots.lot } }) },
      verifyAudit: { isolation: 'own-check', build: async () => ({ query: { from: new Date(Date.now() - 3_600_000).toISOString() } }) },
      listDocuments: { isolation: 'list', build: async () => ({}) },
      putDocument: { isolation: 'own-document', build: async () => ({ params: { id: docOfA }, body: documentInput }), probe: docProbe },
      getDocument: { isolation: 'not-found', build: async () => ({ params: { id: docOfA } }) },
      listDocumentVersions: { isolation: 'not-found', build: async () => ({ params: { id: docOfA } }) },
      listDocumentSignatures: { isolation: 'not-found', build: async () => ({ params: { id: docOfA } }) },
      submitDocumentVersion: {
        isolation: 'not-found',
        build: async (fresh) => {
          if (!fresh) return { params: { id: docOfA, version: 1 } };
          const put = await people.planner.ok('PUT', `/v1/documents/WI-A-${Math.random().toString(36).slice(2, 8)}`, documentInput);
          idsOfA.add(put.id);
          return { params: { id: put.id, version: put.document.version } };
        },
        probe: docProbe,
      },
      approveDocumentVersion: {
        isolation: 'not-found',
        build: async (fresh, caller) => {
          const doc = fresh ? await newDocInReview() : docInReview;
          return { params: { id: doc.id, version: doc.version }, body: approvalBy(caller?.userId ?? 'u-quality') };
        },
        probe: docProbe,
      },
      signDocument: {
        isolation: 'not-found',
        build: async (fresh, caller) => {
          const doc = fresh ? await newDocInReview() : docInReview;
          return { params: { id: doc.id }, body: { version: doc.version, ...approvalBy(caller?.userId ?? 'u-quality'), meaning: 'review' } };
        },
        probe: docProbe,
      },
      // Organizations (issue 17, i17-org): no plant role reaches them (403); their own tests: organizations.test.ts.
      putOrganization: { isolation: 'platform', build: async () => ({ params: { id: 'acme' }, body: { name: 'Acme', plants: [tenantA] } }) },
      getOrganization: { isolation: 'platform', build: async () => ({ params: { id: 'acme' } }) },
      getOwnOrganization: { isolation: 'platform', build: async () => ({}) },
      getOrganizationStatus: { isolation: 'platform', build: async () => ({}) },
      traceOrganizationLot: {
        isolation: 'platform',
        build: async () => ({ params: { plant: tenantA, id: sharedLots.lot }, query: { direction: 'backward' } }),
      },
      putTemplate: { isolation: 'platform', build: async () => ({ params: { kind: 'materials', id: 'RM-1' }, body: { name: 'Resin', uom: 'kg' } }) },
      getTemplate: { isolation: 'platform', build: async () => ({ params: { kind: 'materials', id: 'RM-1' } }) },
      publishTemplate: { isolation: 'platform', build: async () => ({ params: { kind: 'materials', id: 'RM-1' }, body: { plants: [tenantA] } }) },
      // B names A's unit: it is not one of B's units (422), and nothing is registered anywhere.
      registerDevice: {
        isolation: 'unknown-reference',
        build: async (fresh) => ({ body: { name: 'Press PLC', equipmentId: fresh ? await newUnitOfA() : PLANT.workUnit } }),
        probe: deviceProbe,
      },
      listDevices: { isolation: 'list', build: async () => ({}) },
      getDevice: { isolation: 'not-found', build: async () => ({ params: { id: deviceOfA } }) },
      revokeDevice: {
        isolation: 'not-found',
        build: async (fresh) => ({ params: { id: fresh ? await newDeviceOfA() : deviceOfA }, body: { reason: 'lost' } }),
        probe: deviceProbe,
      },
      raiseMaintenanceRequest: {
        isolation: 'unknown-reference',
        build: async () => ({ body: { equipmentId: PLANT.workUnit, problem: 'noisy bearing' } }),
        probe: async () => partitionItems(`${tenantA}#MSEQ`),
      },
      listMaintenanceRequests: { isolation: 'list', build: async () => ({}) },
      getMaintenanceRequest: { isolation: 'not-found', build: async () => ({ params: { id: mrOfA } }) },
      planMaintenanceRequest: mrAction({ start: '2030-01-02T06:00:00Z', end: '2030-01-02T08:00:00Z' }),
      assignMaintenanceRequest: mrAction({ assigneeId: 'p-tech-a' }),
      startMaintenanceRequest: mrAction({}),
      completeMaintenanceRequest: mrAction({ workDone: 'seal replaced', laborMinutes: 30 }, true),
      cancelMaintenanceRequest: mrAction({ reason: 'raised twice' }),
      listMaintenancePlans: { isolation: 'list', build: async () => ({}) },
      getMaintenancePlan: { isolation: 'not-found', build: async () => ({ params: { id: planOfA.id } }) },
      putMaintenancePlan: {
        isolation: 'unknown-reference',
        build: async () => ({
          params: { id: planOfA.id },
          body: { equipmentId: PLANT.workUnit, task: 'Grease the ram', trigger: { kind: 'counter', everyCycles: 1000 } },
        }),
        probe: async () => partitionItems(`${tenantA}#MPLAN#${planOfA.id}`),
      },
    } satisfies Record<RouteId, Case>;
  });
  after(async () => {
    await mes?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const send = (api: Api, route: Route, request: Request) =>
    api.request(route.method, fill(route, request), request.body === undefined ? {} : { body: request.body });

  it('has a valid request for every route in the route table', () => {
    assert.deepEqual(Object.keys(cases).sort(), routeList.map((r) => r.id).sort());
  });

  describe('(a) without a token', () => {
    for (const route of routeList) {
      const signed = route.id === 'receiveErpEvent';
      it(`${route.method} ${route.path} answers ${route.roles || signed ? '401 and writes nothing' : '200: it is public'}`, async () => {
        const request = await cases[route.id].build(false);
        const probe = cases[route.id].probe;
        const beforeAct = await probe?.(request);

        const reply = await send(people.anonymous, route, request);

        if (!route.roles && !signed) {
          assert.equal(reply.status, 200, reply.text);
          return;
        }
        assertProblem(reply, 401, { type: PROBLEM.unauthorized });
        assert.deepEqual(await probe?.(request), beforeAct);
      });
    }
  });

  describe('(b) with a token of another tenant', () => {
    // B's PUTs create B's own records under A's ids: read everything before any of them.
    const readsFirst = [...routeList].sort((x, y) => Number(x.method === 'PUT') - Number(y.method === 'PUT'));
    for (const route of readsFirst) {
      it(`${route.method} ${route.path} never reaches tenant A’s data`, async () => {
        const { isolation: expected, build, probe } = cases[route.id];
        const request = await build(false);
        const beforeAct = await probe?.(request);

        const reply = await send(adminB, route, request);

        if (expected === 'not-found' || expected === 'list' || expected === 'own-check') {
          for (const id of idsOfA) assert.ok(!reply.text.includes(`"${id}"`), `${route.id} showed A’s ${id} to B: ${reply.text}`);
        }
        switch (expected) {
          case 'public':
            assert.equal(reply.status, 200, reply.text);
            break;
          case 'not-found':
            assertProblem(reply, 404, { type: PROBLEM.notFound });
            break;
          case 'list':
            assert.equal(reply.status, 200, reply.text);
            for (const item of reply.body.items as { id?: string; workOrderId?: string; equipmentId?: string; userId?: string }[]) {
              const id = item.id ?? item.workOrderId ?? item.equipmentId ?? item.userId ?? '';
              assert.ok(!idsOfA.has(id), `${route.id} listed A’s ${JSON.stringify(item)}`);
            }
            if (route.id === 'listMaterials')
              assert.deepEqual(
                reply.body.items.map((m: { id: string }) => m.id),
                ['B-ONLY'],
              );
            break;
          case 'own-default':
            assert.equal(reply.status, 200, reply.text);
            assert.ok(!reply.text.includes('A-ONLY'), `${route.id} showed A’s reasons to B: ${reply.text}`);
            assert.ok(reply.text.includes('"isDefault":true'), reply.text);
            break;
          case 'own-record':
            assert.equal(reply.status, 200, reply.text);
            assert.equal(reply.body.version, 1, 'a new record of B, not a new version of A’s');
            assert.equal(reply.body.updatedBy, 'u-admin-b');
            break;
          case 'unknown-reference':
            assertProblem(reply, 422, {
              type: PROBLEM.unknownReference,
              pointers:
                route.id === 'receiveLot'
                  ? ['/body/materialId']
                  : route.id === 'registerDevice' || route.id === 'raiseMaintenanceRequest' || route.id === 'putMaintenancePlan'
                    ? ['/body/equipmentId']
                    : route.id === 'startRecall' || route.id === 'reportNonconformance'
                      ? ['/body/lotId']
                      : // B has a material of that id by then (putMaterial's own record), not the routing.
                        route.id === 'putInspectionPlan'
                        ? ['/body/routingId']
                        : ['/body/materialId', '/body/routingId'],
            });
            break;
          case 'own-create':
            assert.equal(reply.status, 201, reply.text);
            assert.ok(!idsOfA.has(reply.body.id), 'a new record of B');
            if (route.id === 'createIntegrationCredential') assert.ok(reply.body.id.startsWith(`${tenantB}.`), reply.body.id);
            break;
          case 'own-document':
            assert.equal(reply.status, 200, reply.text);
            assert.equal(reply.body.latestVersion, 1, 'a new document of B, not a new version of A’s');
            break;
          case 'own-session':
            assert.equal(reply.status, 204, reply.text);
            break;
          case 'platform':
            assertProblem(reply, 403, { type: PROBLEM.forbidden });
            break;
          case 'own-check':
            assert.equal(reply.status, 200, reply.text);
            assert.ok(!reply.text.includes(tenantA), `${route.id} named tenant A to B: ${reply.text}`);
            break;
          case 'own-labor':
            assert.ok(reply.status === 200 || reply.status === 409, `${route.id}: ${reply.text}`);
            for (const id of idsOfA) assert.ok(!reply.text.includes(`"${id}"`), `${route.id} showed A’s ${id} to B: ${reply.text}`);
            break;
          case 'signed':
            // The bearer token counts for nothing here: only a signature with A's secret would.
            assertProblem(reply, 401, { type: PROBLEM.unauthorized });
            break;
        }
        assert.deepEqual(await probe?.(request), beforeAct, 'tenant A’s data is unchanged');
      });
    }
  });

  describe('(c) with each role', () => {
    const byRole = new Map<Role, Api>();
    before(async () => {
      for (const role of ROLES) byRole.set(role, await as(mes, tenantA, `u-${role}`, [role]));
    });

    for (const route of routeList) {
      const allowed = route.roles;
      if (!allowed) continue;
      it(`${route.method} ${route.path} lets ${allowed.join(', ')} through and answers 403 to the rest`, async () => {
        const { build, probe } = cases[route.id];
        for (const role of ROLES) {
          const api = byRole.get(role) as Api;
          const permitted: boolean = (allowed as readonly Role[]).includes(role);
          const request = await build(permitted, api);
          const beforeAct: unknown = permitted ? undefined : await probe?.(request);

          const reply = await send(api, route, request);

          if (permitted) {
            assert.equal(reply.status, cases[route.id].permittedStatus ?? route.successStatus, `${role} on ${route.id}: ${reply.text}`);
          } else {
            assertProblem(reply, 403, { type: PROBLEM.forbidden });
            assert.deepEqual(await probe?.(request), beforeAct, `${role} on ${route.id} wrote something`);
          }
        }
      });
    }

    // A quality hold is lifted only by quality (or admin), with a reason; a production hold only by a supervisor (or admin).
    it('lets quality lift its own hold, with a reason, but not a supervisor’s', async () => {
      const byQuality = await orderAt(people, 'RELEASED');
      const held = (await people.quality.ok('POST', `/v1/work-orders/${byQuality.id}/hold`, { reasonCode: 'QUALITY-SUSPECT' })) as {
        version: number;
      };
      const noReason = await people.quality.post(`/v1/work-orders/${byQuality.id}/resume`, {});
      assertProblem(noReason, 400, { type: PROBLEM.invalidInput, pointers: ['/body/comment'] });
      assert.equal(((await people.admin.get(`/v1/work-orders/${byQuality.id}`)).body as { version: number }).version, held.version);
      const own = await people.quality.post(`/v1/work-orders/${byQuality.id}/resume`, { comment: 'Seal lot re-inspected, all within limits' });
      assert.equal(own.status, 200, own.text);
      const history = (await people.admin.get(`/v1/work-orders/${byQuality.id}/history`)).body as { items: { action: string; comment?: string }[] };
      assert.equal(history.items.find((e) => e.action === 'workOrder.resume')?.comment, 'Seal lot re-inspected, all within limits');

      const bySupervisor = await orderAt(people, 'ON_HOLD');
      const before = (await people.admin.get(`/v1/work-orders/${bySupervisor.id}`)).body;
      const theirs = await people.quality.post(`/v1/work-orders/${bySupervisor.id}/resume`, {});
      assert.ok(theirs.status === 403 || theirs.status === 409, `quality lifted a supervisor’s hold: ${theirs.status}`);
      assert.deepEqual((await people.admin.get(`/v1/work-orders/${bySupervisor.id}`)).body, before);
    });

    it('lets a person with several roles do what any of them may', async () => {
      const order = await orderAt(people, 'PLANNED');
      const both = await as(mes, tenantA, 'u-both', ['quality', 'supervisor']);
      const reply = await both.post(`/v1/work-orders/${order.id}/release`, {});
      assert.equal(reply.status, 200, reply.text);
    });
  });

  describe('tokens that must never pass', () => {
    const route = '/v1/work-orders';
    const call = (authorization: string) => new Api(mes.baseUrl).request('GET', route, { headers: { authorization } });
    const realToken = () => tokenFor(mes, tenantA, 'u-admin', ['admin']);

    /** A token with the real token's header and claims, signed by a key the MES never trusted. */
    async function foreignSigned(overrides: { kid?: string } = {}) {
      const real = await realToken();
      const header = decodeProtectedHeader(real);
      const { privateKey } = await generateKeyPair('RS256');
      return new SignJWT(decodeJwt(real))
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: overrides.kid ?? (header.kid as string) })
        .sign(privateKey);
    }

    it('answers 401 to a missing, garbage or non-Bearer authorization', async () => {
      for (const authorization of ['', 'Bearer', 'Bearer garbage', 'Bearer a.b.c', `Basic ${Buffer.from('u:p').toString('base64')}`]) {
        assertProblem(await call(authorization), 401, { type: PROBLEM.unauthorized });
      }
    });

    it('answers 401 to a token signed with another key, under the real key id or another', async () => {
      assertProblem(await call(`Bearer ${await foreignSigned()}`), 401, { type: PROBLEM.unauthorized });
      assertProblem(await call(`Bearer ${await foreignSigned({ kid: 'someone-elses-key' })}`), 401, { type: PROBLEM.unauthorized });
    });

    it('answers 401 to an unsigned token and to a real token whose claims were changed', async () => {
      const real = await realToken();
      const [header, , signature] = real.split('.');
      const claims = { ...decodeJwt(real), 'custom:tenantId': tenantB };
      const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

      assertProblem(await call(`Bearer ${tampered}`), 401, { type: PROBLEM.unauthorized });
      assertProblem(await call(`Bearer ${unsigned}`), 401, { type: PROBLEM.unauthorized });
    });

    it('answers 401 to a real token once it has expired', async (t) => {
      // Prepare: a real token that works now.
      const token = await realToken();
      assert.equal((await call(`Bearer ${token}`)).status, 200);
      const { exp } = decodeJwt(token);
      assert.ok(exp);

      // Act: the same token a minute after it expires (the handlers run in this process).
      t.mock.timers.enable({ apis: ['Date'], now: (exp + 60) * 1000 });
      let reply: Awaited<ReturnType<typeof call>>;
      try {
        reply = await call(`Bearer ${token}`);
      } finally {
        t.mock.timers.reset();
      }

      // Assess
      const problem = assertProblem(reply, 401, { type: PROBLEM.unauthorized });
      assert.match(String(problem.detail), /exp/);
    });
  });
});

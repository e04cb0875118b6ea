/**
 * Multi-site organizations (issue 17; docs/organizations.md) over HTTP on DynamoDB Local: an
 * organization of two plants, each with its own lines, units and telemetry made through the
 * API; a third plant outside it.
 * - the rollup's line figures are each plant's own OEE route, its plant and organization figures
 *   their sums, and its state counts each plant's live view;
 * - a plant outside the organization is nowhere; membership comes from the record, not the request;
 * - an org-viewer cannot write (403) and no organization role passes a plant route;
 * - publishing a template gives each chosen plant a new version with its own chained audit record
 *   naming the template and version; a plant's own change is refused unless forced;
 * - the trace crosses plants: a lot received at one plant from another member plant's lot.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import { type Api, type Mes, PROBLEM, type Staff, as, assertProblem, newTenant, partitionItems, staff, startMes } from '../e2e/support/mes.ts';
import { ALWAYS_PLANNED, ingestAll, unit } from '../e2e/support/telemetry.ts';

/** A plant in the platform's registry (i17-onboard's key shape: `platform#PLANT`, sk = tenant id). */
const register = (tenantId: string, name: string) =>
  ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: { pk: 'platform#PLANT', sk: tenantId, entity: 'Plant', tenantId, name, timeZone: 'UTC', status: 'active', version: 1 },
    }),
  );

interface PlantSetup {
  tenant: string;
  name: string;
  people: Staff;
}

/** Two lines of two presses each, every time planned, with states and counts over the last minute. */
async function demoPlant(mes: Mes, name: string, now: number, goodPerUnit: number): Promise<PlantSetup> {
  const tenant = newTenant();
  await register(tenant, name);
  const people = await staff(mes, tenant);
  const put = (path: string, body: unknown) => people.planner.ok('PUT', path, body);
  await people.admin.ok('PUT', '/v1/shift-calendar', ALWAYS_PLANNED);
  const envelopes = [];
  for (const line of ['l1', 'l2']) {
    await put(`/v1/equipment/${line}`, { name: `Line ${line.slice(1)}`, level: 'workCenter', workCenterType: 'productionLine' });
    for (const n of [1, 2]) {
      const id = `${line}-p${n}`;
      await put(`/v1/equipment/${id}`, { name: `Press ${line.slice(1)}.${n}`, level: 'workUnit', parentId: line, idealCycleTimeSeconds: 2 });
      const u = unit(tenant, id, () => now);
      envelopes.push(u.state(now - 60_000, 'running'), u.counts(now - 59_000, 0, 0), u.counts(now - 20_000, goodPerUnit, 1));
      if (n === 2) envelopes.push(u.state(now - 10_000, 'down'));
    }
  }
  await ingestAll(envelopes);
  return { tenant, name, people };
}

describe('multi-site organizations', () => {
  let mes: Mes;
  let a: PlantSetup;
  let b: PlantSetup;
  let outside: PlantSetup;
  let operator: Api;
  let viewer: Api;
  let orgAdmin: Api;
  const orgId = newTenant();
  const orgTenant = `org-${orgId}`;
  const now = Date.now();
  const range = { from: new Date(now - 120_000).toISOString(), to: new Date(now).toISOString() };

  before(async () => {
    mes = await startMes();
    [a, b, outside] = await Promise.all([demoPlant(mes, 'Eindhoven', now, 10), demoPlant(mes, 'Porto', now, 7), demoPlant(mes, 'Elsewhere', now, 3)]);
    operator = await as(mes, 'platform', 'op-1', ['platform-operator']);
    viewer = await as(mes, orgTenant, 'v-1', ['org-viewer']);
    orgAdmin = await as(mes, orgTenant, 'oa-1', ['org-admin']);
    const org = await operator.put(`/v1/organizations/${orgId}`, { name: 'Acme Pumps', plants: [a.tenant, b.tenant] });
    assert.equal(org.status, 200, org.text);
  });
  after(async () => {
    await mes?.stop();
  });

  it('lets a platform operator define it, only with plants of the registry, audited', async () => {
    const unknown = await operator.put(`/v1/organizations/${orgId}`, { name: 'Acme Pumps', plants: [a.tenant, 'no-such-plant'] });
    assertProblem(unknown, 422, { pointers: ['/body/plants/1'] });
    const got = await operator.get(`/v1/organizations/${orgId}`);
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body.plants, [
      { tenantId: a.tenant, name: 'Eindhoven' },
      { tenantId: b.tenant, name: 'Porto' },
    ]);
    const items = await partitionItems(`${orgTenant}#ORG`);
    assert.ok(items.some((i) => i.entity === 'Audit' && i.action === 'organization.create'));
    // A plant's admin is no platform operator.
    assertProblem(await a.people.admin.get(`/v1/organizations/${orgId}`), 403, { type: PROBLEM.forbidden });
  });

  it('shows its users their plants with names, and no plant outside it', async () => {
    const own = await viewer.get('/v1/organization');
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(
      own.body.plants.map((p: { tenantId: string }) => p.tenantId),
      [a.tenant, b.tenant],
    );
    assert.ok(!own.text.includes(outside.tenant));
  });

  it('rolls status and OEE up by plant and line: each line is its plant’s own OEE route, plants and the organization their sums', async () => {
    const query = new URLSearchParams(range);
    const reply = await viewer.get(`/v1/organization/status?${query}`);
    assert.equal(reply.status, 200, reply.text);
    const status = reply.body;
    assert.deepEqual(
      status.plants.map((p: { tenantId: string }) => p.tenantId),
      [a.tenant, b.tenant],
    );
    assert.ok(!reply.text.includes(outside.tenant), 'a plant outside the organization is not visible');
    let good = 0;
    let planned = 0;
    for (const [plant, setup] of [
      [status.plants[0], a],
      [status.plants[1], b],
    ] as const) {
      assert.equal(plant.units, 4);
      assert.deepEqual(plant.states, { running: 2, down: 2 });
      const own = (await setup.people.operator.get('/v1/plant/status')).body;
      assert.equal(plant.units, own.items.length);
      let plantGood = 0;
      for (const line of plant.lines) {
        const lineOee = await setup.people.operator.get(`/v1/work-centers/${line.id}/oee?${query}`);
        assert.equal(lineOee.status, 200, lineOee.text);
        for (const k of [
          'plannedTimeSeconds',
          'runTimeSeconds',
          'totalCount',
          'goodCount',
          'rejectCount',
          'availability',
          'performance',
          'quality',
          'oee',
        ])
          assert.equal(line.oee[k], lineOee.body[k], `${setup.name} ${line.id} ${k}`);
        plantGood += lineOee.body.goodCount;
      }
      assert.equal(plant.oee.goodCount, plantGood);
      good += plant.oee.goodCount;
      planned += plant.oee.plannedTimeSeconds;
    }
    assert.equal(status.plants[0].oee.goodCount, 40);
    assert.equal(status.plants[1].oee.goodCount, 28);
    assert.equal(status.oee.goodCount, good);
    assert.equal(status.oee.plannedTimeSeconds, planned);
    assert.equal(status.units, 8);
    assert.deepEqual(status.states, { running: 4, down: 4 });
  });

  it('lets an org-viewer read only: no writes (403), and no plant route admits an organization role', async () => {
    assertProblem(await viewer.put('/v1/organization/templates/materials/RM-1', { name: 'Resin', uom: 'kg' }), 403, { type: PROBLEM.forbidden });
    assertProblem(await viewer.post('/v1/organization/templates/materials/RM-1/publish', { plants: [a.tenant] }), 403, { type: PROBLEM.forbidden });
    assertProblem(await viewer.put(`/v1/organizations/${orgId}`, { name: 'Mine', plants: [a.tenant] }), 403, { type: PROBLEM.forbidden });
    for (const path of ['/v1/plant/status', '/v1/materials', '/v1/lots']) assertProblem(await orgAdmin.get(path), 403, { type: PROBLEM.forbidden });
    // Organization roles in a plant's token count for nothing; plant roles in an organization's token neither.
    const smuggled = await as(mes, a.tenant, 'x-1', ['org-admin']);
    assertProblem(await smuggled.get('/v1/organization'), 403, { type: PROBLEM.forbidden });
    const planner = await as(mes, orgTenant, 'x-2', ['planner']);
    assertProblem(await planner.get('/v1/materials'), 403, { type: PROBLEM.forbidden });
  });

  it('publishes a template to chosen plants: a new version in each, with its own audit record naming the template and version', async () => {
    const material = { name: 'Pump housing', uom: 'ea', materialType: 'intermediate', tracking: 'lot' };
    const put = await orgAdmin.put('/v1/organization/templates/materials/SA-HOUSING', material);
    assert.equal(put.status, 200, put.text);
    assert.equal(put.body.version, 1);
    const bad = await orgAdmin.put('/v1/organization/templates/materials/SA-X', { uom: 'ea' });
    assertProblem(bad, 400, { pointers: ['/body/name'] });
    assertProblem(await orgAdmin.post('/v1/organization/templates/materials/SA-HOUSING/publish', { plants: [outside.tenant] }), 422, {
      pointers: ['/body/plants/0'],
    });

    const published = await orgAdmin.post('/v1/organization/templates/materials/SA-HOUSING/publish', { plants: [a.tenant, b.tenant] });
    assert.equal(published.status, 200, published.text);
    assert.deepEqual(
      published.body.plants.map((p: { outcome: string; version: number }) => [p.outcome, p.version]),
      [
        ['published', 1],
        ['published', 1],
      ],
    );
    for (const setup of [a, b]) {
      const got = await setup.people.operator.get('/v1/materials/SA-HOUSING');
      assert.equal(got.status, 200, got.text);
      assert.equal(got.body.name, 'Pump housing');
      const audit = await partitionItems(keys.masterDataAudit(setup.tenant, 'material', 'SA-HOUSING', 1).pk);
      assert.equal(audit.length, 1);
      const change = ((audit[0]?.changes ?? []) as { field: string; to?: unknown }[]).find((c) => c.field === 'publishedFrom');
      assert.deepEqual(change?.to, { organizationId: orgId, templateId: 'SA-HOUSING', templateVersion: 1 });
      assert.equal(audit[0]?.by, 'oa-1');
      assert.ok(audit[0]?.hash, 'chained');
    }
    // The plant outside got nothing.
    assert.equal((await outside.people.operator.get('/v1/materials/SA-HOUSING')).status, 404);
    // Again: unchanged.
    const again = await orgAdmin.post('/v1/organization/templates/materials/SA-HOUSING/publish', { plants: [a.tenant] });
    assert.equal(again.body.plants[0].outcome, 'unchanged');

    // Plant B changes its own record; version 2 of the template is refused there unless forced, and nothing is written anywhere.
    await b.people.planner.ok('PUT', '/v1/materials/SA-HOUSING', { ...material, name: 'Housing (Porto)' });
    await orgAdmin.ok('PUT', '/v1/organization/templates/materials/SA-HOUSING', { ...material, shelfLifeDays: 365 });
    const refused = await orgAdmin.post('/v1/organization/templates/materials/SA-HOUSING/publish', { plants: [a.tenant, b.tenant] });
    assertProblem(refused, 409, { type: 'urn:mes:problem:local-changes' });
    assert.equal((await a.people.operator.get('/v1/materials/SA-HOUSING')).body.version, 1, 'nothing written in A');
    const forced = await orgAdmin.post('/v1/organization/templates/materials/SA-HOUSING/publish', { plants: [a.tenant, b.tenant], force: true });
    assert.equal(forced.status, 200, forced.text);
    assert.deepEqual(
      forced.body.plants.map((p: { version: number }) => p.version),
      [2, 3],
    );
    assert.equal((await b.people.operator.get('/v1/materials/SA-HOUSING')).body.name, 'Pump housing');
  });

  it('traces across plants: a lot received at one plant from a member plant’s lot, backward and forward', async () => {
    // Needs SA-HOUSING in both plants (the template test publishes it).
    await a.people.supervisor.ok('POST', '/v1/lots', { id: 'A-LOT-1', materialId: 'SA-HOUSING', quantity: 50 });
    await a.people.supervisor.ok('POST', '/v1/lots/A-LOT-1/ship', { reference: 'DN-1' });
    await b.people.supervisor.ok('POST', '/v1/lots', {
      id: 'B-LOT-7',
      materialId: 'SA-HOUSING',
      quantity: 50,
      supplierId: a.tenant,
      supplierLot: 'A-LOT-1',
    });
    await b.people.supervisor.ok('POST', '/v1/lots/B-LOT-7/split', { parts: [{ id: 'B-LOT-7A', quantity: 5 }] });

    const backward = await viewer.get(`/v1/organization/trace/lots/${b.tenant}/B-LOT-7A?direction=backward`);
    assert.equal(backward.status, 200, backward.text);
    const nodes = backward.body.nodes.map((n: { plant: string; id: string; level: number }) => [n.plant, n.id, n.level]);
    assert.deepEqual(nodes, [
      [b.tenant, 'B-LOT-7A', 0],
      [b.tenant, 'B-LOT-7', 1],
      [a.tenant, 'A-LOT-1', 2],
    ]);
    const ship = backward.body.edges.find((e: { via: string }) => e.via === 'shipment');
    assert.deepEqual(
      [ship.from, ship.to, ship.quantity],
      [{ plant: a.tenant, kind: 'lot', id: 'A-LOT-1' }, { plant: b.tenant, kind: 'lot', id: 'B-LOT-7' }, 50],
    );

    const forward = await viewer.get(`/v1/organization/trace/lots/${a.tenant}/A-LOT-1?direction=forward`);
    assert.equal(forward.status, 200, forward.text);
    assert.deepEqual(forward.body.nodes.map((n: { plant: string; id: string }) => `${n.plant === a.tenant ? 'A' : 'B'}:${n.id}`).sort(), [
      'A:A-LOT-1',
      'B:B-LOT-7',
      'B:B-LOT-7A',
    ]);

    // A plant outside the organization (even naming a lot that exists there) is a 404.
    assertProblem(await viewer.get(`/v1/organization/trace/lots/${outside.tenant}/A-LOT-1?direction=backward`), 404, { type: PROBLEM.notFound });
  });
});

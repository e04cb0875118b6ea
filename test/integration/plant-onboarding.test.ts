/**
 * Onboarding a plant (issue 17; docs/onboarding.md): a platform operator creates a plant in one
 * request (registry record, settings, first admin, provisioners), the same request again
 * finishes one that stopped half-way, reserved ids are refused, plant users are no platform
 * operators (and platform operators no plant users), the first admin signs in locally with the
 * temporary password and its roles, and the registry's audit trail reads through GET /v1/audit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keys } from '#shared/db/keys.ts';
import { type PlantProvisioner, plantProvisioners, registerPlantProvisioner } from '#shared/domain/plants/provisioners.ts';
import { PLATFORM_TENANT } from '#shared/domain/roles.ts';
import { type Api, type Mes, PROBLEM, as, assertProblem, newTenant, partitionItems, startMes } from '../e2e/support/mes.ts';
import { signIn } from '../e2e/support/identity.ts';

const plantOf = (tenantId: string) => ({
  tenantId,
  name: 'Pump plant Eindhoven',
  timeZone: 'Europe/Amsterdam',
  firstAdmin: { userId: 'anna', name: 'Anna de Vries', email: 'anna@example.com' },
});

describe('onboarding a plant', () => {
  let mes: Mes;
  let operator: Api;
  const provisioned: string[] = [];
  let failNext = false;
  const provisioner: PlantProvisioner = {
    name: 'test-recorder',
    async provision(plant) {
      if (failNext) {
        failNext = false;
        throw new Error('the provisioner failed this once');
      }
      provisioned.push(plant.tenantId);
    },
  };

  before(async () => {
    mes = await startMes();
    registerPlantProvisioner(provisioner);
    operator = await as(mes, PLATFORM_TENANT, 'op-1', ['platform-operator']);
  });
  after(async () => {
    plantProvisioners.splice(plantProvisioners.indexOf(provisioner), 1);
    await mes?.stop();
  });

  it('creates the plant in one go: registry, settings, first admin, provisioners; the first admin signs in with its roles', async () => {
    const tenantId = newTenant();
    const reply = await operator.post('/v1/plants', plantOf(tenantId));
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.headers.get('location'), `/v1/plants/${tenantId}`);
    assert.equal(reply.body.plant.status, 'active');
    assert.equal(reply.body.plant.createdBy, 'op-1');
    assert.equal(reply.body.plant.timeZone, 'Europe/Amsterdam');
    assert.equal(reply.body.firstAdmin.userId, 'anna');
    // Locally no mail is sent: the temporary password comes back this once.
    const password = reply.body.firstAdmin.temporaryPassword as string;
    assert.ok(password, 'a temporary password for the local first admin');
    assert.ok(provisioned.includes(tenantId), 'the provisioner ran for it');

    const got = await operator.get(`/v1/plants/${tenantId}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body.name, 'Pump plant Eindhoven');
    assert.equal('firstAdmin' in got.body, false);
    const listed = await operator.get('/v1/plants?limit=100');
    assert.equal(listed.status, 200, listed.text);

    // The first admin, signed in with the temporary password, is the plant's admin.
    const anna = await signIn(mes, tenantId, 'anna', password);
    assert.equal(anna.status, 200);
    assert.equal(anna.claims?.['custom:tenantId'], tenantId);
    assert.deepEqual(anna.claims?.['cognito:groups'], ['admin']);
    assert.equal(anna.claims?.name, 'Anna de Vries');
    const settings = await anna.api.get('/v1/tenant-settings');
    assert.equal(settings.status, 200, settings.text);
    assert.equal(settings.body.plantName, 'Pump plant Eindhoven');
    assert.equal(settings.body.timeZone, 'Europe/Amsterdam');
    const users = await anna.api.get('/v1/users');
    assert.equal(users.status, 200, users.text);
    assert.deepEqual(
      users.body.items.map((u: { userId: string; roles: string[]; invitedBy: string }) => [u.userId, u.roles, u.invitedBy]),
      [['anna', ['admin'], 'op-1']],
    );

    // Sent again, the same request changes nothing and answers the plant (200), no password.
    const again = await operator.post('/v1/plants', plantOf(tenantId));
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.plant.version, reply.body.plant.version);
    assert.equal(again.body.firstAdmin.temporaryPassword, undefined);
  });

  it('finishes a creation that stopped half-way when the same request is sent again', async () => {
    const tenantId = newTenant();
    failNext = true;
    const failed = await operator.post('/v1/plants', plantOf(tenantId));
    assert.equal(failed.status, 500, failed.text);
    const half = await operator.get(`/v1/plants/${tenantId}`);
    assert.equal(half.body.status, 'provisioning');

    const retried = await operator.post('/v1/plants', plantOf(tenantId));
    assert.equal(retried.status, 201, retried.text);
    assert.equal(retried.body.plant.status, 'active');
    assert.ok(provisioned.includes(tenantId));
    // The first admin was invited by the first attempt: one user, one invitation in its trail.
    assert.equal((await partitionItems(keys.userPartition(tenantId))).length, 1);
    assert.equal((await partitionItems(`${tenantId}#USER#anna`)).length, 1);

    const other = await operator.post('/v1/plants', { ...plantOf(tenantId), name: 'Another name' });
    assertProblem(other, 409, { type: PROBLEM.alreadyExists });
  });

  it('refuses the reserved ids, naming why, and writes nothing', async () => {
    for (const tenantId of ['platform', 'org-acme']) {
      const reply = await operator.post('/v1/plants', plantOf(tenantId));
      assertProblem(reply, 400, { type: PROBLEM.invalidInput, pointers: ['/body/tenantId'] });
      assert.match(reply.text, /reserved/);
      assert.equal((await operator.get(`/v1/plants/${tenantId}`)).status, 404);
    }
    const badZone = await operator.post('/v1/plants', { ...plantOf(newTenant()), timeZone: 'Europe/Atlantis' });
    assertProblem(badZone, 400, { pointers: ['/body/timeZone'] });
  });

  it('lets only platform operators in the platform tenant manage plants', async () => {
    const tenantId = newTenant();
    const plantAdmin = await as(mes, tenantId, 'u-admin', ['admin']);
    assertProblem(await plantAdmin.post('/v1/plants', plantOf(newTenant())), 403, { type: PROBLEM.forbidden });
    assertProblem(await plantAdmin.get('/v1/plants'), 403, { type: PROBLEM.forbidden });
    // A platform role in a plant's token counts for nothing...
    const posing = await as(mes, tenantId, 'u-posing', ['platform-operator']);
    assertProblem(await posing.get('/v1/plants'), 403, { type: PROBLEM.forbidden });
    // ...and a plant role in the platform's token neither: operators are no plant users.
    const platformAdmin = await as(mes, PLATFORM_TENANT, 'op-2', ['platform-operator', 'admin']);
    assertProblem(await platformAdmin.get('/v1/users'), 403, { type: PROBLEM.forbidden });
    assertProblem(await platformAdmin.get('/v1/work-orders'), 403, { type: PROBLEM.forbidden });
  });

  it('keeps the registry’s chained audit trail, read through GET /v1/audit', async () => {
    const tenantId = newTenant();
    assert.equal((await operator.post('/v1/plants', plantOf(tenantId))).status, 201);
    const trail = await operator.get(`/v1/audit?entity=plant&id=${tenantId}`);
    assert.equal(trail.status, 200, trail.text);
    assert.deepEqual(
      trail.body.items.map((r: { action: string; by: string; chain: string }) => [r.action, r.by, r.chain]),
      [
        ['plant.created', 'op-1', `PLANT#${tenantId}`],
        ['plant.provisioned', 'op-1', `PLANT#${tenantId}`],
      ],
    );
    // The plant's own trail names the operator who wrote its settings and invited its first admin.
    const anna = await as(mes, tenantId, 'anna', ['admin']);
    const invited = await anna.get('/v1/audit?entity=user&id=anna');
    assert.equal(invited.status, 200, invited.text);
    assert.deepEqual(
      invited.body.items.map((r: { action: string; by: string }) => [r.action, r.by]),
      [['user.invited', 'op-1']],
    );
  });

  it("sets a plant's request limits (fair use): the plant is held to them at once; an unknown plant is a 404", async () => {
    const tenantId = newTenant();
    assert.equal((await operator.post('/v1/plants', plantOf(tenantId))).status, 201);
    const before = await operator.get(`/v1/plants/${tenantId}/rate-limits`);
    assert.equal(before.status, 200, before.text);
    assert.equal(before.body.source, 'default');

    const set = await operator.put(`/v1/plants/${tenantId}/rate-limits`, { requestsPerSecond: 0.1, burst: 2 });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body, {
      tenantId,
      limits: { requestsPerSecond: 0.1, burst: 2 },
      source: 'plant',
      setBy: 'platform:op-1',
      setAt: set.body.setAt,
    });
    const anna = await as(mes, tenantId, 'anna', ['admin']);
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await anna.get('/v1/equipment'));
    assert.deepEqual(
      replies.map((r) => r.status),
      [200, 200, 429, 429],
    );
    assert.deepEqual(replies[3]?.body.limits, { requestsPerSecond: 0.1, burst: 2 });

    assertProblem(await operator.put(`/v1/plants/${tenantId}/rate-limits`, { requestsPerSecond: 0, burst: 2 }), 400, {
      pointers: ['/body/requestsPerSecond'],
    });
    assertProblem(await operator.put(`/v1/plants/${tenantId}/rate-limits`, { requestsPerSecond: 1, burst: 2, extra: 1 }), 400);
    assertProblem(await operator.get(`/v1/plants/${newTenant()}/rate-limits`), 404, { type: PROBLEM.notFound });
    assertProblem(await operator.put(`/v1/plants/${newTenant()}/rate-limits`, { requestsPerSecond: 1, burst: 2 }), 404, {
      type: PROBLEM.notFound,
    });
  });
});

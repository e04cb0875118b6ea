/**
 * POST /local/device-credentials, the local stand-in for registering a thing and its
 * certificate: an admin gets a unit's MQTT credentials for their own tenant only (the tenant
 * comes from the token), everyone else a problem+json; the password stays the same for the
 * same unit, also across a restart with a data dir, and differs between tenants.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOCAL_ONLY_PATHS } from '#shared/api/routes.ts';
import type { Role } from '#shared/domain/roles.ts';
import { type DeviceCredentials, gatewayDevice } from '#shared/telemetry/device-identity.ts';
import { attempt } from '../helpers/mqtt.ts';
import { credentialsFrom } from '../../simulator/device-credentials.ts';
import { newTenantId, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

async function ask(mes: TestRuntime, body: unknown, authorization?: string) {
  const res = await fetch(`${mes.baseUrl}${LOCAL_ONLY_PATHS.deviceCredentials}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    cache: res.headers.get('cache-control'),
    body: (await res.json()) as Record<string, any>,
  };
}
const bearer = async (mes: TestRuntime, tenantId: string, roles: readonly Role[]) => `Bearer ${await mes.token(tenantId, 'u-1', roles)}`;

describe('device credentials from the local runtime', () => {
  let mes: TestRuntime;
  before(async () => {
    mes = await startTestRuntime({ mqttPort: 0 });
  });
  after(() => mes.stop());

  it("gives an admin a unit's client id, username and password, the same every time", async () => {
    // Prepare
    const tenant = newTenantId();
    const admin = await bearer(mes, tenant, ['admin']);
    // Act
    const first = await ask(mes, { equipmentId: 'wu-press-1' }, admin);
    const again = await ask(mes, { equipmentId: 'wu-press-1' }, admin);
    // Assess
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.cache, 'no-store');
    assert.equal(first.body.clientId, `${tenant}:wu-press-1`);
    assert.equal(first.body.username, tenant);
    assert.match(first.body.password, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(again.body, first.body);
    assert.deepEqual(mes.deviceCredentials(tenant, 'wu-press-1'), first.body);
  });

  it("gives an admin a gateway's credentials, client id {tenant}:{gatewayId}, with which it connects", async () => {
    // Prepare
    const tenant = newTenantId();
    const admin = await bearer(mes, tenant, ['admin']);
    // Act
    const reply = await ask(mes, { gatewayId: 'gw-hall-1' }, admin);
    // Assess
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.clientId, `${tenant}:gw-hall-1`);
    assert.equal(reply.body.username, tenant);
    assert.deepEqual(reply.body, mes.runtime.deviceCredentials(gatewayDevice({ tenantId: tenant, gatewayId: 'gw-hall-1' })));
    assert.equal(await attempt(mes.mqttUrl as string, reply.body as DeviceCredentials), 'connected');
  });

  it('answers 400 to a request naming both a unit and a gateway, or neither', async () => {
    const admin = await bearer(mes, newTenantId(), ['admin']);
    for (const body of [{ equipmentId: 'wu-1', gatewayId: 'gw-1' }, {}]) {
      const reply = await ask(mes, body, admin);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.equal(reply.type, 'application/problem+json');
      assert.match(JSON.stringify(reply.body.errors), /exactly one: equipmentId \(a unit\) or gatewayId \(a gateway\)/);
    }
    const badId = await ask(mes, { gatewayId: 'gw 1' }, admin);
    assert.deepEqual(
      badId.body.errors.map((e: { pointer: string }) => e.pointer),
      ['/gatewayId'],
    );
  });

  it('names a unit with dots in its id with colons, as AWS thing names must', async () => {
    const tenant = newTenantId();
    const reply = await ask(mes, { equipmentId: 'line1.press.2' }, await bearer(mes, tenant, ['admin']));
    assert.equal(reply.body.clientId, `${tenant}:line1:press:2`);
  });

  it('gives the same unit id of two tenants two identities', async () => {
    const [a, b] = [newTenantId(), newTenantId()];
    const ofA = (await ask(mes, { equipmentId: 'wu-press-1' }, await bearer(mes, a, ['admin']))).body as DeviceCredentials;
    const ofB = (await ask(mes, { equipmentId: 'wu-press-1' }, await bearer(mes, b, ['admin']))).body as DeviceCredentials;
    assert.notEqual(ofA.clientId, ofB.clientId);
    assert.notEqual(ofA.password, ofB.password);
  });

  it('answers 401 without a valid token and 403 to every role but admin', async () => {
    const tenant = newTenantId();
    for (const authorization of [undefined, 'Bearer garbage']) {
      const reply = await ask(mes, { equipmentId: 'wu-press-1' }, authorization);
      assert.equal(reply.status, 401);
      assert.equal(reply.type, 'application/problem+json');
      assert.equal(reply.body.type, 'urn:mes:problem:unauthorized');
    }
    for (const role of ['operator', 'supervisor', 'planner', 'quality', 'integration'] as const) {
      const reply = await ask(mes, { equipmentId: 'wu-press-1' }, await bearer(mes, tenant, [role]));
      assert.equal(reply.status, 403, role);
      assert.equal(reply.body.type, 'urn:mes:problem:forbidden');
    }
  });

  it('answers 400 naming the field to a bad equipment id, a tenant in the body or a body that is not JSON', async () => {
    // Prepare
    const tenant = newTenantId();
    const admin = await bearer(mes, tenant, ['admin']);
    // Act
    const badId = await ask(mes, { equipmentId: 'wu press 1' }, admin);
    const namesTenant = await ask(mes, { equipmentId: 'wu-press-1', tenantId: newTenantId() }, admin);
    const notJson = await ask(mes, '{"equipmentId":', admin);
    // Assess
    assert.equal(badId.status, 400);
    assert.deepEqual(
      badId.body.errors.map((e: { pointer: string }) => e.pointer),
      ['/equipmentId'],
    );
    assert.equal(namesTenant.status, 400);
    assert.match(JSON.stringify(namesTenant.body.errors), /tenantId/);
    assert.equal(notJson.status, 400);
    for (const reply of [badId, namesTenant, notJson]) assert.equal(reply.type, 'application/problem+json');
  });

  it('gives `npm run simulate` credentials over HTTP by registering the unit (POST /v1/devices), again on every run', async () => {
    // Prepare: a unit in master data
    const tenant = newTenantId();
    const planner = `Bearer ${await mes.token(tenant, 'u-planner', ['planner'])}`;
    const put = (path: string, body: unknown) =>
      fetch(`${mes.baseUrl}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: planner },
        body: JSON.stringify(body),
      });
    await put('/v1/equipment/site-1', { name: 'Site', level: 'site' });
    await put('/v1/equipment/area-1', { name: 'Area', level: 'area', parentId: 'site-1' });
    await put('/v1/equipment/wc-1', { name: 'Line', level: 'workCenter', parentId: 'area-1', workCenterType: 'productionLine' });
    assert.equal((await put('/v1/equipment/wu-labeler-1', { name: 'Labeler', level: 'workUnit', parentId: 'wc-1' })).status, 200);
    // Act: two runs of the simulator
    const first = await credentialsFrom(mes.baseUrl)({ tenantId: tenant, equipmentId: 'wu-labeler-1' });
    const second = await credentialsFrom(mes.baseUrl)({ tenantId: tenant, equipmentId: 'wu-labeler-1' });
    // Assess: the second run's credentials connect, the first run's no longer do
    assert.equal(second.clientId, `${tenant}:wu-labeler-1`);
    assert.equal(await attempt(mes.mqttUrl as string, second), 'connected');
    assert.match(await attempt(mes.mqttUrl as string, first), /Bad username or password|Not authorized/);
  });
});

describe('device credentials with a data dir', () => {
  it('keeps the device key, owner-only, so a unit keeps its password across a restart', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'mes-devices-'));
    const tenant = newTenantId();
    try {
      let mes = await startTestRuntime({ inMemory: false, dataDir });
      const before = mes.deviceCredentials(tenant, 'wu-press-1');
      await mes.stop();
      // Act
      mes = await startTestRuntime({ inMemory: false, dataDir });
      const after = mes.deviceCredentials(tenant, 'wu-press-1');
      await mes.stop();
      // Assess
      assert.deepEqual(after, before);
      assert.equal(statSync(join(dataDir, 'identity', 'device-credentials.key')).mode & 0o777, 0o600);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

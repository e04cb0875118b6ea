/**
 * Devices and gateways (issue 17, docs/devices.md), through the API and a real MQTT client on
 * the local broker: an admin registers a unit and gets its credentials once, with which the
 * unit connects and publishes; revoking it drops its connection at once and refuses it from
 * then on; registering it again gives new credentials (the old ones stay dead). Another
 * tenant's device is a 404, other roles a 403, and a refused request writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MqttClient } from 'mqtt';
import { telemetryTopic } from '#shared/telemetry/rules.ts';
import { assertProblem, as, newTenant, partitionItems, type Staff, staff } from '../e2e/support/mes.ts';
import { attempt, connectWith } from '../helpers/mqtt.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

describe('devices and gateways', () => {
  let mes: TestRuntime;
  before(async () => {
    mes = await startTestRuntime({ mqttPort: 0, telemetryWindowMs: 0 });
  });
  after(() => mes.stop());

  /** A plant with units, as its planner puts them. */
  async function plant(units: readonly string[]) {
    const tenant = newTenant();
    const people = await staff(mes, tenant);
    const put = (path: string, body: unknown) => people.planner.ok('PUT', path, body);
    await put('/v1/equipment/site-1', { name: 'Site', level: 'site' });
    await put('/v1/equipment/area-1', { name: 'Area', level: 'area', parentId: 'site-1' });
    await put('/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter', parentId: 'area-1', workCenterType: 'productionLine' });
    for (const u of units) await put(`/v1/equipment/${u}`, { name: `Unit ${u}`, level: 'workUnit', parentId: 'wc-1' });
    return { tenant, people };
  }

  const closedOnce = (client: MqttClient) => new Promise<void>((resolve) => client.once('close', () => resolve()));

  it('registers a unit whose credentials, shown once, connect and publish; revoking it drops the connection and refuses it', async () => {
    // Prepare
    const { tenant, people } = await plant(['wu-press-1']);
    // Act: register
    const reply = await people.admin.post('/v1/devices', { name: 'Press 1 PLC', equipmentId: 'wu-press-1' });
    // Assess: the credentials, this once
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.headers.get('location'), '/v1/devices/wu-press-1');
    assert.equal(reply.headers.get('cache-control'), 'no-store');
    const { device, credentials } = reply.body;
    assert.deepEqual(
      { id: device.id, kind: device.kind, units: device.units, clientId: device.clientId, status: device.status, by: device.registeredBy },
      { id: 'wu-press-1', kind: 'unit', units: ['wu-press-1'], clientId: `${tenant}:wu-press-1`, status: 'active', by: 'u-admin' },
    );
    assert.equal(credentials.kind, 'local-password');
    assert.equal(credentials.brokerUrl, mes.mqttUrl);
    assert.equal(credentials.username, tenant);
    const read = await people.admin.get('/v1/devices/wu-press-1');
    assert.equal(read.status, 200);
    assert.ok(!/password|credential/i.test(read.text), `no credential is read back: ${read.text}`);
    const again = await people.admin.post('/v1/devices', { name: 'Press 1 PLC', equipmentId: 'wu-press-1' });
    assertProblem(again, 409);

    // Act: the unit connects with them and publishes (QoS 1: the PUBACK says the broker took it)
    const mqttCredentials = { clientId: credentials.clientId, username: credentials.username, password: credentials.password };
    const client = await connectWith(credentials.brokerUrl, mqttCredentials);
    await client.publishAsync(telemetryTopic(tenant, 'wu-press-1', 'state'), JSON.stringify({ ts: Date.now(), msgId: 'm-1', state: 'running' }), {
      qos: 1,
    });
    const closed = closedOnce(client);

    // Act: revoke
    const revoked = await people.admin.post('/v1/devices/wu-press-1/revoke', { reason: 'PLC replaced' });

    // Assess: revoked, the connection closed, a reconnect refused
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(revoked.body.status, 'revoked');
    assert.equal(revoked.body.revokeReason, 'PLC replaced');
    await closed;
    assert.match(await attempt(mes.mqttUrl as string, mqttCredentials), /Bad username or password|Not authorized/);
    // Revoking again changes nothing
    const twice = await people.admin.post('/v1/devices/wu-press-1/revoke', { reason: 'again' });
    assert.equal(twice.status, 200);
    assert.equal(twice.body.version, revoked.body.version);
    assert.equal(twice.body.revokeReason, 'PLC replaced');

    // Assess: each change is a record, its chained audit record and its event
    const items = await partitionItems(`${tenant}#DEVICE#wu-press-1`);
    assert.deepEqual(
      items.map((i) => i.sk),
      ['AUDIT#00000001', 'AUDIT#00000002', 'DEVICE', 'EVT#00000001#01', 'EVT#00000002#01'],
    );
    const events = items.filter((i) => i.entity === 'OutboxEvent');
    assert.deepEqual(
      events.map((e) => [e.type, e.deviceId, e.sequence]),
      [
        ['device.registered', 'wu-press-1', 1],
        ['device.revoked', 'wu-press-1', 2],
      ],
    );
    const audits = items.filter((i) => i.entity === 'Audit');
    assert.deepEqual(
      audits.map((a) => [a.action, a.by, a.reason]),
      [
        ['device.register', 'u-admin', undefined],
        ['device.revoke', 'u-admin', 'PLC replaced'],
      ],
    );
    // The device's chain is verified with every other chain of the plant, linked to the record's head.
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const verified = await people.quality.ok('GET', `/v1/audit/verify?from=${encodeURIComponent(from)}`);
    assert.equal(verified.ok, true, JSON.stringify(verified));
    assert.ok(verified.records >= 2, JSON.stringify(verified));
  });

  it('registers a revoked unit again with new credentials; the old ones stay refused', async () => {
    // Prepare
    const { tenant, people } = await plant(['wu-weld-1']);
    const first = (await people.admin.ok('POST', '/v1/devices', { name: 'Welder', equipmentId: 'wu-weld-1' })).credentials;
    await people.admin.ok('POST', '/v1/devices/wu-weld-1/revoke', { reason: 'key leaked' });
    // Act
    const second = await people.admin.ok('POST', '/v1/devices', { name: 'Welder', equipmentId: 'wu-weld-1' });
    // Assess
    assert.equal(second.device.version, 3);
    assert.equal(second.device.status, 'active');
    assert.notEqual(second.credentials.password, first.password);
    const creds = (c: typeof first) => ({ clientId: c.clientId, username: c.username, password: c.password });
    assert.match(await attempt(mes.mqttUrl as string, creds(first)), /Bad username or password|Not authorized/);
    assert.equal(await attempt(mes.mqttUrl as string, creds(second.credentials)), 'connected');
    assert.equal(second.device.clientId, `${tenant}:wu-weld-1`);
  });

  it('registers a gateway for units that exist, by an id no unit has, and lists it with them', async () => {
    // Prepare
    const { tenant, people } = await plant(['wu-a', 'wu-b']);
    // Act
    const unknownUnit = await people.admin.post('/v1/devices', { name: 'Hall gateway', gatewayId: 'gw-hall', units: ['wu-a', 'wu-zz'] });
    const unitsId = await people.admin.post('/v1/devices', { name: 'Hall gateway', gatewayId: 'wu-a', units: ['wu-b'] });
    const noUnits = await people.admin.post('/v1/devices', { name: 'Hall gateway', gatewayId: 'gw-hall' });
    const ok = await people.admin.post('/v1/devices', { name: 'Hall gateway', gatewayId: 'gw-hall', units: ['wu-a', 'wu-b'] });
    // Assess
    assertProblem(unknownUnit, 422, { pointers: ['/body/units/1'] });
    assertProblem(unitsId, 422, { pointers: ['/body/gatewayId'] });
    assertProblem(noUnits, 400, { pointers: ['/body/units'] });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.device.clientId, `${tenant}:gw-hall`);
    assert.equal(
      await attempt(mes.mqttUrl as string, { clientId: ok.body.credentials.clientId, username: tenant, password: ok.body.credentials.password }),
      'connected',
    );
    const list = await people.admin.get('/v1/devices');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((d: { id: string; kind: string; units: string[] }) => [d.id, d.kind, d.units]),
      [['gw-hall', 'gateway', ['wu-a', 'wu-b']]],
    );
    // Refused requests wrote nothing.
    assert.deepEqual(await partitionItems(`${tenant}#DEVICE#wu-a`), []);
  });

  it("answers 404 for another tenant's device and 403 to every role but admin, writing nothing", async () => {
    // Prepare
    const { tenant, people } = await plant(['wu-press-1']);
    const registered = await people.admin.ok('POST', '/v1/devices', { name: 'Press', equipmentId: 'wu-press-1' });
    const other = await as(mes, newTenant(), 'u-admin', ['admin']);
    const before = await partitionItems(`${tenant}#DEVICE#wu-press-1`);
    // Act + Assess: another tenant
    assertProblem(await other.get('/v1/devices/wu-press-1'), 404);
    assertProblem(await other.post('/v1/devices/wu-press-1/revoke', { reason: 'not mine' }), 404);
    assert.deepEqual((await other.get('/v1/devices')).body.items, []);
    // Act + Assess: the plant's other roles
    for (const role of ['operator', 'supervisor', 'planner', 'quality', 'integration'] as const) {
      const person = (people as Staff)[role];
      assertProblem(await person.get('/v1/devices'), 403);
      assertProblem(await person.post('/v1/devices/wu-press-1/revoke', { reason: 'no' }), 403);
      assertProblem(await person.post('/v1/devices', { name: 'x', equipmentId: 'wu-press-1' }), 403);
    }
    assert.deepEqual(await partitionItems(`${tenant}#DEVICE#wu-press-1`), before);
    // The device still connects: nothing was revoked.
    const c = registered.credentials;
    assert.equal(await attempt(mes.mqttUrl as string, { clientId: c.clientId, username: c.username, password: c.password }), 'connected');
  });
});

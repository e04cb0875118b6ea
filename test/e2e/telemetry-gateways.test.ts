/**
 * Gateways (issue 13, section 2), end to end as in `npm start`: a real mqtt.js client connects
 * with a gateway's credentials to the local broker and publishes batches for the units behind
 * it; the rules, functions/iot/ and DynamoDB Local do the rest.
 * 1. What a gateway publishes for the units registered under it (their `gatewayId`) shows in
 *    their status and OEE, as if each unit had published it.
 * 2. Samples for a unit that is not its own (another gateway's, one without a gateway, one the
 *    plant does not have) are refused, kept as a rejected message naming them, and written
 *    nowhere else: no state transition, no minute item entry, nothing in status or OEE.
 * 3. It cannot publish on a unit's topic, as a unit cannot on another's: the broker closes it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectAsync, type MqttClient } from 'mqtt';
import { gatewayDevice } from '#shared/telemetry/device-identity.ts';
import { basicIngestTopic, TELEMETRY_RULES, telemetryTopic } from '#shared/telemetry/rules.ts';
import { publishRefused } from '../helpers/mqtt.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { type Api, as, newTenant } from './support/mes.ts';
import { eventually, MINUTE, rejectedItems, telemetryFacts } from './support/telemetry.ts';

const iso = (ts: number) => new Date(ts).toISOString();

describe('a gateway publishing for the units behind it', () => {
  let mes: TestRuntime;
  before(async () => {
    mes = await startTestRuntime({ mqttPort: 0 });
  });
  after(async () => {
    await mes?.stop();
  });

  /** wu-a and wu-b report through gw-1, wu-c through gw-2, wu-d through none. */
  async function plant(tenant: string): Promise<Api> {
    const admin = await as(mes, tenant, 'u-admin', ['admin']);
    await admin.ok('PUT', '/v1/equipment/site-1', { name: 'Plant', level: 'site' });
    await admin.ok('PUT', '/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter', parentId: 'site-1' });
    const units = { 'wu-a': 'gw-1', 'wu-b': 'gw-1', 'wu-c': 'gw-2', 'wu-d': undefined };
    for (const [id, gatewayId] of Object.entries(units))
      await admin.ok('PUT', `/v1/equipment/${id}`, {
        name: id,
        level: 'workUnit',
        parentId: 'wc-1',
        idealCycleTimeSeconds: 6,
        offlineAfterSeconds: 3600,
        ...(gatewayId ? { gatewayId } : {}),
      });
    return admin;
  }

  const connectGateway = (tenant: string, gatewayId: string): Promise<MqttClient> =>
    connectAsync(mes.mqttUrl as string, { ...mes.runtime.deviceCredentials(gatewayDevice({ tenantId: tenant, gatewayId })), reconnectPeriod: 0 });

  it("stores what it publishes for its registered units, in batches, as each unit's own data", async () => {
    // Prepare
    const tenant = newTenant();
    const admin = await plant(tenant);
    const gateway = await connectGateway(tenant, 'gw-1');
    const t0 = Math.floor((Date.now() - 10 * MINUTE) / MINUTE) * MINUTE;
    const topic = (type: string) => telemetryTopic(tenant, 'gw-1', type);
    const publish = (target: string, samples: unknown[]) => gateway.publishAsync(target, JSON.stringify({ samples }), { qos: 1 });

    // Act: both units' states at once, their counters and a process value batched, through Basic Ingest too.
    await publish(topic('state'), [
      { equipmentId: 'wu-a', ts: t0, msgId: 'a-1', state: 'running' },
      { equipmentId: 'wu-b', ts: t0, msgId: 'b-1', state: 'running' },
    ]);
    await publish(basicIngestTopic(TELEMETRY_RULES.measurements, topic('counts')), [
      { equipmentId: 'wu-a', ts: t0, msgId: 'a-2', good: 100, reject: 0 },
      { equipmentId: 'wu-b', ts: t0, msgId: 'b-2', good: 5000, reject: 7 },
      { equipmentId: 'wu-a', ts: t0 + 2 * MINUTE, msgId: 'a-3', good: 120, reject: 1 },
      { equipmentId: 'wu-b', ts: t0 + 2 * MINUTE, msgId: 'b-3', good: 5010, reject: 7 },
    ]);
    await publish(topic('process'), [{ equipmentId: 'wu-a', ts: t0 + MINUTE, msgId: 'a-4', values: { force_kN: 42 } }]);
    await publish(topic('state'), [{ equipmentId: 'wu-b', ts: t0 + 2 * MINUTE, msgId: 'b-4', state: 'down', reasonCode: 'E-7' }]);
    // Still connected while the status is read: its units follow its presence.
    after(() => gateway.endAsync());

    // Assess
    const range = `from=${iso(t0)}&to=${iso(t0 + 2 * MINUTE)}`;
    const oeeA = await eventually(
      "wu-a's OEE counts its readings",
      async () => (await admin.get(`/v1/equipment/wu-a/oee?${range}`)).body,
      (o) => o?.totalCount === 21,
    );
    assert.deepEqual([oeeA.goodCount, oeeA.rejectCount], [20, 1]);
    const oeeB = await eventually(
      "wu-b's OEE counts its readings",
      async () => (await admin.get(`/v1/equipment/wu-b/oee?${range}`)).body,
      (o) => o?.totalCount === 10,
    );
    assert.deepEqual([oeeB.goodCount, oeeB.rejectCount], [10, 0]);
    const statusB = await eventually(
      "wu-b's status shows its stop",
      async () => (await admin.get('/v1/equipment/wu-b/status')).body,
      (s) => s?.state === 'down',
    );
    assert.equal(statusB.since, iso(t0 + 2 * MINUTE));
    assert.equal(statusB.reasonCode, 'E-7');
    const facts = await telemetryFacts(tenant, 'wu-a', [t0]);
    assert.equal(facts.states.length, 1);
    assert.match(JSON.stringify(facts.buckets), /force_kN/, 'its process value is in its minute item');
    // Nothing is kept under the gateway's own id: it is not a unit.
    assert.deepEqual(await telemetryFacts(tenant, 'gw-1', [t0]), { states: [], buckets: {} });
    assert.deepEqual(await rejectedItems(tenant, Date.now()), []);
  });

  it('refuses samples for units that are not its own, keeps them as rejected, and writes them nowhere else', async () => {
    // Prepare
    const tenant = newTenant();
    const admin = await plant(tenant);
    const gateway = await connectGateway(tenant, 'gw-1');
    const t0 = Math.floor((Date.now() - 10 * MINUTE) / MINUTE) * MINUTE;
    const topic = (type: string) => telemetryTopic(tenant, 'gw-1', type);
    const publish = (type: string, samples: unknown[]) => gateway.publishAsync(topic(type), JSON.stringify({ samples }), { qos: 1 });
    const strangers = ['wu-c', 'wu-d', 'wu-nowhere'];

    // Act: each batch mixes its own unit's sample with strangers' (another gateway's, none's, an unknown one's).
    await publish('state', [
      { equipmentId: 'wu-a', ts: t0, msgId: 'a-1', state: 'running' },
      ...strangers.map((u, i) => ({ equipmentId: u, ts: t0, msgId: `s-${i}`, state: 'down', reasonCode: 'E-1' })),
    ]);
    await publish('counts', [
      { equipmentId: 'wu-a', ts: t0, msgId: 'a-2', good: 10, reject: 0 },
      { equipmentId: 'wu-a', ts: t0 + MINUTE, msgId: 'a-3', good: 20, reject: 0 },
      ...strangers.flatMap((u, i) => [
        { equipmentId: u, ts: t0, msgId: `c-${i}`, good: 0, reject: 0 },
        { equipmentId: u, ts: t0 + MINUTE, msgId: `d-${i}`, good: 99, reject: 9 },
      ]),
    ]);
    await publish('process', [
      { equipmentId: 'wu-a', ts: t0, msgId: 'a-4', values: { temp: 40 } },
      ...strangers.map((u, i) => ({ equipmentId: u, ts: t0, msgId: `p-${i}`, values: { temp: 99 } })),
    ]);
    after(() => gateway.endAsync());

    // Assess: its own unit's data is in (so the batches were ingested), and a rejection per message names the strangers...
    await eventually(
      "wu-a's status and OEE show its data",
      async () => [
        (await admin.get('/v1/equipment/wu-a/status')).body,
        (await admin.get(`/v1/equipment/wu-a/oee?from=${iso(t0)}&to=${iso(t0 + MINUTE)}`)).body,
      ],
      ([s, o]) => s?.state === 'running' && o?.goodCount === 10,
    );
    const rejected = await eventually(
      'each of the three messages is kept as rejected',
      () => rejectedItems(tenant, Date.now()),
      (items) => items.length === 3,
    );
    assert.deepEqual(rejected.map((r) => r.type).sort(), ['counts', 'process', 'state']);
    for (const r of rejected) {
      assert.equal(r.equipmentId, 'gw-1');
      assert.match(String(r.reason), /unit wu-c reports through gateway gw-2, not through gw-1/);
      assert.match(String(r.reason), /unit wu-d names no gateway/);
      assert.match(String(r.reason), /unit wu-nowhere names no gateway/);
      assert.doesNotMatch(String(r.reason), /wu-a/);
    }
    // ...and nothing of theirs is anywhere: no state transition, no minute item entry, no status, no counts.
    for (const unit of ['wu-c', 'wu-d', 'wu-nowhere']) {
      assert.deepEqual(await telemetryFacts(tenant, unit, [t0]), { states: [], buckets: {} }, unit);
    }
    for (const unit of ['wu-c', 'wu-d']) {
      const status = (await admin.get(`/v1/equipment/${unit}/status`)).body;
      assert.equal(status.lastSeen, null, unit);
      assert.equal(status.since, null, unit);
      const oee = (await admin.get(`/v1/equipment/${unit}/oee?from=${iso(t0)}&to=${iso(t0 + MINUTE)}`)).body;
      assert.deepEqual([oee.goodCount, oee.rejectCount], [0, 0], unit);
    }
  });

  it("cannot publish on a unit's topic, even one registered under it: the broker closes it", async () => {
    const tenant = newTenant();
    await plant(tenant);
    const gateway = await connectGateway(tenant, 'gw-1');
    await publishRefused(gateway, telemetryTopic(tenant, 'wu-a', 'state'), JSON.stringify({ ts: Date.now(), msgId: 'x', state: 'running' }));
    assert.equal(gateway.connected, false);
  });
});

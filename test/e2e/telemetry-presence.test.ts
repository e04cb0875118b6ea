/**
 * Presence, not silence (issue 13), end to end over real MQTT: mqtt.js devices, the local
 * broker (its lifecycle events and Last Wills through the same rules), the ingest, DynamoDB
 * Local and the HTTP API. The runtime's clock is a VirtualClock set a few hours back (inside
 * the late window), so the lifecycle events of a recorded shift carry the shift's times: the
 * test moves the clock to each connect and disconnect, and the samples carry their own times.
 * 1. A report-by-exception shift (state changes only at their moments, counts once a minute
 *    while running, a 15-minute break reported once, a breakdown and a disconnect) gives exact
 *    availability, performance, quality and OEE; the disconnect shows offline at once and the
 *    unit is back when the device reconnects; duplicated and out-of-order lifecycle events
 *    change nothing.
 * 2. A unit with a heartbeat goes offline after its silence while connected; one without does not.
 * 3. A Last Will on the unit's presence topic is authorized, delivered and stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectAsync, type MqttClient } from 'mqtt';
import { keys } from '#shared/db/keys.ts';
import { thingName } from '#shared/telemetry/device-identity.ts';
import { lifecycleTopic, telemetryTopic } from '#shared/telemetry/rules.ts';
import { VirtualClock } from '../../infra/local/virtual-clock.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { type Api, as, newTenant, partitionItems } from './support/mes.ts';
import { HOUR, MINUTE, eventually } from './support/telemetry.ts';

const iso = (ts: number) => new Date(ts).toISOString();

function assertClose(actual: number | null | undefined, expected: number, what: string) {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);
}

describe('presence over MQTT, end to end', () => {
  let mes: TestRuntime;
  let clock: VirtualClock;
  /** Where the shift starts: whole minutes, three hours back (the ingest takes data up to 24 h late). */
  const S = Math.floor((Date.now() - 3 * HOUR) / MINUTE) * MINUTE;
  const at = (m: number) => S + m * MINUTE;

  before(async () => {
    clock = new VirtualClock(S);
    mes = await startTestRuntime({ mqttPort: 0, clock });
  });
  after(async () => {
    await mes?.stop();
  });

  async function plant(tenant: string, units: Record<string, Record<string, unknown>>): Promise<Api> {
    const admin = await as(mes, tenant, 'u-admin', ['admin']);
    await admin.ok('PUT', '/v1/equipment/site-1', { name: 'Plant', level: 'site' });
    await admin.ok('PUT', '/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter', parentId: 'site-1' });
    for (const [id, settings] of Object.entries(units))
      await admin.ok('PUT', `/v1/equipment/${id}`, { name: id, level: 'workUnit', parentId: 'wc-1', ...settings });
    return admin;
  }

  const connect = (tenant: string, unit: string, extra: Record<string, unknown> = {}) =>
    connectAsync(mes.mqttUrl as string, { ...mes.deviceCredentials(tenant, unit), reconnectPeriod: 0, ...extra });

  /** The socket drops (no DISCONNECT): once the broker has noticed, the lifecycle event carries the clock's time. */
  async function dropConnection(device: MqttClient) {
    const before = mes.runtime.mqtt?.broker.connectedClients() ?? 0;
    device.stream.destroy();
    await eventually(
      'the broker noticed the dropped connection',
      async () => mes.runtime.mqtt?.broker.connectedClients() ?? 0,
      (n) => n < before,
    );
  }

  it('gives exact OEE for a report-by-exception shift with a break, a breakdown and a disconnect, and shows the disconnect at once', async () => {
    // Prepare: one press, 6 s ideal cycle, no heartbeat declared (silence never makes it offline).
    const tenant = newTenant();
    const admin = await plant(tenant, { 'wu-1': { idealCycleTimeSeconds: 6 } });
    const topic = (type: string) => telemetryTopic(tenant, 'wu-1', type);
    let n = 0;
    const send = (device: MqttClient, type: string, sample: Record<string, unknown>) =>
      device.publishAsync(topic(type), JSON.stringify({ msgId: `m-${++n}`, ...sample }), { qos: 1 });
    // The counters: 10 good a running minute, plus 1 reject in each minute that ends on a multiple of 10.
    let good = 0;
    let reject = 0;
    const runMinutes = async (device: MqttClient, from: number, to: number) => {
      for (let m = from + 1; m <= to; m++) {
        good += 10;
        if (m % 10 === 0) reject += 1;
        await send(device, 'counts', { ts: at(m), good, reject });
      }
    };
    const status = async () => (await admin.get('/v1/equipment/wu-1/status')).body;

    // Act: the shift, as the device reports it, by exception.
    await clock.advanceTo(at(0));
    let device = await connect(tenant, 'wu-1');
    await send(device, 'state', { ts: at(0), state: 'running' });
    await send(device, 'counts', { ts: at(0), good, reject });
    await runMinutes(device, 0, 40);
    await send(device, 'state', { ts: at(40), state: 'planned-stop', reasonCode: 'BREAK' }); // 15 minutes, said once
    await send(device, 'state', { ts: at(55), state: 'running' });
    await runMinutes(device, 55, 80);
    await send(device, 'state', { ts: at(80), state: 'down', reasonCode: 'JAM' }); // the breakdown
    await send(device, 'state', { ts: at(90), state: 'running' });
    await runMinutes(device, 90, 100);
    // At 100 the connection drops while running...
    await clock.advanceTo(at(100));
    await dropConnection(device);
    // ...and the unit status says offline at once, since the drop, whatever the unit said last.
    const dropped = await eventually('the status shows the disconnect', status, (s) => s?.state === 'offline');
    assert.equal(dropped.since, iso(at(100)));
    // At 110 the device is back (a new session) and goes on counting; it does not repeat its state.
    await clock.advanceTo(at(110));
    device = await connect(tenant, 'wu-1');
    await clock.advanceTo(at(111));
    const back = await eventually('the status shows the unit back, running', status, (s) => s?.state === 'running');
    assert.equal(back.since, iso(at(110)), 'running again since it came back');
    await runMinutes(device, 110, 119);
    await clock.advanceTo(at(120));

    // Assess: figures computed by hand.
    // Planned: 120 min less the 15-min break = 105 min = 6,300 s.
    // Running: 0-40, 55-80, 90-100, 110-120 = 40 + 25 + 10 + 10 = 85 min = 5,100 s; down 80-90 = 600 s; offline 100-110 = 600 s.
    // Counts: 40 + 25 + 10 + 9 = 84 counted minutes x 10 = 840 good; rejects in minutes ending 10, 20, 30, 40, 60, 70, 80, 100 = 8.
    // Availability 5,100 / 6,300; performance 848 x 6 s / 5,100 s; quality 840 / 848; OEE 840 x 6 / 6,300 = 0.8.
    const range = `from=${iso(at(0))}&to=${iso(at(120))}`;
    const oeeOf = async () => (await admin.get(`/v1/equipment/wu-1/oee?${range}`)).body;
    const oee = await eventually('OEE has the whole shift', oeeOf, (o) => o?.goodCount === 840 && o.rejectCount === 8);
    const figures = (o: typeof oee) => ({
      planned: o.plannedTimeSeconds,
      run: o.runTimeSeconds,
      downtime: o.downtimeByState,
      good: o.goodCount,
      reject: o.rejectCount,
    });
    assert.deepEqual(figures(oee), { planned: 6300, run: 5100, downtime: { down: 600, offline: 600, setup: 0 }, good: 840, reject: 8 });
    assertClose(oee.availability, 5100 / 6300, 'availability');
    assertClose(oee.performance, (848 * 6) / 5100, 'performance');
    assertClose(oee.quality, 840 / 848, 'quality');
    assertClose(oee.oee, 0.8, 'OEE');
    const downtime = (await admin.get(`/v1/equipment/wu-1/downtime?${range}`)).body.items;
    assert.deepEqual(
      downtime.map((e: { state: string; start: string; end: string | null }) => [e.state, e.start, e.end]),
      [
        ['down', iso(at(80)), iso(at(90))],
        ['offline', iso(at(100)), iso(at(110))],
      ],
    );

    // Act again: the lifecycle events once more, duplicated and in reverse order, as IoT Core may deliver them.
    const pipeline = mes.runtime.mqtt?.pipeline;
    assert.ok(pipeline);
    const clientId = thingName({ tenantId: tenant, equipmentId: 'wu-1' });
    const event = (eventType: 'connected' | 'disconnected', m: number, versionNumber: number) => ({
      topic: lifecycleTopic(eventType, clientId),
      clientId,
      payload: Buffer.from(JSON.stringify({ clientId, timestamp: at(m), eventType, versionNumber, sessionIdentifier: `s-${versionNumber}` })),
    });
    for (const e of [event('connected', 110, 2), event('disconnected', 100, 1), event('disconnected', 100, 1), event('connected', 0, 1)])
      pipeline.accept(e);
    await pipeline.drain();

    // Assess: the same figures.
    assert.deepEqual(figures(await oeeOf()), figures(oee));
    assert.equal((await status()).state, 'running');
    await device.endAsync();
  });

  it('takes a unit with a heartbeat offline after its silence while connected, and never one without', async () => {
    // Prepare
    const tenant = newTenant();
    const admin = await plant(tenant, { 'wu-hb': { heartbeatSeconds: 30 }, 'wu-quiet': {} });
    await clock.advanceTo(at(130));
    const withHeartbeat = await connect(tenant, 'wu-hb');
    const without = await connect(tenant, 'wu-quiet');

    // Act: each says it is idle once, then nothing for five minutes, still connected.
    await withHeartbeat.publishAsync(telemetryTopic(tenant, 'wu-hb', 'state'), JSON.stringify({ ts: at(130), msgId: 'h-1', state: 'idle' }), {
      qos: 1,
    });
    await without.publishAsync(telemetryTopic(tenant, 'wu-quiet', 'state'), JSON.stringify({ ts: at(130), msgId: 'q-1', state: 'idle' }), {
      qos: 1,
    });
    for (const id of ['wu-hb', 'wu-quiet']) {
      await eventually(
        `${id} is idle`,
        async () => (await admin.get(`/v1/equipment/${id}/status`)).body,
        (s) => s?.state === 'idle',
      );
    }
    await clock.advanceTo(at(135));

    // Assess: three heartbeats (90 s) of silence is offline, since it was last heard of; the other still idle.
    const hb = (await admin.get('/v1/equipment/wu-hb/status')).body;
    assert.equal(hb.state, 'offline');
    assert.equal(hb.since, iso(at(130)));
    assert.equal((await admin.get('/v1/equipment/wu-quiet/status')).body.state, 'idle');
    await Promise.all([withHeartbeat.endAsync(), without.endAsync()]);
  });

  it("delivers a unit's Last Will on its presence topic and keeps it as declared presence", async () => {
    // Prepare
    const tenant = newTenant();
    await plant(tenant, { 'wu-will': {} });
    await clock.advanceTo(at(140));
    const device = await connect(tenant, 'wu-will', {
      will: { topic: telemetryTopic(tenant, 'wu-will', 'presence'), payload: Buffer.from(JSON.stringify({ online: false })), qos: 1, retain: false },
    });

    // Act
    await dropConnection(device);
    await mes.runtime.mqtt?.pipeline.drain();

    // Assess: the will was taken by the state rule and stored, dated by its arrival; the lifecycle events too.
    const declared = await eventually(
      'the will is stored',
      () => partitionItems(keys.declaredPresencePartition(tenant, 'wu-will')),
      (items) => items.length === 1,
    );
    assert.equal(declared[0]?.online, false);
    const connection = await partitionItems(keys.connectionPartition(tenant, thingName({ tenantId: tenant, equipmentId: 'wu-will' })));
    assert.deepEqual(
      connection.map((e) => [e.connected, e.version, e.ts, e.reason ?? null]),
      [
        [true, 1, at(140), null],
        [false, 1, at(140), 'CONNECTION_LOST'],
      ],
    );
  });
});

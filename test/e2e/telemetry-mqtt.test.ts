/**
 * Telemetry end to end, as in `npm start`: real mqtt.js devices publish (QoS 1) to the local
 * broker, its rules hand SQS and Kinesis events to functions/iot/, the ingest writes to
 * DynamoDB Local, and the HTTP API shows it. Nothing here reaches under the API: the test
 * waits by polling the endpoints a bounded number of times, and never asserts how long that took.
 * 1. A device's state changes, counts (directly, as a gateway batch through Basic Ingest, and
 *    once more as a QoS 1 redelivery would) and process values reach status and OEE.
 * 2. The recorded shift of test/fixtures/telemetry/ replayed as fast as it goes gives each
 *    unit's expected counts, time per state and the OEE they make.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { silentLog } from '../../infra/local/http-server.ts';
import { basicIngestTopic, TELEMETRY_RULES, telemetryTopic } from '#shared/telemetry/rules.ts';
import { readRecording, type ExpectedTotals } from '../../simulator/recording.ts';
import { replay } from '../../simulator/run.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { type Api, as, newTenant } from './support/mes.ts';
import { HOUR, MINUTE, eventually } from './support/telemetry.ts';

const iso = (ts: number) => new Date(ts).toISOString();
const FIXTURE = new URL('../fixtures/telemetry/demo-shift.jsonl', import.meta.url);
const EXPECTED = JSON.parse(readFileSync(new URL('../fixtures/telemetry/demo-shift.expected.json', import.meta.url), 'utf8')) as ExpectedTotals;

function assertClose(actual: number | null | undefined, expected: number, what: string) {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

describe('telemetry over MQTT, end to end', () => {
  let mes: TestRuntime;
  before(async () => {
    // The rules' own batching windows (state at once, measurements up to 1 s locally), as `npm start` runs them.
    mes = await startTestRuntime({ mqttPort: 0 });
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

  it('shows what a device published with QoS 1 in its status and OEE', async () => {
    // Prepare
    const tenant = newTenant();
    const admin = await plant(tenant, { 'wu-press-1': { idealCycleTimeSeconds: 6, offlineAfterSeconds: 600 } });
    const device = await connectAsync(mes.mqttUrl as string, { ...mes.deviceCredentials(tenant, 'wu-press-1'), reconnectPeriod: 0 });
    const t0 = Math.floor((Date.now() - 10 * MINUTE) / MINUTE) * MINUTE;
    const topic = (type: string) => telemetryTopic(tenant, 'wu-press-1', type);
    const publish = (target: string, payload: unknown) => device.publishAsync(target, JSON.stringify(payload), { qos: 1 });

    // Act: five minutes of a press, published as it would be (and one reading twice, as a redelivery).
    await publish(topic('state'), { ts: t0, msgId: 'm-1', state: 'running' });
    await publish(topic('counts'), { ts: t0, msgId: 'm-2', good: 1000, reject: 10 });
    await publish(topic('process'), { ts: t0 + MINUTE, msgId: 'm-3', values: { force_kN: 42.1, temperature: 38.5 } });
    await publish(basicIngestTopic(TELEMETRY_RULES.measurements, topic('counts')), {
      samples: [
        { ts: t0 + 2 * MINUTE, msgId: 'm-4', good: 1020, reject: 10 },
        { ts: t0 + 4 * MINUTE, msgId: 'm-5', good: 1040, reject: 11 },
      ],
    });
    await publish(topic('state'), { ts: t0 + 4 * MINUTE + 30_000, msgId: 'm-6', state: 'down', reasonCode: 'E-42' });
    await publish(topic('counts'), { ts: t0 + 5 * MINUTE, msgId: 'm-7', good: 1040, reject: 11 });
    await publish(topic('counts'), { ts: t0 + 5 * MINUTE, msgId: 'm-7', good: 1040, reject: 11 });

    // Assess: while the device is connected, the status catches up with the last message...
    const status = await eventually(
      'the status shows the stop and the last reading',
      async () => (await admin.get('/v1/equipment/wu-press-1/status')).body,
      (s) => s?.state === 'down' && s.lastSeen === iso(t0 + 5 * MINUTE),
    );
    assert.equal(status.since, iso(t0 + 4 * MINUTE + 30_000));
    assert.equal(status.reasonCode, 'E-42');
    // ...and once it disconnects, the unit is offline (presence, not silence: its stop would hold while connected).
    await device.endAsync();
    await eventually(
      'the status shows the unit offline',
      async () => (await admin.get('/v1/equipment/wu-press-1/status')).body,
      (s) => s?.state === 'offline',
    );
    // ...and OEE over the five minutes: 40 good and 1 reject, running 4.5 min, down 30 s.
    const oee = await eventually(
      'OEE counts every reading',
      async () => (await admin.get(`/v1/equipment/wu-press-1/oee?from=${iso(t0)}&to=${iso(t0 + 5 * MINUTE)}`)).body,
      (o) => o?.totalCount === 41,
    );
    assert.equal(oee.goodCount, 40);
    assert.equal(oee.rejectCount, 1);
    assert.equal(oee.plannedTimeSeconds, 300);
    assert.equal(oee.runTimeSeconds, 270);
    assert.deepEqual(oee.downtimeByState, { down: 30, offline: 0, setup: 0 });
    assertClose(oee.performance, (6 * 41) / 270, 'performance');
    assertClose(oee.oee, (40 * 6) / 300, 'OEE');
    assert.deepEqual(
      oee.pareto.map((p: { reasonCode: string; seconds: number }) => [p.reasonCode, p.seconds]),
      [['E-42', 30]],
    );
  });

  it('gives the recorded shift’s expected counts, time per state and OEE when it is replayed fast', async () => {
    // Prepare: the recorded units, with their ideal cycle times; the shift moved to end an hour ago (inside the late window).
    const tenant = newTenant();
    const units = Object.keys(EXPECTED.units);
    const admin = await plant(tenant, Object.fromEntries(units.map((u) => [u, { idealCycleTimeSeconds: EXPECTED.units[u]!.idealCycleTimeSeconds }])));
    const messages = readRecording(fileURLToPath(FIXTURE));
    const duration = EXPECTED.shift.durationMs;
    const start = Math.floor((Date.now() - duration - HOUR) / MINUTE) * MINUTE;
    assert.equal(Date.parse(EXPECTED.shift.start), messages[0]?.payload.ts, 'the recording starts with the shift');

    // Act
    const stats = await replay({
      mqttUrl: mes.mqttUrl as string,
      credentials: (device) => mes.runtime.deviceCredentials(device),
      messages,
      tenantId: tenant,
      speed: Number.POSITIVE_INFINITY,
      startTs: start,
      batch: 1,
      basicIngest: false,
      log: silentLog,
    });

    // Assess
    assert.deepEqual(stats, { messages: messages.length, samples: messages.length, failed: 0 });
    const range = `from=${iso(start)}&to=${iso(start + duration)}`;
    for (const u of units) {
      const truth = EXPECTED.units[u]!;
      const ms = truth.stateMs as Record<string, number>;
      const planned = (duration - (ms['planned-stop'] ?? 0)) / 1000;
      const run = ((ms.running ?? 0) + (ms.idle ?? 0)) / 1000;
      const total = truth.good + truth.reject;
      const wanted = { good: truth.good, reject: truth.reject, planned, run, down: (ms.down ?? 0) / 1000, setup: (ms.setup ?? 0) / 1000, offline: 0 };
      const oee = await eventually(
        `${u}'s OEE shows the whole shift`,
        async () => (await admin.get(`/v1/equipment/${u}/oee?${range}`)).body,
        (o) => o?.goodCount === truth.good && o.rejectCount === truth.reject && o.runTimeSeconds === run && o.downtimeByState?.down === wanted.down,
        { tries: 400, pauseMs: 50 },
      );
      assert.deepEqual(
        { good: oee.goodCount, reject: oee.rejectCount, planned: oee.plannedTimeSeconds, run: oee.runTimeSeconds, ...oee.downtimeByState },
        wanted,
        `${u}: counts (with ${truth.counterResets} reset(s) and ${truth.counterRollovers} rollover(s)) and time per state`,
      );
      assertClose(oee.availability, run / planned, `${u} availability`);
      assertClose(oee.performance, (truth.idealCycleTimeSeconds * total) / run, `${u} performance`);
      assertClose(oee.quality, truth.good / total, `${u} quality`);
      assertClose(oee.oee, (truth.good * truth.idealCycleTimeSeconds) / planned, `${u} OEE`);
    }
  });
});

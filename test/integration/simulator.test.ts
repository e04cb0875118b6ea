/**
 * The telemetry simulator: what it publishes over real MQTT passes the message schemas, a
 * recorded shift is made again byte for byte from its seed, its expected totals add up from its
 * messages alone, and a replay publishes the same messages every time.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { SAMPLE_SCHEMAS, TelemetryEnvelopeSchema, type TelemetryType } from '../../shared/telemetry/messages.ts';
import { createDeviceAuthority } from '../../infra/local/device-credentials.ts';
import { silentLog } from '../../infra/local/http-server.ts';
import { type MqttBroker, startMqttBroker } from '../../infra/local/mqtt-broker.ts';
import { createTelemetryPipeline, type TelemetryEvent, type TelemetryPipeline } from '../../infra/local/telemetry-pipeline.ts';
import type { TelemetryMessage } from '../../simulator/generator.ts';
import { type ExpectedTotals, readRecording, recordShift, summarizeRecording, toJsonl } from '../../simulator/recording.ts';
import { replay, runLive } from '../../simulator/run.ts';
import { newTenantId } from '../helpers/runtime.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(root, 'test/fixtures/telemetry/demo-shift.jsonl');
const expected = JSON.parse(readFileSync(join(root, 'test/fixtures/telemetry/demo-shift.expected.json'), 'utf8')) as ExpectedTotals;

/** A message as the pipeline received it: topic parts and the payload as published. */
interface Received {
  tenantId: string;
  equipmentId: string;
  type: string;
  payload: unknown;
}

/** Broker + pipeline whose consumer just keeps every envelope, in arrival order; `credentials` issues the units'. */
async function startCapture() {
  const received: Received[] = [];
  const keep = (body: string) => {
    const envelope = TelemetryEnvelopeSchema.parse(JSON.parse(body));
    received.push({ ...envelope, payload: JSON.parse(Buffer.from(envelope.raw, 'base64').toString('utf8')) });
  };
  const pipeline: TelemetryPipeline = createTelemetryPipeline({
    log: silentLog,
    windowMs: 0,
    handlerResolver: async () => async (event: TelemetryEvent) => {
      for (const r of event.Records)
        'body' in r ? keep((r as SQSRecord).body) : keep(Buffer.from((r as KinesisStreamRecord).kinesis.data, 'base64').toString('utf8'));
    },
  });
  const devices = createDeviceAuthority();
  const broker: MqttBroker = await startMqttBroker({ port: 0, wsPort: false, log: silentLog, devices, onPublish: (p) => void pipeline.accept(p) });
  return { broker, pipeline, received, credentials: devices.issue, stop: async () => (await broker.stop(), await pipeline.stop()) };
}

/** Every sample in a received message passes the schema of its topic's type. */
function assertValid(message: Received) {
  const schema = SAMPLE_SCHEMAS[message.type as TelemetryType];
  assert.ok(schema, `unknown type ${message.type}`);
  const samples = (message.payload as { samples?: unknown[] }).samples ?? [message.payload];
  for (const sample of samples) {
    const result = z.safeParse(schema, sample);
    assert.ok(result.success, `${message.equipmentId}/${message.type}: ${JSON.stringify(sample)} ${result.success ? '' : result.error.message}`);
  }
  return samples.length;
}

const perUnit = (messages: { key: string; payload: unknown }[]) => {
  const units = new Map<string, unknown[]>();
  for (const m of messages) units.set(m.key, [...(units.get(m.key) ?? []), m.payload]);
  return Object.fromEntries([...units].sort(([a], [b]) => a.localeCompare(b)));
};

describe('telemetry simulator', () => {
  let iot: Awaited<ReturnType<typeof startCapture>>;
  before(async () => {
    iot = await startCapture();
  });
  after(() => iot.stop());

  it('publishes state changes, counts and process values that pass the message schemas', async () => {
    // Prepare
    const tenantId = newTenantId();
    const units = ['wu-press-1', 'wu-labeler-1', 'wu-leak-tester-1'];
    // Act: ten minutes of plant time at x600, two messages a second per unit.
    const run = runLive({
      mqttUrl: iot.broker.url,
      credentials: iot.credentials,
      tenantId,
      units,
      rate: 2,
      speed: 600,
      durationMs: 600_000,
      seed: 3,
      batch: 1,
      basicIngest: false,
      log: silentLog,
    });
    const stats = await run.done;
    await iot.pipeline.drain();
    // Assess
    const mine = iot.received.filter((m) => m.tenantId === tenantId);
    assert.equal(mine.length, stats.messages);
    for (const m of mine) assertValid(m);
    assert.deepEqual(new Set(mine.map((m) => m.equipmentId)), new Set(units));
    assert.deepEqual(new Set(mine.map((m) => m.type)), new Set(['state', 'counts', 'process']));
    const ids = mine.map((m) => (m.payload as { msgId: string }).msgId);
    assert.equal(new Set(ids).size, ids.length, 'message ids are unique');
  });

  it('batches samples like a gateway and publishes through Basic Ingest when asked', async () => {
    // Prepare
    const tenantId = newTenantId();
    // Act
    const run = runLive({
      mqttUrl: iot.broker.url,
      credentials: iot.credentials,
      tenantId,
      units: ['wu-cartoner-1'],
      rate: 50,
      speed: 600,
      durationMs: 600_000,
      seed: 4,
      batch: 10,
      basicIngest: true,
      log: silentLog,
    });
    const stats = await run.done;
    await iot.pipeline.drain();
    // Assess
    const mine = iot.received.filter((m) => m.tenantId === tenantId);
    const samples = mine.reduce((n, m) => n + assertValid(m), 0);
    assert.equal(samples, stats.samples);
    assert.ok(
      mine.some((m) => ((m.payload as { samples?: unknown[] }).samples?.length ?? 0) === 10),
      'full batches of 10',
    );
    assert.ok(
      mine.filter((m) => m.type === 'state').every((m) => !('samples' in (m.payload as object))),
      'state changes go out alone',
    );
  });

  it('runs as gateways: each connects once, as itself, and publishes batches naming its units, states at once, link losses as presence', async () => {
    // Prepare: the labeler and cartoner behind gw-a, the screwdriver behind gw-b, the press on its own.
    const tenantId = newTenantId();
    const gatewayOf = (unit: string) => ({ 'wu-labeler-1': 'gw-a', 'wu-cartoner-1': 'gw-a', 'wu-screw-1': 'gw-b' })[unit];
    const asked: string[] = [];
    // Act: ten minutes of plant time at x600, a sample every 12 s, a link drop about every five minutes per unit behind a gateway.
    const run = runLive({
      mqttUrl: iot.broker.url,
      credentials: (device, kind) => (asked.push(`${kind}:${device.equipmentId}`), iot.credentials(device)),
      tenantId,
      units: ['wu-press-1', 'wu-labeler-1', 'wu-cartoner-1', 'wu-screw-1'],
      rate: 50,
      speed: 600,
      durationMs: 600_000,
      seed: 5,
      batch: 10,
      basicIngest: false,
      gatewayOf,
      linkDropEveryMs: 300_000,
      log: silentLog,
    });
    const stats = await run.done;
    await iot.pipeline.drain();
    // Assess
    assert.deepEqual(asked.sort(), ['gateway:gw-a', 'gateway:gw-b', 'unit:wu-press-1'], 'one connection per gateway, none for its units');
    const mine = iot.received.filter((m) => m.tenantId === tenantId);
    assert.equal(
      mine.reduce((n, m) => n + assertValid(m), 0),
      stats.samples,
    );
    assert.deepEqual(new Set(mine.map((m) => m.equipmentId)), new Set(['wu-press-1', 'gw-a', 'gw-b']));
    const samplesOf = (m: Received) => (m.payload as { samples?: { equipmentId?: string }[] }).samples ?? [m.payload as { equipmentId?: string }];
    for (const m of mine.filter((m) => m.equipmentId.startsWith('gw-'))) {
      for (const sample of samplesOf(m)) assert.equal(gatewayOf(sample.equipmentId ?? ''), m.equipmentId, 'every sample names a unit of its gateway');
    }
    const fromA = mine.filter((m) => m.equipmentId === 'gw-a');
    assert.ok(
      fromA.some((m) => m.type === 'counts' && samplesOf(m).length === 10),
      'counts in full batches',
    );
    assert.ok(
      fromA.filter((m) => m.type === 'state').every((m) => !('samples' in (m.payload as object))),
      'state changes go out at once',
    );
    const presence = mine.filter((m) => m.type === 'presence').map((m) => m.payload as { online: boolean; equipmentId: string });
    assert.ok(presence.some((p) => !p.online) && presence.some((p) => p.online), 'a gateway says when it loses a unit and when it is back');
    assert.ok(presence.every((p) => gatewayOf(p.equipmentId)));
    const ids = mine.flatMap((m) => samplesOf(m).map((s) => (s as { msgId: string }).msgId));
    assert.equal(new Set(ids).size, ids.length, 'message ids are unique');
  });

  it('replays a recorded shift the same way every time, with its own timestamps', async () => {
    // Prepare
    const messages = readRecording(FIXTURE);
    const [first, second] = [newTenantId(), newTenantId()];
    // Act
    for (const tenantId of [first, second])
      await replay({
        mqttUrl: iot.broker.url,
        credentials: iot.credentials,
        messages,
        tenantId,
        speed: Number.POSITIVE_INFINITY,
        batch: 1,
        basicIngest: false,
        log: silentLog,
      });
    await iot.pipeline.drain();
    // Assess: per unit, the same payloads in the same order as the file, both times.
    const of = (tenantId: string) =>
      perUnit(iot.received.filter((m) => m.tenantId === tenantId).map((m) => ({ key: `${m.equipmentId}/${m.type}`, payload: m.payload })));
    const recorded = perUnit(messages.map((m) => ({ key: m.topic.split('/').slice(3).join('/'), payload: m.payload })));
    assert.deepEqual(of(first), recorded);
    assert.deepEqual(of(second), recorded);
  });

  it('moves a replay to another start time, keeping the spacing', async () => {
    // Prepare
    const messages = readRecording(FIXTURE).slice(0, 20);
    const tenantId = newTenantId();
    const startTs = Date.parse('2030-03-01T22:00:00Z');
    // Act
    await replay({
      mqttUrl: iot.broker.url,
      credentials: iot.credentials,
      messages,
      tenantId,
      speed: Number.POSITIVE_INFINITY,
      startTs,
      batch: 1,
      basicIngest: false,
      log: silentLog,
    });
    await iot.pipeline.drain();
    // Assess
    const moved = iot.received.filter((m) => m.tenantId === tenantId).map((m) => (m.payload as { ts: number }).ts);
    const shift = startTs - (messages[0]?.payload.ts ?? 0);
    assert.deepEqual(moved.sort(), messages.map((m) => m.payload.ts + shift).sort());
  });
});

describe('recorded shift fixture', () => {
  const messages: TelemetryMessage[] = readRecording(FIXTURE);
  const start = Date.parse(expected.shift.start);
  const end = Date.parse(expected.shift.end);

  it('is small, and every message in it passes the schemas', () => {
    assert.ok(statSync(FIXTURE).size < 200 * 1024);
    for (const { topic, payload } of messages) {
      const [, , tenantId = '', equipmentId = '', type = ''] = topic.split('/');
      assertValid({ tenantId, equipmentId, type, payload });
    }
  });

  it('is what the generator makes from its seed, byte for byte', () => {
    const { messages: again, truth } = recordShift(expected.generatedBy);
    assert.equal(toJsonl(again), readFileSync(FIXTURE, 'utf8'), `regenerate with: ${expected.generatedBy.command}`);
    assert.deepEqual(truth, expected.units);
  });

  it('adds up, from its messages alone, to the expected totals per unit', () => {
    // Assess: counter increases across a reset and a rollover, and state durations over the shift.
    const summary = summarizeRecording(messages, start, end);
    for (const [unit, totals] of Object.entries(expected.units)) {
      assert.deepEqual(summary[unit], { good: totals.good, reject: totals.reject, stateMs: totals.stateMs }, unit);
      assert.equal(
        Object.values(totals.stateMs).reduce((a, b) => a + b, 0),
        end - start,
        `${unit}: the states fill the shift`,
      );
    }
    const all = Object.values(expected.units);
    assert.ok(all.some((u) => u.counterResets > 0) && all.some((u) => u.counterRollovers > 0), 'the shift has a counter reset and a rollover');
  });

  it('is written again the same by `npm run simulate -- --record`', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'mes-sim-'));
    const file = join(dir, 'shift.jsonl');
    const g = expected.generatedBy;
    try {
      // Act
      await promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'simulator/main.ts',
          '--record',
          file,
          '--tenant',
          g.tenantId,
          '--units',
          g.units.join(','),
          '--seed',
          String(g.seed),
          '--start',
          new Date(g.startTs).toISOString(),
          '--duration',
          `${g.durationMs / 1000}s`,
          '--rate',
          String(1000 / g.sampleEveryMs),
        ],
        { cwd: root },
      );
      // Assess
      assert.equal(readFileSync(file, 'utf8'), readFileSync(FIXTURE, 'utf8'));
      const written = JSON.parse(readFileSync(join(dir, 'shift.expected.json'), 'utf8')) as ExpectedTotals;
      assert.deepEqual(written.units, expected.units);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

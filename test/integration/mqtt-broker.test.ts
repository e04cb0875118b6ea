/**
 * The local IoT Core: a real mqtt.js client against the in-process broker. A device connects
 * only as itself (client id `{tenant}:{equipment}`, its tenant as username, its credential as
 * password), over TCP and WebSocket alike; no refused CONNECT disturbs the device that is
 * connected, which alone may take its session over. It publishes only to its own telemetry
 * topics (directly or through Basic Ingest) and the rules hand the records to the consumer as
 * SQS or Kinesis events, batched and redelivered as on AWS. A recording handler stands in for
 * functions/iot/, so nothing here depends on the ingest code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Context, KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import { connectAsync, type MqttClient } from 'mqtt';
import type { DeviceCredentials } from '../../shared/telemetry/device-identity.ts';
import { TelemetryEnvelopeSchema } from '../../shared/telemetry/messages.ts';
import { basicIngestTopic, TELEMETRY_RULES, telemetryTopic } from '../../shared/telemetry/rules.ts';
import { createDeviceAuthority } from '../../infra/local/device-credentials.ts';
import { silentLog } from '../../infra/local/http-server.ts';
import { type MqttBroker, startMqttBroker } from '../../infra/local/mqtt-broker.ts';
import {
  createTelemetryPipeline,
  type TelemetryEvent,
  type TelemetryPipeline,
  type TelemetryPipelineOptions,
} from '../../infra/local/telemetry-pipeline.ts';
import { attempt, connectWith, grantedQos, publishRefused as refusedPublish, watched } from '../helpers/mqtt.ts';
import { newTenantId, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

const STATE = TELEMETRY_RULES.state.name;
const MEASUREMENTS = TELEMETRY_RULES.measurements.name;

interface Call {
  rule: string;
  event: TelemetryEvent;
  context: Context;
}
/** Answers each call with what `answer` returns (a partial batch response, or throws). */
function recordingHandler(answer: (call: Call, n: number) => unknown = () => undefined) {
  const calls: Call[] = [];
  const resolver: TelemetryPipelineOptions['handlerResolver'] = async (rule) => async (event, context) => {
    const call = { rule: rule.name, event, context };
    calls.push(call);
    return answer(call, calls.filter((c) => c.rule === rule.name).length);
  };
  return { calls, resolver: resolver as NonNullable<TelemetryPipelineOptions['handlerResolver']> };
}
const sqs = (call: Call | undefined) => (call?.event.Records ?? []) as SQSRecord[];
const kinesis = (call: Call | undefined) => (call?.event.Records ?? []) as KinesisStreamRecord[];
const envelopeOf = (body: string) => TelemetryEnvelopeSchema.parse(JSON.parse(body));

async function waitFor(what: string, predicate: () => boolean) {
  for (let i = 0; i < 1000 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(predicate(), `timed out waiting until ${what}`);
}

/** The broker of startLocalIot checks passwords against these. */
const devices = createDeviceAuthority();
const device = (url: string, tenantId: string, equipmentId: string) => connectWith(url, devices.issue({ tenantId, equipmentId }));

const publishRefused = (client: MqttClient, topic: string, qos: 0 | 1 | 2 = 1) =>
  refusedPublish(client, topic, JSON.stringify({ ts: Date.now(), msgId: 'x', state: 'running' }), qos);

const stateMessage = (msgId: string) => JSON.stringify({ ts: Date.now(), msgId, state: 'down', reasonCode: 'BD-JAM' });
const countsMessage = (msgId: string, good = 10) => JSON.stringify({ ts: Date.now(), msgId, good, reject: 1 });

/** A broker and pipeline of their own, for the batching and redelivery cases. */
async function startLocalIot(options: TelemetryPipelineOptions) {
  // Three tries, so the redelivery cases stay short (the consumers' own are 5 and 11).
  const pipeline = createTelemetryPipeline({ log: silentLog, retryDelayMs: 0, maxAttempts: 3, ...options });
  const broker = await startMqttBroker({ port: 0, wsPort: false, log: silentLog, devices, onPublish: (p) => void pipeline.accept(p) });
  return { broker, pipeline, stop: async () => (await broker.stop(), await pipeline.stop()) };
}

/** Timers the test closes by hand: a window closes when the test says so, not when a clock does. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  return {
    pending,
    setTimeout: (fn: () => void, ms: number) => (pending.set(++next, { fn, ms }), next),
    clearTimeout: (handle: unknown) => void pending.delete(handle as number),
    fireAll() {
      const due = [...pending.values()];
      pending.clear();
      for (const t of due) t.fn();
    },
  };
}

describe('MQTT broker in npm start: device identity and topic policy', () => {
  let mes: TestRuntime;
  let url: string;
  const handler = recordingHandler();
  const tenant = newTenantId();
  before(async () => {
    mes = await startTestRuntime({ mqttPort: 0, mqttWsPort: 0, telemetryWindowMs: 0, telemetryHandlerResolver: handler.resolver });
    url = mes.mqttUrl as string;
  });
  after(() => mes.stop());
  const pipeline = () => mes.runtime.mqtt?.pipeline as TelemetryPipeline;
  /** Publishes the device rules took: every connect and disconnect also makes a lifecycle event, left out here. */
  const telemetryReceived = () => (pipeline().receivedByRule[STATE] ?? 0) + (pipeline().receivedByRule[MEASUREMENTS] ?? 0);
  /** The calls of one rule since `before`. */
  const callsOf = (rule: string, before: number) => handler.calls.slice(before).filter((c) => c.rule === rule);
  const device = (over: string, tenantId: string, equipmentId: string) => connectWith(over, mes.deviceCredentials(tenantId, equipmentId));

  it('hands a state message to ingest-state as an SQS event holding the envelope', async () => {
    // Prepare
    const client = await device(url, tenant, 'wu-press-1');
    const payload = stateMessage('s-1');
    const before = handler.calls.length;
    // Act
    await client.publishAsync(telemetryTopic(tenant, 'wu-press-1', 'state'), payload, { qos: 1 });
    await pipeline().drain();
    await client.endAsync();
    // Assess
    const [call] = callsOf(STATE, before);
    assert.equal(call?.rule, STATE);
    assert.equal(call.context.functionName, 'ingest-state');
    const [record] = sqs(call);
    assert.ok(record);
    assert.equal(record.eventSource, 'aws:sqs');
    assert.match(record.eventSourceARN, /^arn:aws:sqs:[a-z0-9-]+:000000000000:mes_telemetry_state$/);
    assert.equal(record.attributes.ApproximateReceiveCount, '1');
    assert.ok(record.messageId && record.receiptHandle && record.awsRegion && record.md5OfBody);
    const envelope = envelopeOf(record.body);
    assert.deepEqual(
      { ...envelope, receivedAt: 0 },
      {
        tenantId: tenant,
        equipmentId: 'wu-press-1',
        type: 'state',
        clientId: `${tenant}:wu-press-1`,
        receivedAt: 0,
        raw: Buffer.from(payload).toString('base64'),
      },
    );
  });

  it('hands counts and process values to ingest-measurements as Kinesis records keyed by tenant, in order', async () => {
    // Prepare
    const client = await device(url, tenant, 'wu-screw-1');
    const before = handler.calls.length;
    const received = telemetryReceived();
    // Act
    await client.publishAsync(telemetryTopic(tenant, 'wu-screw-1', 'counts'), countsMessage('c-1'), { qos: 1 });
    await client.publishAsync(
      telemetryTopic(tenant, 'wu-screw-1', 'process'),
      JSON.stringify({ ts: Date.now(), msgId: 'p-1', values: { temperature: 61.5 } }),
      { qos: 0 },
    );
    // QoS 0 has no PUBACK to wait for.
    await waitFor('the broker took both', () => telemetryReceived() === received + 2);
    await pipeline().drain();
    await client.endAsync();
    // Assess
    const records = handler.calls.slice(before).flatMap((c) => (c.rule === MEASUREMENTS ? kinesis(c) : []));
    assert.equal(records.length, 2);
    for (const r of records) {
      assert.equal(r.eventSource, 'aws:kinesis');
      assert.equal(r.eventName, 'aws:kinesis:record');
      assert.equal(r.kinesis.partitionKey, tenant);
      assert.match(r.eventSourceARN, /:stream\/mes_telemetry_measurements$/);
      assert.equal(r.eventID, `shardId-000000000000:${r.kinesis.sequenceNumber}`);
    }
    assert.deepEqual(
      records.map((r) => envelopeOf(Buffer.from(r.kinesis.data, 'base64').toString('utf8')).type),
      ['counts', 'process'],
    );
    assert.ok(BigInt(records[0]?.kinesis.sequenceNumber ?? 0) < BigInt(records[1]?.kinesis.sequenceNumber ?? 0));
  });

  it('takes Basic Ingest topics to the rule they name, as IoT Core does', async () => {
    // Prepare
    const client = await device(url, tenant, 'wu-leak-tester-1');
    const topic = telemetryTopic(tenant, 'wu-leak-tester-1', 'counts');
    const before = handler.calls.length;
    // Act
    await client.publishAsync(basicIngestTopic(TELEMETRY_RULES.measurements, topic), countsMessage('bi-1'), { qos: 1 });
    await pipeline().drain();
    // Assess
    const [record] = callsOf(MEASUREMENTS, before).flatMap(kinesis);
    assert.equal(envelopeOf(Buffer.from(record?.kinesis.data ?? '', 'base64').toString('utf8')).equipmentId, 'wu-leak-tester-1');
    // ...and a Basic Ingest topic naming a rule that does not take the topic is refused.
    const received = telemetryReceived();
    await publishRefused(client, basicIngestTopic(TELEMETRY_RULES.state, topic));
    assert.equal(telemetryReceived(), received);
  });

  for (const [what, topic] of [
    ['another unit of its tenant', (t: string) => telemetryTopic(t, 'wu-cartoner-1', 'state')],
    ["another tenant's unit of the same id", () => telemetryTopic(newTenantId(), 'wu-labeler-1', 'state')],
    ['a topic outside the telemetry tree', (t: string) => `dt/mes/${t}/wu-labeler-1/state/extra`],
    ['an unknown telemetry type', (t: string) => telemetryTopic(t, 'wu-labeler-1', 'alarms')],
  ] as const) {
    it(`closes a device that publishes to ${what}, and the rules never see it`, async () => {
      // Prepare
      const client = await device(url, tenant, 'wu-labeler-1');
      const received = telemetryReceived();
      // Act
      await publishRefused(client, topic(tenant));
      await pipeline().drain();
      // Assess
      assert.equal(telemetryReceived(), received);
    });
  }

  it('refuses QoS 2, which IoT Core does not offer', async () => {
    const client = await device(url, tenant, 'wu-labeler-1');
    const received = telemetryReceived();
    await publishRefused(client, telemetryTopic(tenant, 'wu-labeler-1', 'state'), 2);
    assert.equal(telemetryReceived(), received);
  });

  it('refuses a connection without its tenant as username, without a tenant at all, or without a client id', async () => {
    const own = mes.deviceCredentials(tenant, 'wu-press-1');
    await assert.rejects(connectWith(url, { ...own, username: '' }), /Not authorized/i);
    await assert.rejects(connectWith(url, { clientId: 'browser-1', username: 'Not A Tenant', password: own.password }), /Bad username or password/i);
    await assert.rejects(connectWith(url, { ...own, clientId: '' }, { clean: true }), /Identifier rejected/i);
  });

  it('lets a device subscribe to nothing, as the IoT policy CDK deploys: not its own commands, never #, another unit or another tenant', async () => {
    // Prepare
    const client = await device(url, tenant, 'wu-press-1');
    const other = newTenantId();
    // Act
    const granted = await grantedQos(client, {
      [`cmd/mes/${tenant}/wu-press-1/#`]: { qos: 1 },
      '#': { qos: 0 },
      [`dt/mes/${tenant}/+/state`]: { qos: 0 },
      [`cmd/mes/${tenant}/wu-screw-1/#`]: { qos: 0 },
      [`cmd/mes/${other}/wu-press-1/#`]: { qos: 0 },
      [`cmd/mes/${tenant}/+/#`]: { qos: 0 },
    });
    await client.endAsync();
    // Assess: the policy grants no subscription (shared/telemetry/device-policy.ts), so none is granted.
    assert.deepEqual(granted, [128, 128, 128, 128, 128, 128]);
  });

  it('speaks MQTT over WebSocket for browsers, under the same policy', async () => {
    // Prepare
    const client = await device(mes.runtime.mqtt?.wsUrl as string, tenant, 'wu-cartoner-1');
    const before = handler.calls.length;
    // Act
    await client.publishAsync(telemetryTopic(tenant, 'wu-cartoner-1', 'state'), stateMessage('ws-1'), { qos: 1 });
    await pipeline().drain();
    await client.endAsync();
    // Assess
    assert.equal(envelopeOf(sqs(callsOf(STATE, before)[0])[0]?.body ?? '').equipmentId, 'wu-cartoner-1');
  });

  for (const transport of ['TCP', 'WebSocket'] as const) {
    describe(`only a device itself connects as that device, over ${transport}`, () => {
      const over = () => (transport === 'TCP' ? url : (mes.runtime.mqtt?.wsUrl as string));
      const other = newTenantId();
      const unit = 'wu-press-1';
      const own = () => mes.deviceCredentials(tenant, unit);

      /** A publishes QoS 1 and the rules get it: the PUBACK needs the connection A had all along. */
      async function stillPublishing(a: MqttClient, msgId: string) {
        const received = telemetryReceived();
        await a.publishAsync(telemetryTopic(tenant, unit, 'state'), stateMessage(msgId), { qos: 1 });
        assert.equal(telemetryReceived(), received + 1);
      }

      it("refuses another tenant's username with A's client id, whatever the password, and A stays connected and publishing", async () => {
        // Prepare
        const a = await watched(over(), own());
        const received = telemetryReceived();
        // Act
        const answers = [
          await attempt(over(), { clientId: own().clientId, username: other }),
          await attempt(over(), { clientId: own().clientId, username: other, password: mes.deviceCredentials(other, unit).password }),
          await attempt(over(), { ...own(), username: other }),
        ];
        // Assess
        for (const answer of answers) assert.match(answer, /Not authorized/i);
        assert.equal(a.wasClosed(), false);
        assert.equal(telemetryReceived(), received);
        await stillPublishing(a.client, `${transport}-tenant`);
        await a.client.endAsync();
      });

      it('refuses a missing or wrong password, or the credential of another unit or tenant', async () => {
        // Prepare
        const a = await watched(over(), own());
        const { clientId, username } = own();
        // Act
        const answers = [
          await attempt(over(), { clientId, username }),
          await attempt(over(), { clientId, username, password: 'wrong' }),
          await attempt(over(), { clientId, username, password: `${own().password}x` }),
          await attempt(over(), { clientId, username, password: mes.deviceCredentials(tenant, 'wu-screw-1').password }),
          await attempt(over(), { clientId, username, password: mes.deviceCredentials(other, unit).password }),
        ];
        // Assess
        for (const answer of answers) assert.match(answer, /Bad username or password/i);
        assert.equal(a.wasClosed(), false);
        await stillPublishing(a.client, `${transport}-password`);
        await a.client.endAsync();
      });

      it('refuses a client id that is not a thing name {tenant}:{equipment}, even with a valid credential', async () => {
        // Prepare
        const a = await watched(over(), own());
        const { username, password } = own();
        // Act: the bare equipment id (the old identity), a dot where a colon belongs, another case, a suffix.
        const answers = await Promise.all(
          [unit, `${tenant}:wu.press.1`, `${tenant.toUpperCase()}:${unit}`, `${tenant}:${unit}/x`].map((clientId) =>
            attempt(over(), { clientId, username, password }),
          ),
        );
        // Assess
        for (const answer of answers) assert.match(answer, /Identifier rejected/i);
        assert.equal(a.wasClosed(), false);
        await stillPublishing(a.client, `${transport}-shape`);
        await a.client.endAsync();
      });

      it('lets the device itself take its session over, as MQTT says', async () => {
        // Prepare
        const first = await watched(over(), own());
        const closed = new Promise<void>((resolve) => first.client.once('close', () => resolve()));
        // Act
        const second = await connectWith(over(), own());
        await closed;
        // Assess
        assert.equal(first.wasClosed(), true);
        await stillPublishing(second, `${transport}-takeover`);
        await second.endAsync();
      });

      it('never takes A offline, however often and however it is tried', async () => {
        // Prepare
        const a = await watched(over(), own());
        const { clientId, password } = own();
        const tries: Partial<DeviceCredentials>[] = [
          { clientId, username: other },
          { clientId, username: other, password },
          { clientId, username: tenant },
          { clientId, username: tenant, password: 'guess' },
          { clientId: unit, username: tenant, password },
        ];
        // Act: fifty at once, over both transports.
        const answers = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            attempt(i % 2 === 0 ? url : (mes.runtime.mqtt?.wsUrl as string), tries[i % tries.length] as Partial<DeviceCredentials>),
          ),
        );
        // Assess
        assert.ok(
          answers.every((answer) => answer !== 'connected'),
          answers.join('\n'),
        );
        assert.equal(a.wasClosed(), false);
        await stillPublishing(a.client, `${transport}-storm`);
        await a.client.endAsync();
      });
    });
  }
});

describe('MQTT broker: the live-feed hook for browsers', () => {
  let broker: MqttBroker;
  before(async () => {
    broker = await startMqttBroker({
      port: 0,
      wsPort: false,
      log: silentLog,
      devices,
      authenticateViewer: async (tenantId, password) => (password === 'good-token' ? { tenantId, userId: 'p-sam' } : undefined),
    });
  });
  after(() => broker.stop());

  it("lets a viewer follow its own tenant's feed and nothing else", async () => {
    // Prepare
    const viewer = await connectAsync(broker.url, { clientId: 'viewer-1', username: 'demo', password: 'good-token', reconnectPeriod: 0 });
    const granted = await grantedQos(viewer, { 'feed/mes/demo/#': { qos: 1 }, 'feed/mes/other/#': { qos: 0 }, '#': { qos: 0 } });
    const message = new Promise<[string, Buffer]>((resolve) => viewer.once('message', (topic, payload) => resolve([topic, payload])));
    // Act
    await broker.publish('feed/mes/demo/equipment/wu-press-1/state', '{"state":"down"}', 1);
    // Assess
    assert.deepEqual(granted, [1, 128, 128]);
    const [topic, payload] = await message;
    assert.equal(topic, 'feed/mes/demo/equipment/wu-press-1/state');
    assert.equal(payload.toString(), '{"state":"down"}');
    await viewer.endAsync();
    await assert.rejects(
      connectAsync(broker.url, { clientId: 'viewer-2', username: 'demo', password: 'bad', reconnectPeriod: 0 }),
      /Bad username or password/i,
    );
  });

  it("never lets a viewer's token stand for a device's credential", async () => {
    // Prepare
    const press = await watched(broker.url, devices.issue({ tenantId: 'demo', equipmentId: 'wu-press-1' }));
    // Act
    const answer = await attempt(broker.url, { clientId: 'demo:wu-press-1', username: 'demo', password: 'good-token' });
    // Assess
    assert.match(answer, /Bad username or password/i);
    assert.equal(press.wasClosed(), false);
    await press.client.endAsync();
  });
});

describe('telemetry pipeline: batching and redelivery', () => {
  it('delivers a batch as soon as it reaches the batch size and the rest when drained', async () => {
    // Prepare
    const handler = recordingHandler();
    const timers = manualTimers();
    const iot = await startLocalIot({ handlerResolver: handler.resolver, batchSize: 2, windowMs: 60_000, timers });
    const tenant = newTenantId();
    const client = await device(iot.broker.url, tenant, 'wu-press-1');
    // Act
    for (let i = 1; i <= 5; i++) await client.publishAsync(telemetryTopic(tenant, 'wu-press-1', 'counts'), countsMessage(`c-${i}`, i), { qos: 1 });
    await waitFor('two full batches went out', () => handler.calls.length === 2);
    const beforeDrain = handler.calls.map((c) => kinesis(c).length);
    await iot.pipeline.drain();
    await client.endAsync();
    await iot.stop();
    // Assess
    assert.deepEqual(beforeDrain, [2, 2]);
    assert.deepEqual(
      handler.calls.map((c) => kinesis(c).length),
      [2, 2, 1],
    );
    assert.deepEqual(iot.pipeline.counters, { received: 5, delivered: 5, failed: 0, retried: 0, unmatched: 0 });
  });

  it('holds records until the batching window closes, then delivers them as one batch', async () => {
    // Prepare
    const handler = recordingHandler();
    const timers = manualTimers();
    const iot = await startLocalIot({ handlerResolver: handler.resolver, windowMs: 250, timers });
    const tenant = newTenantId();
    const client = await device(iot.broker.url, tenant, 'wu-press-1');
    for (let i = 1; i <= 3; i++) await client.publishAsync(telemetryTopic(tenant, 'wu-press-1', 'state'), stateMessage(`s-${i}`), { qos: 1 });
    const heldBack = handler.calls.length;
    assert.deepEqual(
      [...timers.pending.values()].map((t) => t.ms),
      [250],
    );
    // Act
    timers.fireAll();
    await waitFor('the window closed', () => handler.calls.length === 1);
    await client.endAsync();
    await iot.stop();
    // Assess
    assert.equal(heldBack, 0);
    assert.equal(sqs(handler.calls[0]).length, 3);
  });

  it("uses each rule's own window, capped at 1 s locally", () => {
    // Prepare
    const timers = manualTimers();
    const pipeline = createTelemetryPipeline({ log: silentLog, handlerResolver: recordingHandler().resolver, timers });
    // Act
    pipeline.accept({ topic: 'dt/mes/t-1/wu-1/counts', payload: Buffer.from(countsMessage('c')), clientId: 't-1:wu-1' });
    pipeline.accept({ topic: 'dt/mes/t-1/wu-1/state', payload: Buffer.from(stateMessage('s')), clientId: 't-1:wu-1' });
    // Assess: measurements wait (10 s on AWS, 1 s here); state changes go out at once.
    assert.deepEqual([...timers.pending.values()].map((t) => t.ms).sort(), [0, 1000]);
  });

  it('redelivers only the SQS records the handler reported failed, then dead-letters them after 3 tries', async () => {
    // Prepare: the handler fails s-2 always and s-3 once.
    const failedOnce = new Set<string>();
    const handler = recordingHandler((call) => ({
      batchItemFailures: sqs(call)
        .filter((r) => {
          const msgId = JSON.parse(Buffer.from(envelopeOf(r.body).raw, 'base64').toString()).msgId as string;
          if (msgId === 's-2') return true;
          if (msgId === 's-3' && !failedOnce.has(msgId)) return failedOnce.add(msgId);
          return false;
        })
        .map((r) => ({ itemIdentifier: r.messageId })),
    }));
    const timers = manualTimers();
    const iot = await startLocalIot({ handlerResolver: handler.resolver, windowMs: 60_000, timers });
    const tenant = newTenantId();
    const client = await device(iot.broker.url, tenant, 'wu-press-1');
    for (let i = 1; i <= 3; i++) await client.publishAsync(telemetryTopic(tenant, 'wu-press-1', 'state'), stateMessage(`s-${i}`), { qos: 1 });
    // Act
    await iot.pipeline.drain();
    await client.endAsync();
    await iot.stop();
    // Assess
    const batches = handler.calls.map((c) => sqs(c).map((r) => [r.messageId, r.attributes.ApproximateReceiveCount]));
    const id = (n: number) => batches[0]?.[n]?.[0];
    assert.deepEqual(batches, [
      [
        [id(0), '1'],
        [id(1), '1'],
        [id(2), '1'],
      ],
      [
        [id(1), '2'],
        [id(2), '2'],
      ],
      [[id(1), '3']],
    ]);
    assert.deepEqual(iot.pipeline.counters, { received: 3, delivered: 2, failed: 1, retried: 3, unmatched: 0 });
    assert.deepEqual(
      iot.pipeline.deadLetters.map((d) => [d.rule, d.id, d.attempts]),
      [[STATE, id(1), 3]],
    );
  });

  it('retries a Kinesis batch from the first failed sequence number, then dead-letters the rest', async () => {
    // Prepare: the handler fails the second record every time.
    const handler = recordingHandler((call) => ({
      batchItemFailures: kinesis(call)
        .slice(1, 2)
        .map((r) => ({ itemIdentifier: r.kinesis.sequenceNumber })),
    }));
    const timers = manualTimers();
    const iot = await startLocalIot({ handlerResolver: handler.resolver, windowMs: 60_000, timers });
    const tenant = newTenantId();
    const client = await device(iot.broker.url, tenant, 'wu-press-1');
    for (let i = 1; i <= 4; i++) await client.publishAsync(telemetryTopic(tenant, 'wu-press-1', 'counts'), countsMessage(`c-${i}`, i), { qos: 1 });
    // Act
    await iot.pipeline.drain();
    await client.endAsync();
    await iot.stop();
    // Assess: each try acknowledges the records before the failed one; the last try's failure is dead-lettered.
    const batches = handler.calls.map((c) => kinesis(c).map((r) => r.kinesis.sequenceNumber));
    const seq = batches[0] ?? [];
    assert.deepEqual(batches, [seq, seq.slice(1), seq.slice(2)]);
    assert.deepEqual(iot.pipeline.counters, { received: 4, delivered: 3, failed: 1, retried: 5, unmatched: 0 });
    assert.deepEqual(
      iot.pipeline.deadLetters.map((d) => d.id),
      seq.slice(3),
    );
  });

  it('survives a handler that throws or answers nonsense: the batch is retried whole and the broker keeps going', async () => {
    // Prepare
    const handler = recordingHandler((_call, n) => {
      if (n === 1) throw new Error('boom');
      if (n === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      return { batchItemFailures: [] };
    });
    const iot = await startLocalIot({ handlerResolver: handler.resolver, windowMs: 0 });
    const tenant = newTenantId();
    const client = await device(iot.broker.url, tenant, 'wu-press-1');
    // Act
    await client.publishAsync(telemetryTopic(tenant, 'wu-press-1', 'state'), stateMessage('s-1'), { qos: 1 });
    await iot.pipeline.drain();
    await client.publishAsync(telemetryTopic(tenant, 'wu-press-1', 'state'), stateMessage('s-2'), { qos: 1 });
    await iot.pipeline.drain();
    await client.endAsync();
    await iot.stop();
    // Assess
    assert.deepEqual(
      handler.calls.map((c) => sqs(c)[0]?.attributes.ApproximateReceiveCount),
      ['1', '2', '3', '1'],
    );
    assert.deepEqual(iot.pipeline.counters, { received: 2, delivered: 2, failed: 0, retried: 2, unmatched: 0 });
  });

  it('flushes what is buffered when it stops', async () => {
    // Prepare
    const handler = recordingHandler();
    const iot = await startLocalIot({ handlerResolver: handler.resolver, windowMs: 60_000, timers: manualTimers() });
    const tenant = newTenantId();
    const client = await device(iot.broker.url, tenant, 'wu-press-1');
    await client.publishAsync(telemetryTopic(tenant, 'wu-press-1', 'counts'), countsMessage('c-1'), { qos: 1 });
    await client.endAsync();
    // Act
    await iot.stop();
    // Assess
    assert.equal(handler.calls.length, 1);
    assert.equal(iot.pipeline.counters.delivered, 1);
  });
});

// Each case is bounded: a PUBACK that never comes fails it instead of hanging the file.
describe('MQTT broker: when a PUBACK means the message is stored (telemetryAck)', () => {
  /** A handler that stores nothing until the test lets it (or fails every time). */
  function heldHandler(fail = false) {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    let called = 0;
    let completed = 0;
    const resolver: NonNullable<TelemetryPipelineOptions['handlerResolver']> = async (rule) => async () => {
      // The device's connect and disconnect (lifecycle events) are stored at once: only telemetry is held.
      if (rule.name === TELEMETRY_RULES.lifecycle.name) return undefined;
      called++;
      if (fail) throw new Error('the table is not there');
      await released;
      completed++;
      return undefined;
    };
    return { resolver, release, called: () => called, completed: () => completed };
  }
  const publishState = (client: MqttClient, tenant: string, unit: string) =>
    client.publishAsync(telemetryTopic(tenant, unit, 'state'), stateMessage(`m-${Math.random()}`), { qos: 1 });

  it("'stored': the PUBACK comes only once the handler has stored the message", { timeout: 30_000 }, async () => {
    const handler = heldHandler();
    const mes = await startTestRuntime({ mqttPort: 0, telemetryWindowMs: 0, telemetryAck: 'stored', telemetryHandlerResolver: handler.resolver });
    try {
      const tenant = newTenantId();
      const client = await connectWith(mes.mqttUrl as string, mes.deviceCredentials(tenant, 'wu-press-1'));
      let acknowledged = false;
      const published = publishState(client, tenant, 'wu-press-1').then(() => (acknowledged = true));
      await waitFor('the handler has the message', () => handler.called() === 1);
      // Held by the handler, not by a clock: nothing can have acknowledged it yet.
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(acknowledged, false, 'acknowledged before it was stored');
      handler.release();
      await published;
      assert.equal(handler.completed(), 1);
      await client.endAsync();
    } finally {
      handler.release();
      await mes.stop();
    }
  });

  it("'stored': a message its handler could not store is not acknowledged: the device is disconnected and sends it again", {
    timeout: 30_000,
  }, async () => {
    const handler = heldHandler(true);
    const mes = await startTestRuntime({ mqttPort: 0, telemetryWindowMs: 0, telemetryAck: 'stored', telemetryHandlerResolver: handler.resolver });
    try {
      const tenant = newTenantId();
      const client = await connectWith(mes.mqttUrl as string, mes.deviceCredentials(tenant, 'wu-press-1'));
      let closed = false;
      client.on('close', () => (closed = true));
      let acknowledged = false;
      void publishState(client, tenant, 'wu-press-1').then(
        () => (acknowledged = true),
        () => {},
      );
      await waitFor('the device was disconnected', () => closed);
      assert.equal(acknowledged, false);
      assert.equal(mes.runtime.mqtt?.pipeline.deadLetters.length, 1);
      await client.endAsync(true);
    } finally {
      await mes.stop();
    }
  });

  it("'received' (IoT Core's way, the default in memory): the PUBACK comes once the rules have it", { timeout: 30_000 }, async () => {
    const handler = heldHandler();
    const mes = await startTestRuntime({ mqttPort: 0, telemetryWindowMs: 0, telemetryHandlerResolver: handler.resolver });
    try {
      assert.equal(mes.runtime.mqtt?.ackWhen, 'received');
      const tenant = newTenantId();
      const client = await connectWith(mes.mqttUrl as string, mes.deviceCredentials(tenant, 'wu-press-1'));
      await publishState(client, tenant, 'wu-press-1');
      assert.equal(handler.completed(), 0, 'acknowledged while the handler still holds it');
      handler.release();
      await client.endAsync();
    } finally {
      handler.release();
      await mes.stop();
    }
  });
});

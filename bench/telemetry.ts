/**
 * Telemetry figures of issue 3 (section 9), against the runtime `npm run bench` started
 * (DynamoDB Local in memory, the MQTT broker and rule pipeline of infra/local):
 *   1. ingest throughput: the real consumers (functions/iot/ingest-measurements.ts with
 *      Kinesis-shaped events, ingest-state.ts with SQS-shaped ones) called in-process with
 *      batches of 10, 100 and 1,000 messages from 50 units, after a warm-up, one tenant each;
 *   2. DynamoDB request units per 1,000 messages and per 1,000 samples, from withUsage
 *      (ReturnConsumedCapacity on the real code path), state messages apart, with and without
 *      gateway batching;
 *   plant: 200 units, batched as the event sources batch on AWS (measurements: 1,000 records or
 *      the rule's 10 s window; state: no window, so one message per invocation), with 1, 10
 *      and 60 samples per message: the measured basis of the cost table (telemetry-cost.ts);
 *   3. end-to-end latency: mqtt.js publishes a state change (QoS 1, Basic Ingest topic) to the
 *      local broker while the simulator plays 50 other units at a message a second; the clock
 *      stops at the first GET /v1/equipment/{id}/status that shows the change.
 * Every loop is bounded in count and time; all traffic stays on 127.0.0.1.
 * BENCH_TELEMETRY_SCALE (0-1] shrinks the counts and time limits while working on the bench.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import type { Context, KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { connectAsync, type MqttClient } from 'mqtt';
import { lambdaContext } from '../infra/local/api-gateway.ts';
import { localClientConfig } from '../infra/local/dynamodb.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import { MAX_LOCAL_WINDOW_MS } from '../infra/local/telemetry-pipeline.ts';
import { keys } from '../shared/db/keys.ts';
import { withUsage } from '../shared/db/usage.ts';
import { TELEMETRY_GROUPS } from '../shared/telemetry/groups.ts';
import { basicIngestTopic, TELEMETRY_RULES, telemetryTopic } from '../shared/telemetry/rules.ts';
import { type Validated, validateRecord } from '../shared/telemetry/validate.ts';
import { runLive } from '../simulator/run.ts';
import { request } from './http-client.ts';
import { load, percentile } from './stats.ts';
import {
  createWorkload,
  GATEWAY_MAX_AGE_S,
  itemBytes,
  kinesisEvent,
  type Mix,
  type RuleMessage,
  sqsEvent,
  unitId,
  type Workload,
} from './telemetry-workload.ts';
import type { DesignMeasure, NaiveMeasure } from './telemetry-cost.ts';

const SCALE = Math.min(1, Math.max(0.05, Number(process.env.BENCH_TELEMETRY_SCALE ?? 1)));
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));

/** Units of the throughput scenarios, and of the plant of the cost table. */
export const INGEST_UNITS = 50;
export const PLANT_UNITS = 200;
/** Lambda's SQS event source without a batching window delivers at most 10 (infra/stacks/telemetry-stack.ts). */
const SQS_BATCH_WITHOUT_WINDOW = 10;
const MAX_MS_PER_INGEST_SCENARIO = 8_000;
const MAX_MS_PER_PLANT_DESIGN = 12_000;
/** Plant seconds generated before a scenario gives up filling a batch (never reached with these rates). */
const MAX_EMPTY_SECONDS = 3_600;

const INGEST_SCENARIOS = [
  { samplesPerMessage: 1, batchSize: 10, warmup: 20, maxBatches: 400 },
  { samplesPerMessage: 1, batchSize: 100, warmup: 5, maxBatches: 80 },
  { samplesPerMessage: 1, batchSize: 1000, warmup: 2, maxBatches: 10 },
  { samplesPerMessage: 10, batchSize: 10, warmup: 10, maxBatches: 150 },
  { samplesPerMessage: 10, batchSize: 100, warmup: 3, maxBatches: 30 },
  { samplesPerMessage: 10, batchSize: 1000, warmup: 1, maxBatches: 4 },
] as const;
const PLANT_DESIGNS = [1, 10, 60] as const;
/** Warm-up Kinesis batches: with gateway batching, until every gateway has sent (GATEWAY_MAX_AGE_S) and the first short messages are gone. */
const plantWarmupBatches = (samplesPerMessage: number) =>
  samplesPerMessage === 1 ? 2 : Math.ceil(GATEWAY_MAX_AGE_S / TELEMETRY_RULES.measurements.batchingWindowSeconds) + 1;
const PLANT_MAX_BATCHES = 16;

const LATENCY_CHANGES = 100;
const LATENCY_MAX_MS = 30_000;
const LATENCY_PER_CHANGE_TIMEOUT_MS = 5_000;
/** Units whose state the latency run changes (round robin), beside the simulator's background units. */
const LATENCY_STATE_UNITS = 10;
const LATENCY_BACKGROUND_UNITS = 50;

export interface Totals {
  invocations: number;
  records: number;
  samples: number;
  /** Handler time per invocation, ms. */
  ms: number[];
  wru: number;
  rru: number;
  /** DynamoDB calls by kind, all invocations together. */
  calls: Record<string, number>;
  /** Records the handler reported failed (partial batch response). */
  failed: number;
  payloadBytes: number;
  recordBytes: number;
}

export interface IngestFigure {
  tenantId: string;
  units: number;
  samplesPerMessage: number;
  mix: Mix;
  /** Messages per batch (count-cut), or the most records per batch (window-cut). */
  batchSize: number;
  /** Window-cut batches: the rule's batching window. */
  windowSeconds?: number;
  warmupBatches: number;
  batches: number;
  stoppedBy: 'count' | 'time';
  /** Plant time the measured messages span. */
  plantSeconds: number;
  /** Arrival time of the first message left unprocessed: everything before it was ingested. */
  endTs: number;
  measurement: Totals;
  state: Totals;
  /** Samples of the first measured batch that validation accepted, of all. */
  validated: { valid: number; of: number };
}

export interface PlantFigure extends IngestFigure {
  bucketItemsPerMinute: number;
  bucketItemBytes: { mean: number; max: number; items: number; completeMinutes: boolean };
  stateItemBytes: number;
}

export interface LatencyFigure {
  tenantId: string;
  changes: number;
  timedOut: number;
  latenciesMs: number[];
  statusGetMs: number[];
  /** Local batching windows used: state rule and measurements rule. */
  windowMs: { state: number; measurements: number };
  background: { units: number; published: number; seconds: number; failed: number };
  statusUsage?: { rru: number; calls: string } | undefined;
  stoppedBy: 'count' | 'time';
}

export interface TelemetryResults {
  loadAverage: { before: number[]; after: number[] };
  seconds: number;
  scale: number;
  lambdaMemoryMb: number;
  ingest: IngestFigure[];
  plant: PlantFigure[];
  naive: NaiveMeasure & { items: number };
  latency: LatencyFigure;
  /** Failed or dead-lettered records anywhere (warm-ups included). */
  errors: string[];
}

type Handler<E> = (event: E, context: Context) => Promise<unknown>;
interface Handlers {
  state: Handler<SQSEvent>;
  measurements: Handler<KinesisStreamEvent>;
}

const newTotals = (): Totals => ({
  invocations: 0,
  records: 0,
  samples: 0,
  ms: [],
  wru: 0,
  rru: 0,
  calls: {},
  failed: 0,
  payloadBytes: 0,
  recordBytes: 0,
});

/** The memory the consumers get on AWS: MesFunction's default (infra/constructs/mes-function.ts). */
export function lambdaMemoryMb(root: string): number {
  const source = readFileSync(`${root}infra/constructs/mes-function.ts`, 'utf8');
  const mb = /memorySize:\s*props\.memorySize\s*\?\?\s*(\d+)/.exec(source)?.[1];
  if (!mb) throw new Error('cannot find the default memorySize in infra/constructs/mes-function.ts');
  return Number(mb);
}

export async function measureTelemetry(runtime: Runtime, options: { root: string; step: (message: string) => void }): Promise<TelemetryResults> {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const errors: string[] = [];
  if (!runtime.mqtt) throw new Error('the bench runtime was started without MQTT (mqttPort)');
  // After the runtime set the function environment, as the local pipeline imports them.
  const handlers: Handlers = {
    state: (await import('../functions/iot/ingest-state.ts')).handler as Handler<SQSEvent>,
    measurements: (await import('../functions/iot/ingest-measurements.ts')).handler as Handler<KinesisStreamEvent>,
  };
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.dynamoDbEndpoint)));
  const runId = Date.now().toString(36);
  // Plant time: starts three hours ago on a whole minute, well inside the 24 h late window.
  const plantStart = Math.floor((Date.now() - 3 * 3600_000) / 60_000) * 60_000;

  try {
    const ingest: IngestFigure[] = [];
    for (const [n, s] of INGEST_SCENARIOS.entries()) {
      const tenantId = `bench-tlm-${s.samplesPerMessage}x-b${s.batchSize}`;
      options.step(
        `telemetry ${n + 1}/${INGEST_SCENARIOS.length}: ${INGEST_UNITS} units, ${s.samplesPerMessage} sample(s)/message, batches of ${s.batchSize}`,
      );
      await registerUnits(runtime, tenantId, INGEST_UNITS);
      const workload = createWorkload({
        tenantId,
        units: INGEST_UNITS,
        startTs: plantStart,
        seed: 7 + n,
        samplesPerMessage: s.samplesPerMessage,
        mix: 'counts+process',
        runId,
      });
      ingest.push(
        await ingestByCount(
          handlers,
          workload,
          {
            tenantId,
            units: INGEST_UNITS,
            samplesPerMessage: s.samplesPerMessage,
            batchSize: s.batchSize,
            warmup: s.warmup,
            maxBatches: scaled(s.maxBatches),
            maxMs: MAX_MS_PER_INGEST_SCENARIO * SCALE,
          },
          errors,
        ),
      );
    }

    const plant: PlantFigure[] = [];
    for (const g of PLANT_DESIGNS) {
      const tenantId = `bench-tlm-plant-${g}x`;
      options.step(
        `telemetry plant: ${PLANT_UNITS} units, ${g} sample(s)/message, Kinesis batches of up to ${TELEMETRY_RULES.measurements.batchSize} or ${TELEMETRY_RULES.measurements.batchingWindowSeconds} s`,
      );
      await registerUnits(runtime, tenantId, PLANT_UNITS);
      const workload = createWorkload({
        tenantId,
        units: PLANT_UNITS,
        startTs: plantStart,
        seed: 1000 + g,
        samplesPerMessage: g,
        mix: 'one-per-second',
        runId,
      });
      const figure = await ingestByWindow(
        handlers,
        workload,
        {
          tenantId,
          units: PLANT_UNITS,
          samplesPerMessage: g,
          warmup: plantWarmupBatches(g),
          maxBatches: scaled(PLANT_MAX_BATCHES),
          maxMs: MAX_MS_PER_PLANT_DESIGN * SCALE,
        },
        errors,
      );
      plant.push({ ...figure, ...(await storedSizes(db, runtime.tableName, tenantId, plantStart, figure)) });
    }

    options.step('telemetry: the naive design, one item per sample');
    const naive = await measureNaive(db, runtime.tableName, plantStart, runId);

    options.step(`telemetry: end-to-end latency, up to ${scaled(LATENCY_CHANGES)} state changes over MQTT`);
    const latency = await measureLatency(runtime, errors);

    return {
      loadAverage: { before: loadBefore, after: os.loadavg() },
      seconds: (performance.now() - started) / 1000,
      scale: SCALE,
      lambdaMemoryMb: lambdaMemoryMb(options.root),
      ingest,
      plant,
      naive,
      latency,
      errors,
    };
  } finally {
    db.destroy();
  }
}

/** A site, a work center and `count` work units under it, through the API as a planner would. */
async function registerUnits(runtime: Runtime, tenantId: string, count: number) {
  const token = await runtime.issueToken({ tenantId, userId: 'bench-planner', roles: ['planner'] });
  const put = async (id: string, body: unknown) => {
    const reply = await request(runtime.baseUrl, 'PUT', `/v1/equipment/${id}`, token, body);
    if (reply.status !== 200 && reply.status !== 201) throw new Error(`PUT equipment ${id} for ${tenantId} answered ${reply.status}: ${reply.body}`);
    return true;
  };
  await put('site', { name: 'Bench plant', level: 'site' });
  await put('line-1', { name: 'Line 1', level: 'workCenter', workCenterType: 'productionLine', parentId: 'site' });
  const run = await load({ concurrency: 8, samples: count, maxMs: 60_000 }, (i) =>
    put(unitId(i), { name: `Unit ${i + 1}`, level: 'workUnit', parentId: 'line-1', idealCycleTimeSeconds: 2 }),
  );
  if (run.done.length !== count) throw new Error(`only ${run.done.length} of ${count} units of ${tenantId} were registered in time`);
}

/** Calls one consumer with one batch, metered; adds to `totals` unless warming up. */
async function invoke(handlers: Handlers, kind: 'state' | 'measurements', messages: RuleMessage[], totals: Totals | undefined, errors: string[]) {
  const context = lambdaContext(kind === 'state' ? 'ingest-state' : 'ingest-measurements', 60_000);
  // Built before the clock starts: the event source builds it, not the function.
  const event = kind === 'state' ? sqsEvent(messages) : kinesisEvent(messages);
  const t = performance.now();
  const [result, usage] = await withUsage(() =>
    kind === 'state' ? handlers.state(event as SQSEvent, context) : handlers.measurements(event as KinesisStreamEvent, context),
  );
  const ms = performance.now() - t;
  const failed = ((result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures ?? []).length;
  if (failed && errors.length < 20)
    errors.push(`${messages[0]?.envelope.tenantId}: ${kind} batch of ${messages.length} reported ${failed} failed record(s)`);
  if (!totals) return;
  totals.invocations++;
  totals.records += messages.length;
  totals.samples += messages.reduce((n, m) => n + m.samples, 0);
  totals.ms.push(ms);
  totals.wru += usage.writeUnits;
  totals.rru += usage.readUnits;
  for (const c of usage.calls) totals.calls[c] = (totals.calls[c] ?? 0) + 1;
  totals.failed += failed;
  totals.payloadBytes += messages.reduce((n, m) => n + m.payloadBytes, 0);
  totals.recordBytes += messages.reduce((n, m) => n + Buffer.byteLength(m.body), 0);
}

/** Delivers a mixed batch as the rules split it: measurements to Kinesis, state to SQS (10 at most per batch). */
async function deliver(handlers: Handlers, batch: RuleMessage[], figure: { measurement: Totals; state: Totals } | undefined, errors: string[]) {
  const measurements = batch.filter((m) => m.rule === 'measurements');
  const states = batch.filter((m) => m.rule === 'state');
  if (measurements.length) await invoke(handlers, 'measurements', measurements, figure?.measurement, errors);
  for (let i = 0; i < states.length; i += SQS_BATCH_WITHOUT_WINDOW) {
    await invoke(handlers, 'state', states.slice(i, i + SQS_BATCH_WITHOUT_WINDOW), figure?.state, errors);
  }
}

function validateAll(messages: RuleMessage[]): { valid: number; of: number } {
  const into: Validated = { samples: [], rejections: [], unattributable: [] };
  for (const [i, m] of messages.entries()) validateRecord(String(i), m.body, into);
  return { valid: into.samples.length, of: messages.reduce((n, m) => n + m.samples, 0) };
}

/** Pulls plant seconds until the buffer holds `n` messages (bounded). */
function fill(workload: Workload, buffer: RuleMessage[], n: number) {
  for (let empty = 0; buffer.length < n && empty < MAX_EMPTY_SECONDS; ) {
    const more = workload.nextSecond();
    if (more.length === 0) empty++;
    buffer.push(...more);
  }
  if (buffer.length < n) throw new Error(`the workload produced no message in ${MAX_EMPTY_SECONDS} plant seconds`);
}

interface ScenarioOptions {
  tenantId: string;
  units: number;
  samplesPerMessage: number;
  warmup: number;
  maxBatches: number;
  maxMs: number;
}

/** Batches of `batchSize` consecutive messages, each split by rule and handed to both consumers. */
async function ingestByCount(
  handlers: Handlers,
  workload: Workload,
  o: ScenarioOptions & { batchSize: number },
  errors: string[],
): Promise<IngestFigure> {
  const buffer: RuleMessage[] = [];
  const next = () => (fill(workload, buffer, o.batchSize), buffer.splice(0, o.batchSize));
  for (let i = 0; i < o.warmup; i++) await deliver(handlers, next(), undefined, errors);
  const figure = { measurement: newTotals(), state: newTotals() };
  let validated = { valid: 0, of: 0 };
  let first: number | undefined;
  let batches = 0;
  const deadline = performance.now() + o.maxMs;
  for (; batches < o.maxBatches && performance.now() < deadline; batches++) {
    const batch = next();
    if (batches === 0) validated = validateAll(batch);
    first ??= batch[0]?.receivedAt;
    await deliver(handlers, batch, figure, errors);
  }
  fill(workload, buffer, 1);
  const endTs = buffer[0]?.receivedAt ?? 0;
  return {
    tenantId: o.tenantId,
    units: o.units,
    samplesPerMessage: o.samplesPerMessage,
    mix: 'counts+process',
    batchSize: o.batchSize,
    warmupBatches: o.warmup,
    batches,
    stoppedBy: batches >= o.maxBatches ? 'count' : 'time',
    plantSeconds: (endTs - (first ?? endTs)) / 1000,
    endTs,
    ...figure,
    validated,
  };
}

/**
 * As the event sources batch on AWS: measurements in Kinesis batches of up to the rule's
 * batch size, closed when the rule's window (from the batch's first record) has passed; each
 * state message at once, alone (no window, and state changes are rare). In arrival order.
 */
async function ingestByWindow(handlers: Handlers, workload: Workload, o: ScenarioOptions, errors: string[]): Promise<IngestFigure> {
  const rule = TELEMETRY_RULES.measurements;
  const windowMs = rule.batchingWindowSeconds * 1000;
  const buffer: RuleMessage[] = [];
  const figure = { measurement: newTotals(), state: newTotals() };
  let validated = { valid: 0, of: 0 };
  let first: number | undefined;
  let batches = 0;
  const deadline = () => performance.now() + o.maxMs;
  let until = Number.POSITIVE_INFINITY;
  for (let n = 0; n < o.warmup + o.maxBatches && performance.now() < until; n++) {
    const measuring = n >= o.warmup;
    if (n === o.warmup) until = deadline();
    const totals = measuring ? figure : undefined;
    const batch: RuleMessage[] = [];
    let start: number | undefined;
    for (;;) {
      fill(workload, buffer, 1);
      const m = buffer[0] as RuleMessage;
      if (measuring) first ??= m.receivedAt;
      if (m.rule === 'state') {
        buffer.shift();
        await invoke(handlers, 'state', [m], totals?.state, errors);
        continue;
      }
      start ??= m.receivedAt;
      if (m.receivedAt >= start + windowMs || batch.length >= rule.batchSize) break;
      batch.push(buffer.shift() as RuleMessage);
    }
    if (measuring && batches === 0) validated = validateAll(batch);
    await invoke(handlers, 'measurements', batch, totals?.measurement, errors);
    if (measuring) batches++;
  }
  fill(workload, buffer, 1);
  return {
    tenantId: o.tenantId,
    units: o.units,
    samplesPerMessage: o.samplesPerMessage,
    mix: 'one-per-second',
    batchSize: rule.batchSize,
    windowSeconds: rule.batchingWindowSeconds,
    warmupBatches: o.warmup,
    batches,
    stoppedBy: batches >= o.maxBatches ? 'count' : 'time',
    plantSeconds: ((buffer[0]?.receivedAt ?? 0) - (first ?? 0)) / 1000,
    endTs: buffer[0]?.receivedAt ?? 0,
    ...figure,
    validated,
  };
}

/**
 * What the plant's items weigh when stored: the aggregate items of the minutes that were
 * complete when the run stopped (every sample of them had arrived), and its state items.
 */
async function storedSizes(db: DynamoDBDocumentClient, table: string, tenantId: string, plantStart: number, figure: IngestFigure) {
  const end = figure.endTs;
  // A minute is complete once its last sample's gateway message (sent within GATEWAY_MAX_AGE_S) has been ingested.
  const lastComplete = end - ((figure.samplesPerMessage > 1 ? GATEWAY_MAX_AGE_S : 0) + 1) * 1000;
  const all: { minute: number; bytes: number }[] = [];
  for (let group = 0; group < TELEMETRY_GROUPS; group++) {
    const days = new Set([new Date(plantStart).toISOString().slice(0, 10), new Date(end).toISOString().slice(0, 10)]);
    for (const day of days) {
      let start: Record<string, unknown> | undefined;
      for (let page = 0; page < 100; page++) {
        const res = await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.telemetryPartition(tenantId, group, day) },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of res.Items ?? []) all.push({ minute: Number(item.minute), bytes: itemBytes(item) });
        start = res.LastEvaluatedKey;
        if (!start) break;
      }
    }
  }
  const stateSizes: number[] = [];
  for (let i = 0; i < 40 && stateSizes.length < 50; i++) {
    const state = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.equipmentStatePartition(tenantId, unitId(i)) },
        Limit: 50,
      }),
    );
    stateSizes.push(...(state.Items ?? []).map((item) => itemBytes(item)));
  }
  const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
  // Complete minutes when there are any; else every minute written (partly filled, so smaller).
  const complete = all.filter((i) => i.minute + 60_000 <= lastComplete);
  const chosen = complete.length ? complete : all;
  const sizes = chosen.map((i) => i.bytes);
  const minutes = new Set(chosen.map((i) => i.minute));
  return {
    bucketItemsPerMinute: minutes.size ? sizes.length / minutes.size : Number.NaN,
    bucketItemBytes: {
      mean: mean(sizes),
      max: sizes.length ? Math.max(...sizes) : Number.NaN,
      items: sizes.length,
      completeMinutes: complete.length > 0,
    },
    stateItemBytes: mean(stateSizes),
  };
}

/**
 * The naive design's items: each sample as the IoT rule's DynamoDB action would store it, one
 * item per message (key, topic parts, the payload's fields), written with BatchWriteItem to the
 * same DynamoDB Local, request units as it reports them.
 */
async function measureNaive(db: DynamoDBDocumentClient, table: string, plantStart: number, runId: string) {
  const tenantId = 'bench-tlm-naive';
  const workload = createWorkload({
    tenantId,
    units: PLANT_UNITS,
    startTs: plantStart,
    seed: 99,
    samplesPerMessage: 1,
    mix: 'one-per-second',
    runId,
  });
  const messages: RuleMessage[] = [];
  fill(workload, messages, 500);
  const sample = messages.slice(0, 500);
  let wru = 0;
  const sizes: number[] = [];
  for (let i = 0; i < sample.length; i += 25) {
    const items = sample.slice(i, i + 25).map((m) => {
      const payload = JSON.parse(Buffer.from(m.envelope.raw, 'base64').toString('utf8')) as { ts: number; msgId: string };
      const item = {
        pk: `${tenantId}#RAW#${m.equipmentId}`,
        sk: `${new Date(payload.ts).toISOString()}#${payload.msgId}`,
        tenantId,
        equipmentId: m.equipmentId,
        type: m.type,
        receivedAt: m.receivedAt,
        ...payload,
      };
      sizes.push(itemBytes(item));
      return { PutRequest: { Item: item } };
    });
    let requests = items;
    for (let attempt = 0; requests.length > 0 && attempt < 5; attempt++) {
      const res = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests }, ReturnConsumedCapacity: 'TOTAL' }));
      wru += (res.ConsumedCapacity ?? []).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      requests = (res.UnprocessedItems?.[table] ?? []) as typeof items;
    }
  }
  const seconds = workload.seconds();
  return {
    items: sample.length,
    samplesPerSecond: messages.reduce((n, m) => n + m.samples, 0) / seconds,
    payloadBytes: sample.reduce((n, m) => n + m.payloadBytes, 0) / sample.length,
    wruPerItem: wru / sample.length,
    itemBytes: sizes.reduce((a, b) => a + b, 0) / sizes.length,
  };
}

/**
 * State change -> status, over real MQTT. The runtime's broker and pipeline (infra/local) with
 * their default windows. Background: the simulator (simulator/run.ts, live, plant time = wall
 * clock) plays LATENCY_BACKGROUND_UNITS units of the tenant at one message a second each, with
 * its own state changes, through Basic Ingest. Measured: LATENCY_STATE_UNITS other units, one
 * mqtt.js connection each; a state change goes to one of them in turn, and
 * GET /v1/equipment/{id}/status is polled back to back until it shows that state since that
 * timestamp.
 */
async function measureLatency(runtime: Runtime, errors: string[]): Promise<LatencyFigure> {
  const tenantId = 'bench-tlm-latency';
  await registerUnits(runtime, tenantId, LATENCY_BACKGROUND_UNITS + LATENCY_STATE_UNITS);
  const token = await runtime.issueToken({ tenantId, userId: 'bench-supervisor', roles: ['supervisor'] });
  const url = (runtime.mqtt as NonNullable<Runtime['mqtt']>).url;
  const clients: MqttClient[] = [];
  const figure: LatencyFigure = {
    tenantId,
    changes: 0,
    timedOut: 0,
    latenciesMs: [],
    statusGetMs: [],
    windowMs: {
      state: Math.min(TELEMETRY_RULES.state.batchingWindowSeconds * 1000, MAX_LOCAL_WINDOW_MS),
      measurements: Math.min(TELEMETRY_RULES.measurements.batchingWindowSeconds * 1000, MAX_LOCAL_WINDOW_MS),
    },
    background: { units: LATENCY_BACKGROUND_UNITS, published: 0, seconds: 0, failed: 0 },
    stoppedBy: 'count',
  };
  const note = (message: string) => errors.length < 20 && errors.push(message);
  const stateUnit = (n: number) => unitId(LATENCY_BACKGROUND_UNITS + n);
  const backgroundStarted = performance.now();
  const background = runLive({
    mqttUrl: url,
    credentials: (device) => runtime.deviceCredentials(device),
    batch: 1,
    basicIngest: true,
    log: { info: () => {}, error: (message) => note(`latency background: ${message}`) },
    tenantId,
    units: Array.from({ length: LATENCY_BACKGROUND_UNITS }, (_, i) => unitId(i)),
    rate: 1,
    speed: 1,
    seed: 7,
  });
  try {
    for (let i = 0; i < LATENCY_STATE_UNITS; i++) {
      const device = runtime.deviceCredentials({ tenantId, equipmentId: stateUnit(i) });
      clients.push(await connectAsync(url, { ...device, reconnectPeriod: 0, connectTimeout: 10_000 }));
    }
    const states = ['down', 'running', 'idle', 'running', 'setup', 'running'] as const;
    const lastTs = new Map<number, number>();
    const deadline = performance.now() + LATENCY_MAX_MS * SCALE;
    const changes = scaled(LATENCY_CHANGES);
    for (let n = 0; n < changes; n++) {
      if (performance.now() >= deadline) {
        figure.stoppedBy = 'time';
        break;
      }
      const unit = n % LATENCY_STATE_UNITS;
      const state = states[Math.floor(n / LATENCY_STATE_UNITS) % states.length] as string;
      const ts = Math.max(Date.now(), (lastTs.get(unit) ?? 0) + 1);
      lastTs.set(unit, ts);
      const since = new Date(ts).toISOString();
      const topic = basicIngestTopic(TELEMETRY_RULES.state, telemetryTopic(tenantId, stateUnit(unit), 'state'));
      const t0 = performance.now();
      const published = (clients[unit] as MqttClient)
        .publishAsync(topic, JSON.stringify({ ts, msgId: `lat-${unit}-s-${n}`, state, ...(state === 'running' ? {} : { reasonCode: 'BENCH' }) }), {
          qos: 1,
        })
        .catch((error: Error) => note(`latency state publish: ${error.message}`));
      let seen = false;
      while (!seen && performance.now() - t0 < LATENCY_PER_CHANGE_TIMEOUT_MS) {
        const g0 = performance.now();
        const reply = await request(runtime.baseUrl, 'GET', `/v1/equipment/${stateUnit(unit)}/status`, token);
        figure.statusGetMs.push(performance.now() - g0);
        if (reply.status !== 200) {
          note(`status answered ${reply.status}: ${reply.body.slice(0, 200)}`);
          break;
        }
        const body = JSON.parse(reply.body) as { state: string; since: string | null };
        seen = body.state === state && body.since === since;
        if (seen) {
          figure.latenciesMs.push(performance.now() - t0);
          const usage = /^calls=([^;]*);rru=([\d.]+)/.exec(String(reply.headers['x-mes-dynamodb'] ?? ''));
          if (usage) figure.statusUsage = { calls: usage[1] as string, rru: Number(usage[2]) };
        }
      }
      if (!seen) figure.timedOut++;
      figure.changes++;
      await published;
      // A pause that does not line up with the background's one-second beat.
      await new Promise((resolve) => setTimeout(resolve, 20 + ((n * 37) % 80)));
    }
  } finally {
    const stats = await Promise.race([background.stop(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000))]);
    figure.background.seconds = (performance.now() - backgroundStarted) / 1000;
    if (stats) Object.assign(figure.background, { published: stats.messages, failed: stats.failed });
    else note('the simulator did not stop within 15 s');
    await Promise.all(clients.map((c) => c.endAsync().catch(() => undefined)));
    await (runtime.mqtt as NonNullable<Runtime['mqtt']>).pipeline.drain();
    const { failed } = (runtime.mqtt as NonNullable<Runtime['mqtt']>).pipeline.counters;
    if (failed) note(`the local pipeline dead-lettered ${failed} record(s)`);
  }
  return figure;
}

export const latencySummary = (f: LatencyFigure) => {
  const sorted = [...f.latenciesMs].sort((a, b) => a - b);
  const gets = [...f.statusGetMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN, getP50: percentile(gets, 50) };
};

/** The cost model's input from a plant figure. */
export function designMeasure(p: PlantFigure): DesignMeasure {
  const flow = (t: Totals) => ({
    messages: t.records,
    samples: t.samples,
    payloadBytes: t.records ? t.payloadBytes / t.records : 0,
    recordBytes: t.records ? t.recordBytes / t.records : 0,
    invocations: t.invocations,
    ms: t.ms.reduce((a, b) => a + b, 0),
    wru: t.wru,
    rru: t.rru,
  });
  return {
    label:
      p.samplesPerMessage === 1
        ? 'This design, one sample per message'
        : `This design, gateway batching: ${p.samplesPerMessage} samples per message or ${GATEWAY_MAX_AGE_S} s (${(p.measurement.samples / Math.max(1, p.measurement.records)).toFixed(1)} on average)`,
    samplesPerMessage: p.samplesPerMessage,
    units: p.units,
    plantSeconds: p.plantSeconds,
    measurement: flow(p.measurement),
    state: flow(p.state),
    bucketItemsPerMinute: p.bucketItemsPerMinute,
    bucketItemBytes: p.bucketItemBytes.mean,
    stateItemBytes: p.stateItemBytes,
  };
}

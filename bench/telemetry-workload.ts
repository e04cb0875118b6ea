/**
 * The telemetry the bench feeds the ingest handlers: a deterministic plant of N units in plant
 * time (epoch ms), and the Kinesis- and SQS-shaped events the rules would deliver.
 *
 * Each unit, every plant second: cumulative good/reject counters (as PLCs keep them; a part
 * every 2-5 s while running, 2 % rejects), process values every 10th second (temperature,
 * pressure, spindle speed, drifting), and now and then a state change (running -> idle, down
 * or setup about every 6 min of running, back to running after 1.5 min on average: about 16
 * state messages per unit-hour, 80 % running). Two mixes:
 * - `counts+process`: counts every second AND process values every 10th (1.1 samples/s/unit);
 * - `one-per-second`: one measurement sample a second, process values replacing the counts
 *   every 10th second (the "one message a second per unit" plant of the cost table).
 * With `samplesPerMessage` g > 1 a gateway queues each unit's counts and process samples per
 * topic and sends them as one `{ samples: [...] }` when it holds g, or when the oldest has
 * waited GATEWAY_MAX_AGE_S (the first message of a unit is short by a random phase, so
 * gateways do not all send at once); state changes always go out alone and at once. Every message is turned into what the rule delivers
 * by `applyRules` (shared/telemetry/rules.ts, the same projection the local broker applies).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { KinesisStreamEvent, SQSEvent } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from '../infra/local/api-gateway.ts';
import { LOCAL_REGION } from '../infra/local/dynamodb.ts';
import type { TelemetryEnvelope } from '../shared/telemetry/messages.ts';
import { thingName } from '../shared/telemetry/device-identity.ts';
import { applyRules, TELEMETRY_RULES, telemetryTopic } from '../shared/telemetry/rules.ts';
import { createRng } from '../simulator/prng.ts';

export type Mix = 'counts+process' | 'one-per-second';
type State = 'running' | 'idle' | 'down' | 'setup';

export interface WorkloadOptions {
  tenantId: string;
  units: number;
  /** Plant time of the first second; a whole minute keeps the bucket boundaries tidy. */
  startTs: number;
  seed: number;
  samplesPerMessage: number;
  mix: Mix;
  /** Keeps message ids unique across scenarios. */
  runId: string;
}

/** One MQTT message as the rule hands it on. */
export interface RuleMessage {
  rule: 'state' | 'measurements';
  equipmentId: string;
  type: 'state' | 'counts' | 'process';
  /** Samples it carries. */
  samples: number;
  /** When IoT Core (the local broker) received it, plant time. */
  receivedAt: number;
  /** MQTT payload bytes (IoT messaging is billed on these). */
  payloadBytes: number;
  envelope: TelemetryEnvelope;
  /** The rule's output, as Kinesis or SQS carries it (JSON of the envelope). */
  body: string;
}

const LEAVE_RUNNING_PER_S = 1 / 360;
const BACK_TO_RUNNING_PER_S = 1 / 90;
const PROCESS_EVERY_S = 10;
/** A gateway sends a topic's queued samples at the latest when the oldest has waited this long. */
export const GATEWAY_MAX_AGE_S = 60;
const REASONS: Record<Exclude<State, 'running'>, string[]> = {
  idle: ['MS-STARVED', 'MS-BLOCKED', 'MS-JAM'],
  down: ['BD-MOTOR', 'BD-SENSOR', 'BD-JAM'],
  setup: ['SU-CHANGEOVER'],
};

export const unitId = (i: number) => `unit-${String(i + 1).padStart(3, '0')}`;

export function createWorkload(o: WorkloadOptions) {
  const rng = createRng(o.seed);
  const g = Math.max(1, o.samplesPerMessage);
  const units = Array.from({ length: o.units }, (_, i) => ({
    id: unitId(i),
    offsetMs: Math.floor(rng.between(0, 1000)),
    /** Network and broker time between the sample and the rule. */
    delayMs: Math.floor(rng.between(20, 120)),
    processPhase: Math.floor(rng.between(0, PROCESS_EVERY_S)),
    flushPhase: Math.floor(rng.between(0, g)),
    seq: 0,
    good: Math.floor(rng.between(10_000, 2_000_000)),
    reject: Math.floor(rng.between(100, 20_000)),
    state: 'running' as State,
    cycleS: rng.between(2, 5),
    partDebt: 0,
    temperature: rng.between(55, 70),
    pressure: rng.between(4.5, 6.5),
    buffers: { counts: [] as object[], process: [] as object[] },
    oldest: { counts: undefined as number | undefined, process: undefined as number | undefined },
    sent: { counts: false, process: false },
  })).sort((a, b) => a.offsetMs - b.offsetMs);
  let second = 0;

  const message = (unit: (typeof units)[number], type: RuleMessage['type'], payload: object, samples: number, receivedAt: number): RuleMessage => {
    const topic = telemetryTopic(o.tenantId, unit.id, type);
    const bytes = Buffer.from(JSON.stringify(payload));
    const match = applyRules({ topic, payload: bytes, clientId: thingName({ tenantId: o.tenantId, equipmentId: unit.id }) }, receivedAt);
    if (!match) throw new Error(`no rule takes ${topic}`);
    const rule = match.rule.name === TELEMETRY_RULES.state.name ? 'state' : 'measurements';
    return {
      rule,
      equipmentId: unit.id,
      type,
      samples,
      receivedAt,
      payloadBytes: bytes.length,
      // Device topics only: never a lifecycle event.
      envelope: match.envelope as TelemetryEnvelope,
      body: JSON.stringify(match.envelope),
    };
  };

  const send = (unit: (typeof units)[number], type: 'counts' | 'process', ts: number, out: RuleMessage[]) => {
    const buffer = unit.buffers[type];
    unit.buffers[type] = [];
    unit.oldest[type] = undefined;
    unit.sent[type] = true;
    out.push(message(unit, type, { samples: buffer }, buffer.length, ts + unit.delayMs));
  };
  /** Sends a measurement sample at once, or queues it at the gateway, which sends a topic's g samples together. */
  const take = (unit: (typeof units)[number], type: 'counts' | 'process', sample: object, ts: number, out: RuleMessage[]) => {
    if (g === 1) return void out.push(message(unit, type, sample, 1, ts + unit.delayMs));
    unit.buffers[type].push(sample);
    unit.oldest[type] ??= ts;
    // The first message of each unit is short by a random phase, so gateways do not all send at once.
    if (unit.buffers[type].length >= (unit.sent[type] ? g : Math.max(1, g - unit.flushPhase))) send(unit, type, ts, out);
  };
  /** ...or when the oldest queued sample of a topic has waited GATEWAY_MAX_AGE_S. */
  const flushOld = (unit: (typeof units)[number], ts: number, out: RuleMessage[]) => {
    for (const type of ['counts', 'process'] as const) {
      const oldest = unit.oldest[type];
      if (oldest !== undefined && ts - oldest >= (GATEWAY_MAX_AGE_S - 1) * 1000) send(unit, type, ts, out);
    }
  };

  return {
    /** Plant seconds generated so far. */
    seconds: () => second,
    /** The messages of the next plant second, in the order they reach the rules. */
    nextSecond(): RuleMessage[] {
      const out: RuleMessage[] = [];
      const base = o.startTs + second * 1000;
      for (const unit of units) {
        const ts = base + unit.offsetMs;
        const msgId = () => `${o.runId}-${unit.id}-${++unit.seq}`;
        const leave = unit.state === 'running' ? rng.chance(LEAVE_RUNNING_PER_S) : rng.chance(BACK_TO_RUNNING_PER_S);
        if (leave) {
          const next: State = unit.state !== 'running' ? 'running' : rng.chance(0.6) ? 'idle' : rng.chance(0.6) ? 'down' : 'setup';
          unit.state = next;
          const reasons = next === 'running' ? undefined : REASONS[next];
          const payload = { ts, msgId: msgId(), state: next, ...(reasons ? { reasonCode: reasons[Math.floor(rng.next() * reasons.length)] } : {}) };
          out.push(message(unit, 'state', payload, 1, ts + unit.delayMs));
        }
        if (unit.state === 'running') {
          unit.partDebt += 1 / unit.cycleS;
          for (; unit.partDebt >= 1; unit.partDebt--) {
            if (rng.chance(0.02)) unit.reject++;
            else unit.good++;
          }
        }
        const processNow = (second + unit.processPhase) % PROCESS_EVERY_S === 0;
        if (o.mix === 'counts+process' || !processNow) take(unit, 'counts', { ts, msgId: msgId(), good: unit.good, reject: unit.reject }, ts, out);
        if (processNow) {
          const running = unit.state === 'running';
          unit.temperature += running ? 0.02 + 0.05 * rng.normal() : -0.05;
          unit.pressure += 0.01 * rng.normal();
          const values = {
            temperature: Number(unit.temperature.toFixed(2)),
            pressure: Number(unit.pressure.toFixed(3)),
            spindleSpeed: running ? Math.round(1200 + 15 * rng.normal()) : 0,
          };
          take(unit, 'process', { ts, msgId: msgId(), values }, ts, out);
        }
        if (g > 1) flushOld(unit, ts, out);
      }
      second++;
      return out.sort((a, b) => a.receivedAt - b.receivedAt);
    },
  };
}
export type Workload = ReturnType<typeof createWorkload>;

let sequence = 0n;
const SEQUENCE_BASE = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;

/** What the Kinesis event source hands ingest-measurements (partition key = tenant, as the rule sets it). */
export function kinesisEvent(messages: RuleMessage[]): KinesisStreamEvent {
  const stream = TELEMETRY_RULES.measurements.name;
  return {
    Records: messages.map((m) => {
      const sequenceNumber = (SEQUENCE_BASE + ++sequence).toString();
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: m.envelope.tenantId,
          sequenceNumber,
          data: Buffer.from(m.body).toString('base64'),
          approximateArrivalTimestamp: m.receivedAt / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequenceNumber}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/bench-telemetry-consumer`,
        awsRegion: LOCAL_REGION,
        eventSourceARN: `arn:aws:kinesis:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stream/${stream}`,
      };
    }),
  };
}

/** What the SQS event source hands ingest-state. */
export function sqsEvent(messages: RuleMessage[]): SQSEvent {
  const queue = TELEMETRY_RULES.state.name;
  return {
    Records: messages.map((m) => ({
      messageId: `${m.envelope.tenantId}-${m.equipmentId}-${m.receivedAt}-${++sequence}`,
      receiptHandle: randomBytes(24).toString('base64'),
      body: m.body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(m.receivedAt),
        SenderId: `AROA${LOCAL_ACCOUNT_ID}:iot-rule-${queue}`,
        ApproximateFirstReceiveTimestamp: String(m.receivedAt + 5),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${queue}`,
      awsRegion: LOCAL_REGION,
    })),
  };
}

/**
 * Approximate stored size of a DynamoDB item by DynamoDB's rules: attribute names plus values;
 * strings as UTF-8, numbers about one byte per two significant digits plus one, lists and maps
 * 3 bytes plus one per element. Used for storage only; write units come from DynamoDB itself.
 */
export function itemBytes(item: Record<string, unknown>): number {
  let total = 0;
  for (const [name, value] of Object.entries(item)) total += Buffer.byteLength(name) + valueBytes(value);
  return total;
}

function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value)).replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length || 1;
    return Math.ceil(digits / 2) + 1;
  }
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + valueBytes(v), 0);
  if (typeof value === 'object') return 3 + Object.entries(value as object).reduce((n, [k, v]) => n + 1 + Buffer.byteLength(k) + valueBytes(v), 0);
  return 1;
}

/**
 * What one plant's telemetry costs a month on AWS, line by line, from what the bench measured
 * (bench/telemetry.ts): request units, Lambda duration per batch, record sizes, and the
 * message counts the design implies (state via SQS, measurements via Kinesis with the rule's
 * batch size and window). Pure: no I/O; the report prints every formula it evaluates.
 */

// AWS us-east-1 on-demand list prices, as of 2026-11-25. Source: the AWS pricing pages
// (aws.amazon.com/iot-core/pricing, /sqs/pricing, /kinesis/data-streams/pricing,
// /lambda/pricing, /dynamodb/pricing/on-demand), as quoted in issue 3's bench brief; not
// re-checked online (the bench machine has no internet). Free tiers are left out.
/** IoT Core messaging (publish), per million messages, up to 1 B messages a month. */
export const IOT_MESSAGING_USD_PER_MILLION = 1.0;
/** IoT Core meters messages in 5 KB increments. */
export const IOT_MESSAGE_UNIT_BYTES = 5 * 1024;
/** Basic Ingest (`$aws/rules/...`): no messaging charge. */
export const IOT_BASIC_INGEST_USD_PER_MILLION = 0;
export const IOT_RULES_TRIGGERED_USD_PER_MILLION = 0.15;
export const IOT_ACTIONS_USD_PER_MILLION = 0.15;
/** SQS standard queue, per million requests; each 64 KB chunk of a payload is one request. */
export const SQS_STANDARD_USD_PER_MILLION_REQUESTS = 0.4;
export const SQS_REQUEST_CHUNK_BYTES = 64 * 1024;
/** Kinesis Data Streams, provisioned mode. */
export const KINESIS_SHARD_HOUR_USD = 0.015;
export const KINESIS_PUT_PAYLOAD_UNIT_USD_PER_MILLION = 0.014;
export const KINESIS_PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;
/** One shard takes 1,000 records or 1 MB a second. */
export const KINESIS_SHARD_RECORDS_PER_SECOND = 1000;
export const KINESIS_SHARD_BYTES_PER_SECOND = 1024 * 1024;
/** Lambda, arm64. */
export const LAMBDA_ARM64_USD_PER_GB_SECOND = 0.0000133334;
export const LAMBDA_USD_PER_MILLION_REQUESTS = 0.2;
/** DynamoDB on-demand. */
export const DYNAMODB_USD_PER_MILLION_WRU = 0.625;
export const DYNAMODB_USD_PER_MILLION_RRU = 0.125;
export const DYNAMODB_STORAGE_USD_PER_GB_MONTH = 0.25;
/** DynamoDB bills 100 bytes of index overhead per item, in the table and in each index holding it. */
export const DYNAMODB_ITEM_OVERHEAD_BYTES = 100;
export const GB = 1024 ** 3;

/** The month of the target: 30 days. */
export const MONTH_SECONDS = 2_592_000;
export const PLANT_UNITS = 200;
/** Lambda's SQS event source long-polls with five pollers, 20 s each (empty receives are requests too). */
export const SQS_POLLERS = 5;
export const SQS_LONG_POLL_SECONDS = 20;
/** Per state message: SendMessage (the rule's action), ReceiveMessage and DeleteMessage(Batch) by the event source. */
export const SQS_REQUESTS_PER_MESSAGE = 3;

/** What the bench measured for one design, over `plantSeconds` of a plant of `units` units. */
export interface DesignMeasure {
  label: string;
  samplesPerMessage: number;
  units: number;
  plantSeconds: number;
  measurement: Flow;
  state: Flow;
  /** Distinct aggregate items written per plant minute, and their mean stored size. */
  bucketItemsPerMinute: number;
  bucketItemBytes: number;
  stateItemBytes: number;
}

export interface Flow {
  /** MQTT messages = records on the stream or queue. */
  messages: number;
  samples: number;
  /** Mean MQTT payload bytes and mean record bytes (the rule's output). */
  payloadBytes: number;
  recordBytes: number;
  invocations: number;
  /** Handler time, all invocations together. */
  ms: number;
  wru: number;
  rru: number;
}

export interface NaiveMeasure {
  /** Samples per second of the whole plant (each its own IoT message and DynamoDB item). */
  samplesPerSecond: number;
  payloadBytes: number;
  wruPerItem: number;
  itemBytes: number;
}

export interface CostLine {
  line: string;
  formula: string;
  usd: number;
}

export interface DesignCost {
  label: string;
  lines: CostLine[];
  total: number;
}

const usd = (n: number) => `$${n < 0.01 && n > 0 ? n.toFixed(4) : n.toFixed(2)}`;
const millions = (n: number) => `${(n / 1e6).toFixed(n >= 1e8 ? 1 : 3)} M`;
const num = (n: number, d = 2) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
const units = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));

/** Scales a count over the measured plant time to a month of a plant of PLANT_UNITS units. */
const perMonth = (m: DesignMeasure, count: number) => (count / m.plantSeconds) * MONTH_SECONDS * (PLANT_UNITS / m.units);

export function designCost(m: DesignMeasure, lambdaMemoryMb: number): DesignCost {
  const meas = m.measurement;
  const st = m.state;
  const records = perMonth(m, meas.messages);
  const states = perMonth(m, st.messages);
  const messages = records + states;
  const measInvocations = perMonth(m, meas.invocations);
  const stateInvocations = perMonth(m, st.invocations);
  const gb = lambdaMemoryMb / 1024;
  const measMsPerInvocation = meas.invocations ? meas.ms / meas.invocations : 0;
  const stateMsPerInvocation = st.invocations ? st.ms / st.invocations : 0;
  const recordsPerSecond = records / MONTH_SECONDS;
  const shards = Math.max(
    1,
    Math.ceil(recordsPerSecond / KINESIS_SHARD_RECORDS_PER_SECOND),
    Math.ceil((recordsPerSecond * meas.recordBytes) / KINESIS_SHARD_BYTES_PER_SECOND),
  );
  const putUnits = units(meas.recordBytes, KINESIS_PUT_PAYLOAD_UNIT_BYTES);
  const sqsChunks = units(st.recordBytes, SQS_REQUEST_CHUNK_BYTES);
  const emptyReceives = (SQS_POLLERS * MONTH_SECONDS) / SQS_LONG_POLL_SECONDS;
  const wru = perMonth(m, meas.wru + st.wru);
  const rru = perMonth(m, meas.rru + st.rru);
  // Groups per tenant are fixed (shared/telemetry/groups.ts), so items a minute do not scale with units.
  const bucketItems = m.bucketItemsPerMinute * (MONTH_SECONDS / 60);
  const bucketBytes = bucketItems * (m.bucketItemBytes + DYNAMODB_ITEM_OVERHEAD_BYTES);
  // A state transition is also in gsi1 (the change feed), projected whole.
  const stateBytes = states * 2 * (m.stateItemBytes + DYNAMODB_ITEM_OVERHEAD_BYTES);
  const lines: CostLine[] = [
    {
      line: 'IoT Core messaging: Basic Ingest',
      formula: `${millions(messages)} messages (${millions(records)} to Kinesis + ${millions(states)} state to SQS) × $${IOT_BASIC_INGEST_USD_PER_MILLION}/M`,
      usd: (messages / 1e6) * IOT_BASIC_INGEST_USD_PER_MILLION,
    },
    {
      line: 'IoT rules triggered',
      formula: `${millions(messages)} messages × 1 rule (Basic Ingest names it) × $${IOT_RULES_TRIGGERED_USD_PER_MILLION}/M`,
      usd: (messages / 1e6) * IOT_RULES_TRIGGERED_USD_PER_MILLION,
    },
    {
      line: 'IoT rule actions',
      formula: `${millions(messages)} messages × 1 action (Kinesis PutRecord or SQS SendMessage) × $${IOT_ACTIONS_USD_PER_MILLION}/M`,
      usd: (messages / 1e6) * IOT_ACTIONS_USD_PER_MILLION,
    },
    {
      line: 'SQS requests (state)',
      formula:
        `(${millions(states)} state messages × ${SQS_REQUESTS_PER_MESSAGE} requests × ${sqsChunks} chunk(s) of 64 KB (${num(st.recordBytes, 0)} B) + ` +
        `${SQS_POLLERS} pollers × ${num(MONTH_SECONDS, 0)} s / ${SQS_LONG_POLL_SECONDS} s empty receives (upper bound)) × $${SQS_STANDARD_USD_PER_MILLION_REQUESTS}/M`,
      usd: ((states * SQS_REQUESTS_PER_MESSAGE * sqsChunks + emptyReceives) / 1e6) * SQS_STANDARD_USD_PER_MILLION_REQUESTS,
    },
    {
      line: 'Kinesis shard-hours (provisioned)',
      formula: `${shards} shard(s) (${num(recordsPerSecond, 1)} records/s of ${num(meas.recordBytes, 0)} B) × ${MONTH_SECONDS / 3600} h × $${KINESIS_SHARD_HOUR_USD}`,
      usd: shards * (MONTH_SECONDS / 3600) * KINESIS_SHARD_HOUR_USD,
    },
    {
      line: 'Kinesis PUT payload units',
      formula: `${millions(records)} records × ${putUnits} unit(s) of 25 KB × $${KINESIS_PUT_PAYLOAD_UNIT_USD_PER_MILLION}/M`,
      usd: ((records * putUnits) / 1e6) * KINESIS_PUT_PAYLOAD_UNIT_USD_PER_MILLION,
    },
    {
      line: 'Lambda requests',
      formula: `(${millions(measInvocations)} measurement batches (${num(meas.messages / Math.max(1, meas.invocations), 1)} records each) + ${millions(stateInvocations)} state batches) × $${LAMBDA_USD_PER_MILLION_REQUESTS}/M`,
      usd: ((measInvocations + stateInvocations) / 1e6) * LAMBDA_USD_PER_MILLION_REQUESTS,
    },
    {
      line: `Lambda duration (arm64, ${lambdaMemoryMb} MB)`,
      formula: `(${millions(measInvocations)} × ${num(measMsPerInvocation, 1)} ms + ${millions(stateInvocations)} × ${num(stateMsPerInvocation, 1)} ms) / 1000 × ${num(gb, 3)} GB × $${LAMBDA_ARM64_USD_PER_GB_SECOND}/GB-s`,
      usd: ((measInvocations * measMsPerInvocation + stateInvocations * stateMsPerInvocation) / 1000) * gb * LAMBDA_ARM64_USD_PER_GB_SECOND,
    },
    {
      line: 'DynamoDB write request units',
      formula: `${millions(wru)} WRU (${num((1000 * (meas.wru + st.wru)) / (meas.samples + st.samples), 2)} per 1,000 samples, measured) × $${DYNAMODB_USD_PER_MILLION_WRU}/M`,
      usd: (wru / 1e6) * DYNAMODB_USD_PER_MILLION_WRU,
    },
    {
      line: 'DynamoDB read request units',
      formula: `${millions(rru)} RRU (${num((1000 * (meas.rru + st.rru)) / (meas.samples + st.samples), 2)} per 1,000 samples, measured) × $${DYNAMODB_USD_PER_MILLION_RRU}/M`,
      usd: (rru / 1e6) * DYNAMODB_USD_PER_MILLION_RRU,
    },
    {
      line: "DynamoDB storage (the month's data, at month end)",
      formula:
        `(${millions(bucketItems)} aggregate items (${num(m.bucketItemsPerMinute, 1)} a minute) × (${num(m.bucketItemBytes, 0)} + ${DYNAMODB_ITEM_OVERHEAD_BYTES}) B + ` +
        `${millions(states)} state items × 2 (table + gsi1) × (${num(m.stateItemBytes, 0)} + ${DYNAMODB_ITEM_OVERHEAD_BYTES}) B) = ${num((bucketBytes + stateBytes) / GB, 2)} GB × $${DYNAMODB_STORAGE_USD_PER_GB_MONTH}`,
      usd: ((bucketBytes + stateBytes) / GB) * DYNAMODB_STORAGE_USD_PER_GB_MONTH,
    },
  ];
  return { label: m.label, lines, total: lines.reduce((n, l) => n + l.usd, 0) };
}

/** For comparison only (not in any total): the same messages as normal publishes. */
export function normalPublishLine(m: DesignMeasure): CostLine {
  const records = perMonth(m, m.measurement.messages);
  const states = perMonth(m, m.state.messages);
  const u = units(m.measurement.payloadBytes, IOT_MESSAGE_UNIT_BYTES);
  return {
    line: 'IoT Core messaging if published normally (not in the total)',
    formula: `(${millions(records)} × ${u} unit(s) of 5 KB (${num(m.measurement.payloadBytes, 0)} B) + ${millions(states)} × 1) × $${IOT_MESSAGING_USD_PER_MILLION}/M`,
    usd: ((records * u + states) / 1e6) * IOT_MESSAGING_USD_PER_MILLION,
  };
}

/** One IoT message and one DynamoDB item per sample, written by the rule's DynamoDB action. */
export function naiveCost(n: NaiveMeasure): DesignCost {
  const samples = n.samplesPerSecond * MONTH_SECONDS;
  const u = units(n.payloadBytes, IOT_MESSAGE_UNIT_BYTES);
  const bytes = samples * (n.itemBytes + DYNAMODB_ITEM_OVERHEAD_BYTES);
  const lines: CostLine[] = [
    {
      line: 'IoT Core messaging (normal publish)',
      formula: `${millions(samples)} messages (${num(n.samplesPerSecond, 2)}/s × ${num(MONTH_SECONDS, 0)} s) × ${u} unit(s) of 5 KB (${num(n.payloadBytes, 0)} B) × $${IOT_MESSAGING_USD_PER_MILLION}/M`,
      usd: ((samples * u) / 1e6) * IOT_MESSAGING_USD_PER_MILLION,
    },
    {
      line: 'IoT rules triggered',
      formula: `${millions(samples)} × $${IOT_RULES_TRIGGERED_USD_PER_MILLION}/M`,
      usd: (samples / 1e6) * IOT_RULES_TRIGGERED_USD_PER_MILLION,
    },
    {
      line: 'IoT rule actions (DynamoDB)',
      formula: `${millions(samples)} × $${IOT_ACTIONS_USD_PER_MILLION}/M`,
      usd: (samples / 1e6) * IOT_ACTIONS_USD_PER_MILLION,
    },
    {
      line: 'DynamoDB write request units',
      formula: `${millions(samples)} items × ${num(n.wruPerItem, 2)} WRU (measured) × $${DYNAMODB_USD_PER_MILLION_WRU}/M`,
      usd: ((samples * n.wruPerItem) / 1e6) * DYNAMODB_USD_PER_MILLION_WRU,
    },
    {
      line: "DynamoDB storage (the month's data, at month end)",
      formula: `${millions(samples)} items × (${num(n.itemBytes, 0)} + ${DYNAMODB_ITEM_OVERHEAD_BYTES}) B = ${num(bytes / GB, 1)} GB × $${DYNAMODB_STORAGE_USD_PER_GB_MONTH}`,
      usd: (bytes / GB) * DYNAMODB_STORAGE_USD_PER_GB_MONTH,
    },
  ];
  return { label: 'Naive: one IoT message and one DynamoDB item per sample', lines, total: lines.reduce((s, l) => s + l.usd, 0) };
}

export const formatUsd = usd;

/**
 * What the telemetry tests share: envelopes as the IoT rules hand them on, the ingest core
 * called in-process, SQS and Kinesis events built like AWS sends them (from the sample events
 * under test/fixtures/events/), a shift calendar and a reason tree to PUT, a raw look at the
 * telemetry items of a unit, and a bounded wait for things that arrive asynchronously.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Context, KinesisStreamEvent, KinesisStreamRecord, SQSEvent, SQSRecord } from 'aws-lambda';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#shared/db/keys.ts';
import type { TelemetryEnvelope } from '#shared/telemetry/messages.ts';
import { telemetryIngest } from '#functions/lib/telemetry-ingest.ts';
import { groupOf } from '#shared/telemetry/groups.ts';
import { thingName } from '#shared/telemetry/device-identity.ts';
import { testDocClient, testTableName } from '../../helpers/ddb.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** What a rule forwards for one publish by the unit's own thing: the topic's parts, its client id and the payload as published, base64. */
export function envelope(tenantId: string, equipmentId: string, type: string, payload: unknown, receivedAt = Date.now()): TelemetryEnvelope {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return { tenantId, equipmentId, type, clientId: thingName({ tenantId, equipmentId }), receivedAt, raw: Buffer.from(text).toString('base64') };
}

/** A unit's messages, stamped with the sample times it is given. */
export function unit(tenantId: string, equipmentId: string, receivedAt = () => Date.now()) {
  let n = 0;
  const id = (prefix: string) => `${equipmentId}-${prefix}-${++n}`;
  return {
    state: (ts: number, state: string, reasonCode?: string, msgId = id('s')) =>
      envelope(tenantId, equipmentId, 'state', { ts, msgId, state, ...(reasonCode ? { reasonCode } : {}) }, receivedAt()),
    counts: (ts: number, good: number, reject: number, msgId = id('c')) =>
      envelope(tenantId, equipmentId, 'counts', { ts, msgId, good, reject }, receivedAt()),
    process: (ts: number, values: Record<string, number>, msgId = id('p')) =>
      envelope(tenantId, equipmentId, 'process', { ts, msgId, values }, receivedAt()),
    batch: (type: string, samples: unknown[]) => envelope(tenantId, equipmentId, type, { samples }, receivedAt()),
  };
}

/** The ingest core, in-process, as both consumers call it; returns the ids of records it could not store. */
export async function ingest(envelopes: readonly TelemetryEnvelope[], warnings: unknown[] = []): Promise<Set<string>> {
  return telemetryIngest.ingest(
    envelopes.map((e, i) => ({ id: `r-${i}`, body: JSON.stringify(e) })),
    { warn: (message, details) => void warnings.push({ message, details }) },
  );
}

/** Ingests and fails the test when any record could not be stored. */
export async function ingestAll(envelopes: readonly TelemetryEnvelope[]): Promise<void> {
  const warnings: unknown[] = [];
  const failed = await ingest(envelopes, warnings);
  assert.deepEqual([...failed], [], `ingest failed records: ${JSON.stringify(warnings)}`);
}

// ---------- Lambda events, as AWS sends them ----------

const sample = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../../fixtures/events/${name}`, import.meta.url), 'utf8')) as T;
const SQS_SAMPLE = sample<SQSEvent>('sqs-receive-message.json').Records[0] as SQSRecord;
const KINESIS_SAMPLE = sample<KinesisStreamEvent>('kinesis-get-records.json').Records[0] as KinesisStreamRecord;

/** The state queue's event: one SQS record per envelope, the envelope as the message body. */
export function sqsEvent(envelopes: readonly TelemetryEnvelope[]): SQSEvent {
  return {
    Records: envelopes.map((e) => {
      const body = JSON.stringify(e);
      return {
        ...SQS_SAMPLE,
        messageId: randomUUID(),
        body,
        md5OfBody: createHash('md5').update(body).digest('hex'),
        attributes: { ...SQS_SAMPLE.attributes, SentTimestamp: String(e.receivedAt), ApproximateFirstReceiveTimestamp: String(e.receivedAt) },
      };
    }),
  };
}

let sequence = 0n;
/** The measurements stream's event: one Kinesis record per envelope, base64 data, the tenant as partition key, growing sequence numbers. */
export function kinesisEvent(envelopes: readonly TelemetryEnvelope[]): KinesisStreamEvent {
  return {
    Records: envelopes.map((e) => {
      const sequenceNumber = (BigInt(KINESIS_SAMPLE.kinesis.sequenceNumber) + ++sequence).toString();
      return {
        ...KINESIS_SAMPLE,
        kinesis: {
          ...KINESIS_SAMPLE.kinesis,
          partitionKey: e.tenantId,
          sequenceNumber,
          data: Buffer.from(JSON.stringify(e)).toString('base64'),
          approximateArrivalTimestamp: e.receivedAt / 1000,
        },
        eventID: `shardId-000000000006:${sequenceNumber}`,
      };
    }),
  };
}

export function lambdaContext(functionName: string): Context {
  const gone = () => {
    throw new Error('not a callback handler');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-2:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2030/01/01/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => 60_000,
    done: gone,
    fail: gone,
    succeed: gone,
  };
}

// ---------- Master data for telemetry ----------

/** A reason tree: leaves map to the Six Big Losses (directly or through their parent). */
export const REASON_TREE = {
  reasons: [
    { code: 'BREAKDOWN', name: 'Breakdown', loss: 'equipment-failure' },
    { code: 'BD-JAM', name: 'Jam', parentCode: 'BREAKDOWN' },
    { code: 'BD-MOTOR', name: 'Motor fault', parentCode: 'BREAKDOWN' },
    { code: 'SETUP', name: 'Changeover', loss: 'setup-adjustment' },
    { code: 'MINOR', name: 'Minor stop', loss: 'idling-minor-stops' },
  ],
};

/** Every day, all day, in UTC: planned time is the whole range asked for. */
export const ALWAYS_PLANNED = {
  timeZone: 'UTC',
  shifts: [{ name: 'all-day', start: '00:00', end: '00:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }],
};

// ---------- A look at the table ----------

async function partition(pk: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await testDocClient().send(
      new QueryCommand({
        TableName: testTableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Rejected-message records of a tenant on a UTC day (by when they arrived). */
export const rejectedItems = (tenantId: string, receivedAt: number) =>
  partition(keys.rejectedPartition(tenantId, new Date(receivedAt).toISOString().slice(0, 10)));

/**
 * Every stored telemetry fact of a unit on the given UTC days: its state transitions, and its
 * entry in each minute item of its group (other units of the group left out).
 */
export async function telemetryFacts(tenantId: string, equipmentId: string, days: readonly number[]) {
  const states = await partition(keys.equipmentStatePartition(tenantId, equipmentId));
  const buckets: Record<string, unknown> = {};
  for (const day of new Set(days.map((d) => new Date(d).toISOString().slice(0, 10)))) {
    for (const item of await partition(keys.telemetryPartition(tenantId, groupOf(equipmentId), day))) {
      const entry = (item.units as Record<string, unknown> | undefined)?.[equipmentId];
      if (entry) buckets[`${day}T${String(item.sk)}`] = entry;
    }
  }
  return { states, buckets };
}

/** Polls `probe` until `done` says yes, a bounded number of times; never asserts how long it took. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  { tries = 200, pauseMs = 50 } = {},
): Promise<T> {
  let last: T = await probe();
  for (let i = 1; i < tries && !done(last); i++) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    last = await probe();
  }
  assert.ok(done(last), `gave up waiting until ${what}; last seen: ${JSON.stringify(last)}`);
  return last;
}

/**
 * The local stream poller on the DynamoDB Local that `npm test` started: writes reach the
 * handler in order as Lambda DynamoDBStreamEvents; a failed batch is retried from its first
 * failed record, never skipped; with a checkpoint file a restart resumes after the last
 * processed record. Then the runtime's outbox wiring: poller -> dispatcher -> delivery queue
 * -> deliverer, with stand-in functions, the local secrets key and the recovery of pending
 * deliveries.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { localBindings } from '../../functions/lib/local-bindings.ts';
import { silentLog } from '../../infra/local/http-server.ts';
import { type StreamFunction, type StreamPoller, type StreamPollerOptions, startStreamPoller } from '../../infra/local/stream-poller.ts';
import { VirtualClock } from '../../infra/local/virtual-clock.ts';
import { ENV } from '../../shared/config.ts';
import { keys } from '../../shared/db/keys.ts';
import type { DeliveryJob } from '../../shared/integration/ports.ts';
import { buildPlant, orderAt, staff } from '../e2e/support/mes.ts';
import { testDdbClient, testDocClient, testEndpoint, testTableName } from '../helpers/ddb.ts';
import { newTenantId, startTestRuntime } from '../helpers/runtime.ts';

/** The record of AWS's documented DynamoDB stream event for Lambda, keys in its order. */
const AWS_RECORD_KEYS = ['eventID', 'eventName', 'eventVersion', 'eventSource', 'awsRegion', 'dynamodb', 'eventSourceARN'];
const AWS_STREAM_RECORD_KEYS = ['ApproximateCreationDateTime', 'Keys', 'NewImage', 'OldImage', 'SequenceNumber', 'SizeBytes', 'StreamViewType'];
const IDLE = { timeoutMs: 20_000 };

const put = (item: Record<string, unknown>) => testDocClient().send(new PutCommand({ TableName: testTableName(), Item: item }));

/** A poller whose handler records the records of one tenant (the table is shared) and answers with `answer`. */
async function recordingPoller(
  tenant: string,
  answer: (records: DynamoDBRecord[], call: number) => unknown = () => ({ batchItemFailures: [] }),
  options: Partial<StreamPollerOptions> = {},
) {
  const calls: DynamoDBRecord[][] = [];
  const handler: StreamFunction = async (event) => {
    const mine = event.Records.filter((r) => r.dynamodb?.Keys?.pk?.S?.startsWith(`${tenant}#`));
    if (mine.length === 0) return { batchItemFailures: [] };
    calls.push(mine);
    return answer(event.Records, calls.length);
  };
  const poller = await startStreamPoller({
    endpoint: testEndpoint(),
    tableName: testTableName(),
    handler: async () => handler,
    startingPosition: 'LATEST',
    retryDelayMs: 10,
    log: silentLog,
    ...options,
  });
  return { poller, calls, sks: () => calls.flat().map((r) => r.dynamodb?.Keys?.sk?.S) };
}

describe('the local stream poller', () => {
  const pollers: StreamPoller[] = [];
  after(() => Promise.all(pollers.map((p) => p.stop())));

  it('hands every write over in order, as the records of a Lambda DynamoDBStreamEvent', async () => {
    // Prepare
    const tenant = newTenantId();
    const pk = keys.workOrderPartition(tenant, 'WO-1');
    const { poller, calls } = await recordingPoller(tenant);
    pollers.push(poller);
    // Act
    await put({ pk, sk: 'WO', status: 'PLANNED', blob: new Uint8Array([1, 2, 3]), tags: ['a', 'b'], none: {}, nested: { empty: {} } });
    await testDocClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: testTableName(),
              Key: { pk, sk: 'WO' },
              UpdateExpression: 'SET #s = :s',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':s': 'RELEASED' },
            },
          },
          {
            Put: {
              TableName: testTableName(),
              Item: { ...keys.outboxEvent(tenant, 'WO-1', 2, 1), entity: 'OutboxEvent', type: 'work-order.released' },
            },
          },
        ],
      }),
    );
    await testDocClient().send(new DeleteCommand({ TableName: testTableName(), Key: { pk, sk: 'WO' } }));
    await poller.idle(IDLE);
    // Assess
    const records = calls.flat();
    assert.deepEqual(
      records.map((r) => [r.eventName, r.dynamodb?.Keys?.sk?.S]),
      [
        ['INSERT', 'WO'],
        ['MODIFY', 'WO'],
        ['INSERT', 'EVT#00000002#01'],
        ['REMOVE', 'WO'],
      ],
    );
    const { Table } = await testDdbClient().send(new DescribeTableCommand({ TableName: testTableName() }));
    for (const record of records) {
      assert.deepEqual(Object.keys(record), AWS_RECORD_KEYS);
      assert.equal(record.eventSource, 'aws:dynamodb');
      assert.equal(record.eventVersion, '1.1');
      assert.equal(record.eventSourceARN, Table?.LatestStreamArn);
      assert.equal(typeof record.awsRegion, 'string');
      const d = record.dynamodb!;
      assert.deepEqual(
        Object.keys(d).filter((k) => !AWS_STREAM_RECORD_KEYS.includes(k)),
        [],
      );
      assert.equal(typeof d.ApproximateCreationDateTime, 'number', 'epoch seconds, as Lambda sends it');
      assert.ok(Math.abs(d.ApproximateCreationDateTime! - Date.now() / 1000) < 3600);
      assert.equal(d.StreamViewType, 'NEW_AND_OLD_IMAGES');
      assert.equal(typeof d.SizeBytes, 'number');
    }
    const [inserted, modified, event, removed] = records;
    assert.deepEqual(inserted!.dynamodb?.NewImage?.blob, { B: 'AQID' }, 'binary values are base64, as Lambda sends them');
    assert.deepEqual(inserted!.dynamodb?.NewImage?.tags, { L: [{ S: 'a' }, { S: 'b' }] });
    assert.deepEqual(inserted!.dynamodb?.NewImage?.none, { M: {} }, 'an empty map is typed, as DynamoDB (not DynamoDB Local) sends it');
    assert.deepEqual(inserted!.dynamodb?.NewImage?.nested, { M: { empty: { M: {} } } });
    assert.deepEqual(unmarshall(inserted!.dynamodb!.NewImage as Record<string, SdkAttributeValue>).nested, { empty: {} });
    assert.equal(inserted!.dynamodb?.OldImage, undefined);
    assert.equal(modified!.dynamodb?.OldImage?.status?.S, 'PLANNED');
    assert.equal(modified!.dynamodb?.NewImage?.status?.S, 'RELEASED');
    assert.equal(event!.dynamodb?.NewImage?.entity?.S, 'OutboxEvent');
    assert.equal(removed!.dynamodb?.NewImage, undefined);
    const sequence = records.map((r) => BigInt(r.dynamodb!.SequenceNumber!));
    assert.deepEqual(
      sequence,
      [...sequence].sort((a, b) => (a < b ? -1 : 1)),
      'in sequence number order',
    );
  });

  it('hands over batches of at most 100 records', async () => {
    // Prepare: the first batch is held until 150 more records are in the stream
    const tenant = newTenantId();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { poller, calls, sks } = await recordingPoller(tenant, async (_, call) => {
      if (call === 1) await gate;
      return {};
    });
    pollers.push(poller);
    await put({ pk: `${tenant}#X`, sk: 'first' });
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // Act
    const names = Array.from({ length: 150 }, (_, i) => `n-${String(i).padStart(3, '0')}`);
    for (const sk of names) await put({ pk: `${tenant}#X`, sk });
    release();
    await poller.idle(IDLE);
    // Assess
    assert.deepEqual(
      calls.map((c) => c.length),
      [1, 100, 50],
    );
    assert.deepEqual(sks(), ['first', ...names]);
  });

  it('retries a batch from the first record reported failed, and skips nothing', async () => {
    // Prepare: the second record fails twice
    const tenant = newTenantId();
    const { poller, calls } = await recordingPoller(tenant, (records, call) => {
      const second = records.find((r) => r.dynamodb?.Keys?.sk?.S === 'b');
      return call <= 2 && second ? { batchItemFailures: [{ itemIdentifier: second.dynamodb!.SequenceNumber! }] } : {};
    });
    pollers.push(poller);
    // Act: one transaction, so the three records arrive together
    await testDocClient().send(
      new TransactWriteCommand({
        TransactItems: ['a', 'b', 'c'].map((sk) => ({ Put: { TableName: testTableName(), Item: { pk: `${tenant}#X`, sk } } })),
      }),
    );
    await poller.idle(IDLE);
    // Assess
    assert.deepEqual(
      calls.map((c) => c.map((r) => r.dynamodb?.Keys?.sk?.S)),
      [
        ['a', 'b', 'c'],
        ['b', 'c'],
        ['b', 'c'],
      ],
    );
    assert.ok(poller.counters.failedBatches >= 2);
  });

  it('retries the whole batch when the handler throws, until it succeeds', async () => {
    // Prepare
    const tenant = newTenantId();
    const { poller, calls } = await recordingPoller(tenant, (_, call) => {
      if (call <= 3) throw new Error('the dispatcher failed');
      return undefined;
    });
    pollers.push(poller);
    // Act
    await put({ pk: `${tenant}#X`, sk: 'a' });
    await poller.idle(IDLE);
    // Assess
    assert.deepEqual(
      calls.map((c) => c.map((r) => r.dynamodb?.Keys?.sk?.S)),
      [['a'], ['a'], ['a'], ['a']],
    );
  });

  it('starts at the oldest record without a checkpoint and when not asked for LATEST', async () => {
    // Prepare
    const tenant = newTenantId();
    await put({ pk: `${tenant}#X`, sk: 'before-start' });
    // Act
    const { poller, sks } = await recordingPoller(tenant, undefined, { startingPosition: 'TRIM_HORIZON' });
    pollers.push(poller);
    await put({ pk: `${tenant}#X`, sk: 'after-start' });
    await poller.idle({ timeoutMs: 60_000 });
    // Assess
    assert.deepEqual(sks(), ['before-start', 'after-start']);
  });

  describe('with a checkpoint file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mes-stream-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('resumes after the last processed record on restart, without handing processed ones over again', async () => {
      // Prepare
      const tenant = newTenantId();
      const checkpointFile = join(dir, 'resume', 'mes.json');
      const first = await recordingPoller(tenant, undefined, { checkpointFile });
      for (const sk of ['a', 'b', 'c']) await put({ pk: `${tenant}#X`, sk });
      await first.poller.idle(IDLE);
      await first.poller.stop();
      // Act: committed while nothing reads the stream, as in a crash between commit and delivery
      for (const sk of ['d', 'e']) await put({ pk: `${tenant}#X`, sk });
      const second = await recordingPoller(tenant, undefined, { checkpointFile });
      pollers.push(second.poller);
      await second.poller.idle(IDLE);
      // Assess
      assert.deepEqual(first.sks(), ['a', 'b', 'c']);
      assert.deepEqual(second.sks(), ['d', 'e']);
      const saved = JSON.parse(readFileSync(checkpointFile, 'utf8'));
      assert.equal(saved.streamArn, second.poller.streamArn);
      const last = second.calls.flat().at(-1)?.dynamodb?.SequenceNumber;
      assert.ok(
        Object.values(saved.shards).some((c) => (c as { after?: string }).after === last),
        'the last processed sequence number is saved',
      );
    });

    it('hands a batch that was not acknowledged before a stop over again after the restart', async () => {
      // Prepare: the first poller's handler always fails
      const tenant = newTenantId();
      const checkpointFile = join(dir, 'unacknowledged', 'mes.json');
      const failing = await recordingPoller(tenant, () => ({ batchItemFailures: [{ itemIdentifier: 'unknown' }] }), { checkpointFile });
      await put({ pk: `${tenant}#X`, sk: 'a' });
      await put({ pk: `${tenant}#X`, sk: 'b' });
      while (failing.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      await failing.poller.stop();
      // Act
      const second = await recordingPoller(tenant, undefined, { checkpointFile });
      pollers.push(second.poller);
      await second.poller.idle(IDLE);
      // Assess
      assert.deepEqual(second.sks(), ['a', 'b']);
    });
  });

  it('stops promptly while a shard waits for new records', async () => {
    // Prepare
    const { poller } = await recordingPoller(newTenantId(), undefined, { pollIntervalMs: 60_000 });
    await poller.idle(IDLE);
    // Act
    const started = Date.now();
    await poller.stop();
    // Assess
    assert.ok(Date.now() - started < 1000);
  });
});

describe("the runtime's outbox", () => {
  it('dispatches a committed outbox event into the delivery queue, which hands the job to the deliverer', async () => {
    // Prepare: stand-ins with the signatures of functions/streams/dispatch-outbox.ts and functions/jobs/deliver-webhook.ts
    const tenant = newTenantId();
    const clock = new VirtualClock('2030-06-01T08:00:00.000Z');
    const delivered: { at: string; job: DeliveryJob; receiveCount: string }[] = [];
    const dispatcher: StreamFunction = async (event: DynamoDBStreamEvent) => {
      const jobs = event.Records.filter(
        (r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.entity?.S === 'OutboxEvent' && r.dynamodb.NewImage.pk?.S?.startsWith(`${tenant}#`),
      ).map(
        (r): DeliveryJob => ({
          tenantId: tenant,
          endpointId: 'ep-1',
          messageId: r.dynamodb!.NewImage!.sk!.S!,
          attempt: 1,
          dueAt: clock.now().toISOString(),
        }),
      );
      await localBindings().deliveryQueue?.enqueue(jobs);
      return { batchItemFailures: [] };
    };
    const deliverer = async (event: SQSEvent) => {
      for (const r of event.Records)
        delivered.push({ at: clock.now().toISOString(), job: JSON.parse(r.body), receiveCount: r.attributes.ApproximateReceiveCount });
      return { batchItemFailures: [] };
    };
    const mes = await startTestRuntime({ clock, outboxHandlers: { dispatcher: async () => dispatcher, deliverer: async () => deliverer } });
    try {
      assert.ok(mes.runtime.outbox, 'the outbox runs by default');
      assert.equal(localBindings().clock, clock);
      // Act
      await put({ ...keys.outboxEvent(tenant, 'WO-1', 2, 1), entity: 'OutboxEvent', type: 'work-order.released' });
      await mes.runtime.outbox.poller.idle(IDLE);
      await mes.runtime.outbox.queue.idle();
      // Assess
      assert.deepEqual(delivered, [
        {
          at: '2030-06-01T08:00:00.000Z',
          job: { tenantId: tenant, endpointId: 'ep-1', messageId: 'EVT#00000002#01', attempt: 1, dueAt: '2030-06-01T08:00:00.000Z' },
          receiveCount: '1',
        },
      ]);
    } finally {
      await mes.stop();
    }
    assert.equal(localBindings().deliveryQueue, undefined, 'the bindings go with the runtime');
  });

  it('queues the deliveries left pending by an earlier run again, each at its next attempt', async () => {
    // Prepare: messages as the webhook repository stores them
    const tenant = newTenantId();
    const clock = new VirtualClock('2030-06-01T08:00:00.000Z');
    const message = (id: string, status: string, attemptCount: number, nextAttemptAt?: string) => ({
      ...keys.webhookMessage(tenant, 'ep-1', id),
      entity: 'WebhookMessage',
      tenantId: tenant,
      endpointId: 'ep-1',
      id,
      status,
      attemptCount,
      ...(nextAttemptAt ? { nextAttemptAt } : {}),
    });
    await put(message('m-due', 'pending', 2, '2030-06-01T07:59:00.000Z'));
    await put(message('m-later', 'pending', 4, '2030-06-01T10:00:00.000Z'));
    await put(message('m-done', 'delivered', 1));
    const delivered: { at: string; job: DeliveryJob }[] = [];
    const deliverer = async (event: SQSEvent) => {
      for (const r of event.Records) {
        const job = JSON.parse(r.body) as DeliveryJob;
        if (job.tenantId === tenant) delivered.push({ at: clock.now().toISOString(), job });
      }
      return {};
    };
    // Act
    const mes = await startTestRuntime({
      clock,
      recoverWebhookDeliveries: true,
      outboxHandlers: { dispatcher: async () => async () => ({}), deliverer: async () => deliverer },
    });
    try {
      await mes.runtime.outbox!.queue.idle();
      const dueNow = [...delivered];
      await clock.advanceTo('2030-06-01T10:00:00.000Z');
      // Assess
      assert.deepEqual(
        dueNow.map((d) => [d.job.messageId, d.job.attempt]),
        [['m-due', 3]],
      );
      assert.deepEqual(
        delivered.map((d) => [d.at, d.job.messageId, d.job.attempt, d.job.dueAt]),
        [
          ['2030-06-01T08:00:00.000Z', 'm-due', 3, '2030-06-01T07:59:00.000Z'],
          ['2030-06-01T10:00:00.000Z', 'm-later', 5, '2030-06-01T10:00:00.000Z'],
        ],
      );
    } finally {
      await mes.stop();
    }
  });

  it('keeps its secrets key and stream checkpoint in the data dir, the key readable by the owner only', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'mes-data-'));
    const tenant = newTenantId();
    let seen = 0;
    const options = {
      inMemory: false,
      dataDir,
      outboxHandlers: {
        dispatcher: async () => async (event: DynamoDBStreamEvent) => {
          seen += event.Records.filter((r) => r.dynamodb?.Keys?.pk?.S?.startsWith(`${tenant}#`)).length;
          return {};
        },
        deliverer: async () => async () => ({}),
      },
    };
    try {
      // Act
      const first = await startTestRuntime(options);
      const key = process.env[ENV.localSecretsKey];
      // An outbox item: the runtime's dispatcher is invoked for nothing else (the event source's filter).
      await put({ ...keys.outboxEvent(tenant, 'WO-1', 2, 1), entity: 'OutboxEvent', type: 'work-order.released' });
      await first.runtime.outbox!.poller.idle(IDLE);
      await first.stop();
      const second = await startTestRuntime(options);
      await second.runtime.outbox!.poller.idle(IDLE);
      await second.stop();
      // Assess
      const file = join(dataDir, 'identity', 'secrets.key');
      assert.equal(readFileSync(file, 'utf8').trim(), key);
      assert.equal(Buffer.from(key ?? '', 'base64').length, 32);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(process.env[ENV.localSecretsKey], key, 'the same key after a restart');
      assert.equal(process.env[ENV.webhookAllowLoopback], '1', 'loopback webhooks are allowed locally by default');
      assert.equal(process.env[ENV.webhookQueueUrl], undefined);
      assert.equal(seen, 1, 'the restart resumed after the checkpoint');
      const checkpoint = JSON.parse(readFileSync(join(dataDir, 'streams', `${testTableName()}.json`), 'utf8'));
      assert.equal(typeof checkpoint.streamArn, 'string');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

const REAL_FUNCTIONS = ['streams/dispatch-outbox', 'jobs/deliver-webhook'].filter(
  (f) => !existsSync(new URL(`../../functions/${f}.ts`, import.meta.url)),
);

describe('the outbox end to end, with the real functions', { skip: REAL_FUNCTIONS.length > 0 && `not written yet: ${REAL_FUNCTIONS}` }, () => {
  it('delivers a released order to a receiver on 127.0.0.1, and retries a refused delivery on the clock', async () => {
    // Prepare: a receiver that refuses until told otherwise, a clock that starts now (signatures carry real time)
    const received: { id: string; status: number; body: string }[] = [];
    let answer = 204;
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ id: String(req.headers['webhook-id']), status: answer, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const clock = new VirtualClock(Date.now());
    const mes = await startTestRuntime({ clock });
    const outbox = mes.runtime.outbox!;
    const settle = async () => {
      await outbox.poller.idle(IDLE);
      await outbox.queue.idle();
    };
    try {
      const tenant = newTenantId();
      const people = await staff(mes, tenant);
      const endpoint = await people.admin.ok<{ id: string }>('POST', '/v1/webhook-endpoints', {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
        eventTypes: ['work-order.released'],
      });
      await buildPlant(people.planner);
      // Act 1: a release commits its outbox event; the stream poller and the queue take it from there
      await orderAt(people, 'RELEASED');
      await settle();
      // Assess 1
      assert.deepEqual(
        received.map((r) => r.status),
        [204],
      );
      assert.equal(JSON.parse(received[0]!.body).type, 'work-order.released');
      // Act 2: refused, then accepted on the next attempt of the schedule
      answer = 500;
      await orderAt(people, 'RELEASED');
      await settle();
      answer = 204;
      await clock.advance(60_000);
      // Assess 2
      assert.deepEqual(
        received.map((r) => r.status),
        [204, 500, 204],
      );
      assert.equal(received[2]!.id, received[1]!.id, 'the same webhook-id on the retry');
      const deliveries = await people.admin.ok<{ items: { status: string; attemptCount: number }[] }>(
        'GET',
        `/v1/webhook-endpoints/${endpoint.id}/deliveries`,
      );
      assert.deepEqual(
        deliveries.items.map((m) => [m.status, m.attemptCount]),
        [
          ['delivered', 2],
          ['delivered', 1],
        ],
      );
    } finally {
      await mes.stop();
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});

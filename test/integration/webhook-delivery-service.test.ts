/**
 * Outbound webhook delivery through the real handlers (functions/streams/dispatch-outbox.ts with
 * DynamoDB stream events, functions/jobs/deliver-webhook.ts with SQS events, both of the Lambda
 * shape) on DynamoDB Local, to real HTTP receivers on 127.0.0.1, verified with the
 * `standardwebhooks` package. Time is a virtual clock lent through the local bindings, and the
 * queue is a tiny in-test delay queue that behaves like SQS (delays stop at 15 minutes), so the
 * three-day retry schedule runs in well under a second of waiting.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import { handler as deliverWebhook } from '#functions/jobs/deliver-webhook.ts';
import { setLocalBindings } from '#functions/lib/local-bindings.ts';
import { delaySeconds } from '#functions/lib/sqs-delivery-queue.ts';
import { webhookEndpoints } from '#functions/lib/webhook-services.ts';
import { handler as dispatchOutbox } from '#functions/streams/dispatch-outbox.ts';
import { webhookPayloadSchema } from '#shared/api/integration-schemas.ts';
import type { AuthContext } from '#shared/auth/claims.ts';
import { keys } from '#shared/db/keys.ts';
import { DynamoDbWebhookRepository } from '#shared/db/webhook-repository.ts';
import type { EventType, OutboxEvent } from '#shared/domain/work-order/model.ts';
import type { StoredMessage } from '#shared/integration/model.ts';
import type { Clock } from '#shared/domain/clock.ts';
import type { DeliveryJob, DeliveryQueue } from '#shared/integration/ports.ts';
import { JITTER, RETRY_DELAYS_MS } from '#shared/integration/retry-schedule.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';
import { newTenantId } from '../helpers/runtime.ts';
import { lambdaContext } from '../e2e/support/telemetry.ts';

process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');
process.env.MES_WEBHOOK_ALLOW_LOOPBACK = '1';

// ---------- a virtual clock, a delay queue like SQS, a receiver ----------

class VirtualClock implements Clock {
  ms = Math.floor(Date.now() / 1000) * 1000;
  now = () => new Date(this.ms);
  advanceBy = (ms: number) => void (this.ms += ms);
}

/** In-test SQS: a job becomes visible after its delay, which stops at 15 minutes. */
class TestQueue implements DeliveryQueue {
  private jobs: { job: DeliveryJob; visibleAt: number }[] = [];
  enqueued: DeliveryJob[] = [];
  /** Makes enqueue throw for matching jobs (a queue outage). */
  refuse?: (job: DeliveryJob) => boolean;
  constructor(private readonly clock: VirtualClock) {}

  async enqueue(jobs: DeliveryJob[]) {
    if (jobs.some((j) => this.refuse?.(j))) throw new Error('queue unavailable');
    for (const job of jobs) {
      this.enqueued.push(job);
      this.jobs.push({ job, visibleAt: this.clock.ms + delaySeconds(job.dueAt, this.clock.now()) * 1000 });
    }
  }

  takeVisible(): DeliveryJob[] {
    const visible = this.jobs.filter((j) => j.visibleAt <= this.clock.ms);
    this.jobs = this.jobs.filter((j) => j.visibleAt > this.clock.ms);
    return visible.map((j) => j.job);
  }

  nextVisibleAt = () => (this.jobs.length ? Math.min(...this.jobs.map((j) => j.visibleAt)) : undefined);
  get size() {
    return this.jobs.length;
  }
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** Virtual time of arrival. */
  at: number;
}
type Answer = { status: number; headers?: Record<string, string> } | 'hang';

class Receiver {
  requests: Received[] = [];
  answer: (n: number) => Answer = () => ({ status: 204 });
  private server: Server | undefined;
  private hanging: ServerResponse[] = [];
  url = '';
  constructor(private readonly clock: VirtualClock) {}

  async start(path = '/hooks') {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: this.clock.ms });
        const answer = this.answer(this.requests.length);
        if (answer === 'hang') return void this.hanging.push(res);
        res.writeHead(answer.status, answer.headers).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
    return this;
  }

  async stop() {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

// ---------- fixtures ----------

const clock = new VirtualClock();
let queue: TestQueue;
const receivers: Receiver[] = [];
const repository = new DynamoDbWebhookRepository();

const admin = (tenantId: string): AuthContext => ({ tenantId, userId: 'u-admin', name: 'Admin', roles: ['admin'] });

async function receiver(answer?: (n: number) => Answer) {
  const r = await new Receiver(clock).start();
  if (answer) r.answer = answer;
  receivers.push(r);
  return r;
}

async function endpointFor(tenantId: string, r: Receiver, eventTypes: EventType[] = ['work-order.released', 'work-order.started']) {
  return webhookEndpoints().create(admin(tenantId), { url: r.url, eventTypes, enabled: true });
}

let version = 0;
function outboxEvent(tenantId: string, type: EventType = 'work-order.released', workOrderId = 'WO-1'): OutboxEvent {
  return {
    // Minted on the virtual clock, as the work order service mints them on its clock.
    id: uuidv7({ msecs: clock.ms }),
    type,
    schemaVersion: 1,
    occurredAt: clock.now().toISOString(),
    tenantId,
    workOrderId,
    sequence: ++version,
    data: {
      workOrderId,
      materialId: 'FG-PUMP',
      quantity: 10,
      status: 'RELEASED',
      producedQty: 0,
      scrappedQty: 0,
      routingId: 'RT-PUMP',
      operations: [{ seq: 10, name: 'Assemble', workCenterId: 'wc-assembly' }],
    },
  };
}

/** The table stream's event for these items, as Lambda gets it. */
function streamEvent(items: { image: Record<string, unknown>; eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' }[]): DynamoDBStreamEvent {
  return {
    Records: items.map(({ image, eventName = 'INSERT' }, i) => ({
      eventID: uuidv7(),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-2',
      eventSourceARN: 'arn:aws:dynamodb:us-east-2:123456789012:table/mes/stream/2030-01-01T00:00:00.000',
      dynamodb: {
        ApproximateCreationDateTime: clock.ms / 1000,
        Keys: marshall({ pk: image.pk, sk: image.sk }) as Record<string, AttributeValue>,
        NewImage: marshall(image, { removeUndefinedValues: true }) as Record<string, AttributeValue>,
        SequenceNumber: String(1_000_000 + ++streamSeq + i),
        SizeBytes: 200,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    })),
  };
}
let streamSeq = 0;
const outboxImage = (e: OutboxEvent) => ({ ...keys.outboxEvent(e.tenantId, e.workOrderId ?? '', e.sequence, 1), entity: 'OutboxEvent', ...e });

async function dispatch(...events: OutboxEvent[]) {
  const reply = await dispatchOutbox(streamEvent(events.map((e) => ({ image: outboxImage(e) }))), lambdaContext('dispatch-outbox'));
  assert.deepEqual(reply.batchItemFailures, []);
}

function sqsEvent(jobs: DeliveryJob[]): SQSEvent {
  return {
    Records: jobs.map((job) => ({
      messageId: uuidv7(),
      receiptHandle: 'r',
      body: JSON.stringify(job),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(clock.ms),
        SenderId: 'mes',
        ApproximateFirstReceiveTimestamp: String(clock.ms),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-2:123456789012:mes-webhook-deliveries',
      awsRegion: 'us-east-2',
    })),
  };
}

/** Delivers every visible job through the SQS handler, until none is visible now. */
async function deliverVisible() {
  for (let rounds = 0; rounds < 100; rounds++) {
    const jobs = queue.takeVisible();
    if (jobs.length === 0) return;
    const reply = await deliverWebhook(sqsEvent(jobs), lambdaContext('deliver-webhook'));
    assert.deepEqual(reply.batchItemFailures, []);
  }
}

/** Runs the queue to the end, moving the virtual clock to each next visible job. */
async function runUntilIdle(maxSteps = 2000) {
  await deliverVisible();
  for (let step = 0; queue.size > 0 && step < maxSteps; step++) {
    clock.ms = Math.max(clock.ms, queue.nextVisibleAt()!);
    await deliverVisible();
  }
  assert.equal(queue.size, 0, 'the queue did not drain');
}

const message = async (tenantId: string, endpointId: string, id: string): Promise<StoredMessage> => {
  const m = await repository.getMessage(tenantId, endpointId, id);
  assert.ok(m, `message ${id} of ${endpointId} is not stored`);
  return m;
};

/** The `v1,` signature of a request made with this secret (independent of the real clock). */
const expectedSignature = (secret: string, r: Received) =>
  new Webhook(secret).sign(String(r.headers['webhook-id']), new Date(Number(r.headers['webhook-timestamp']) * 1000), r.body);
const signatures = (r: Received) => String(r.headers['webhook-signature']).split(' ');

// ---------- the tests ----------

describe('outbound webhook delivery', () => {
  beforeEach(() => {
    // Near real time, so standardwebhooks' ±5 minute tolerance accepts what is sent now.
    clock.ms = Math.floor(Date.now() / 1000) * 1000;
    queue = new TestQueue(clock);
    setLocalBindings({ deliveryQueue: queue, clock });
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.stop()));
  });
  after(() => setLocalBindings(undefined));

  it('retries a receiver that is down (503) and delivers on a later attempt, signed and with the documented body', async () => {
    // Prepare
    const tenantId = newTenantId();
    const r = await receiver((n) => (n === 1 ? { status: 503 } : { status: 200 }));
    const endpoint = await endpointFor(tenantId, r);
    const event = outboxEvent(tenantId);
    // Act
    await dispatch(event);
    await runUntilIdle();
    // Assess: two requests, the second accepted
    assert.equal(r.requests.length, 2);
    const stored = await message(tenantId, endpoint.id, event.id);
    assert.equal(stored.status, 'delivered');
    assert.equal(stored.attemptCount, 2);
    assert.deepEqual(
      stored.attempts.map((a) => [a.attempt, a.statusCode, a.trigger]),
      [
        [1, 503, 'scheduled'],
        [2, 200, 'scheduled'],
      ],
    );
    assert.ok(stored.deliveredAt);
    // Each request verifies with the endpoint's secret (standardwebhooks, real clock tolerance)
    for (const request of r.requests) {
      const body = new Webhook(endpoint.secret).verify(request.body, request.headers as Record<string, string>);
      assert.deepEqual(webhookPayloadSchema('work-order.released').parse(body), {
        id: event.id,
        type: 'work-order.released',
        timestamp: event.occurredAt,
        schemaVersion: 1,
        tenantId,
        workOrderId: 'WO-1',
        sequence: event.sequence,
        data: event.data,
      });
      assert.equal(request.headers['webhook-id'], event.id);
      assert.equal(request.headers['content-type'], 'application/json');
    }
    // The second attempt waited the schedule's 5 s, within the jitter
    const wait = r.requests[1]!.at - r.requests[0]!.at;
    assert.ok(wait >= RETRY_DELAYS_MS[1] * (1 - JITTER) && wait <= RETRY_DELAYS_MS[1] * (1 + JITTER) + 1000, `waited ${wait} ms`);
    // A delivered message expires (TTL); the API shape has no body
    const { Item } = await testDocClient().send(
      new GetCommand({ TableName: testTableName(), Key: keys.webhookMessage(tenantId, endpoint.id, event.id) }),
    );
    assert.equal(typeof Item?.expiresAt, 'number');
  });

  it('sends a b2mml endpoint the B2MML document as application/xml, and its retry the same bytes even after the endpoint went back to json', async () => {
    // Prepare: a B2MML endpoint whose receiver is down once, and a JSON endpoint for the same event.
    const tenantId = newTenantId();
    const xmlReceiver = await receiver((n) => (n === 1 ? { status: 503 } : { status: 204 }));
    const jsonReceiver = await receiver();
    const b2mml = await webhookEndpoints().create(admin(tenantId), {
      url: xmlReceiver.url,
      eventTypes: ['material.consumed'],
      format: 'b2mml',
      enabled: true,
    });
    await endpointFor(tenantId, jsonReceiver, ['material.consumed']);
    const base = outboxEvent(tenantId);
    const event: OutboxEvent = {
      ...base,
      type: 'material.consumed',
      data: {
        ...base.data,
        status: 'IN_PROGRESS',
        seq: 10,
        workCenterId: 'wc-assembly',
        lotId: 'L-1',
        consumedMaterialId: 'HSG',
        consumedQty: 2,
        uom: 'EA',
        lotQuantityLeft: 8,
        by: 'u-op',
      },
    };
    // Act: attempt 1 fails; the endpoint goes back to json; the retry goes out.
    await dispatch(event);
    await deliverVisible();
    await webhookEndpoints().update(admin(tenantId), b2mml.id, { format: 'json' });
    await runUntilIdle();
    // Assess
    assert.equal(xmlReceiver.requests.length, 2);
    assert.equal(new Set(xmlReceiver.requests.map((q) => q.body)).size, 1, 'the same bytes on every attempt');
    for (const q of xmlReceiver.requests) {
      assert.equal(q.headers['content-type'], 'application/xml');
      assert.match(q.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ProductionPerformance xmlns="http:\/\/www.mesa.org\/xml\/B2MML-V0600">/);
      assert.match(q.body, /<MaterialLotID>L-1<\/MaterialLotID>\s*<MaterialUse>Consumed<\/MaterialUse>/);
      assert.deepEqual(signatures(q), [expectedSignature(b2mml.secret, q)]);
      new Webhook(b2mml.secret).verify(q.body, q.headers as Record<string, string>, { jsonParse: false });
    }
    assert.equal((await message(tenantId, b2mml.id, event.id)).status, 'delivered');
    assert.equal(jsonReceiver.requests.length, 1);
    assert.equal(jsonReceiver.requests[0]?.headers['content-type'], 'application/json');
    assert.equal(JSON.parse(jsonReceiver.requests[0]?.body ?? '{}').id, event.id);
  });

  it('creates no message for a b2mml endpoint when the event has no B2MML document, and still sends the JSON one', async () => {
    // Prepare: a material.consumed whose data lacks the quantity (no MaterialActual can be written).
    const tenantId = newTenantId();
    const xmlReceiver = await receiver();
    const jsonReceiver = await receiver();
    const b2mml = await webhookEndpoints().create(admin(tenantId), {
      url: xmlReceiver.url,
      eventTypes: ['material.consumed'],
      format: 'b2mml',
      enabled: true,
    });
    await endpointFor(tenantId, jsonReceiver, ['material.consumed']);
    const event: OutboxEvent = { ...outboxEvent(tenantId), type: 'material.consumed' };
    // Act
    await dispatch(event);
    await runUntilIdle();
    // Assess
    assert.equal(await repository.getMessage(tenantId, b2mml.id, event.id), undefined);
    assert.equal(xmlReceiver.requests.length, 0);
    assert.equal(jsonReceiver.requests.length, 1);
  });

  it('runs the whole schedule (10 attempts over about three days) and keeps the failed message', async () => {
    // Prepare
    const tenantId = newTenantId();
    const r = await receiver(() => ({ status: 500 }));
    const endpoint = await endpointFor(tenantId, r);
    const event = outboxEvent(tenantId);
    // Act
    await dispatch(event);
    await runUntilIdle();
    // Assess
    assert.equal(r.requests.length, 10);
    const stored = await message(tenantId, endpoint.id, event.id);
    assert.equal(stored.status, 'failed');
    assert.equal(stored.attemptCount, 10);
    assert.match(stored.failureReason ?? '', /no success after 10 attempts; the last: HTTP 500/);
    assert.equal(stored.nextAttemptAt, undefined);
    // The same webhook-id on every attempt, each signed over the same body
    assert.deepEqual(new Set(r.requests.map((q) => q.headers['webhook-id'])), new Set([event.id]));
    assert.equal(new Set(r.requests.map((q) => q.body)).size, 1);
    for (const q of r.requests) assert.deepEqual(signatures(q), [expectedSignature(endpoint.secret, q)]);
    // Attempt times follow the schedule within the jitter (and SQS's whole-second delays)
    const times = stored.attempts.map((a) => Date.parse(a.at));
    for (let i = 1; i < times.length; i++) {
      const wait = times[i]! - times[i - 1]!;
      const base = RETRY_DELAYS_MS[i]!;
      assert.ok(wait >= base * (1 - JITTER) && wait <= base * (1 + JITTER) + 1000, `attempt ${i + 1} waited ${wait} ms, schedule ${base}`);
    }
    // A failed message is kept: no TTL
    const { Item } = await testDocClient().send(
      new GetCommand({ TableName: testTableName(), Key: keys.webhookMessage(tenantId, endpoint.id, event.id) }),
    );
    assert.equal(Item?.expiresAt, undefined);
  });

  it('disables the endpoint when the receiver answers 410 Gone, and fails the message', async () => {
    // Prepare
    const tenantId = newTenantId();
    const r = await receiver(() => ({ status: 410 }));
    const endpoint = await endpointFor(tenantId, r);
    const first = outboxEvent(tenantId);
    // Act
    await dispatch(first);
    await runUntilIdle();
    // Assess
    assert.equal(r.requests.length, 1);
    const stored = await message(tenantId, endpoint.id, first.id);
    assert.equal(stored.status, 'failed');
    assert.match(stored.failureReason ?? '', /410 Gone/);
    const disabled = await webhookEndpoints().get(admin(tenantId), endpoint.id);
    assert.equal(disabled.enabled, false);
    assert.equal(disabled.disabledReason, 'the receiver answered 410 Gone');
    assert.equal(disabled.updatedBy, 'mes');
    assert.equal(disabled.version, endpoint.version + 1);
    // ...audited
    const { Items = [] } = await testDocClient().send(
      new QueryCommand({
        TableName: testTableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.integrationAudit(tenantId, 'webhook-endpoint', endpoint.id, 1).pk },
      }),
    );
    assert.deepEqual(
      Items.map((i) => i.action),
      ['webhook-endpoint.create', 'webhook-endpoint.disable'],
    );
    // A later event is not sent to a disabled endpoint
    await dispatch(outboxEvent(tenantId));
    await runUntilIdle();
    assert.equal(r.requests.length, 1);
    // Re-enabling it clears the reason
    const enabled = await webhookEndpoints().update(admin(tenantId), endpoint.id, { enabled: true });
    assert.equal(enabled.enabled, true);
    assert.equal(enabled.disabledReason, undefined);
  });

  it('waits at least what Retry-After asks for, in seconds or as an HTTP-date', async () => {
    // Prepare
    const tenantId = newTenantId();
    const r = await receiver((n) =>
      n === 1
        ? { status: 429, headers: { 'retry-after': '3600' } }
        : n === 2
          ? { status: 503, headers: { 'retry-after': new Date(clock.ms + 2 * 3_600_000).toUTCString() } }
          : { status: 200 },
    );
    const endpoint = await endpointFor(tenantId, r);
    const event = outboxEvent(tenantId);
    // Act
    await dispatch(event);
    await runUntilIdle();
    // Assess
    const stored = await message(tenantId, endpoint.id, event.id);
    assert.equal(stored.status, 'delivered');
    const [a1, a2, a3] = stored.attempts;
    assert.equal(a1?.retryAfterSeconds, 3600);
    assert.equal(a2?.retryAfterSeconds, 7200);
    assert.ok(Date.parse(a2!.at) - Date.parse(a1!.at) >= 3_600_000, 'the second attempt waited an hour');
    assert.ok(Date.parse(a3!.at) - Date.parse(a2!.at) >= 7_200_000, 'the third attempt waited two hours');
  });

  it('gives up an attempt after the timeout when the receiver never answers, and retries', async () => {
    // Prepare
    const tenantId = newTenantId();
    const r = await receiver((n) => (n === 1 ? 'hang' : { status: 200 }));
    const endpoint = await endpointFor(tenantId, r);
    const event = outboxEvent(tenantId);
    const previous = process.env.MES_WEBHOOK_TIMEOUT_MS;
    process.env.MES_WEBHOOK_TIMEOUT_MS = '300';
    try {
      // Act
      await dispatch(event);
      await runUntilIdle();
    } finally {
      if (previous === undefined) delete process.env.MES_WEBHOOK_TIMEOUT_MS;
      else process.env.MES_WEBHOOK_TIMEOUT_MS = previous;
    }
    // Assess
    const stored = await message(tenantId, endpoint.id, event.id);
    const [first, second] = stored.attempts;
    assert.equal(first?.statusCode, undefined);
    assert.match(first?.error ?? '', /timed out after 300 ms/);
    assert.equal(second?.statusCode, 200);
    assert.equal(stored.status, 'delivered');
  });

  it('signs with both secrets while a rotation runs, then with the new one only', async () => {
    // Prepare
    const tenantId = newTenantId();
    const r = await receiver();
    const endpoint = await endpointFor(tenantId, r);
    const rotated = await webhookEndpoints().rotateSecret(admin(tenantId), endpoint.id, 3600);
    assert.notEqual(rotated.secret, endpoint.secret);
    assert.ok(rotated.previousSecretExpiresAt);
    // Act: one event during the grace period, one after it
    await dispatch(outboxEvent(tenantId));
    await runUntilIdle();
    clock.advanceBy(3601_000);
    await dispatch(outboxEvent(tenantId));
    await runUntilIdle();
    // Assess
    const [during, afterGrace] = r.requests;
    assert.deepEqual(signatures(during!), [expectedSignature(rotated.secret, during!), expectedSignature(endpoint.secret, during!)]);
    // A receiver with either secret accepts it (standardwebhooks takes any matching v1 entry)
    new Webhook(rotated.secret).verify(during!.body, during!.headers as Record<string, string>);
    new Webhook(endpoint.secret).verify(during!.body, during!.headers as Record<string, string>);
    assert.deepEqual(signatures(afterGrace!), [expectedSignature(rotated.secret, afterGrace!)]);
  });

  it('refuses at send time an address the policy forbids (a name that resolves to loopback when loopback is not allowed)', async () => {
    // Prepare: created while loopback was allowed, sent when it no longer is (as after DNS rebinding)
    const tenantId = newTenantId();
    const r = await receiver();
    const port = new URL(r.url).port;
    const endpoint = await webhookEndpoints().create(admin(tenantId), {
      url: `http://localhost:${port}/hooks`,
      eventTypes: ['work-order.released'],
      enabled: true,
    });
    const event = outboxEvent(tenantId);
    process.env.MES_WEBHOOK_ALLOW_LOOPBACK = '0';
    try {
      // Act
      await dispatch(event);
      await deliverVisible();
    } finally {
      process.env.MES_WEBHOOK_ALLOW_LOOPBACK = '1';
    }
    // Assess
    assert.equal(r.requests.length, 0);
    const stored = await message(tenantId, endpoint.id, event.id);
    assert.equal(stored.attempts[0]?.statusCode, undefined);
    assert.match(stored.attempts[0]?.error ?? '', /blocked address: localhost resolves to .* loopback/);
    assert.equal(stored.status, 'pending');
  });

  it('creates no second message and sends once when the stream delivers the same event again', async () => {
    // Prepare
    const tenantId = newTenantId();
    const r = await receiver();
    const endpoint = await endpointFor(tenantId, r);
    const event = outboxEvent(tenantId);
    // Act: the same record twice before any attempt (a crash after the write), then again after delivery
    await dispatch(event);
    await dispatch(event);
    await runUntilIdle();
    await dispatch(event);
    await runUntilIdle();
    // Assess
    assert.equal(r.requests.length, 1);
    const { Items = [] } = await testDocClient().send(
      new QueryCommand({
        TableName: testTableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.webhookMessagePartition(tenantId, endpoint.id) },
      }),
    );
    assert.equal(Items.length, 1);
    assert.equal((await message(tenantId, endpoint.id, event.id)).attemptCount, 1);
  });

  it('sends a job delivered twice at once only once (the attempt is claimed)', async () => {
    // Prepare
    const tenantId = newTenantId();
    const r = await receiver();
    const endpoint = await endpointFor(tenantId, r);
    const event = outboxEvent(tenantId);
    await dispatch(event);
    const [job] = queue.takeVisible();
    // Act: SQS at-least-once: the same job twice in one batch, processed in parallel
    const reply = await deliverWebhook(sqsEvent([job!, job!, job!]), lambdaContext('deliver-webhook'));
    // Assess
    assert.deepEqual(reply.batchItemFailures, []);
    assert.equal(r.requests.length, 1);
    assert.equal((await message(tenantId, endpoint.id, event.id)).attemptCount, 1);
  });

  it('dispatches only new outbox events, to the endpoints subscribed to their type', async () => {
    // Prepare
    const tenantId = newTenantId();
    const released = await receiver();
    const started = await receiver();
    await endpointFor(tenantId, released, ['work-order.released']);
    await endpointFor(tenantId, started, ['work-order.started']);
    const event = outboxEvent(tenantId, 'work-order.released');
    // Act: the event as a MODIFY, a telemetry item, then the real INSERT
    const reply = await dispatchOutbox(
      streamEvent([
        { image: outboxImage(event), eventName: 'MODIFY' },
        { image: { pk: `${tenantId}#TLM#0#2030-01-01`, sk: '00:00', entity: 'TelemetryBucket' } },
        { image: outboxImage(event) },
      ]),
      lambdaContext('dispatch-outbox'),
    );
    await runUntilIdle();
    // Assess
    assert.deepEqual(reply.batchItemFailures, []);
    assert.equal(queue.enqueued.length, 1);
    assert.equal(released.requests.length, 1);
    assert.equal(started.requests.length, 0);
  });

  it('reports a record it could not dispatch as a batch item failure, and the redelivery succeeds', async () => {
    // Prepare
    const tenantId = newTenantId();
    const r = await receiver();
    const endpoint = await endpointFor(tenantId, r);
    const ok = outboxEvent(tenantId);
    const unlucky = outboxEvent(tenantId);
    queue.refuse = (job) => job.messageId === unlucky.id;
    // Act
    const event = streamEvent([{ image: outboxImage(ok) }, { image: outboxImage(unlucky) }]);
    const reply = await dispatchOutbox(event, lambdaContext('dispatch-outbox'));
    queue.refuse = undefined;
    // Assess: only the unlucky record failed; its message is written but never attempted
    assert.deepEqual(reply.batchItemFailures, [{ itemIdentifier: event.Records[1]!.dynamodb!.SequenceNumber! }]);
    assert.equal((await message(tenantId, endpoint.id, unlucky.id)).attemptCount, 0);
    // The stream hands the record back: now it is queued and sent
    await dispatch(unlucky);
    await runUntilIdle();
    assert.deepEqual(new Set(r.requests.map((q) => q.headers['webhook-id'])), new Set([ok.id, unlucky.id]));
  });

  it('fails the pending messages of a deleted endpoint without sending them', async () => {
    // Prepare
    const tenantId = newTenantId();
    const r = await receiver(() => ({ status: 503 }));
    const endpoint = await endpointFor(tenantId, r);
    const event = outboxEvent(tenantId);
    await dispatch(event);
    await deliverVisible();
    // Act
    await webhookEndpoints().delete(admin(tenantId), endpoint.id);
    await runUntilIdle();
    // Assess
    assert.equal(r.requests.length, 1);
    const stored = await message(tenantId, endpoint.id, event.id);
    assert.equal(stored.status, 'failed');
    assert.equal(stored.failureReason, 'endpoint deleted');
  });

  it('sends again on a manual retry with the same webhook-id, and replays since a time', async () => {
    // Prepare: two delivered messages
    const tenantId = newTenantId();
    const r = await receiver();
    const endpoint = await endpointFor(tenantId, r);
    const early = outboxEvent(tenantId);
    await dispatch(early);
    clock.advanceBy(60_000);
    const since = clock.now().toISOString();
    const late = outboxEvent(tenantId);
    await dispatch(late);
    await runUntilIdle();
    assert.equal(r.requests.length, 2);
    // Act
    const retried = await webhookEndpoints().retry(admin(tenantId), endpoint.id, early.id);
    await runUntilIdle();
    const replay = await webhookEndpoints().replay(admin(tenantId), endpoint.id, since);
    await runUntilIdle();
    // Assess
    assert.equal(retried.status, 'pending');
    assert.deepEqual(replay, { replayed: 1 });
    // The first two were due together and go out in parallel: their order is not defined.
    const ids = r.requests.map((q) => q.headers['webhook-id']);
    assert.deepEqual(new Set(ids.slice(0, 2)), new Set([early.id, late.id]));
    assert.deepEqual(ids.slice(2), [early.id, late.id]);
    const e = await message(tenantId, endpoint.id, early.id);
    const l = await message(tenantId, endpoint.id, late.id);
    assert.deepEqual(
      e.attempts.map((a) => a.trigger),
      ['scheduled', 'manual'],
    );
    assert.deepEqual(
      l.attempts.map((a) => a.trigger),
      ['scheduled', 'replay'],
    );
    assert.equal(e.status, 'delivered');
  });
});

/**
 * Webhook figures of issue 4 (section 4), against the runtime `npm run bench` started:
 *   1. outbound throughput: a backlog of outbox events handed to the stream consumer
 *      (functions/streams/dispatch-outbox.ts) in Lambda-shaped batches of 100, as one stream
 *      shard would; the clock stops when a local receiver has verified every delivery with the
 *      `standardwebhooks` package. Dispatch, the delivery queue and the signed POSTs all count;
 *   2. latency from commit to receipt over the whole local path: an operator's report commits
 *      (the API answered), DynamoDB Local's stream, the stream poller, the dispatcher, the
 *      delivery queue, the signed POST, the receiver's verification. One report at a time. The
 *      floor: the same signed POST sent straight to the receiver;
 *   3. inbound: signed production-order.upserted events accepted per second at 16 clients,
 *      each a new work order, beside the floor of the same creates through POST /v1/work-orders
 *      with a bearer token.
 * Every loop is bounded in count and time; all traffic stays on 127.0.0.1.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { v7 as uuidv7 } from 'uuid';
import { lambdaContext } from '../infra/local/api-gateway.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import { keys } from '../shared/db/keys.ts';
import { request } from './http-client.ts';
import { load, summarize } from './stats.ts';

const SCALE = Math.min(1, Math.max(0.05, Number(process.env.BENCH_WEBHOOK_SCALE ?? 1)));
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));
const BACKLOG = scaled(2_000);
const STREAM_BATCH = 100;
const LATENCY_SAMPLES = scaled(100);
const INBOUND_EVENTS = scaled(1_000);
const INBOUND_CONCURRENCY = 16;
const MAX_WAIT_MS = 120_000;

export interface WebhookResults {
  outbound: { events: number; batch: number; seconds: number; perSecond: number; invalid: number };
  latency: { samples: number; p50: number; p99: number; floor: { p50: number; p99: number } };
  inbound: {
    concurrency: number;
    signed: { events: number; perSecond: number; p50: number; p99: number; errors: number };
    floor: { events: number; perSecond: number; p50: number; p99: number; errors: number };
  };
}

/** A subscriber that verifies every delivery and notes when each webhook-id first arrived. */
async function startReceiver() {
  const arrivals = new Map<string, { at: number; body: string }>();
  let secret = '';
  let invalid = 0;
  const waiters: (() => void)[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        new Webhook(secret).verify(body, req.headers as Record<string, string>);
      } catch {
        invalid++;
        res.writeHead(400).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      if (!arrivals.has(id)) arrivals.set(id, { at, body });
      res.writeHead(204).end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp`;
  /** Resolves when `done()` holds, or rejects after MAX_WAIT_MS. */
  const until = async (done: () => boolean) => {
    const deadline = performance.now() + MAX_WAIT_MS;
    while (!done()) {
      if (performance.now() > deadline) throw new Error('the receiver waited too long for deliveries');
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  return {
    url,
    arrivals,
    until,
    setSecret: (s: string) => (secret = s),
    invalid: () => invalid,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

async function ok(baseUrl: string, method: string, path: string, token: string, body?: unknown) {
  const reply = await request(baseUrl, method, path, token, body);
  if (reply.status < 200 || reply.status > 299) throw new Error(`${method} ${path} answered ${reply.status}: ${reply.body}`);
  return reply.body ? JSON.parse(reply.body) : undefined;
}

async function plant(runtime: Runtime, tenantId: string) {
  const token = (role: string) => runtime.issueToken({ tenantId, userId: `bench-${role}`, roles: [role as 'admin'] });
  const t = {
    admin: await token('admin'),
    planner: await token('planner'),
    supervisor: await token('supervisor'),
    operator: await token('operator'),
  };
  const put = (path: string, body: unknown) => ok(runtime.baseUrl, 'PUT', path, t.planner, body);
  await put('/v1/equipment/wc-wh', { name: 'Webhook line', level: 'workCenter' });
  await put('/v1/materials/FG-WH', { name: 'Webhook product', uom: 'ea' });
  await put('/v1/routings/RT-WH', { materialId: 'FG-WH', operations: [{ seq: 10, name: 'Make', workCenterId: 'wc-wh' }] });
  return t;
}

/** A Lambda-shaped stream record of an outbox event, as DynamoDB Streams would carry it. */
function streamRecord(event: Record<string, unknown>, n: number) {
  const item = { ...keys.outboxEvent(String(event.tenantId), String(event.workOrderId), 1, 1), entity: 'OutboxEvent', ...event };
  return {
    eventID: `bench-${n}`,
    eventName: 'INSERT' as const,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'local',
    dynamodb: {
      Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
      NewImage: marshall(item, { removeUndefinedValues: true }) as never,
      SequenceNumber: String(n).padStart(21, '0'),
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES' as const,
    },
    eventSourceARN: 'arn:aws:dynamodb:local:000000000000:table/bench/stream/bench',
  };
}

async function outboundThroughput(runtime: Runtime, receiver: Receiver) {
  const tenantId = 'bench-wh-out';
  const t = await plant(runtime, tenantId);
  const endpoint = await ok(runtime.baseUrl, 'POST', '/v1/webhook-endpoints', t.admin, { url: receiver.url, eventTypes: ['production.reported'] });
  receiver.setSecret(endpoint.secret);
  const { handler } = (await import('../functions/streams/dispatch-outbox.ts')) as {
    handler: (event: DynamoDBStreamEvent, context: unknown) => Promise<{ batchItemFailures?: unknown[] } | undefined>;
  };
  const now = new Date().toISOString();
  const events = Array.from({ length: BACKLOG }, (_, i) => ({
    id: uuidv7(),
    type: 'production.reported',
    schemaVersion: 1,
    occurredAt: now,
    tenantId,
    workOrderId: `WO-SYN-${i}`,
    sequence: 1,
    data: {
      workOrderId: `WO-SYN-${i}`,
      materialId: 'FG-WH',
      quantity: 10,
      status: 'IN_PROGRESS',
      producedQty: 1,
      scrappedQty: 0,
      seq: 10,
      workCenterId: 'wc-wh',
      goodQty: 1,
      scrapQty: 0,
      operationGoodQty: 1,
      operationScrapQty: 0,
      by: 'bench-operator',
    },
  }));
  const ids = new Set(events.map((e) => e.id));
  const started = performance.now();
  for (let i = 0; i < events.length; i += STREAM_BATCH) {
    const batch = events.slice(i, i + STREAM_BATCH).map((e, j) => streamRecord(e, i + j));
    const result = await handler({ Records: batch } as DynamoDBStreamEvent, lambdaContext('dispatch-outbox'));
    if (result?.batchItemFailures?.length) throw new Error(`the dispatcher failed ${result.batchItemFailures.length} records`);
  }
  await receiver.until(() => [...ids].every((id) => receiver.arrivals.has(id)));
  const last = Math.max(...[...ids].map((id) => receiver.arrivals.get(id)?.at ?? 0));
  const seconds = (last - started) / 1000;
  return { events: BACKLOG, batch: STREAM_BATCH, seconds, perSecond: BACKLOG / seconds, invalid: receiver.invalid() };
}

async function commitToReceipt(runtime: Runtime, receiver: Receiver) {
  const tenantId = 'bench-wh-lat';
  const t = await plant(runtime, tenantId);
  const endpoint = await ok(runtime.baseUrl, 'POST', '/v1/webhook-endpoints', t.admin, { url: receiver.url, eventTypes: ['production.reported'] });
  receiver.setSecret(endpoint.secret);
  const due = new Date(Date.now() + 7 * 86_400_000).toISOString();
  await ok(runtime.baseUrl, 'POST', '/v1/work-orders', t.planner, {
    id: 'WO-LAT',
    materialId: 'FG-WH',
    routingId: 'RT-WH',
    quantity: 1_000_000,
    dueDate: due,
  });
  await ok(runtime.baseUrl, 'POST', '/v1/work-orders/WO-LAT/release', t.supervisor, {});
  await ok(runtime.baseUrl, 'POST', '/v1/work-orders/WO-LAT/operations/10/start', t.operator, {});
  const times: number[] = [];
  const deadline = performance.now() + MAX_WAIT_MS;
  for (let i = 1; i <= LATENCY_SAMPLES && performance.now() < deadline; i++) {
    const seen = receiver.arrivals.size;
    await ok(runtime.baseUrl, 'POST', '/v1/work-orders/WO-LAT/operations/10/report', t.operator, { goodQty: 1 });
    const committed = performance.now();
    await receiver.until(() => [...receiver.arrivals.values()].slice(seen).some((a) => JSON.parse(a.body).data.operationGoodQty === i));
    const arrival = [...receiver.arrivals.values()].slice(seen).find((a) => JSON.parse(a.body).data.operationGoodQty === i);
    times.push(Math.max(0, (arrival?.at ?? committed) - committed));
  }
  // Floor: the same kind of signed body POSTed straight to the receiver, no MES in between.
  const signer = new Webhook(endpoint.secret);
  const floorTimes: number[] = [];
  const body = [...receiver.arrivals.values()].at(-1)?.body ?? '{}';
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const id = `floor-${i}-${uuidv7()}`;
    const started = performance.now();
    await postSigned(receiver.url, id, signer, body);
    floorTimes.push(performance.now() - started);
  }
  return { ...summarize(times), floor: summarize(floorTimes) };
}

function postSigned(url: string, id: string, signer: Webhook, body: string) {
  const now = new Date();
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signer.sign(id, now, body),
    },
    body,
  }).then((res) => res.arrayBuffer());
}

async function inbound(runtime: Runtime) {
  const tenantId = 'bench-wh-in';
  const t = await plant(runtime, tenantId);
  const credential = await ok(runtime.baseUrl, 'POST', '/v1/integration-credentials', t.admin, { name: 'Bench ERP' });
  const signer = new Webhook(credential.secret);
  const due = new Date(Date.now() + 7 * 86_400_000).toISOString();
  const url = `${runtime.baseUrl}/v1/integrations/erp/events?credential=${encodeURIComponent(credential.id)}`;
  const signed = await load({ concurrency: INBOUND_CONCURRENCY, samples: INBOUND_EVENTS, maxMs: MAX_WAIT_MS / 2 }, async (i) => {
    const id = `msg_${uuidv7()}`;
    const now = new Date();
    const body = JSON.stringify({
      type: 'production-order.upserted',
      timestamp: now.toISOString(),
      data: { id: `PO-IN-${i}`, materialDefinitionId: 'FG-WH', quantity: 10, operationsDefinitionId: 'RT-WH', latestEndTime: due },
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer.sign(id, now, body),
      },
      body,
    });
    await res.arrayBuffer();
    return res.status === 200;
  });
  const floor = await load({ concurrency: INBOUND_CONCURRENCY, samples: INBOUND_EVENTS, maxMs: MAX_WAIT_MS / 2 }, async (i) => {
    const reply = await request(runtime.baseUrl, 'POST', '/v1/work-orders', t.planner, {
      id: `PO-API-${i}`,
      materialId: 'FG-WH',
      routingId: 'RT-WH',
      quantity: 10,
      dueDate: due,
    });
    return reply.status === 201;
  });
  const figure = (run: Awaited<ReturnType<typeof load>>) => ({
    events: run.done.length,
    perSecond: run.done.length / run.seconds,
    ...summarize(run.times),
    errors: run.errors,
  });
  return { concurrency: INBOUND_CONCURRENCY, signed: figure(signed), floor: figure(floor) };
}

export async function measureWebhooks(runtime: Runtime, { step }: { step: (message: string) => void }): Promise<WebhookResults> {
  const receiver = await startReceiver();
  try {
    step(`webhooks: ${BACKLOG} outbox events through the dispatcher to a local receiver`);
    const outbound = await outboundThroughput(runtime, receiver);
    step(`webhooks: commit to receipt, ${LATENCY_SAMPLES} reports one at a time`);
    const latency = await commitToReceipt(runtime, receiver);
    step(`webhooks: ${INBOUND_EVENTS} signed inbound production orders at ${INBOUND_CONCURRENCY} clients, then the API floor`);
    return { outbound, latency, inbound: await inbound(runtime) };
  } finally {
    await receiver.close();
  }
}

const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'n/a');
const rate = (n: number) => `${n.toFixed(0)}/s`;

export function renderWebhooks(r: WebhookResults, out: (line: string) => void) {
  out('## Webhooks (issue 4)');
  out('');
  out('No targets are set for these figures; each has its floor beside it.');
  out('');
  out('| figure | MES | floor, same run |');
  out('|---|---|---|');
  out(
    `| outbound: messages delivered per second (backlog of ${r.outbound.events}, stream batches of ${r.outbound.batch}) | ${rate(r.outbound.perSecond)} (${r.outbound.seconds.toFixed(1)} s, ${r.outbound.invalid} failed verification) | n/a |`,
  );
  out(
    `| commit to receipt, p50 (${r.latency.samples} reports, one at a time) | ${ms(r.latency.p50)} | ${ms(r.latency.floor.p50)} (signed POST straight to the receiver) |`,
  );
  out(`| commit to receipt, p99 | ${ms(r.latency.p99)} | ${ms(r.latency.floor.p99)} |`);
  out(
    `| inbound: signed production orders accepted per second (${r.inbound.concurrency} clients) | ${rate(r.inbound.signed.perSecond)} (${r.inbound.signed.events} accepted, ${r.inbound.signed.errors} refused) | ${rate(r.inbound.floor.perSecond)} (POST /v1/work-orders with a token) |`,
  );
  out(
    `| inbound latency p50 / p99 | ${ms(r.inbound.signed.p50)} / ${ms(r.inbound.signed.p99)} | ${ms(r.inbound.floor.p50)} / ${ms(r.inbound.floor.p99)} |`,
  );
  out('');
}

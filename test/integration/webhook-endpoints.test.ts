/**
 * The webhook endpoint routes over HTTP against the local runtime: create (the secret shown
 * once), read, list, change with If-Match, delete, rotate the secret; the SSRF refusals; who may
 * (admins only) and whose (404 across tenants); and, with a real receiver on 127.0.0.1, the
 * deliveries of a real work order's events, a manual retry and a replay.
 * The delivery queue is a small in-test one lent through the local bindings; outbox events are
 * read from the table and handed to the stream handler as the table stream would.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { handler as deliverWebhook } from '#functions/jobs/deliver-webhook.ts';
import { setLocalBindings } from '#functions/lib/local-bindings.ts';
import { handler as dispatchOutbox } from '#functions/streams/dispatch-outbox.ts';
import { webhookPayloadSchema } from '#shared/api/integration-schemas.ts';
import type { DeliveryJob, DeliveryQueue } from '#shared/integration/ports.ts';
import {
  type Api,
  type Mes,
  type Staff,
  assertProblem,
  buildPlant,
  newTenant,
  orderAt,
  PROBLEM,
  staff,
  startMes,
  storedItems,
} from '../e2e/support/mes.ts';
import { lambdaContext } from '../e2e/support/telemetry.ts';

process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');
process.env.MES_WEBHOOK_ALLOW_LOOPBACK = '1';

/** Jobs due now are delivered through the SQS handler; later ones wait (nothing here waits). */
class TestQueue implements DeliveryQueue {
  jobs: DeliveryJob[] = [];
  async enqueue(jobs: DeliveryJob[]) {
    this.jobs.push(...jobs);
  }
  async drain() {
    for (let rounds = 0; rounds < 20; rounds++) {
      const due = this.jobs.filter((j) => Date.parse(j.dueAt) <= Date.now());
      if (due.length === 0) return;
      this.jobs = this.jobs.filter((j) => !due.includes(j));
      const event: SQSEvent = {
        Records: due.map((job, i) => ({
          messageId: `m-${Date.now()}-${i}`,
          receiptHandle: 'r',
          body: JSON.stringify(job),
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(Date.now()),
            SenderId: 'mes',
            ApproximateFirstReceiveTimestamp: String(Date.now()),
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-2:123456789012:mes-webhook-deliveries',
          awsRegion: 'us-east-2',
        })),
      };
      assert.deepEqual((await deliverWebhook(event, lambdaContext('deliver-webhook'))).batchItemFailures, []);
    }
  }
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

async function startReceiver(requests: Received[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp/hooks`, server };
}

/** The order's outbox events, handed to the stream handler as INSERT records (as the table stream would). */
async function dispatchOutboxOf(tenantId: string, workOrderId: string) {
  const items = (await storedItems(tenantId, workOrderId)).filter((i) => i.entity === 'OutboxEvent');
  const event: DynamoDBStreamEvent = {
    Records: items.map((item, n) => ({
      eventID: `e-${n}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-2',
      dynamodb: {
        Keys: marshall({ pk: item.pk, sk: item.sk }) as Record<string, AttributeValue>,
        NewImage: marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>,
        SequenceNumber: String(n + 1),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    })),
  };
  assert.deepEqual((await dispatchOutbox(event, lambdaContext('dispatch-outbox'))).batchItemFailures, []);
  return items;
}

const BASE = '/v1/webhook-endpoints';

describe('webhook endpoint routes', () => {
  let mes: Mes;
  let tenantId: string;
  let people: Staff;
  let admin: Api;
  const queue = new TestQueue();
  const requests: Received[] = [];
  let receiver: { url: string; server: Server };

  before(async () => {
    mes = await startMes();
    // Lent after the runtime started, so this test's queue takes the jobs whatever the runtime lends.
    setLocalBindings({ deliveryQueue: queue });
    tenantId = newTenant();
    people = await staff(mes, tenantId);
    admin = people.admin;
    receiver = await startReceiver(requests);
  });
  after(async () => {
    setLocalBindings(undefined);
    receiver.server.closeAllConnections();
    await new Promise((resolve) => receiver.server.close(resolve));
    await mes.stop();
  });

  const create = (url: string, api: Api = admin, eventTypes = ['work-order.released', 'work-order.started']) =>
    api.post(BASE, { url, eventTypes, description: 'ERP' });

  it('creates an endpoint and shows its secret only in the 201', async () => {
    // Act
    const created = await create(receiver.url);
    // Assess
    assert.equal(created.status, 201, created.text);
    assert.match(created.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.match(created.body.id, /^ep_[a-z2-7]{20}$/);
    assert.equal(created.headers.get('etag'), '"1"');
    assert.equal(created.body.enabled, true);
    const read = await admin.get(`${BASE}/${created.body.id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.secret, undefined);
    assert.doesNotMatch(read.text, /whsec_|sealed|local:/);
    const list = await admin.get(BASE);
    assert.equal(list.status, 200);
    assert.ok(list.body.items.some((e: { id: string }) => e.id === created.body.id));
    assert.doesNotMatch(list.text, /whsec_|sealed|local:/);
  });

  it('changes an endpoint with If-Match, refuses a stale one (409), and deletes it (204)', async () => {
    // Prepare
    const { body: endpoint } = await create(receiver.url);
    // Act
    const changed = await admin.request('PATCH', `${BASE}/${endpoint.id}`, {
      body: { enabled: false, description: 'off for now' },
      headers: { 'if-match': '"1"' },
    });
    const stale = await admin.request('PATCH', `${BASE}/${endpoint.id}`, { body: { enabled: true }, headers: { 'if-match': '"1"' } });
    const deleted = await admin.request('DELETE', `${BASE}/${endpoint.id}`);
    // Assess
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.version, 2);
    assert.equal(changed.body.enabled, false);
    assert.equal(changed.body.description, 'off for now');
    assertProblem(stale, 409, { type: PROBLEM.staleVersion });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, '');
    assertProblem(await admin.get(`${BASE}/${endpoint.id}`), 404, { type: PROBLEM.notFound });
  });

  it('rotates the secret: the new one shown once, the previous one signing until the grace period ends', async () => {
    // Prepare
    const { body: endpoint } = await create(receiver.url);
    // Act
    const rotated = await admin.post(`${BASE}/${endpoint.id}/rotate-secret`, { previousSecretValidSeconds: 600 });
    // Assess
    assert.equal(rotated.status, 200, rotated.text);
    assert.match(rotated.body.secret, /^whsec_/);
    assert.notEqual(rotated.body.secret, endpoint.secret);
    assert.equal(rotated.body.version, 2);
    const read = await admin.get(`${BASE}/${endpoint.id}`);
    assert.equal(read.body.secret, undefined);
    assert.ok(read.body.rotatedAt);
    const grace = Date.parse(read.body.previousSecretExpiresAt) - Date.parse(read.body.rotatedAt);
    assert.equal(grace, 600_000);
  });

  describe('SSRF: refuses URLs that reach inside', () => {
    const refused = async (url: string, pattern: RegExp) => {
      const reply = await create(url);
      const problem = assertProblem(reply, 400, { type: PROBLEM.invalidInput, pointers: ['/body/url'] });
      const detail = (problem.errors as { pointer: string; detail: string }[]).find((e) => e.pointer === '/body/url')?.detail ?? '';
      assert.match(detail, pattern);
    };
    it('a private address', () => refused('https://10.0.0.1/hooks', /private/));
    it('the cloud metadata address', () => refused('https://169.254.169.254/latest/meta-data/', /link-local/));
    it('not https', () => refused('ftp://erp.example.com/hooks', /.+/));
    it('plain http to a public host', () => refused('http://93.184.215.14/hooks', /https/));

    describe('loopback, where the runtime does not allow it', () => {
      let previous: string | undefined;
      before(() => {
        previous = process.env.MES_WEBHOOK_ALLOW_LOOPBACK;
        process.env.MES_WEBHOOK_ALLOW_LOOPBACK = '0';
      });
      after(() => {
        process.env.MES_WEBHOOK_ALLOW_LOOPBACK = previous;
      });
      it('127.0.0.1', () => refused('https://127.0.0.1:8443/hooks', /loopback/));
      it('a name that resolves to it (localhost)', () => refused('https://localhost:8443/hooks', /localhost resolves to .*loopback/));
    });

    it('also when a PATCH changes the URL', async () => {
      const { body: endpoint } = await create(receiver.url);
      const reply = await admin.request('PATCH', `${BASE}/${endpoint.id}`, { body: { url: 'https://192.168.1.10/hooks' } });
      assertProblem(reply, 400, { pointers: ['/body/url'] });
    });
  });

  it('lets only admins manage endpoints (403)', async () => {
    const { body: endpoint } = await create(receiver.url);
    for (const who of [people.planner, people.supervisor, people.operator, people.integration]) {
      assertProblem(await create(receiver.url, who), 403, { type: PROBLEM.forbidden });
      assertProblem(await who.get(BASE), 403);
      assertProblem(await who.get(`${BASE}/${endpoint.id}/deliveries`), 403);
    }
  });

  it("answers 404 for another tenant's endpoint and messages", async () => {
    // Prepare
    const { body: endpoint } = await create(receiver.url);
    const other = (await staff(mes, newTenant())).admin;
    const messageId = '0190a3c4-0000-7000-8000-000000000000';
    // Act / Assess
    assertProblem(await other.get(`${BASE}/${endpoint.id}`), 404);
    assertProblem(await other.request('PATCH', `${BASE}/${endpoint.id}`, { body: { enabled: false } }), 404);
    assertProblem(await other.request('DELETE', `${BASE}/${endpoint.id}`), 404);
    assertProblem(await other.post(`${BASE}/${endpoint.id}/rotate-secret`, {}), 404);
    assertProblem(await other.get(`${BASE}/${endpoint.id}/deliveries`), 404);
    assertProblem(await other.post(`${BASE}/${endpoint.id}/deliveries/${messageId}/retry`), 404);
    assertProblem(await other.post(`${BASE}/${endpoint.id}/replay`, { since: '2020-01-01T00:00:00Z' }), 404);
    const list = await other.get(BASE);
    assert.deepEqual(list.body.items, []);
    // ...and the endpoint is untouched
    assert.equal((await admin.get(`${BASE}/${endpoint.id}`)).body.version, 1);
  });

  describe("a work order's events, delivered", () => {
    // A tenant of its own: the endpoints above would each get the same events too.
    let endpoint: { id: string; secret: string };
    let orderId: string;
    let admin: Api;
    let events: Record<string, unknown>[];
    const SUBSCRIBED = ['work-order.released', 'work-order.started', 'operation.started'];

    before(async () => {
      const plant = newTenant();
      const plantPeople = await staff(mes, plant);
      admin = plantPeople.admin;
      endpoint = (await create(receiver.url, admin, SUBSCRIBED)).body;
      await buildPlant(plantPeople.planner);
      const order = await orderAt(plantPeople, 'RUNNING');
      orderId = order.id;
      events = (await dispatchOutboxOf(plant, orderId)).filter((e) => SUBSCRIBED.includes(e.type as string));
      await queue.drain();
    });

    it('sends each subscribed event once, signed, with the documented body', () => {
      const mine = requests.filter((r) => JSON.parse(r.body).workOrderId === orderId);
      const types = mine.map((r) => JSON.parse(r.body).type).sort();
      assert.deepEqual(types, [...SUBSCRIBED].sort());
      assert.equal(events.length, SUBSCRIBED.length);
      for (const r of mine) {
        const body = new Webhook(endpoint.secret).verify(r.body, r.headers as Record<string, string>) as { type: 'work-order.released'; id: string };
        webhookPayloadSchema(body.type).parse(body);
        assert.equal(r.headers['webhook-id'], body.id);
        assert.ok(events.some((e) => e.id === body.id));
      }
    });

    it('lists the deliveries newest first, with their attempts, and filters by status', async () => {
      const list = await admin.get(`${BASE}/${endpoint.id}/deliveries`);
      assert.equal(list.status, 200, list.text);
      const items = list.body.items as { id: string; status: string; attempts: { statusCode: number; durationMs: number }[]; occurredAt: string }[];
      assert.equal(items.length, 3);
      assert.deepEqual(
        items.map((m) => m.id),
        [...items.map((m) => m.id)].sort().reverse(),
      );
      for (const m of items) {
        assert.equal(m.status, 'delivered');
        assert.equal(m.attempts[0]?.statusCode, 204);
        assert.equal(typeof m.attempts[0]?.durationMs, 'number');
        assert.equal((m as Record<string, unknown>).payload, undefined);
      }
      const page = await admin.get(`${BASE}/${endpoint.id}/deliveries?limit=2`);
      assert.equal(page.body.items.length, 2);
      assert.ok(page.body.nextCursor);
      assert.deepEqual((await admin.get(`${BASE}/${endpoint.id}/deliveries?status=failed`)).body.items, []);
    });

    it('sends a message again on a manual retry, same webhook-id', async () => {
      // Prepare
      const [newest] = (await admin.get(`${BASE}/${endpoint.id}/deliveries`)).body.items as { id: string }[];
      const before = requests.length;
      // Act
      const retried = await admin.post(`${BASE}/${endpoint.id}/deliveries/${newest!.id}/retry`);
      await queue.drain();
      // Assess
      assert.equal(retried.status, 200, retried.text);
      assert.equal(retried.body.status, 'pending');
      assert.equal(requests.length, before + 1);
      assert.equal(requests.at(-1)?.headers['webhook-id'], newest!.id);
      const again = (await admin.get(`${BASE}/${endpoint.id}/deliveries`)).body.items[0];
      assert.deepEqual(
        again.attempts.map((a: { trigger: string }) => a.trigger),
        ['scheduled', 'manual'],
      );
      assert.equal(again.status, 'delivered');
      assertProblem(await admin.post(`${BASE}/${endpoint.id}/deliveries/0190a3c4-0000-7000-8000-000000000000/retry`), 404);
    });

    it('replays every message since a time', async () => {
      // Prepare
      const before = requests.length;
      // Act
      const replay = await admin.post(`${BASE}/${endpoint.id}/replay`, { since: '2020-01-01T00:00:00Z' });
      await queue.drain();
      const none = await admin.post(`${BASE}/${endpoint.id}/replay`, { since: new Date(Date.now() + 60_000).toISOString() });
      // Assess
      assert.equal(replay.status, 200, replay.text);
      assert.deepEqual(replay.body, { replayed: 3 });
      assert.equal(requests.length, before + 3);
      assert.deepEqual(new Set(requests.slice(before).map((r) => r.headers['webhook-id'])), new Set(events.map((e) => e.id)));
      assert.deepEqual(none.body, { replayed: 0 });
    });

    it('refuses to retry or replay while the endpoint is disabled (409)', async () => {
      await admin.request('PATCH', `${BASE}/${endpoint.id}`, { body: { enabled: false } });
      assertProblem(await admin.post(`${BASE}/${endpoint.id}/replay`, { since: '2020-01-01T00:00:00Z' }), 409);
    });
  });
});

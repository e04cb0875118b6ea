/**
 * The ERP round trip through the whole local runtime, as a plant would run it: the ERP sends a
 * signed production order, the floor executes it, and the ERP's receiver gets every event,
 * verified with the `standardwebhooks` package, in order per work order, gap-free. Then what
 * must never happen does not: a dispatcher killed between commit and send loses nothing, and
 * a receiver that is down gets the event once it is up again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { VirtualClock } from '../../infra/local/virtual-clock.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { Api, PLANT, buildPlant, inDays, newTenant, staff } from './support/mes.ts';

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  event: { id: string; type: string; sequence: number; workOrderId: string; tenantId: string; data: Record<string, unknown> };
}

/** An ERP's webhook receiver: it answers `status()` and keeps what verified. */
async function erpReceiver(status: () => number = () => 204) {
  let secret = '';
  const deliveries: Delivery[] = [];
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const code = status();
      if (code >= 300) {
        res.writeHead(code).end();
        return;
      }
      try {
        const event = new Webhook(secret).verify(body, req.headers as Record<string, string>) as Delivery['event'];
        deliveries.push({ headers: req.headers, body, event });
        res.writeHead(code).end();
      } catch (error) {
        refused.push(String(error));
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sap/mes-events`,
    deliveries,
    refused,
    useSecret: (s: string) => (secret = s),
    /** Waits (real time) until `done()` holds. */
    async until(done: () => boolean, what: string, timeoutMs = 15_000) {
      for (const deadline = Date.now() + timeoutMs; !done(); ) {
        assert.ok(Date.now() < deadline, `waited ${timeoutMs} ms for ${what}; got ${deliveries.map((d) => d.event.type).join(', ') || 'nothing'}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Signs and posts one ERP event, as SAP's webhook sender would. */
async function sendFromErp(mes: { baseUrl: string }, credential: { id: string; secret: string }, id: string, body: unknown) {
  const raw = JSON.stringify(body);
  const now = new Date();
  const res = await fetch(`${mes.baseUrl}/v1/integrations/erp/events?credential=${encodeURIComponent(credential.id)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(credential.secret).sign(id, now, raw),
    },
    body: raw,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('ERP round trip through webhooks', () => {
  let mes: TestRuntime;
  let erp: Awaited<ReturnType<typeof erpReceiver>>;
  before(async () => {
    mes = await startTestRuntime();
    erp = await erpReceiver();
  });
  after(async () => {
    await mes?.stop();
    await erp?.close();
  });

  it('takes a signed production order from the ERP and reports its execution back, verified, in order and gap-free', async () => {
    // Prepare: a plant, its ERP credential and its ERP's endpoint for every event.
    const tenant = newTenant();
    const people = await staff(mes, tenant);
    await buildPlant(people.planner);
    const credential = await people.admin.ok('POST', '/v1/integration-credentials', { name: 'SAP S/4' });
    const endpoint = await people.admin.ok('POST', '/v1/webhook-endpoints', {
      url: erp.url,
      eventTypes: [
        'work-order.released',
        'work-order.started',
        'work-order.completed',
        'operation.started',
        'operation.completed',
        'production.reported',
      ],
    });
    erp.useSecret(endpoint.secret);

    // Act: the ERP sends the order; the floor releases, runs and reports it.
    const sent = await sendFromErp(mes, credential, 'sap-4711-1', {
      type: 'production-order.upserted',
      data: {
        id: 'PO-4711',
        materialDefinitionId: PLANT.product,
        quantity: 5,
        operationsDefinitionId: PLANT.quickRouting,
        latestEndTime: inDays(3),
        externalReference: 'SO-900',
      },
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    await people.supervisor.ok('POST', '/v1/work-orders/PO-4711/release', {});
    await people.operator.ok('POST', '/v1/work-orders/PO-4711/operations/10/start', {});
    await people.operator.ok('POST', '/v1/work-orders/PO-4711/operations/10/report', { goodQty: 2, scrapQty: 1, scrapReasonCode: 'HANDLING' });
    await people.operator.ok('POST', '/v1/work-orders/PO-4711/operations/10/complete', { goodQty: 3 });

    // Assess: every event arrived, signed with the endpoint's secret, once per webhook-id.
    const expected = [
      'work-order.released',
      'work-order.started',
      'operation.started',
      'production.reported',
      'production.reported',
      'operation.completed',
      'work-order.completed',
    ];
    await erp.until(() => erp.deliveries.filter((d) => d.event.workOrderId === 'PO-4711').length >= expected.length, 'the order’s events');
    const mine = erp.deliveries.filter((d) => d.event.workOrderId === 'PO-4711').sort((a, b) => a.event.sequence - b.event.sequence);
    assert.deepEqual(erp.refused, []);
    assert.deepEqual(
      mine.map((d) => d.event.type),
      expected,
    );
    assert.deepEqual(
      mine.map((d) => d.event.sequence),
      [1, 2, 3, 4, 5, 6, 7],
      'per order, from 1, no gaps',
    );
    for (const d of mine) {
      assert.equal(d.headers['webhook-id'], d.event.id, 'the webhook-id is the event id');
      assert.equal(d.event.tenantId, tenant);
    }
    const reports = mine.filter((d) => d.event.type === 'production.reported').map((d) => [d.event.data.goodQty, d.event.data.scrapQty]);
    assert.deepEqual(
      reports,
      [
        [2, 1],
        [3, 0],
      ],
      'each confirmation the ERP books',
    );
    assert.equal(mine.at(-1)?.event.data.externalRef, 'SO-900');

    // The deliveries log shows each message delivered at its first attempt.
    const log = await people.admin.ok('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries?limit=100`);
    assert.equal(log.items.length, expected.length);
    for (const m of log.items) {
      assert.equal(m.status, 'delivered');
      assert.equal(m.attempts[0].statusCode, 204);
      assert.equal(typeof m.attempts[0].durationMs, 'number');
    }
  });
});

describe('webhooks are never lost', () => {
  it('delivers an event committed while the dispatcher was killed before sending it, once a new runtime starts', async () => {
    // Prepare: a runtime whose dispatcher dies on every batch (the process "killed" between
    // commit and send), keeping its stream checkpoint in a data dir as `npm start` does.
    const dataDir = mkdtempSync(join(tmpdir(), 'mes-killed-'));
    const erp = await erpReceiver();
    let dispatcherCalls = 0;
    const doomed = await startTestRuntime({
      inMemory: false,
      dataDir,
      outboxHandlers: {
        dispatcher: async () => async () => {
          dispatcherCalls++;
          throw new Error('killed between commit and send');
        },
      },
    });
    let survivor: TestRuntime | undefined;
    try {
      const tenant = newTenant();
      const people = await staff(doomed, tenant);
      await buildPlant(people.planner);
      const endpoint = await people.admin.ok('POST', '/v1/webhook-endpoints', { url: erp.url, eventTypes: ['work-order.released'] });
      erp.useSecret(endpoint.secret);
      const order = await people.planner.ok('POST', '/v1/work-orders', {
        materialId: PLANT.product,
        quantity: 1,
        routingId: PLANT.quickRouting,
        dueDate: inDays(2),
      });

      // Act: the release commits; its event reaches the dying dispatcher; the runtime stops.
      await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/release`, {});
      for (const deadline = Date.now() + 10_000; dispatcherCalls === 0; ) {
        assert.ok(Date.now() < deadline, 'the dispatcher was never called');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await doomed.stop();
      assert.equal(erp.deliveries.length, 0, 'nothing was sent before the crash');
      const beforeRestart = await people.admin.request('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`).catch(() => undefined);
      assert.equal(beforeRestart, undefined, 'the runtime is down');

      // A new runtime on the same data dir resumes the stream where the dead one stopped.
      survivor = await startTestRuntime({ inMemory: false, dataDir });
      await erp.until(() => erp.deliveries.length > 0, 'the release after the restart');

      // Assess: the release arrived once, verified, with its event id as webhook-id.
      const admin = new Api(survivor.baseUrl, await survivor.token(tenant, 'u-admin', ['admin']));
      const history = await admin.ok('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`);
      assert.equal(history.items.length, 1);
      assert.equal(erp.deliveries[0]?.event.type, 'work-order.released');
      assert.equal(erp.deliveries[0]?.event.workOrderId, order.id);
      assert.equal(erp.deliveries[0]?.headers['webhook-id'], history.items[0].id);
      assert.equal(history.items[0].status, 'delivered');
    } finally {
      await survivor?.stop();
      await doomed.stop().catch(() => {});
      await erp.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps retrying a receiver that is down and delivers once it is up, on the schedule of a virtual clock', async () => {
    // Prepare: the clock starts now, so the signatures' timestamps pass the ±5 minute check.
    const clock = new VirtualClock(Date.now());
    let down = true;
    const erp = await erpReceiver(() => (down ? 503 : 204));
    const mes = await startTestRuntime({ clock });
    try {
      const tenant = newTenant();
      const people = await staff(mes, tenant);
      await buildPlant(people.planner);
      const endpoint = await people.admin.ok('POST', '/v1/webhook-endpoints', { url: erp.url, eventTypes: ['work-order.released'] });
      erp.useSecret(endpoint.secret);
      const order = await people.planner.ok('POST', '/v1/work-orders', {
        materialId: PLANT.product,
        quantity: 1,
        routingId: PLANT.quickRouting,
        dueDate: inDays(2),
      });

      // Act: the release is refused once (503)...
      await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/release`, {});
      await mes.runtime.outbox?.poller.idle({ timeoutMs: 10_000 });
      await mes.runtime.outbox?.queue.idle();
      const afterFirst = (await people.admin.ok('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).items[0];
      // ...then the receiver comes back, and the schedule's next wait (5 s ± 20%) passes.
      down = false;
      await clock.advance(7_000);
      await mes.runtime.outbox?.queue.idle();

      // Assess
      assert.equal(afterFirst.status, 'pending');
      assert.deepEqual(
        afterFirst.attempts.map((a: { statusCode: number }) => a.statusCode),
        [503],
      );
      assert.equal(erp.deliveries.length, 1);
      const final = (await people.admin.ok('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).items[0];
      assert.equal(final.status, 'delivered');
      assert.deepEqual(
        final.attempts.map((a: { statusCode: number }) => a.statusCode),
        [503, 204],
      );
      assert.equal(erp.deliveries[0]?.headers['webhook-id'], final.id, 'the same webhook-id on every attempt');
    } finally {
      await mes.stop();
      await erp.close();
    }
  });
});

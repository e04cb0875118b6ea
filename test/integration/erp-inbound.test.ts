/**
 * The inbound ERP endpoint over HTTP, signed as an ERP signs it (standardwebhooks): who may
 * send (signature, timestamp, credential state, rotation), what each JSON event type does, the
 * idempotency of redeliveries (first outcome, nothing new written, concurrent duplicates), and
 * what an upsert may change per order status. Every refusal is checked to have written nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { keys } from '#shared/db/keys.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';
import {
  type Api,
  type Mes,
  PLANT,
  PROBLEM,
  type Reply,
  type Staff,
  allPages,
  assertProblem,
  buildPlant,
  inDays,
  newTenant,
  orderAt,
  snapshot,
  staff,
  startMes,
  storedItems,
} from '../e2e/support/mes.ts';

// The local runtime will set this itself (infra/local); until then the test gives it a key.
process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');

const EVENTS = '/v1/integrations/erp/events';

interface SendOptions {
  id?: string;
  at?: Date;
  secret?: string;
  contentType?: string;
  /** Replace the signed body with this after signing. */
  tamperBody?: string;
  signature?: (signed: string) => string;
  omit?: string[];
}

/** An ERP: signs each delivery with its credential's secret, as standardwebhooks does. */
class Erp {
  constructor(
    private readonly api: Api,
    readonly credentialId: string,
    public secret: string,
  ) {}

  async send(payload: unknown, options: SendOptions = {}): Promise<Reply & { webhookId: string }> {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const webhookId = options.id ?? `msg_${randomUUID()}`;
    const at = options.at ?? new Date();
    const signed = new Webhook(options.secret ?? this.secret).sign(webhookId, at, body);
    const headers: Record<string, string> = {
      'content-type': options.contentType ?? 'application/json',
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': options.signature ? options.signature(signed) : signed,
    };
    for (const h of options.omit ?? []) delete headers[h];
    const reply = await this.api.request('POST', `${EVENTS}?credential=${this.credentialId}`, { rawBody: options.tamperBody ?? body, headers });
    return { ...reply, webhookId };
  }
}

const order = (id: string, changes: Record<string, unknown> = {}) => ({
  type: 'production-order.upserted',
  timestamp: new Date().toISOString(),
  data: {
    id,
    materialDefinitionId: PLANT.product,
    quantity: 10,
    unitOfMeasure: 'ea',
    operationsDefinitionId: PLANT.quickRouting,
    billOfMaterialId: PLANT.bom,
    latestEndTime: inDays(10),
    priority: 500,
    ...changes,
  },
});

describe('ERP inbound events', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let erp: Erp;

  const newCredential = async () => {
    const { body } = await people.admin.post('/v1/integration-credentials', { name: `ERP ${randomUUID().slice(0, 4)}` });
    return new Erp(people.anonymous, body.id, body.secret);
  };
  const receipt = async (webhookId: string) =>
    (
      await testDocClient().send(
        new GetCommand({ TableName: testTableName(), Key: keys.idempotency(tenant, 'erp-inbound', webhookId), ConsistentRead: true }),
      )
    ).Item;
  /** Nothing of this order, and no receipt of this delivery, is stored. */
  const assertNothingWritten = async (orderId: string, webhookId: string) => {
    assert.deepEqual(await storedItems(tenant, orderId), [], `items of ${orderId} were written`);
    assert.equal(await receipt(webhookId), undefined, 'a receipt was written');
  };
  /** Sends a delivery that must be refused, and proves the order (which exists) is untouched. */
  const refusedOn = async (
    orderId: string,
    send: () => Promise<Reply & { webhookId: string }>,
    status: number,
    expected: Parameters<typeof assertProblem>[2] = {},
  ) => {
    const beforeSend = await snapshot(people.supervisor, tenant, orderId);
    const reply = await send();
    const problem = assertProblem(reply, status, expected);
    assert.deepEqual(await snapshot(people.supervisor, tenant, orderId), beforeSend, 'the refusal wrote something');
    assert.equal(await receipt(reply.webhookId), undefined, 'a refusal stored a receipt');
    return problem;
  };

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    erp = await newCredential();
  });
  after(async () => {
    await mes?.stop();
  });

  describe('who may send', () => {
    it('accepts a good signature; the tenant is the credential owner and the actor the integration', async () => {
      // Act
      const reply = await erp.send(order('PO-SIG-1'));
      // Assess
      assert.equal(reply.status, 200, reply.text);
      assert.deepEqual(reply.body, {
        webhookId: reply.webhookId,
        type: 'production-order.upserted',
        results: [{ entity: 'workOrder', id: 'PO-SIG-1', outcome: 'created', version: 1 }],
      });
      const history = await allPages(people.supervisor, '/v1/work-orders/PO-SIG-1/history');
      assert.deepEqual(
        history.map((h) => [h.action, h.by]),
        [['workOrder.create', `integration:${erp.credentialId}`]],
      );
    });

    const refusals: [string, (id: string) => [unknown, SendOptions], RegExp][] = [
      ['a tampered body', (id) => [order(id), { tamperBody: JSON.stringify(order(id, { quantity: 9999 })) }], /no v1 signature/],
      ['a tampered signature', (id) => [order(id), { signature: (s) => `${s.slice(0, -6)}AAAAA=` }], /no v1 signature/],
      ['a timestamp 6 minutes old', (id) => [order(id), { at: new Date(Date.now() - 6 * 60_000) }], /more than 5 minutes old/],
      ['a timestamp 6 minutes ahead', (id) => [order(id), { at: new Date(Date.now() + 6 * 60_000) }], /more than 5 minutes in the future/],
      ['another secret', (id) => [order(id), { secret: `whsec_${randomBytes(32).toString('base64')}` }], /no v1 signature/],
      ['no webhook-signature header', (id) => [order(id), { omit: ['webhook-signature'] }], /missing Standard Webhooks header webhook-signature/],
      ['a v2 signature only', (id) => [order(id), { signature: (s) => s.replace('v1,', 'v2,') }], /no v1 signature/],
    ];
    for (const [name, make, detail] of refusals) {
      it(`refuses ${name} with 401 and writes nothing`, async () => {
        const id = `PO-${randomUUID().slice(0, 8)}`;
        const [payload, options] = make(id);
        const reply = await erp.send(payload, options);
        const problem = assertProblem(reply, 401, { type: PROBLEM.unauthorized });
        assert.match(String(problem.detail), detail);
        await assertNothingWritten(id, reply.webhookId);
      });
    }

    it('accepts one good signature among several (space-separated)', async () => {
      const reply = await erp.send(order('PO-SIG-2'), { signature: (s) => `v1,${randomBytes(32).toString('base64')} ${s}` });
      assert.equal(reply.status, 200, reply.text);
    });

    it('refuses an unknown credential and a revoked one with 401', async () => {
      const unknown = new Erp(people.anonymous, `${tenant}.${'a'.repeat(20)}`, erp.secret);
      const reply = await unknown.send(order('PO-UNKNOWN'));
      assert.match(String(assertProblem(reply, 401).detail), /does not exist/);
      const revoked = await newCredential();
      assert.equal((await people.admin.request('DELETE', `/v1/integration-credentials/${revoked.credentialId}`)).status, 200);
      const refused = await revoked.send(order('PO-REVOKED'));
      assert.match(String(assertProblem(refused, 401).detail), /is revoked/);
      await assertNothingWritten('PO-REVOKED', refused.webhookId);
    });

    it('verifies with the previous secret during the grace period, and not after a rotation with 0 s grace', async () => {
      const sender = await newCredential();
      const first = sender.secret;
      const rotated = await people.admin.post(`/v1/integration-credentials/${sender.credentialId}/rotate`, { previousSecretValidSeconds: 600 });
      assert.equal((await sender.send(order('PO-ROT-1'), { secret: first })).status, 200, 'previous secret in its grace period');
      assert.equal((await sender.send(order('PO-ROT-2'), { secret: rotated.body.secret })).status, 200, 'new secret');
      const now = await people.admin.post(`/v1/integration-credentials/${sender.credentialId}/rotate`, { previousSecretValidSeconds: 0 });
      for (const old of [first, rotated.body.secret]) {
        const refused = await sender.send(order('PO-ROT-3'), { secret: old });
        assertProblem(refused, 401);
        await assertNothingWritten('PO-ROT-3', refused.webhookId);
      }
      assert.equal((await sender.send(order('PO-ROT-3'), { secret: now.body.secret })).status, 200);
    });

    it('refuses a media type other than JSON or XML with 415', async () => {
      const reply = await erp.send(JSON.stringify(order('PO-415')), { contentType: 'text/plain' });
      assertProblem(reply, 415, { type: PROBLEM.unsupportedMediaType });
      await assertNothingWritten('PO-415', reply.webhookId);
    });
  });

  describe('what the body may be', () => {
    it('refuses an unknown event type with 422 naming the known ones', async () => {
      const reply = await erp.send({ type: 'sales-order.created', data: { id: 'SO-1' } });
      const problem = assertProblem(reply, 422, { type: 'urn:mes:problem:unknown-event-type', pointers: ['/body/type'] });
      assert.match(
        String(problem.detail),
        /production-order\.upserted, production-order\.cancelled, material\.upserted, bom\.upserted, routing\.upserted/,
      );
      assert.equal(await receipt(reply.webhookId), undefined);
    });

    it('refuses invalid data with 400 and pointers into /body/data', async () => {
      const reply = await erp.send(order('PO-BAD', { quantity: 0, latestEndTime: 'friday', priority: 1000 }));
      assertProblem(reply, 400, { type: PROBLEM.invalidInput, pointers: ['/body/data/quantity', '/body/data/latestEndTime', '/body/data/priority'] });
      await assertNothingWritten('PO-BAD', reply.webhookId);
      assertProblem(await erp.send('{"type": '), 400, { pointers: ['/body'] });
      assertProblem(await erp.send({ data: {} }), 400, { pointers: ['/body/type'] });
    });

    it('refuses unknown references with 422 and pointers in the ERP names', async () => {
      const reply = await erp.send(
        order('PO-REF', { materialDefinitionId: 'NOPE', operationsDefinitionId: 'RT-NOPE', equipmentId: 'wc-nope', unitOfMeasure: 'kg' }),
      );
      assertProblem(reply, 422, {
        type: PROBLEM.unknownReference,
        pointers: ['/body/data/materialDefinitionId', '/body/data/operationsDefinitionId', '/body/data/equipmentId'],
      });
      await assertNothingWritten('PO-REF', reply.webhookId);
      const uom = await erp.send(order('PO-UOM', { unitOfMeasure: 'kg' }));
      assertProblem(uom, 422, { pointers: ['/body/data/unitOfMeasure'] });
    });
  });

  describe('the event types', () => {
    it('production-order.upserted creates the order with the ERP number and maps the ISA-95 fields', async () => {
      const reply = await erp.send(
        order('PO-MAP', { quantity: 25, priority: 20, externalReference: 'SO-77', equipmentId: 'wc-test', earliestStartTime: inDays(5) }),
      );
      assert.equal(reply.status, 200, reply.text);
      const { body } = await people.supervisor.get('/v1/work-orders/PO-MAP');
      assert.deepEqual(
        {
          m: body.materialId,
          q: body.quantity,
          r: body.routingId,
          b: body.bomId,
          d: body.dueDate,
          p: body.priority,
          w: body.workCenterId,
          e: body.externalRef,
          s: body.status,
        },
        { m: PLANT.product, q: 25, r: PLANT.quickRouting, b: PLANT.bom, d: inDays(10), p: 20, w: 'wc-test', e: 'SO-77', s: 'PLANNED' },
      );
    });

    it('production-order.cancelled cancels, with the reason in the audit trail; again: unchanged', async () => {
      await erp.send(order('PO-CXL'));
      const reply = await erp.send({ type: 'production-order.cancelled', data: { id: 'PO-CXL', reason: 'sales order withdrawn' } });
      assert.deepEqual(reply.body.results, [{ entity: 'workOrder', id: 'PO-CXL', outcome: 'cancelled', version: 2 }]);
      const history = await allPages(people.supervisor, '/v1/work-orders/PO-CXL/history');
      assert.deepEqual(history.map((h) => [h.action, h.reason]).at(-1), ['workOrder.cancel', 'Cancelled by ERP: sales order withdrawn']);
      const again = await erp.send({ type: 'production-order.cancelled', data: { id: 'PO-CXL' } });
      assert.deepEqual(again.body.results, [{ entity: 'workOrder', id: 'PO-CXL', outcome: 'unchanged', version: 2 }]);
      assert.ok(await receipt(again.webhookId), 'the unchanged outcome has its receipt');
      const unknown = await erp.send({ type: 'production-order.cancelled', data: { id: 'PO-NEVER' } });
      assertProblem(unknown, 422, { pointers: ['/body/data/id'] });
    });

    it('production-order.cancelled clocks off whoever is still on the order (issue 18)', async () => {
      await erp.send(order('PO-CXL-LAB'));
      await people.supervisor.ok('POST', '/v1/work-orders/PO-CXL-LAB/release', {});
      await people.operator.ok('POST', '/v1/work-orders/PO-CXL-LAB/operations/10/clock-on', { kind: 'setup' });
      const reply = await erp.send({ type: 'production-order.cancelled', data: { id: 'PO-CXL-LAB', reason: 'sales order withdrawn' } });
      assert.equal(reply.body.results?.[0]?.outcome, 'cancelled', reply.text);
      const labor = await people.supervisor.ok('GET', '/v1/personnel/u-operator/labor');
      const entry = labor.entries.find((e: { workOrderId?: string }) => e.workOrderId === 'PO-CXL-LAB');
      assert.equal(entry?.endReason, 'order-cancelled');
      assert.equal(entry?.endedBy, `integration:${erp.credentialId}`);
    });

    it('material.upserted creates, changes, and answers unchanged for the same data', async () => {
      const material = { id: 'RM-STEEL', description: 'Steel sheet 2 mm', unitOfMeasure: 'kg', materialClassId: 'metals', materialType: 'raw' };
      const created = await erp.send({ type: 'material.upserted', data: material });
      assert.deepEqual(created.body.results, [{ entity: 'material', id: 'RM-STEEL', outcome: 'created', version: 1 }]);
      const { body } = await people.planner.get('/v1/materials/RM-STEEL');
      assert.deepEqual(
        [body.name, body.uom, body.materialClass, body.materialType, body.updatedBy],
        ['Steel sheet 2 mm', 'KGM', 'metals', 'raw', `integration:${erp.credentialId}`],
      );
      const same = await erp.send({ type: 'material.upserted', data: material });
      assert.deepEqual(same.body.results, [{ entity: 'material', id: 'RM-STEEL', outcome: 'unchanged', version: 1 }]);
      assert.equal((await people.planner.get('/v1/materials/RM-STEEL')).body.version, 1);
      const changed = await erp.send({ type: 'material.upserted', data: { ...material, description: 'Steel sheet 2.0 mm' } });
      assert.deepEqual(changed.body.results, [{ entity: 'material', id: 'RM-STEEL', outcome: 'updated', version: 2 }]);
    });

    it('bom.upserted creates a BOM; unknown components are 422 at their pointers', async () => {
      const bom = {
        id: 'BOM-ERP',
        materialDefinitionId: PLANT.product,
        baseQuantity: 1,
        components: [
          { materialDefinitionId: 'HSG-1', quantity: 1, unitOfMeasure: 'ea', operationSequence: 10 },
          { materialDefinitionId: 'IMP-1', quantity: 2, operationSequence: 10 },
        ],
      };
      const reply = await erp.send({ type: 'bom.upserted', data: bom });
      assert.equal(reply.body.results[0].outcome, 'created', reply.text);
      const { body } = await people.planner.get('/v1/boms/BOM-ERP');
      assert.deepEqual(body.components, [
        { materialId: 'HSG-1', quantityPer: 1, uom: 'EA', operationSeq: 10 },
        { materialId: 'IMP-1', quantityPer: 2, operationSeq: 10 },
      ]);
      const unknown = await erp.send({
        type: 'bom.upserted',
        data: { ...bom, id: 'BOM-BAD', components: [bom.components[0], { ...bom.components[1], materialDefinitionId: 'NOPE' }] },
      });
      assertProblem(unknown, 422, { pointers: ['/body/data/components/1/materialDefinitionId'] });
      assertProblem(await people.planner.get('/v1/boms/BOM-BAD'), 404);
    });

    it('routing.upserted creates a routing; duplicate sequences are 400, unknown equipment 422', async () => {
      const routing = {
        id: 'RT-ERP',
        materialDefinitionId: PLANT.product,
        description: 'Pump, ERP routing',
        operations: [
          {
            sequence: 10,
            description: 'Assemble',
            equipmentId: 'wc-assembly',
            standardTimeSeconds: 200,
            workInstructions: 'Fit it',
            dataToRecord: [{ name: 'torque', type: 'number', unit: 'Nm' }],
          },
          { sequence: 20, description: 'Pack', equipmentId: 'wc-pack' },
        ],
      };
      const reply = await erp.send({ type: 'routing.upserted', data: routing });
      assert.equal(reply.body.results[0].outcome, 'created', reply.text);
      const { body } = await people.planner.get('/v1/routings/RT-ERP');
      assert.deepEqual(body.operations[0], {
        seq: 10,
        name: 'Assemble',
        workCenterId: 'wc-assembly',
        standardTimeSeconds: 200,
        setupTimeSeconds: 0,
        instructions: 'Fit it',
        dataToRecord: [{ name: 'torque', type: 'number', unit: 'Nm', required: true }],
      });
      assert.equal(body.name, 'Pump, ERP routing');
      const duplicate = await erp.send({
        type: 'routing.upserted',
        data: { ...routing, id: 'RT-DUP', operations: [routing.operations[0], { ...routing.operations[1], sequence: 10 }] },
      });
      assertProblem(duplicate, 400, { pointers: ['/body/data/operations'] });
      const unknown = await erp.send({
        type: 'routing.upserted',
        data: { ...routing, id: 'RT-BAD', operations: [{ ...routing.operations[0], equipmentId: 'wc-nope' }] },
      });
      assertProblem(unknown, 422, { pointers: ['/body/data/operations/0/equipmentId'] });
    });
  });

  describe('redeliveries', () => {
    it('answers a redelivery with the first outcome, replayed, and writes nothing new', async () => {
      const body = JSON.stringify(order('PO-IDEM'));
      const first = await erp.send(body);
      const beforeRetry = await snapshot(people.supervisor, tenant, 'PO-IDEM');
      // Act: the same message, signed again later as a retry is
      const retry = await erp.send(body, { id: first.webhookId });
      assert.equal(retry.status, 200);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(retry.body, first.body);
      assert.deepEqual(await snapshot(people.supervisor, tenant, 'PO-IDEM'), beforeRetry);
    });

    it('answers concurrent duplicates once: one change, every reply the same outcome', async () => {
      const body = JSON.stringify(order('PO-RACE'));
      const id = `msg_${randomUUID()}`;
      const replies = await Promise.all(Array.from({ length: 5 }, () => erp.send(body, { id })));
      for (const r of replies) assert.equal(r.status, 200, r.text);
      for (const r of replies) assert.deepEqual(r.body, replies[0]?.body, 'one outcome');
      assert.equal(replies.filter((r) => r.headers.get('idempotent-replayed') === null).length, 1, 'one first delivery');
      const after = await snapshot(people.supervisor, tenant, 'PO-RACE');
      assert.deepEqual([after.version, after.historyCount], [1, 1]);
    });

    it('refuses a changed body under a used webhook-id with 422, writing nothing', async () => {
      const first = await erp.send(order('PO-REUSE'));
      const firstReceipt = await receipt(first.webhookId);
      const beforeReuse = await snapshot(people.supervisor, tenant, 'PO-REUSE');
      const reply = await erp.send(order('PO-REUSE', { quantity: 11 }), { id: first.webhookId });
      assertProblem(reply, 422, { type: PROBLEM.idempotencyKeyReused });
      assert.deepEqual(await snapshot(people.supervisor, tenant, 'PO-REUSE'), beforeReuse);
      assert.deepEqual(await receipt(first.webhookId), firstReceipt, 'the first receipt stays as it was');
    });

    it('stores no receipt for a refusal: the same delivery succeeds once the cause is fixed', async () => {
      const event = { type: 'material.upserted', data: { id: 'RM-LATE', description: 'Late', unitOfMeasure: 'kg' } };
      const bom = {
        type: 'bom.upserted',
        data: {
          id: 'BOM-LATE',
          materialDefinitionId: PLANT.product,
          components: [{ materialDefinitionId: 'RM-LATE', quantity: 1, operationSequence: 10 }],
        },
      };
      const refused = await erp.send(bom);
      assertProblem(refused, 422);
      await erp.send(event);
      const retried = await erp.send(bom, { id: refused.webhookId });
      assert.equal(retried.status, 200, retried.text);
      assert.equal(retried.headers.get('idempotent-replayed'), null);
    });

    it('answers an identical upsert under a new webhook-id as unchanged, writing only its receipt', async () => {
      await erp.send(order('PO-SAME'));
      const beforeSame = await snapshot(people.supervisor, tenant, 'PO-SAME');
      const same = await erp.send(order('PO-SAME', { latestEndTime: new Date(inDays(10)).toISOString().replace('.000Z', 'Z') }));
      assert.deepEqual(same.body.results, [{ entity: 'workOrder', id: 'PO-SAME', outcome: 'unchanged', version: 1 }]);
      assert.deepEqual(await snapshot(people.supervisor, tenant, 'PO-SAME'), beforeSame);
      assert.ok(await receipt(same.webhookId));
    });
  });

  describe('what an upsert may change', () => {
    /** The ERP's view of an order orderAt() made: the same fields createOrder sends. */
    const viewOf = (id: string, changes: Record<string, unknown> = {}) => order(id, { unitOfMeasure: undefined, ...changes });

    it('PLANNED: anything, audited as workOrder.update by the integration', async () => {
      const planned = await orderAt(people, 'PLANNED');
      const reply = await erp.send(
        viewOf(planned.id, { operationsDefinitionId: PLANT.routing, quantity: 30, equipmentId: 'wc-test', billOfMaterialId: undefined }),
      );
      assert.deepEqual(reply.body.results, [{ entity: 'workOrder', id: planned.id, outcome: 'updated', version: 2 }], reply.text);
      const { body } = await people.supervisor.get(`/v1/work-orders/${planned.id}`);
      assert.deepEqual([body.routingId, body.quantity, body.workCenterId, body.bomId], [PLANT.routing, 30, 'wc-test', undefined]);
      const history = await allPages(people.supervisor, `/v1/work-orders/${planned.id}/history`);
      const update = history.at(-1);
      assert.deepEqual([update.action, update.by], ['workOrder.update', `integration:${erp.credentialId}`]);
      assert.ok(
        update.changes.some(
          (c: { field: string; from: unknown; to: unknown }) => c.field === 'routingId' && c.from === PLANT.quickRouting && c.to === PLANT.routing,
        ),
      );
    });

    it('RELEASED: quantity, due date and priority, and the dispatch list follows', async () => {
      const released = await orderAt(people, 'RELEASED');
      const reply = await erp.send(viewOf(released.id, { quantity: 15, priority: 3, latestEndTime: inDays(12) }));
      assert.equal(reply.body.results?.[0]?.outcome, 'updated', reply.text);
      const { body } = await people.supervisor.get(`/v1/work-orders/${released.id}`);
      assert.deepEqual([body.status, body.quantity, body.remainingQty, body.priority, body.dueDate], ['RELEASED', 15, 15, 3, inDays(12)]);
      const dispatch = await allPages(people.operator, '/v1/work-centers/wc-pack/dispatch-list');
      const entry = dispatch.find((e) => e.workOrderId === released.id);
      assert.deepEqual([entry?.quantity, entry?.priority, entry?.dueDate], [15, 3, inDays(12)]);
    });

    it('RELEASED: a routing change is refused with 409 telling the ERP to cancel and resend, writing nothing', async () => {
      const released = await orderAt(people, 'RELEASED');
      const problem = await refusedOn(released.id, () => erp.send(viewOf(released.id, { operationsDefinitionId: PLANT.routing })), 409, {
        type: PROBLEM.illegalTransition,
      });
      assert.match(String(problem.detail), /routingId .* cancel it .* new production order/);
    });

    it('ON_HOLD before it started: the released rules; a cancel waits for the plant to lift the hold (403)', async () => {
      const held = await orderAt(people, 'ON_HOLD');
      const reply = await erp.send(viewOf(held.id, { quantity: 12 }));
      assert.equal(reply.body.results?.[0]?.outcome, 'updated', reply.text);
      assert.equal((await people.supervisor.get(`/v1/work-orders/${held.id}`)).body.status, 'ON_HOLD');
      await refusedOn(held.id, () => erp.send(viewOf(held.id, { quantity: 12, operationsDefinitionId: PLANT.routing })), 409);
      await refusedOn(held.id, () => erp.send({ type: 'production-order.cancelled', data: { id: held.id } }), 403, { type: PROBLEM.forbidden });
    });

    for (const stage of ['RUNNING', 'PAUSED', 'COMPLETED', 'CLOSED'] as const) {
      it(`${stage}: any upsert or cancel is refused with 409 (started production), writing nothing`, async () => {
        const started = await orderAt(people, stage);
        const problem = await refusedOn(started.id, () => erp.send(viewOf(started.id, { quantity: started.quantity + 1 })), 409, {
          type: PROBLEM.illegalTransition,
        });
        assert.match(String(problem.detail), /has started production.*the execution record is not rewritten/);
        await refusedOn(started.id, () => erp.send({ type: 'production-order.cancelled', data: { id: started.id } }), 409);
      });
    }

    it('CANCELLED: an upsert is refused with 409, writing nothing', async () => {
      const cancelled = await orderAt(people, 'PLANNED');
      await people.supervisor.ok('POST', `/v1/work-orders/${cancelled.id}/cancel`, { reason: 'no longer needed' });
      const problem = await refusedOn(cancelled.id, () => erp.send(viewOf(cancelled.id)), 409);
      assert.match(String(problem.detail), /CANCELLED/);
    });
  });
});

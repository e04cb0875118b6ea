/**
 * Material consumed at an operation (issue 14): a lot of one of the operation's BOM components
 * (or a substitute its line names), scanned or picked, is consumed in the order's transaction
 * (the operation records it, the lot goes down with a movement naming the order); every refusal
 * says why and writes nothing, neither to the order nor to the lot; and an operation that must
 * consume a tracked component does not complete without it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import type { MaterialLot } from '#shared/domain/tracking/model.ts';
import {
  type Mes,
  PLANT,
  PROBLEM,
  type Staff,
  assertProblem,
  buildPlant,
  newTenant,
  orderAt,
  snapshot,
  staff,
  startMes,
} from '../e2e/support/mes.ts';

const HSG = PLANT.components[0];

describe('material consumed at an operation', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let outsider: Staff;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    // The housing is lot tracked; the BOM lets an alternative housing stand in for it.
    await people.planner.ok('PUT', `/v1/materials/${HSG}`, { name: 'Pump housing', uom: 'ea', materialType: 'raw', tracking: 'lot' });
    await people.planner.ok('PUT', '/v1/materials/HSG-ALT', { name: 'Pump housing (alternative)', uom: 'ea', materialType: 'raw', tracking: 'lot' });
    await people.planner.ok('PUT', `/v1/boms/${PLANT.bom}`, {
      materialId: PLANT.product,
      components: [
        { materialId: HSG, quantityPer: 1, operationSeq: 10, substitutes: ['HSG-ALT'] },
        { materialId: PLANT.components[1], quantityPer: 1, operationSeq: 10 },
      ],
    });
    const other = newTenant();
    outsider = await staff(mes, other);
    await buildPlant(outsider.planner);
  });
  after(async () => {
    await mes?.stop();
  });

  const receive = (who: Staff, body: Record<string, unknown>) => who.supervisor.ok<MaterialLot>('POST', '/v1/lots', { quantity: 10, ...body });
  const lotOf = (id: string) => people.supervisor.ok<MaterialLot>('GET', `/v1/lots/${id}`);
  const running = () => orderAt(people, 'RUNNING', { quantity: 5 });
  const consume = (order: WorkOrderDetail, body: Record<string, unknown>) =>
    people.operator.post(`/v1/work-orders/${order.id}/operations/10/consume`, body);

  it("takes the lot's quantity in the order's transaction and records it on the operation", async () => {
    // Prepare
    const order = await running();
    const lot = await receive(people, { materialId: HSG, supplierLot: 'S-1' });

    // Act
    const reply = await consume(order, { lotId: lot.id, quantity: 3 });

    // Assess
    assert.equal(reply.status, 200, reply.text);
    const op = (reply.body as WorkOrderDetail).operations.find((o) => o.seq === 10);
    assert.deepEqual(
      op?.consumed?.map((c) => [c.materialId, c.node, c.quantity, c.backflush, c.by]),
      [[HSG, { kind: 'lot', id: lot.id }, 3, false, 'u-operator']],
    );
    const after = await lotOf(lot.id);
    assert.deepEqual([after.quantity, after.status], [7, 'available']);
    const movements = await people.supervisor.ok<{ items: Record<string, unknown>[] }>('GET', `/v1/lots/${lot.id}/movements`);
    const last = movements.items.at(-1);
    assert.deepEqual([last?.type, last?.quantityChange, last?.quantityAfter, last?.workOrderId, last?.seq], ['consume', -3, 7, order.id, 10]);
    const history = await people.supervisor.ok<{ items: { action: string }[] }>('GET', `/v1/work-orders/${order.id}/history`);
    assert.ok(
      history.items.some((h) => h.action === 'material.consume'),
      'the order audits the consumption',
    );
  });

  it('takes a substitute the BOM line names', async () => {
    const order = await running();
    const alt = await receive(people, { materialId: 'HSG-ALT' });
    const reply = await consume(order, { lotId: alt.id, quantity: 2 });
    assert.equal(reply.status, 200, reply.text);
  });

  it('refuses, says why and writes nothing: held, wrong material, too little, beyond the order, unknown or another plant, not running', async () => {
    // Prepare
    const order = await running();
    const held = await receive(people, { materialId: HSG });
    await people.quality.ok('POST', `/v1/lots/${held.id}/hold`, { reason: 'supplier recall' });
    const wrong = await receive(people, { materialId: PLANT.product });
    const small = await receive(people, { materialId: HSG, quantity: 1 });
    const big = await receive(people, { materialId: HSG, quantity: 100 });
    // Named so that no lot of this plant has its number (numbers are each plant's own).
    const theirs = await receive(outsider, { materialId: HSG, id: 'THEIRS-1' });
    const released = await orderAt(people, 'RELEASED', { quantity: 5 });
    // An order without a BOM: its operation consumes nothing.
    const bare = await people.planner.ok<WorkOrderDetail>('POST', '/v1/work-orders', {
      materialId: PLANT.product,
      quantity: 5,
      routingId: PLANT.quickRouting,
      dueDate: '2030-01-01T00:00:00Z',
    });
    await people.supervisor.ok('POST', `/v1/work-orders/${bare.id}/release`, {});
    const noBom = await people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${bare.id}/operations/10/start`, {});
    const cases: [WorkOrderDetail, Record<string, unknown>, number, string, RegExp][] = [
      [order, { lotId: held.id, quantity: 1 }, 409, 'urn:mes:problem:lot-not-consumable', /on hold/],
      [order, { lotId: wrong.id, quantity: 1 }, 422, 'urn:mes:problem:lot-not-consumable', new RegExp(PLANT.product)],
      [order, { lotId: small.id, quantity: 2 }, 409, 'urn:mes:problem:lot-not-consumable', /1 EA left/],
      [order, { lotId: big.id, quantity: 6 }, 409, PROBLEM.quantityRule, /may consume 5 EA more of Pump housing/],
      [order, { lotId: 'NO-SUCH-LOT', quantity: 1 }, 422, PROBLEM.unknownReference, /lot NO-SUCH-LOT does not exist/],
      [order, { lotId: theirs.id, quantity: 1 }, 422, PROBLEM.unknownReference, /does not exist/],
      [released, { lotId: big.id, quantity: 1 }, 409, PROBLEM.illegalTransition, /READY/],
      [
        noBom,
        { lotId: big.id, quantity: 1 },
        422,
        'urn:mes:problem:lot-not-consumable',
        /has no BOM lines: it consumes no material \(the order names no BOM\)/,
      ],
    ];
    for (const [target, body, status, type, detail] of cases) {
      const lotId = String(body.lotId);
      const before = {
        order: await snapshot(people.supervisor, tenant, target.id),
        lot: lotId.startsWith('NO-') ? undefined : await people.admin.get(`/v1/lots/${lotId}`),
      };

      // Act
      const reply = await consume(target, body);

      // Assess
      assertProblem(reply, status, { type });
      assert.match(JSON.stringify(reply.body), detail, `${lotId}: ${reply.text}`);
      assert.deepEqual(await snapshot(people.supervisor, tenant, target.id), before.order, `${lotId}: the order is untouched`);
      if (before.lot) assert.deepEqual((await people.admin.get(`/v1/lots/${lotId}`)).body, before.lot.body, `${lotId}: the lot is untouched`);
    }
    assert.equal((await outsider.supervisor.ok<MaterialLot>('GET', `/v1/lots/${theirs.id}`)).quantity, 10, "the other plant's lot is untouched");
  });

  it('does not complete an operation before its tracked components are consumed', async () => {
    // Prepare
    const order = await running();
    const lot = await receive(people, { materialId: HSG });
    await consume(order, { lotId: lot.id, quantity: 3 });
    const before = await snapshot(people.supervisor, tenant, order.id);

    // Act
    const refused = await people.operator.post(`/v1/work-orders/${order.id}/operations/10/complete`, { goodQty: 5 });

    // Assess
    assertProblem(refused, 409, { type: PROBLEM.quantityRule });
    assert.match(String((refused.body as { detail?: string }).detail), /Pump housing: 3 EA consumed, at least 5 needed for 5 made/);
    assert.deepEqual(await snapshot(people.supervisor, tenant, order.id), before, 'the refused completion wrote nothing');
    await consume(order, { lotId: lot.id, quantity: 2 });
    const done = await people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/operations/10/complete`, { goodQty: 5 });
    assert.equal(done.status, 'COMPLETED');
  });
});

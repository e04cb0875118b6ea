/**
 * updateWorkOrder: what an ERP upsert may change in which status. PLANNED: anything. RELEASED
 * (or held before it started): quantity, due date, priority, external reference. Started or
 * cancelled: nothing. The audit record is the field diff; no outbound event is raised.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CreateWorkOrder, Routing } from '#shared/api/schemas.ts';
import { IllegalTransitionError } from '#shared/domain/errors.ts';
import * as commands from '#shared/domain/work-order/commands.ts';
import type { WorkOrderAggregate } from '#shared/domain/work-order/model.ts';
import { completed, ctx, planned, released, routing, running } from '../fixtures/work-orders.ts';

/** The ERP's view of the order planned() made, with changes. */
const upsert = (changes: Partial<CreateWorkOrder> = {}): CreateWorkOrder & { id: string } => ({
  id: 'WO-1',
  materialId: 'FG-1',
  quantity: 100,
  routingId: 'R-1',
  dueDate: '2026-02-01T00:00:00Z',
  priority: 500,
  ...changes,
});
const otherRouting: Routing = { ...routing, id: 'R-2', operations: [{ ...routing.operations[0]!, workCenterId: 'WC-LASER' }] };

const refusal = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (error: unknown) => error instanceof IllegalTransitionError && pattern.test(error.message));

describe('work order update from the ERP', () => {
  it('changes anything of a PLANNED order, audited as workOrder.update, with no event', () => {
    // Prepare
    const order = planned();
    // Act
    const result = commands.updateWorkOrder(
      ctx('integration:acme.x'),
      order,
      upsert({ routingId: 'R-2', quantity: 80, bomId: 'BOM-2', workCenterId: 'WC-LASER', priority: 10, externalRef: 'SO-1' }),
      otherRouting,
    );
    // Assess
    assert.equal(result.after.version, order.version + 1);
    assert.equal(result.after.routingId, 'R-2');
    assert.equal(result.after.remainingQty, 80);
    assert.equal(result.after.status, 'PLANNED');
    assert.equal(result.audit.action, 'workOrder.update');
    assert.equal(result.audit.by, 'integration:acme.x');
    assert.deepEqual(result.audit.changes.map((c) => c.field).sort(), [
      'bomId',
      'externalRef',
      'priority',
      'quantity',
      'remainingQty',
      'routingId',
      'workCenterId',
    ]);
    assert.deepEqual(
      result.audit.changes.find((c) => c.field === 'quantity'),
      { field: 'quantity', from: 100, to: 80 },
    );
    assert.deepEqual(result.events, []);
    assert.equal(result.after.eventSeq, order.eventSeq);
  });

  it('takes omitted optional fields as their defaults: the event is the full order', () => {
    const order = commands.updateWorkOrder(ctx(), planned(), upsert({ bomId: 'BOM-1', externalRef: 'SO-1' }), routing).after;
    const result = commands.updateWorkOrder(ctx(), order, upsert(), routing);
    assert.equal(result.after.bomId, undefined);
    assert.equal(result.after.externalRef, undefined);
    assert.equal(result.after.workCenterId, 'WC-CUT');
  });

  it('is a no-op when nothing differs (a due date spelled differently is the same date)', () => {
    const result = commands.updateWorkOrder(ctx(), planned(), upsert({ dueDate: '2026-02-01T01:00:00+01:00' }), routing);
    assert.ok(commands.isNoOp(result));
  });

  for (const [name, order] of [
    ['RELEASED', () => released()],
    ['ON_HOLD from RELEASED', () => commands.holdWorkOrder(ctx(), released(), 'waiting for material').after],
  ] as const) {
    it(`changes quantity, due date, priority and external reference of a ${name} order, keeping its status and operations`, () => {
      const before = order();
      const result = commands.updateWorkOrder(
        ctx(),
        before,
        upsert({ quantity: 120, dueDate: '2026-03-01T00:00:00Z', priority: 1, externalRef: 'SO-9' }),
        routing,
      );
      assert.equal(result.after.status, before.status);
      assert.equal(result.after.quantity, 120);
      assert.equal(result.after.remainingQty, 120);
      assert.equal(result.after.priority, 1);
      assert.deepEqual(result.after.operations, before.operations);
      assert.deepEqual(result.changedOperations, []);
    });

    it(`refuses other changes of a ${name} order, telling the ERP to cancel and send a new order`, () => {
      const before = order();
      refusal(() => commands.updateWorkOrder(ctx(), before, upsert({ routingId: 'R-2' }), otherRouting), /routingId R-1 -> R-2.*cancel it/);
      refusal(() => commands.updateWorkOrder(ctx(), before, upsert({ workCenterId: 'WC-LASER' }), routing), /workCenterId WC-CUT -> WC-LASER/);
      refusal(() => commands.updateWorkOrder(ctx(), before, upsert({ bomId: 'BOM-1' }), routing), /bomId null -> BOM-1/);
    });
  }

  const started: [string, () => WorkOrderAggregate][] = [
    ['IN_PROGRESS', () => running()],
    ['ON_HOLD from IN_PROGRESS', () => commands.holdWorkOrder(ctx(), running(), 'machine down').after],
    ['COMPLETED', () => completed()],
    ['CLOSED', () => commands.closeWorkOrder(ctx(), completed()).after],
    [
      'RELEASED with scrap reported on a paused operation',
      () => {
        const o = running();
        return { ...o, status: 'RELEASED' as const, scrappedQty: 1 };
      },
    ],
  ];
  for (const [name, order] of started) {
    it(`refuses any change, even an allowed field, once production started (${name})`, () => {
      const before = order();
      assert.ok(commands.hasStartedProduction(before));
      refusal(
        () => commands.updateWorkOrder(ctx(), before, upsert({ quantity: 5 }), routing),
        /has started production.*the execution record is not rewritten/,
      );
    });
  }

  it('refuses a CANCELLED order, and a released order not started is not "started"', () => {
    const cancelled = commands.cancelWorkOrder(ctx(), planned(), 'not needed').after;
    refusal(() => commands.updateWorkOrder(ctx(), cancelled, upsert(), routing), /CANCELLED/);
    assert.equal(commands.hasStartedProduction(released()), false);
  });
});

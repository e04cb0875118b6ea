import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IllegalTransitionError } from '#shared/domain/errors.ts';
import * as commands from '#shared/domain/work-order/commands.ts';
import type { WorkOrderAggregate } from '#shared/domain/work-order/model.ts';
import {
  OPERATION_ACTIONS,
  OPERATION_STATUSES,
  WORK_ORDER_ACTIONS,
  WORK_ORDER_STATUSES,
  allowedOperationActions,
  allowedWorkOrderActions,
  canOperation,
  canWorkOrder,
} from '#shared/domain/work-order/status.ts';
import { completed, ctx, planned, released, routing, running } from '../fixtures/work-orders.ts';

const orderIn = (status: WorkOrderAggregate['status'], heldFrom?: WorkOrderAggregate['status']): WorkOrderAggregate => ({
  ...released(),
  status,
  ...(heldFrom ? { heldFrom } : {}),
});

const workOrderCommand = {
  release: (o: WorkOrderAggregate) => commands.releaseWorkOrder(ctx(), o, routing, 0),
  hold: (o: WorkOrderAggregate) => commands.holdWorkOrder(ctx(), o, 'quality'),
  resume: (o: WorkOrderAggregate) => commands.resumeWorkOrder(ctx(), o),
  cancel: (o: WorkOrderAggregate) => commands.cancelWorkOrder(ctx(), o, 'no longer needed'),
  close: (o: WorkOrderAggregate) => commands.closeWorkOrder(ctx(), o),
};

describe('work order state machine', () => {
  it('allows exactly the documented transitions', () => {
    const expected: Record<string, string[]> = {
      PLANNED: ['release', 'cancel'],
      RELEASED: ['hold', 'cancel'],
      IN_PROGRESS: ['hold'],
      ON_HOLD: ['resume', 'cancel'],
      COMPLETED: ['close'],
      CLOSED: [],
      CANCELLED: [],
    };
    for (const status of WORK_ORDER_STATUSES) {
      assert.deepEqual(allowedWorkOrderActions({ status, heldFrom: 'RELEASED' }).sort(), expected[status]?.sort(), status);
    }
  });

  for (const action of Object.keys(WORK_ORDER_ACTIONS) as (keyof typeof WORK_ORDER_ACTIONS)[]) {
    for (const status of WORK_ORDER_STATUSES) {
      if (canWorkOrder(action, { status, heldFrom: 'RELEASED' })) continue;
      it(`refuses ${action} from ${status} and builds nothing`, () => {
        assert.throws(() => workOrderCommand[action](orderIn(status, 'RELEASED')), IllegalTransitionError);
      });
    }
  }

  it('resume returns to where the hold came from', () => {
    const held = commands.holdWorkOrder(ctx(), running(), 'material shortage').after;
    assert.equal(held.status, 'ON_HOLD');
    assert.equal(held.heldFrom, 'IN_PROGRESS');
    const resumed = commands.resumeWorkOrder(ctx(), held).after;
    assert.equal(resumed.status, 'IN_PROGRESS');
    assert.equal(resumed.heldFrom, undefined);
    const heldReleased = commands.holdWorkOrder(ctx(), released(), 'check').after;
    assert.equal(commands.resumeWorkOrder(ctx(), heldReleased).after.status, 'RELEASED');
  });

  it('release copies the routing: first operation READY, the rest PENDING', () => {
    const order = released();
    assert.deepEqual(
      order.operations.map((o) => [o.seq, o.status, o.workCenterId]),
      [
        [10, 'READY', 'WC-CUT'],
        [20, 'PENDING', 'WC-WELD'],
        [30, 'PENDING', 'WC-QA'],
      ],
    );
    routing.operations[0]!.name = 'Changed later';
    assert.equal(order.operations[0]?.name, 'Cut');
    routing.operations[0]!.name = 'Cut';
  });

  it('cancels from PLANNED, RELEASED and ON_HOLD', () => {
    assert.equal(workOrderCommand.cancel(planned()).after.status, 'CANCELLED');
    assert.equal(workOrderCommand.cancel(released()).after.status, 'CANCELLED');
    assert.equal(workOrderCommand.cancel(commands.holdWorkOrder(ctx(), running(), 'x').after).after.status, 'CANCELLED');
  });

  it('closes a completed order', () => {
    assert.equal(workOrderCommand.close(completed()).after.status, 'CLOSED');
  });
});

describe('operation state machine', () => {
  it('allows exactly the documented operation transitions in an active order', () => {
    const expected: Record<string, string[]> = {
      PENDING: [],
      READY: ['start'],
      RUNNING: ['pause', 'report', 'complete'],
      PAUSED: ['resume', 'report', 'complete'],
      DONE: [],
    };
    for (const status of OPERATION_STATUSES) {
      assert.deepEqual(allowedOperationActions({ status: 'IN_PROGRESS' }, { status }).sort(), expected[status]?.sort(), status);
    }
  });

  it('starts no operation while its order is ON_HOLD, but lets people pause and report', () => {
    const held = { status: 'ON_HOLD' as const, heldFrom: 'IN_PROGRESS' as const };
    assert.equal(canOperation('start', held, { status: 'READY' }), false);
    assert.equal(canOperation('resume', held, { status: 'PAUSED' }), false);
    assert.equal(canOperation('complete', held, { status: 'RUNNING' }), false);
    assert.equal(canOperation('pause', held, { status: 'RUNNING' }), true);
    assert.equal(canOperation('report', held, { status: 'RUNNING' }), true);
    const order = commands.holdWorkOrder(ctx(), released(), 'hold').after;
    assert.throws(() => commands.startOperation(ctx(), order, 10), IllegalTransitionError);
  });

  for (const action of Object.keys(OPERATION_ACTIONS) as (keyof typeof OPERATION_ACTIONS)[]) {
    for (const orderStatus of WORK_ORDER_STATUSES) {
      for (const opStatus of OPERATION_STATUSES) {
        if (canOperation(action, { status: orderStatus }, { status: opStatus })) continue;
        it(`refuses ${action} of a ${opStatus} operation in a ${orderStatus} order`, () => {
          const base = released();
          const order: WorkOrderAggregate = {
            ...base,
            status: orderStatus,
            operations: base.operations.map((o) => (o.seq === 10 ? { ...o, status: opStatus } : o)),
          };
          const run = {
            start: () => commands.startOperation(ctx(), order, 10),
            pause: () => commands.pauseOperation(ctx(), order, 10, 'jam'),
            resume: () => commands.resumeOperation(ctx(), order, 10),
            report: () => commands.reportOperation(ctx(), order, 10, { goodQty: 1, scrapQty: 0 }),
            complete: () => commands.completeOperation(ctx(), order, 10, { goodQty: 0, scrapQty: 0 }),
          }[action];
          assert.throws(run, IllegalTransitionError);
        });
      }
    }
  }

  it('moves the order to IN_PROGRESS on the first start and COMPLETED when the last operation is done', () => {
    const r = commands.startOperation(ctx(), released(), 10);
    assert.equal(r.after.status, 'IN_PROGRESS');
    assert.deepEqual(
      r.events.map((e) => e.type),
      ['work-order.started', 'operation.started'],
    );
    const done = completed();
    assert.equal(done.status, 'COMPLETED');
    assert.ok(done.completedAt);
    assert.ok(done.operations.every((o) => o.status === 'DONE'));
  });

  it('makes the next operation READY when its predecessor is DONE', () => {
    const r = commands.completeOperation(ctx(), running(10), 10, { goodQty: 10, scrapQty: 0 });
    assert.deepEqual(
      r.after.operations.map((o) => o.status),
      ['DONE', 'READY', 'PENDING'],
    );
    assert.deepEqual(r.changedOperations, [10, 20]);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { QuantityRuleError, ValidationError } from '#shared/domain/errors.ts';
import * as commands from '#shared/domain/work-order/commands.ts';
import { ctx, running } from '../fixtures/work-orders.ts';

describe('operation quantities', () => {
  it('sums good and scrap over many reports and shows produced, scrapped and remaining', () => {
    let o = running(100);
    o = commands.reportOperation(ctx(), o, 10, { goodQty: 40, scrapQty: 2, scrapReasonCode: 'BURR' }).after;
    o = commands.reportOperation(ctx(), o, 10, { goodQty: 50, scrapQty: 1, scrapReasonCode: 'BURR' }).after;
    o = commands.reportOperation(ctx(), o, 10, { goodQty: 0, scrapQty: 3, scrapReasonCode: 'DIM' }).after;
    const op = o.operations[0]!;
    assert.equal(op.goodQty, 90);
    assert.equal(op.scrapQty, 6);
    assert.deepEqual(op.scrapByReason, { BURR: 3, DIM: 3 });
    assert.equal(o.scrappedQty, 6);
    // produced counts what left the last operation
    assert.equal(o.producedQty, 0);
    assert.equal(o.remainingQty, 100);
  });

  it('refuses more good than the order quantity plus tolerance on the first operation', () => {
    const o = running(100, 5);
    assert.equal(commands.reportOperation(ctx(), o, 10, { goodQty: 105, scrapQty: 0 }).after.operations[0]?.goodQty, 105);
    assert.throws(() => commands.reportOperation(ctx(), o, 10, { goodQty: 106, scrapQty: 0 }), QuantityRuleError);
  });

  it('limits the next operation to what its predecessor passed on', () => {
    let o = running(100);
    o = commands.completeOperation(ctx(), o, 10, { goodQty: 80, scrapQty: 20, scrapReasonCode: 'X' }).after;
    o = commands.startOperation(ctx(), o, 20).after;
    assert.throws(() => commands.reportOperation(ctx(), o, 20, { goodQty: 81, scrapQty: 0, data: { current: 150 } }), QuantityRuleError);
    const ok = commands.reportOperation(ctx(), o, 20, { goodQty: 80, scrapQty: 0 }).after;
    assert.equal(ok.operations[1]?.goodQty, 80);
  });

  it('property: accepted reports never exceed the limit, and totals equal the sum of accepted reports', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.record({ good: fc.integer({ min: 0, max: 300 }), scrap: fc.integer({ min: 0, max: 50 }) }), { maxLength: 15 }),
        (quantity, tolerance, reports) => {
          let o = running(quantity, tolerance);
          let good = 0;
          let scrap = 0;
          for (const r of reports) {
            if (r.good === 0 && r.scrap === 0) continue;
            try {
              o = commands.reportOperation(ctx(), o, 10, { goodQty: r.good, scrapQty: r.scrap, scrapReasonCode: 'S' }).after;
              good += r.good;
              scrap += r.scrap;
            } catch (error) {
              assert.ok(error instanceof QuantityRuleError);
              assert.ok(good + r.good > quantity * (1 + tolerance / 100) - 1e-9);
            }
          }
          const op = o.operations[0]!;
          assert.equal(op.goodQty, good);
          assert.equal(op.scrapQty, scrap);
          assert.equal(o.scrappedQty, scrap);
          assert.ok(op.goodQty <= quantity * (1 + tolerance / 100) + 1e-9);
        },
      ),
    );
  });
});

describe('recorded data', () => {
  const atWeld = () => {
    let o = running(10);
    o = commands.completeOperation(ctx(), o, 10, { goodQty: 10, scrapQty: 0 }).after;
    return commands.startOperation(ctx(), o, 20).after;
  };

  it('refuses to complete before the required values are recorded, naming them', () => {
    assert.throws(
      () => commands.completeOperation(ctx(), atWeld(), 20, { goodQty: 10, scrapQty: 0 }),
      (e: unknown) => e instanceof ValidationError && e.errors[0]?.pointer === '/body/data/current',
    );
  });

  it('keeps an out-of-limits value and flags it; refuses unknown names and wrong types', () => {
    const o = commands.reportOperation(ctx('op-7'), atWeld(), 20, { goodQty: 0, scrapQty: 0, data: { current: 250 } }).after;
    const value = o.operations[1]?.recordedData.current;
    assert.equal(value?.value, 250);
    assert.equal(value?.outOfLimits, true);
    assert.equal(value?.recordedBy, 'op-7');
    assert.throws(() => commands.reportOperation(ctx(), atWeld(), 20, { goodQty: 0, scrapQty: 0, data: { voltage: 1 } }), ValidationError);
    assert.throws(() => commands.reportOperation(ctx(), atWeld(), 20, { goodQty: 0, scrapQty: 0, data: { current: 'high' } }), ValidationError);
  });
});

describe('audit record', () => {
  it('records who, when, what, old and new values and the reason', () => {
    const o = running(10);
    const r = commands.pauseOperation(ctx('op-9'), o, 10, 'tool change');
    assert.equal(r.audit.by, 'op-9');
    assert.equal(r.audit.action, 'operation.pause');
    assert.equal(r.audit.reason, 'tool change');
    assert.equal(r.audit.version, o.version + 1);
    assert.deepEqual(
      r.audit.changes.find((c) => c.field === 'operations/10/status'),
      { field: 'operations/10/status', from: 'RUNNING', to: 'PAUSED' },
    );
  });

  it('numbers outbox events per order without gaps', () => {
    let o = running(10);
    const first = o.eventSeq;
    const r = commands.completeOperation(ctx(), o, 10, { goodQty: 10, scrapQty: 0 });
    assert.deepEqual(
      r.events.map((e) => e.sequence),
      [first + 1, first + 2],
    );
    assert.deepEqual(
      r.events.map((e) => e.type),
      ['production.reported', 'operation.completed'],
    );
    o = r.after;
    assert.equal(o.eventSeq, first + 2);
  });
});

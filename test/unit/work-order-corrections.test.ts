import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfirmationRequiredError, CorrectionRuleError, IllegalTransitionError } from '#shared/domain/errors.ts';
import * as commands from '#shared/domain/work-order/commands.ts';
import { correctReport, reopenOperation, reportValues } from '#shared/domain/work-order/corrections.ts';
import type { AuditRecord, CommandResult, WorkOrderAggregate } from '#shared/domain/work-order/model.ts';
import { ctx, planned, routing } from '../fixtures/work-orders.ts';

/** An order and its audit trail, walked by commands. */
class Walk {
  history: AuditRecord[];
  constructor(public order: WorkOrderAggregate) {
    this.history = [];
  }
  static released(quantity = 10, tolerancePct = 0) {
    const w = new Walk(planned(quantity));
    w.apply(commands.releaseWorkOrder(ctx('sup'), w.order, routing, tolerancePct));
    return w;
  }
  apply(result: CommandResult) {
    this.order = result.after;
    this.history.push(result.audit);
    return result;
  }
}

const op = (o: WorkOrderAggregate, seq: number) => o.operations.find((x) => x.seq === seq)!;

describe('completing with no output', () => {
  it('refuses 0 good while the order needs output unless confirmed, naming confirmNoOutput', () => {
    const w = Walk.released(10);
    w.apply(commands.startOperation(ctx(), w.order, 10));
    assert.throws(
      () => commands.completeOperation(ctx(), w.order, 10, { goodQty: 0, scrapQty: 2, scrapReasonCode: 'DENT' }),
      (e: unknown) =>
        e instanceof ConfirmationRequiredError &&
        e.status === 422 &&
        e.errors[0]?.pointer === '/body/confirmNoOutput' &&
        /operation 10 has 0 good: nothing would pass to operation 20/.test(e.message),
    );
    const r = commands.completeOperation(ctx(), w.order, 10, { goodQty: 0, scrapQty: 2, scrapReasonCode: 'DENT', confirmNoOutput: true });
    assert.equal(op(r.after, 10).status, 'DONE');
  });

  it('needs no confirmation when good was reported before', () => {
    const w = Walk.released(10);
    w.apply(commands.startOperation(ctx(), w.order, 10));
    w.apply(commands.reportOperation(ctx(), w.order, 10, { goodQty: 3, scrapQty: 0 }));
    assert.equal(op(commands.completeOperation(ctx(), w.order, 10, { goodQty: 0, scrapQty: 0 }).after, 10).status, 'DONE');
  });
});

describe('reopen', () => {
  it('reopens a done operation: READY again, unstarted successors PENDING, an event with the reason', () => {
    const w = Walk.released(10);
    // Started under a supervisor's qualification override (issue 18).
    const override = {
      at: '2030-01-01T00:00:00.000Z',
      by: 'sup',
      byName: 'Sam',
      reason: 'r',
      signatureId: 's-1',
      meaning: 'responsibility',
      missing: [],
    };
    w.apply(commands.startOperation(ctx(), w.order, 10, undefined, override));
    assert.deepEqual(op(w.order, 10).qualificationOverride, override);
    w.apply(commands.completeOperation(ctx(), w.order, 10, { goodQty: 0, scrapQty: 0, confirmNoOutput: true }));
    assert.equal(op(w.order, 20).status, 'READY');
    const r = w.apply(reopenOperation(ctx('sup'), w.order, 10, 'completed by mistake'));
    assert.equal(op(r.after, 10).status, 'READY');
    assert.equal(op(r.after, 10).completedAt, undefined);
    assert.equal(op(r.after, 10).qualificationOverride, undefined, 'the next start passes the gate again');
    assert.equal(op(r.after, 20).status, 'PENDING');
    assert.equal(r.audit.action, 'operation.reopen');
    assert.equal(r.audit.reason, 'completed by mistake');
    assert.deepEqual(
      r.events.map((e) => [e.type, e.data.seq, e.data.reason, e.data.pendingAgain]),
      [['operation.reopened', 10, 'completed by mistake', [20]]],
    );
    // The way out: the operation runs again and passes good on.
    w.apply(commands.startOperation(ctx(), w.order, 10));
    w.apply(commands.completeOperation(ctx(), w.order, 10, { goodQty: 10, scrapQty: 0 }));
    w.apply(commands.startOperation(ctx(), w.order, 20));
    assert.equal(op(commands.reportOperation(ctx(), w.order, 20, { goodQty: 10, scrapQty: 0 }).after, 20).goodQty, 10);
  });

  it('leaves a started successor as it is, and takes a completed order back to IN_PROGRESS', () => {
    const w = Walk.released(10);
    for (const seq of [10, 20, 30]) {
      w.apply(commands.startOperation(ctx(), w.order, seq));
      w.apply(commands.completeOperation(ctx(), w.order, seq, { goodQty: 10, scrapQty: 0, ...(seq === 20 ? { data: { current: 150 } } : {}) }));
    }
    assert.equal(w.order.status, 'COMPLETED');
    const r = reopenOperation(ctx('sup'), w.order, 20, 'recount');
    assert.equal(r.after.status, 'IN_PROGRESS');
    assert.equal(r.after.completedAt, undefined);
    assert.equal(op(r.after, 30).status, 'DONE', 'a started successor keeps its state');
    assert.deepEqual(r.events[0]?.data.pendingAgain, []);
  });

  it('refuses an operation that is not DONE and an order that is closed', () => {
    const w = Walk.released(10);
    w.apply(commands.startOperation(ctx(), w.order, 10));
    assert.throws(() => reopenOperation(ctx('sup'), w.order, 10, 'x'), IllegalTransitionError);
  });
});

describe('corrections', () => {
  const reported = () => {
    const w = Walk.released(10, 10);
    w.apply(commands.startOperation(ctx(), w.order, 10));
    const report = w.apply(commands.reportOperation(ctx(), w.order, 10, { goodQty: 6, scrapQty: 2, scrapReasonCode: 'DENT' }));
    return { w, version: report.audit.version };
  };

  it('reads what a report says from its audit record', () => {
    const { w, version } = reported();
    assert.deepEqual(reportValues(w.order.id, w.history, version), { seq: 10, goodQty: 6, scrapQty: 2, scrapByReason: { DENT: 2 }, data: {} });
  });

  it('moves the totals by the difference, names the original, and sends production.corrected', () => {
    const { w, version } = reported();
    const r = w.apply(
      correctReport(ctx('sup'), w.order, w.history, { corrects: version, goodQty: 5, scrapQty: 3, scrapReasonCode: 'SCRATCH', reason: 'miscounted' }),
    );
    assert.equal(op(r.after, 10).goodQty, 5);
    assert.equal(op(r.after, 10).scrapQty, 3);
    assert.deepEqual(op(r.after, 10).scrapByReason, { SCRATCH: 3 });
    assert.equal(r.after.scrappedQty, 3);
    assert.equal(r.audit.action, 'operation.correct');
    assert.equal(r.audit.corrects, version);
    assert.equal(r.audit.reason, 'miscounted');
    assert.deepEqual(
      r.audit.changes.find((c) => c.field === 'operations/10/goodQty'),
      { field: 'operations/10/goodQty', from: 6, to: 5 },
    );
    const event = r.events[0];
    assert.equal(event?.type, 'production.corrected');
    assert.deepEqual(
      [event?.data.corrects, event?.data.goodQtyDelta, event?.data.scrapQtyDelta, event?.data.scrapByReasonDelta, event?.data.operationGoodQty],
      [version, -1, 1, { DENT: -2, SCRATCH: 3 }, 5],
    );
    // A second correction of the same report starts from what it says now.
    assert.deepEqual(reportValues(w.order.id, w.history, version), { seq: 10, goodQty: 5, scrapQty: 3, scrapByReason: { SCRATCH: 3 }, data: {} });
    const again = correctReport(ctx('sup'), w.order, w.history, { corrects: version, goodQty: 6, reason: 'was right' });
    assert.equal(op(again.after, 10).goodQty, 6);
    assert.equal(op(again.after, 10).scrapQty, 3);
  });

  it('refuses what is not a report, negative totals, overrun, nothing to correct, and a closed order', () => {
    const { w, version } = reported();
    const rule = (pointer: string) => (e: unknown) =>
      e instanceof CorrectionRuleError && e.status === 422 && e.errors.some((x) => x.pointer === pointer);
    assert.throws(() => correctReport(ctx(), w.order, w.history, { corrects: 1, goodQty: 1, reason: 'r' }), rule('/body/corrects'));
    assert.throws(() => correctReport(ctx(), w.order, w.history, { corrects: 99, goodQty: 1, reason: 'r' }), rule('/body/corrects'));
    assert.throws(() => correctReport(ctx(), w.order, w.history, { corrects: version, goodQty: 12, reason: 'r' }), rule('/body/goodQty'));
    assert.throws(() => correctReport(ctx(), w.order, w.history, { corrects: version, goodQty: 6, reason: 'r' }), rule('/body'));
    // A later report cannot be undercut: taking good away below what the successor has is refused.
    w.apply(commands.completeOperation(ctx(), w.order, 10, { goodQty: 4, scrapQty: 0 }));
    w.apply(commands.startOperation(ctx(), w.order, 20));
    w.apply(commands.reportOperation(ctx(), w.order, 20, { goodQty: 10, scrapQty: 0 }));
    assert.throws(() => correctReport(ctx(), w.order, w.history, { corrects: version, goodQty: 0, reason: 'r' }), rule('/body/goodQty'));
    const closedLike = { ...w.order, status: 'CLOSED' as const };
    assert.throws(() => correctReport(ctx(), closedLike, w.history, { corrects: version, goodQty: 5, reason: 'r' }), IllegalTransitionError);
  });

  it('corrects a recorded value, unless it was recorded again since', () => {
    const w = Walk.released(10);
    w.apply(commands.startOperation(ctx(), w.order, 10));
    w.apply(commands.completeOperation(ctx(), w.order, 10, { goodQty: 10, scrapQty: 0 }));
    w.apply(commands.startOperation(ctx(), w.order, 20));
    const first = w.apply(commands.reportOperation(ctx(), w.order, 20, { goodQty: 0, scrapQty: 0, data: { current: 250 } }));
    assert.equal(op(w.order, 20).recordedData.current?.outOfLimits, true);
    const fixed = correctReport(ctx('qa'), w.order, w.history, { corrects: first.audit.version, data: { current: 150 }, reason: 'typo' });
    assert.equal(op(fixed.after, 20).recordedData.current?.value, 150);
    assert.equal(op(fixed.after, 20).recordedData.current?.outOfLimits, false);
    assert.deepEqual(fixed.events, [], 'a recorded value is not booked in the ERP');
    w.apply(commands.reportOperation(ctx(), w.order, 20, { goodQty: 0, scrapQty: 0, data: { current: 160 } }));
    assert.throws(
      () => correctReport(ctx('qa'), w.order, w.history, { corrects: first.audit.version, data: { current: 150 }, reason: 'typo' }),
      (e: unknown) => e instanceof CorrectionRuleError && e.errors[0]?.pointer === '/body/data/current',
    );
  });
});

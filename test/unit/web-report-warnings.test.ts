/**
 * What the report and complete dialogs say before saving: a value outside its limits (saved
 * and flagged if the operator goes on), and a completion that would pass nothing on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noOutputWarning, outOfLimitWarnings, reportWarning } from '../../web/src/components/report-warnings.ts';
import { running } from '../fixtures/work-orders.ts';
import * as commands from '#shared/domain/work-order/commands.ts';
import { ctx } from '../fixtures/work-orders.ts';

const atWeld = () => {
  const o = commands.completeOperation(ctx(), running(10), 10, { goodQty: 10, scrapQty: 0 }).after;
  return commands.startOperation(ctx(), o, 20).after;
};

describe('warnings before saving a report', () => {
  it('names a value above or below its limits with its unit, and says what to do', () => {
    const o = atWeld();
    const weld = o.operations[1]!;
    assert.deepEqual(outOfLimitWarnings(weld, { current: 250 }), ['current 250 A is above the limit of 200 A.']);
    assert.deepEqual(outOfLimitWarnings(weld, { current: 90 }), ['current 90 A is below the limit of 100 A.']);
    assert.deepEqual(outOfLimitWarnings(weld, { current: 150, note: 'ok' }), []);
    assert.equal(
      reportWarning([], outOfLimitWarnings(weld, { current: 250 })),
      'current 250 A is above the limit of 200 A. Save anyway, or correct it.',
    );
    assert.equal(reportWarning([undefined], []), undefined);
  });

  it('warns of a completion with 0 good while the order needs output, naming the next operation', () => {
    const o = running(10);
    const { eventSeq: _, ...order } = o;
    const cut = o.operations[0]!;
    assert.match(noOutputWarning(order, cut, 0) ?? '', /^Operation 10 has 0 good: nothing would pass to operation 20 \(Weld\)/);
    assert.equal(noOutputWarning(order, cut, 3), undefined);
  });
});

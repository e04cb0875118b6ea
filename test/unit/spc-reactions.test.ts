/**
 * SPC violation reactions (shared/domain/quality/spc-reactions.ts) and the order write that
 * carries them (resultChainItems): which violations react as the plan says, what the NC and
 * the hold say, and consecutive changes of one order written as one item per record.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resultChainItems } from '#shared/db/work-order-repository.ts';
import type { CopiedInspectionPlan } from '#shared/domain/quality/inspection-plans.ts';
import type { SpcViolation } from '#shared/domain/quality/spc-monitor.ts';
import { holdForViolation, qualityHoldReason, reactionsTo, violationDefect, violationReport } from '#shared/domain/quality/spc-reactions.ts';
import { reasonListOf } from '#shared/domain/master-data/reason-lists.ts';
import * as commands from '#shared/domain/work-order/commands.ts';
import { ctx, running } from '../fixtures/work-orders.ts';

const plan = (onViolation: CopiedInspectionPlan['onViolation']): CopiedInspectionPlan => ({
  planId: 'IP-1',
  planVersion: 1,
  name: 'Bore',
  characteristics: [
    { id: 'bore', name: 'Bore', kind: 'variable', unit: 'MMT', lsl: 11.9, usl: 12.1 },
    { id: 'visual', name: 'Visual', kind: 'attribute', defectCodes: [{ code: 'SCR', name: 'Scratch' }] },
  ],
  sampling: { kind: 'every-n', every: 5, sampleSize: 3 },
  onViolation,
});

const violation = (characteristicId: string): SpcViolation => ({
  characteristicId,
  baselineVersion: 2,
  rules: [{ rule: 1, words: 'one point beyond 3 sigma', westernElectric: true }],
  point: { at: '2026-01-01T08:00:00.000Z', value: 12.083333, n: 3, subgroupId: 'WO-1~10~IP-1~1#1' },
  limits: { centre: 12, ucl: 12.02, lcl: 11.98 },
  workOrderId: 'WO-1',
  seq: 10,
});

describe('SPC violation reactions', () => {
  it('reacts to violations of the plan’s variable characteristics only, as its onViolation says', () => {
    const all = reactionsTo(plan(['notify', 'nonconformance', 'hold']), [violation('insp:IP-1:bore'), violation('insp:IP-1:visual')]);
    const notify = reactionsTo(plan(['notify']), [violation('insp:IP-1:bore')]);
    const attributeOnly = reactionsTo(plan(['hold']), [violation('insp:IP-1:visual'), violation('insp:IP-2:bore')]);

    assert.deepEqual(
      all.violations.map((v) => v.violation.characteristicId),
      ['insp:IP-1:bore'],
    );
    assert.deepEqual([all.nonconformance, all.hold], [true, true]);
    assert.deepEqual([notify.nonconformance, notify.hold], [false, false]);
    assert.deepEqual([attributeOnly.violations.length, attributeOnly.hold], [0, false]);
  });

  it('writes an NC report naming the order, operation, inspection, rules, point and limits; the sample size at most the order’s quantity', () => {
    const { violations } = reactionsTo(plan(['nonconformance']), [violation('insp:IP-1:bore')]);

    const report = violationReport({
      order: { id: 'WO-1', quantity: 2 },
      seq: 10,
      inspectionId: 'WO-1~10~IP-1~1',
      sampleSize: 3,
      defectCode: 'DIM',
      violations,
    });

    assert.deepEqual(
      [report.workOrderId, report.seq, report.quantity, report.defectCode, report.inspectionId],
      ['WO-1', 10, 2, 'DIM', 'WO-1~10~IP-1~1'],
    );
    assert.equal(
      report.description,
      'SPC rule violation at inspection WO-1~10~IP-1~1: Bore (insp:IP-1:bore): rule 1 (one point beyond 3 sigma); mean of 3 units 12.0833 mm, control limits 11.98 to 12.02 mm (centre 12, baseline 2)',
    );
  });

  it('picks the plant’s quality hold reason and dimension defect, falling back when they are retired', () => {
    const holds = reasonListOf('hold', undefined);
    const renamed = {
      ...holds,
      reasons: [
        { code: 'QS', name: 'Quality suspicion', active: true },
        ...holds.reasons.map((r) => ({ ...r, active: r.code !== 'QUALITY-SUSPECT' })),
      ],
    };
    const defects = reasonListOf('defect', undefined);
    const noDim = { ...defects, reasons: defects.reasons.map((r) => ({ ...r, active: r.code !== 'DIM' })) };

    assert.equal(qualityHoldReason(holds), 'QUALITY-SUSPECT');
    assert.equal(qualityHoldReason(renamed), 'QS');
    assert.equal(violationDefect(defects), 'DIM');
    assert.equal(violationDefect(noDim), 'OTHER');
  });

  it('holds a running order on a quality hold; leaves one on hold already as it is', () => {
    const { violations } = reactionsTo(plan(['hold']), [violation('insp:IP-1:bore')]);
    const order = running();

    const held = holdForViolation(ctx('op-1'), order, 'QUALITY-SUSPECT', 'WO-1~10~IP-1~1', violations);
    const again = held && holdForViolation(ctx('op-1'), held.after, 'QUALITY-SUSPECT', 'WO-1~10~IP-1~1', violations);

    assert.ok(held);
    assert.deepEqual(
      [held.after.status, held.after.holdKind, held.after.holdReason, held.audit.reason],
      ['ON_HOLD', 'quality', 'QUALITY-SUSPECT', 'QUALITY-SUSPECT'],
    );
    assert.match(held.audit.comment ?? '', /^SPC rule violation at inspection WO-1~10~IP-1~1: Bore/);
    assert.deepEqual(held.events[0]?.data.characteristicIds, ['insp:IP-1:bore']);
    assert.equal(again, undefined);
  });

  it('writes consecutive changes of one order as one item each, conditioned on the first version, with every audit record and event', () => {
    const order = running();
    const paused = commands.pauseOperation(ctx(), order, 10, 'BREAK');
    const { violations } = reactionsTo(plan(['hold']), [violation('insp:IP-1:bore')]);
    const held = holdForViolation(ctx(), paused.after, 'QUALITY-SUSPECT', 'WO-1~10~IP-1~1', violations);
    assert.ok(held);

    const items = resultChainItems('t', 't1', [paused, held]).map(
      (i) => i.Put as { Item: Record<string, unknown>; ExpressionAttributeValues?: Record<string, unknown> },
    );

    const headers = items.filter((i) => i.Item.entity === 'WorkOrder');
    assert.equal(headers.length, 1);
    assert.deepEqual(
      [headers[0]?.Item.status, headers[0]?.Item.version, headers[0]?.ExpressionAttributeValues?.[':v']],
      ['ON_HOLD', order.version + 2, order.version],
    );
    const operations = items.filter((i) => i.Item.entity === 'Operation');
    assert.equal(new Set(operations.map((o) => o.Item.sk)).size, operations.length, 'each operation item once');
    assert.deepEqual(
      items.filter((i) => i.Item.entity === 'Audit').map((i) => [i.Item.action, i.Item.version]),
      [
        ['operation.pause', order.version + 1],
        ['workOrder.hold', order.version + 2],
      ],
    );
    assert.deepEqual(
      items.filter((i) => i.Item.entity === 'OutboxEvent').map((i) => i.Item.type),
      [...paused.events.map((e) => e.type), 'work-order.held'],
    );
    assert.throws(() => resultChainItems('t', 't1', [held, paused]), /not consecutive/);
  });
});

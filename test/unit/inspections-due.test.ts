/**
 * What is due at an operation (shared/domain/quality/inspections.ts), recording results
 * (inspection-commands.ts) and the completion gate: pure, on orders walked by the commands.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForbiddenError, IllegalTransitionError, InspectionsOutstandingError, ValidationError } from '#shared/domain/errors.ts';
import { recordInspection } from '#shared/domain/quality/inspection-commands.ts';
import type { CopiedInspectionPlan, Sampling } from '#shared/domain/quality/inspection-plans.ts';
import { type InspectionRef, inspectionsOf, outstandingInspections, parseInspectionId } from '#shared/domain/quality/inspections.ts';
import type { Role } from '#shared/domain/roles.ts';
import * as commands from '#shared/domain/work-order/commands.ts';
import type { WorkOrderAggregate } from '#shared/domain/work-order/model.ts';
import { ctx, planned, routing } from '../fixtures/work-orders.ts';

const plan = (planId: string, sampling: Sampling): CopiedInspectionPlan => ({
  planId,
  planVersion: 3,
  name: `Plan ${planId}`,
  characteristics: [
    { id: 'len', name: 'Length', kind: 'variable', unit: 'MMT', nominal: 10, lsl: 9.9, usl: 10.1 },
    { id: 'vis', name: 'Visual', kind: 'attribute', defectCodes: [{ code: 'SCR', name: 'Scratch' }] },
  ],
  sampling,
  onViolation: ['notify'],
});

/** An order released with these plans at operation 10, its first operation running. */
function runningWith(plans: CopiedInspectionPlan[], quantity = 100, seq = 10): WorkOrderAggregate {
  const released = commands.releaseWorkOrder(ctx('sup'), planned(quantity), routing, 0, undefined, new Map(), new Map([[seq, plans]])).after;
  return commands.startOperation(ctx(), released, 10).after;
}
const report = (order: WorkOrderAggregate, goodQty: number, seq = 10) => commands.reportOperation(ctx(), order, seq, { goodQty, scrapQty: 0 }).after;
const op = (order: WorkOrderAggregate, seq = 10) => order.operations.find((o) => o.seq === seq) as WorkOrderAggregate['operations'][number];
const statuses = (order: WorkOrderAggregate, seq = 10) => inspectionsOf(order, op(order, seq)).map((i) => [i.k, i.status, i.dueAtQty]);
const ref = (order: WorkOrderAggregate, planId: string, k: number, seq = 10): InspectionRef => ({ workOrderId: order.id, seq, planId, k });
const as = (roles: Role[]) => ({ ...ctx('someone'), actor: { userId: 'someone', name: 'Someone', roles } });
const good = {
  results: [
    { characteristicId: 'len', values: [10, 10.05] },
    { characteristicId: 'vis', defectives: 0 },
  ],
};
const bad = {
  results: [
    { characteristicId: 'len', values: [10, 10.2] },
    { characteristicId: 'vis', defectives: 0 },
  ],
};

describe('what is due', () => {
  it('every-n: the k-th falls due once k * every units are made, the next is upcoming', () => {
    let order = runningWith([plan('P', { kind: 'every-n', every: 10, sampleSize: 2 })]);
    assert.deepEqual(statuses(order), [[1, 'upcoming', 10]]);
    order = report(order, 25);
    assert.deepEqual(statuses(order), [
      [1, 'due', 10],
      [2, 'due', 20],
      [3, 'upcoming', 30],
    ]);
    const first = inspectionsOf(order, op(order))[0];
    assert.equal(first?.id, `${order.id}~10~P~1`);
    assert.equal(first?.sampleSize, 2);
    assert.equal(first?.planVersion, 3);
    assert.deepEqual(
      first?.characteristics.map((c) => c.id),
      ['len', 'vis'],
    );
  });

  it('counts scrap as made', () => {
    const order = commands.reportOperation(ctx(), runningWith([plan('P', { kind: 'every-n', every: 10, sampleSize: 1 })]), 10, {
      goodQty: 5,
      scrapQty: 5,
      scrapReasonCode: 'DIM',
    }).after;
    assert.deepEqual(statuses(order)[0], [1, 'due', 10]);
  });

  it('first-article: upcoming until the operation runs, then due', () => {
    const released = commands.releaseWorkOrder(
      ctx('sup'),
      planned(10),
      routing,
      0,
      undefined,
      new Map(),
      new Map([[10, [plan('FA', { kind: 'first-article', sampleSize: 1 })]]]),
    ).after;
    assert.deepEqual(statuses(released), [[1, 'upcoming', undefined]]);
    assert.deepEqual(statuses(commands.startOperation(ctx(), released, 10).after), [[1, 'due', undefined]]);
  });

  it('aql: one per order, sample size and Ac/Re from ISO 2859-1 for the order quantity as the lot', () => {
    let order = runningWith([plan('AQL', { kind: 'aql', aql: 1 })], 1000);
    assert.equal(inspectionsOf(order, op(order))[0]?.status, 'upcoming');
    order = report(order, 1);
    const [due] = inspectionsOf(order, op(order));
    assert.equal(due?.status, 'due');
    assert.equal(due?.sampleSize, 80);
    assert.deepEqual([due?.aql?.codeLetter, due?.aql?.ac, due?.aql?.re], ['J', 2, 3]);
  });

  it('per-lot: one per order when the product is not lot-tracked', () => {
    const order = report(runningWith([plan('L', { kind: 'per-lot', sampleSize: 3 })]), 1);
    assert.deepEqual(statuses(order), [[1, 'due', 1]]);
  });

  it('per-lot: one per output lot at the last operation of a lot-tracked order, naming its lot', () => {
    const base = runningWith([plan('L', { kind: 'per-lot', sampleSize: 3 })], 100, 30);
    const last = {
      ...base,
      tracking: 'lot' as const,
      output: {
        lots: [
          { id: 'LOT-1', fromUnit: 0 },
          { id: 'LOT-2', fromUnit: 40 },
        ],
        serials: 0,
      },
    };
    const inspections = inspectionsOf(last, op(last, 30));
    assert.deepEqual(
      inspections.map((i) => [i.k, i.lotId, i.status]),
      [
        [1, 'LOT-1', 'due'],
        [2, 'LOT-2', 'due'],
      ],
    );
  });

  it('an operation without plans has none', () => {
    const order = report(runningWith([]), 50);
    assert.deepEqual(inspectionsOf(order, op(order)), []);
  });
});

describe('recording results', () => {
  it('passes when every value is within its limits and no unit is defective, and keeps a small summary', () => {
    const order = report(runningWith([plan('P', { kind: 'every-n', every: 10, sampleSize: 2 })]), 20);
    const done = recordInspection(ctx(), order, ref(order, 'P', 1), good);
    assert.equal(done.record.passed, true);
    assert.equal(done.inspection.status, 'passed');
    assert.deepEqual(op(done.result.after).inspectionProgress, [{ planId: 'P', recorded: 1, failed: [] }]);
    assert.equal(done.result.events[0]?.type, 'inspection.recorded');
    assert.equal(done.result.events[0]?.data.result, 'passed');
    assert.equal(done.result.audit.action, 'inspection.record');
    // The seam for SPC: the variable values as a subgroup, the attribute as a count.
    assert.deepEqual(done.samples, [
      { characteristicId: 'insp:P:len', subgroupId: `${order.id}~10~P~1#1`, at: done.record.recordedAt, values: [10, 10.05] },
    ]);
    assert.equal(done.attributeSamples[0]?.characteristicId, 'insp:P:vis');
    assert.deepEqual(statuses(done.result.after), [
      [1, 'passed', 10],
      [2, 'due', 20],
      [3, 'upcoming', 30],
    ]);
  });

  it('fails on one value outside its limits; the failure stands until quality inspects again, with a reason', () => {
    const order = report(runningWith([plan('P', { kind: 'every-n', every: 10, sampleSize: 2 })]), 10);
    const failed = recordInspection(ctx(), order, ref(order, 'P', 1), bad);
    assert.equal(failed.record.passed, false);
    assert.deepEqual(
      failed.record.characteristics.map((c) => [c.characteristicId, c.passed, c.defectives]),
      [
        ['len', false, 1],
        ['vis', true, 0],
      ],
    );
    const after = failed.result.after;
    assert.deepEqual(op(after).inspectionProgress, [{ planId: 'P', recorded: 1, failed: [{ k: 1, attempts: 1 }] }]);
    assert.throws(() => recordInspection(as(['operator']), after, ref(after, 'P', 1), good), ForbiddenError);
    assert.throws(() => recordInspection(as(['supervisor']), after, ref(after, 'P', 1), good), ForbiddenError);
    assert.throws(() => recordInspection(as(['quality']), after, ref(after, 'P', 1), good), ValidationError);
    const again = recordInspection(as(['quality']), after, ref(after, 'P', 1), { ...good, reason: 'gauge was off, measured again' });
    assert.equal(again.record.attempt, 2);
    assert.equal(again.inspection.status, 'passed');
    assert.deepEqual(op(again.result.after).inspectionProgress, [{ planId: 'P', recorded: 1, failed: [] }]);
    assert.equal(again.result.audit.reason, 'gauge was off, measured again');
  });

  it('refuses what is not due, passed already, or out of order, and results that do not fit the plan', () => {
    const order = report(runningWith([plan('P', { kind: 'every-n', every: 10, sampleSize: 2 })]), 20);
    assert.throws(() => recordInspection(ctx(), order, ref(order, 'P', 3), good), IllegalTransitionError, 'not due yet');
    assert.throws(() => recordInspection(ctx(), order, ref(order, 'P', 2), good), IllegalTransitionError, 'in order');
    const passed = recordInspection(ctx(), order, ref(order, 'P', 1), good).result.after;
    assert.throws(() => recordInspection(ctx(), passed, ref(passed, 'P', 1), good), IllegalTransitionError, 'passed already');
    const invalid = (body: unknown) => {
      try {
        recordInspection(ctx(), order, ref(order, 'P', 1), body as typeof good);
        return [];
      } catch (error) {
        assert.ok(error instanceof ValidationError);
        return error.errors.map((e) => e.pointer);
      }
    };
    assert.deepEqual(
      invalid({
        results: [
          { characteristicId: 'len', values: [10] },
          { characteristicId: 'vis', defectives: 0 },
        ],
      }),
      ['/body/results/0/values'],
    );
    assert.deepEqual(invalid({ results: [{ characteristicId: 'len', values: [10, 10] }] }), ['/body/results']);
    assert.deepEqual(
      invalid({
        results: [
          { characteristicId: 'len', values: [10, 10] },
          { characteristicId: 'vis', defectives: 1, defects: [{ code: 'DENT', count: 1 }] },
        ],
      }),
      ['/body/results/1/defects/0/code'],
    );
    assert.deepEqual(
      invalid({
        results: [
          { characteristicId: 'len', values: [10, 10] },
          { characteristicId: 'vis', defectives: 3 },
        ],
      }),
      ['/body/results/1/defectives'],
    );
    assert.deepEqual(
      invalid({
        results: [
          { characteristicId: 'len', values: [10, 10] },
          { characteristicId: 'nope', defectives: 0 },
        ],
      }),
      ['/body/results/1/characteristicId'],
    );
  });

  it('is refused unless the operation runs or is paused', () => {
    const released = commands.releaseWorkOrder(
      ctx('sup'),
      planned(10),
      routing,
      0,
      undefined,
      new Map(),
      new Map([[20, [plan('FA', { kind: 'first-article', sampleSize: 1 })]]]),
    ).after;
    assert.throws(() => recordInspection(ctx(), released, ref(released, 'FA', 1, 20), good), IllegalTransitionError);
  });

  it('AQL: passes with at most Ac defective units, a unit failing two variable characteristics counting once', () => {
    const twoVariables: CopiedInspectionPlan = {
      ...plan('AQL', { kind: 'aql', aql: 6.5 }),
      characteristics: [
        { id: 'a', name: 'A', kind: 'variable', unit: 'MMT', usl: 1 },
        { id: 'b', name: 'B', kind: 'variable', unit: 'MMT', usl: 1 },
      ],
    };
    // Lot 20: C; AQL 6.5 at C is an arrow down to D: n = 8, Ac 1 Re 2.
    const order = report(runningWith([twoVariables], 20), 1);
    const [due] = inspectionsOf(order, op(order));
    assert.deepEqual([due?.sampleSize, due?.aql?.planLetter, due?.aql?.ac], [8, 'D', 1]);
    const oneUnit = recordInspection(ctx(), order, ref(order, 'AQL', 1), {
      results: [
        { characteristicId: 'a', values: [2, 0, 0, 0, 0, 0, 0, 0] },
        { characteristicId: 'b', values: [2, 0, 0, 0, 0, 0, 0, 0] },
      ],
    });
    assert.equal(oneUnit.record.defectiveUnits, 1);
    assert.equal(oneUnit.record.passed, true, 'one defective unit, Ac 1');
    const twoUnits = recordInspection(ctx(), order, ref(order, 'AQL', 1), {
      results: [
        { characteristicId: 'a', values: [2, 0, 0, 0, 0, 0, 0, 0] },
        { characteristicId: 'b', values: [0, 2, 0, 0, 0, 0, 0, 0] },
      ],
    });
    assert.equal(twoUnits.record.defectiveUnits, 2);
    assert.equal(twoUnits.record.passed, false, 'two defective units reach Re 2');
  });
});

describe('the completion gate', () => {
  it('refuses to complete while an inspection is due, naming it, and completes once it passed', () => {
    const order = report(runningWith([plan('P', { kind: 'every-n', every: 10, sampleSize: 2 })], 10), 10);
    assert.throws(
      () => commands.completeOperation(ctx(), order, 10, { goodQty: 0, scrapQty: 0 }),
      (error: unknown) => error instanceof InspectionsOutstandingError && error.inspections[0]?.id === `${order.id}~10~P~1`,
    );
    const inspected = recordInspection(ctx(), order, ref(order, 'P', 1), good).result.after;
    assert.equal(op(commands.completeOperation(ctx(), inspected, 10, { goodQty: 0, scrapQty: 0 }).after).status, 'DONE');
  });

  it("counts the completion's own report: it may make an inspection due", () => {
    const order = report(runningWith([plan('P', { kind: 'every-n', every: 10, sampleSize: 2 })], 10), 5);
    assert.deepEqual(outstandingInspections(order, op(order)), []);
    assert.throws(() => commands.completeOperation(ctx(), order, 10, { goodQty: 5, scrapQty: 0 }), InspectionsOutstandingError);
  });

  it('refuses while an inspection failed', () => {
    const order = report(runningWith([plan('P', { kind: 'every-n', every: 10, sampleSize: 2 })], 10), 10);
    const failed = recordInspection(ctx(), order, ref(order, 'P', 1), bad).result.after;
    assert.throws(() => commands.completeOperation(ctx(), failed, 10, { goodQty: 0, scrapQty: 0 }), InspectionsOutstandingError);
  });
});

describe('inspection ids', () => {
  it('are {workOrderId}~{seq}~{planId}~{k}', () => {
    assert.deepEqual(parseInspectionId('WO-1~10~IP.1~3'), { workOrderId: 'WO-1', seq: 10, planId: 'IP.1', k: 3 });
    assert.equal(parseInspectionId('WO-1~10~IP~0'), undefined);
    assert.equal(parseInspectionId('WO-1~10~IP'), undefined);
    assert.equal(parseInspectionId('WO#1~10~IP~1'), undefined);
  });
});

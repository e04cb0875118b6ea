/**
 * The nonconformance state machine (shared/domain/quality/nonconformance.ts), pure: which
 * actions each status allows, that a use-as-is decision needs a second person, that a refused
 * command builds nothing, and how holds are taken and lifted through the hold registers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ForbiddenError, IllegalTransitionError, QuantityRuleError, ValidationError } from '#shared/domain/errors.ts';
import { NONCONFORMANCE_STATUSES, type NonconformanceAggregate } from '#shared/domain/quality/nonconformance-model.ts';
import {
  actionOf,
  allowedNcActions,
  dispositionNonconformance,
  type HoldRegister,
  type NcContext,
  type NonconformanceWrite,
  openNonconformance,
  registerKey,
} from '#shared/domain/quality/nonconformance.ts';
import type { LotAggregate } from '#shared/domain/tracking/lots.ts';
import { flowOf } from '#shared/domain/work-order/commands.ts';
import type { WorkOrderAggregate } from '#shared/domain/work-order/model.ts';
import { scrapNonconformingUnits } from '#shared/domain/work-order/nonconforming.ts';
import { lotRecord } from '../fixtures/genealogy.ts';
import { running } from '../fixtures/work-orders.ts';

let tick = 0;
const ctx = (userId = 'u-quality', roles: NcContext['actor']['roles'] = ['quality']): NcContext => ({
  tenantId: 't1',
  actor: { userId, name: userId, roles },
  now: new Date(Date.UTC(2026, 5, 1, 8) + ++tick * 1000).toISOString(),
  newId: () => `evt-${++tick}`,
});
const lot = (over: Partial<LotAggregate> = {}): LotAggregate => ({ ...lotRecord('LOT-1'), eventSeq: 1, ...over });
const noRegisters = new Map<string, HoldRegister>();
/** The registers a write leaves, as the next command would read them. */
const registersAfter = (write: NonconformanceWrite, before: ReadonlyMap<string, HoldRegister> = noRegisters) =>
  new Map([...before, ...write.registers.map((r) => [registerKey(r.after.kind, r.after.id), r.after] as const)]);

const openOnLot = (id: string, held: LotAggregate, registers: ReadonlyMap<string, HoldRegister> = noRegisters) =>
  openNonconformance(
    ctx('u-operator', ['operator']),
    { id, report: { lotId: held.id, quantity: 5, defectCode: 'DIM', description: 'bore over size' }, defect: { code: 'DIM', name: 'Dimension' } },
    { lot: held, registers },
  );

describe('nonconformance state machine', () => {
  const withStatus = (status: NonconformanceAggregate['status'], decidedBy?: string): NonconformanceAggregate => ({
    ...openOnLot('NC-2026-00001', lot()).nc.after,
    status,
    ...(decidedBy ? { disposition: { disposition: 'use-as-is', decidedAt: '2026-06-01T08:00:00.000Z', decidedBy, decidedByName: decidedBy } } : {}),
  });

  it('allows exactly: decide when open; approve (by someone else) or reject when awaiting approval; nothing when closed', () => {
    const expected: Record<string, string[]> = { open: ['decide'], 'awaiting-approval': ['approve', 'reject'], closed: [] };
    for (const status of NONCONFORMANCE_STATUSES) {
      assert.deepEqual(allowedNcActions(withStatus(status, 'u-quality'), 'u-other'), expected[status], status);
    }
    assert.deepEqual(allowedNcActions(withStatus('awaiting-approval', 'u-quality'), 'u-quality'), ['reject']);
  });

  it('refuses a second disposition of a closed one, a decision while awaiting approval, an approval with nothing to approve', () => {
    const actor = ctx().actor;
    assert.throws(() => actionOf(withStatus('closed'), { disposition: 'scrap' }, actor), IllegalTransitionError);
    assert.throws(() => actionOf(withStatus('awaiting-approval', 'u-a'), { disposition: 'scrap' }, actor), IllegalTransitionError);
    assert.throws(() => actionOf(withStatus('open'), { approve: true }, actor), IllegalTransitionError);
  });

  it('lets only a second, different person approve use as is', () => {
    const awaiting = withStatus('awaiting-approval', 'u-quality');
    assert.throws(() => actionOf(awaiting, { approve: true }, ctx('u-quality').actor), ForbiddenError);
    assert.equal(actionOf(awaiting, { approve: true }, ctx('u-quality-2').actor), 'approve');
    assert.equal(actionOf(awaiting, { approve: false }, ctx('u-quality').actor), 'reject');
  });

  it('use as is waits for approval with the lot still held; the approval closes it and releases the lot', () => {
    const opened = openOnLot('NC-2026-00001', lot());
    const heldLot = opened.lots[0]?.after as LotAggregate;
    const state = { lot: heldLot, registers: registersAfter(opened) };
    const decided = dispositionNonconformance(ctx('u-quality'), opened.nc.after, { disposition: 'use-as-is' }, state);
    assert.deepEqual([decided.nc.after.status, decided.lots.length, decided.registers.length], ['awaiting-approval', 0, 0]);
    const approved = dispositionNonconformance(ctx('u-quality-2'), decided.nc.after, { approve: true }, state);
    assert.equal(approved.nc.after.status, 'closed');
    assert.equal(approved.nc.after.disposition?.approvedBy, 'u-quality-2');
    assert.deepEqual(
      approved.lots.map((c) => [c.movement?.type, c.after.status]),
      [['release', 'available']],
    );
    assert.deepEqual(
      approved.nc.events.map((e) => e.type),
      ['nonconformance.dispositioned', 'nonconformance.closed'],
    );
  });

  it('holds what it names: placed on a free lot, joined on one another nonconformance holds, already-held on one held by someone else', () => {
    const first = openOnLot('NC-2026-00001', lot());
    assert.deepEqual(first.nc.after.holds, [{ kind: 'lot', id: 'LOT-1', outcome: 'placed' }]);
    assert.equal(first.lots[0]?.after.holdReason, 'Nonconformance NC-2026-00001: Dimension');
    const heldLot = first.lots[0]?.after as LotAggregate;
    const second = openOnLot('NC-2026-00002', heldLot, registersAfter(first));
    assert.deepEqual(second.nc.after.holds[0]?.outcome, 'joined');
    assert.deepEqual(second.lots, []);
    assert.deepEqual(second.registers[0]?.after.holders, ['NC-2026-00001', 'NC-2026-00002']);
    const byPerson = openOnLot('NC-2026-00003', lot({ status: 'on-hold', holdReason: 'supplier recall' }));
    assert.deepEqual([byPerson.nc.after.holds[0]?.outcome, byPerson.registers.length], ['already-held', 0]);
  });

  it('lifts a shared hold only when the last nonconformance holding it closes', () => {
    const first = openOnLot('NC-2026-00001', lot());
    const heldLot = first.lots[0]?.after as LotAggregate;
    const second = openOnLot('NC-2026-00002', heldLot, registersAfter(first));
    const registers = registersAfter(second, registersAfter(first));
    const closeFirst = dispositionNonconformance(ctx(), first.nc.after, { disposition: 'scrap' }, { lot: heldLot, registers });
    assert.equal(closeFirst.nc.after.holds[0]?.ending, 'kept-for-others');
    assert.deepEqual(
      closeFirst.lots.map((c) => [c.movement?.type, c.after.status]),
      [['scrap', 'on-hold']],
    );
    const lotAfter = closeFirst.lots[0]?.after as LotAggregate;
    const closeSecond = dispositionNonconformance(
      ctx(),
      second.nc.after,
      { disposition: 'scrap' },
      {
        lot: lotAfter,
        registers: registersAfter(closeFirst, registers),
      },
    );
    assert.equal(closeSecond.nc.after.holds[0]?.ending, 'lifted');
    assert.deepEqual(
      closeSecond.lots.map((c) => [c.movement?.type, c.after.quantity, c.after.status]),
      [
        ['scrap', 90, 'on-hold'],
        ['release', 90, 'available'],
      ],
    );
  });

  it('refuses what does not fit before building anything', () => {
    const opened = openOnLot('NC-2026-00001', lot());
    const state = { lot: opened.lots[0]?.after, registers: registersAfter(opened) };
    assert.throws(() => dispositionNonconformance(ctx(), opened.nc.after, { disposition: 'rework', instructions: 'x' }, state), ValidationError);
    assert.throws(
      () =>
        openNonconformance(
          ctx(),
          { id: 'NC-X', report: { lotId: 'LOT-1', quantity: 101, defectCode: 'DIM', description: 'd' }, defect: { code: 'DIM', name: 'D' } },
          { lot: lot(), registers: noRegisters },
        ),
      QuantityRuleError,
    );
    assert.throws(
      () =>
        openNonconformance(
          ctx(),
          { id: 'NC-X', report: { lotId: 'LOT-1', quantity: 1, defectCode: 'DIM', description: 'd' }, defect: { code: 'DIM', name: 'D' } },
          { lot: lot({ status: 'scrapped' }), registers: noRegisters },
        ),
      IllegalTransitionError,
    );
    const produced = lot({ origin: 'produced' });
    const onProduced = openOnLot('NC-2026-00009', produced);
    assert.throws(
      () =>
        dispositionNonconformance(
          ctx(),
          onProduced.nc.after,
          { disposition: 'return-to-supplier' },
          { lot: onProduced.lots[0]?.after, registers: registersAfter(onProduced) },
        ),
      IllegalTransitionError,
    );
  });

  it('rework adds a READY operation outside the flow after the nonconforming one, and lifts the quality hold', () => {
    const order: WorkOrderAggregate = running(100);
    const opened = openNonconformance(
      ctx('u-operator', ['operator']),
      {
        id: 'NC-2026-00001',
        report: { workOrderId: order.id, seq: 10, quantity: 3, defectCode: 'DIM', description: 'd' },
        defect: { code: 'DIM', name: 'D' },
      },
      { order, registers: noRegisters },
    );
    const held = opened.order?.after as WorkOrderAggregate;
    assert.deepEqual([held.status, held.holdKind], ['ON_HOLD', 'quality']);
    const reworked = dispositionNonconformance(
      ctx(),
      opened.nc.after,
      { disposition: 'rework', instructions: 'deburr' },
      { order: held, registers: registersAfter(opened) },
    );
    const after = reworked.order?.after as WorkOrderAggregate;
    assert.equal(after.status, 'IN_PROGRESS');
    assert.deepEqual(
      after.operations.map((o) => [o.seq, o.status, o.rework?.quantity]),
      [
        [10, 'RUNNING', undefined],
        [11, 'READY', 3],
        [20, 'PENDING', undefined],
        [30, 'PENDING', undefined],
      ],
    );
    assert.deepEqual(
      flowOf(after.operations).map((o) => o.seq),
      [10, 20, 30],
    );
    assert.deepEqual(
      reworked.order?.events.map((e) => e.type),
      ['operation.added', 'work-order.resumed'],
    );
    assert.equal(reworked.order?.audit.version, held.version + 1, 'one change of the order');
  });

  it('a rework operation requires the qualifications of the operation it reworks (issue 18)', () => {
    const base = running(100);
    const required = [
      { qualificationId: 'q-press', qualificationName: 'Press', minLevel: 2, source: 'operation' },
      { qualificationId: 'q-unit', qualificationName: 'Unit', source: `equipment ${base.operations[0]?.workCenterId}` },
    ];
    const order: WorkOrderAggregate = { ...base, operations: base.operations.map((o) => (o.seq === 10 ? { ...o, qualifications: required } : o)) };
    const opened = openNonconformance(
      ctx('u-operator', ['operator']),
      {
        id: 'NC-2026-00002',
        report: { workOrderId: order.id, seq: 10, quantity: 3, defectCode: 'DIM', description: 'd' },
        defect: { code: 'DIM', name: 'D' },
      },
      { order, registers: noRegisters },
    );
    const held = opened.order?.after as WorkOrderAggregate;
    const reworked = dispositionNonconformance(
      ctx(),
      opened.nc.after,
      { disposition: 'rework', instructions: 'deburr' },
      { order: held, registers: registersAfter(opened) },
    );
    const rework = (reworked.order?.after as WorkOrderAggregate | undefined)?.operations.find((o) => o.seq === 11);
    assert.deepEqual(rework?.qualifications, required);
  });

  it("scraps an order's units only where the order's record and output allow it", () => {
    const order: WorkOrderAggregate = { ...running(100), tracking: 'lot' };
    const reported = scrapNonconformingUnits(
      { ...order, operations: order.operations.map((o) => (o.seq === 10 ? { ...o, goodQty: 5 } : o)) },
      10,
      2,
      'DIM',
      'NC-1',
    );
    assert.deepEqual([reported.next.operations[0]?.goodQty, reported.next.operations[0]?.scrapQty, reported.next.scrappedQty], [3, 2, 2]);
    assert.throws(() => scrapNonconformingUnits(order, 10, 1, 'DIM', 'NC-1'), QuantityRuleError);
    const atLast = { ...order, operations: order.operations.map((o) => (o.seq === 30 ? { ...o, goodQty: 5 } : o)) };
    assert.throws(() => scrapNonconformingUnits(atLast, 30, 1, 'DIM', 'NC-1'), IllegalTransitionError);
    assert.throws(() => scrapNonconformingUnits({ ...order, status: 'CLOSED' }, 10, 1, 'DIM', 'NC-1'), IllegalTransitionError);
  });
});

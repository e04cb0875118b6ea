/**
 * What a nonconformance does to a work order (issue 15, docs/quality.md "Nonconformances"):
 * its quality hold, the scrap of its nonconforming units at an operation, a rework operation
 * added, the hold lifted. Each step is a pure change of the order as read; a disposition
 * composes its steps and `finish`es them once, so the order changes once (one version, one audit
 * record) in the nonconformance's transaction. Every rule is checked before anything is built.
 */
import type { RoutingOperation } from '../master-data/model.ts';
import { IllegalTransitionError, QuantityRuleError, ValidationError } from '../errors.ts';
import { type Change, type CommandContext, findOperation, finish, round, summary, withTotals } from './commands.ts';
import { assertMayHandleHold } from './holds.ts';
import type { CommandResult, Operation, WorkOrderAggregate } from './model.ts';
import { canCorrect, canWorkOrder } from './status.ts';

/** The text an order's (lot's, serial's) hold by a nonconformance says: it marks the hold as a nonconformance's. */
export const NONCONFORMANCE_HOLD_PREFIX = 'Nonconformance ';
export const nonconformanceHoldReason = (ncId: string, defect: string) => `${NONCONFORMANCE_HOLD_PREFIX}${ncId}: ${defect}`;
export const isNonconformanceHold = (holdReason: string | undefined) => holdReason?.startsWith(NONCONFORMANCE_HOLD_PREFIX) ?? false;

/** One step of an order's change by a nonconformance: the order after it, and its events. */
export interface OrderStep {
  next: WorkOrderAggregate;
  events: Change['events'];
}

/** Whether an order can be put on hold now (released or running). */
export const isHoldable = (order: WorkOrderAggregate) => canWorkOrder('hold', order);

/**
 * A quality hold placed by a nonconformance. Whoever may report a nonconformance places it (an
 * operator too): the hold is the nonconformance's, not the person's; lifting it stays quality's.
 */
export function holdForNonconformance(ctx: CommandContext, order: WorkOrderAggregate, ncId: string, reason: string): CommandResult {
  if (!isHoldable(order)) throw new IllegalTransitionError(`work order ${order.id} is ${order.status}: it cannot be put on hold`);
  const next = { ...order, status: 'ON_HOLD' as const, heldFrom: order.status, holdReason: reason, holdKind: 'quality' as const };
  return finish(ctx, order, next, {
    action: 'workOrder.hold',
    target: 'workOrder',
    reason,
    comment: `held by nonconformance ${ncId}`,
    events: [{ type: 'work-order.held', data: { ...summary(next), reason, kind: 'quality', nonconformanceId: ncId } }],
  });
}

/** Lifts the order's quality hold (the person disposing must be quality or admin). */
export function liftHold(ctx: CommandContext, order: WorkOrderAggregate): OrderStep {
  if (order.status !== 'ON_HOLD') throw new IllegalTransitionError(`work order ${order.id} is not on hold: it is ${order.status}`);
  assertMayHandleHold(order.holdKind ?? 'production', ctx.actor.roles, 'lift');
  const { heldFrom, holdReason: _, holdKind: _k, ...rest } = order;
  const next = { ...rest, status: heldFrom ?? 'RELEASED', eventSeq: order.eventSeq } as WorkOrderAggregate;
  return { next, events: [{ type: 'work-order.resumed', data: summary(next) }] };
}

/**
 * Scraps an order's nonconforming units at operation `seq`: they were reported good there, so
 * they move from its good to its scrap (with the scrap reason), and the order's totals follow.
 * A unit that went on to a later operation cannot be taken back from this one.
 */
export function scrapNonconformingUnits(order: WorkOrderAggregate, seq: number, quantity: number, reasonCode: string, ncId: string): OrderStep {
  if (!canCorrect(order))
    throw new IllegalTransitionError(`work order ${order.id} is ${order.status}: its record is final, its units cannot be scrapped`);
  const op = findOperation(order, seq);
  const flowLast = order.operations.filter((o) => !o.rework).at(-1);
  if (flowLast?.seq === seq && order.tracking !== undefined && order.tracking !== 'none' && op.goodQty > 0) {
    // What the last operation made went into lots or serials: scrap those, or the order and its output would disagree.
    throw new IllegalTransitionError(
      `operation ${seq} is the last of work order ${order.id}, whose output is ${order.tracking}-tracked: name the lot or serial to scrap instead`,
    );
  }
  if (op.goodQty < quantity) {
    throw new QuantityRuleError(`operation ${seq} of work order ${order.id} has ${op.goodQty} good: it cannot scrap ${quantity} of them`);
  }
  const flow = order.operations.filter((o) => !o.rework);
  const successor = flow[flow.findIndex((o) => o.seq === seq) + 1];
  if (successor && successor.goodQty > round(op.goodQty - quantity)) {
    throw new QuantityRuleError(
      `operation ${successor.seq} has passed ${successor.goodQty} good on already: the units cannot be scrapped at operation ${seq}; name the lot or serial they went into`,
    );
  }
  const updated: Operation = {
    ...op,
    goodQty: round(op.goodQty - quantity),
    scrapQty: round(op.scrapQty + quantity),
    scrapByReason: { ...op.scrapByReason, [reasonCode]: round((op.scrapByReason[reasonCode] ?? 0) + quantity) },
  };
  const next = withTotals(
    order,
    order.operations.map((o) => (o.seq === seq ? updated : o)),
  );
  return {
    next,
    events: [
      {
        type: 'production.scrapped',
        data: {
          ...summary(next),
          seq,
          workCenterId: op.workCenterId,
          quantity,
          scrapReasonCode: reasonCode,
          operationGoodQty: updated.goodQty,
          operationScrapQty: updated.scrapQty,
          nonconformanceId: ncId,
        },
      },
    ],
  };
}

export interface AddRework {
  ncId: string;
  /** The nonconforming operation: the rework comes after it. */
  afterSeq: number;
  /** Absent: the first free seq after afterSeq, before the next operation. */
  seq?: number | undefined;
  name: string;
  workCenterId?: string | undefined;
  instructions: string;
  quantity: number;
}

/** The first seq after `afterSeq` that no operation has, below the next operation's (none: undefined). */
export function freeSeqAfter(order: WorkOrderAggregate, afterSeq: number): number | undefined {
  const taken = new Set(order.operations.map((o) => o.seq));
  const nextSeq = order.operations.map((o) => o.seq).filter((s) => s > afterSeq && !order.operations.find((o) => o.seq === s)?.rework)[0] ?? 10_000;
  for (let seq = afterSeq + 1; seq < nextSeq && seq <= 9999; seq++) if (!taken.has(seq)) return seq;
  return undefined;
}

/**
 * Adds a rework operation after the nonconforming one: READY, at the same work center unless
 * given, with the disposition's instructions. It is outside the order's flow (Operation.rework).
 */
export function addReworkOperation(order: WorkOrderAggregate, input: AddRework): OrderStep {
  if (!['RELEASED', 'IN_PROGRESS', 'ON_HOLD'].includes(order.status)) {
    throw new IllegalTransitionError(`work order ${order.id} is ${order.status}: no operation can be added to it`);
  }
  const after = findOperation(order, input.afterSeq);
  const seq = input.seq ?? freeSeqAfter(order, input.afterSeq);
  if (seq === undefined) {
    throw new ValidationError([
      { pointer: '/body/reworkSeq', detail: `no free seq follows operation ${input.afterSeq} before the next operation: give reworkSeq` },
    ]);
  }
  if (order.operations.some((o) => o.seq === seq)) {
    throw new ValidationError([{ pointer: '/body/reworkSeq', detail: `work order ${order.id} has an operation ${seq} already` }]);
  }
  if (seq <= input.afterSeq) {
    throw new ValidationError([{ pointer: '/body/reworkSeq', detail: `the rework comes after operation ${input.afterSeq}: give a larger seq` }]);
  }
  const base: RoutingOperation = {
    seq,
    name: input.name,
    workCenterId: input.workCenterId ?? after.workCenterId,
    standardTimeSeconds: 0,
    setupTimeSeconds: 0,
    instructions: input.instructions,
    dataToRecord: [],
  };
  const op: Operation = {
    ...base,
    status: 'READY',
    goodQty: 0,
    scrapQty: 0,
    scrapByReason: {},
    recordedData: {},
    rework: { nonconformanceId: input.ncId, afterSeq: input.afterSeq, quantity: input.quantity },
    version: 0,
  };
  // Issue 18: whoever reworks it needs what the nonconforming operation required (its unit's only when on the same unit).
  const required = (after.qualifications ?? []).filter(
    (r) => op.workCenterId === after.workCenterId || r.source !== `equipment ${after.workCenterId}`,
  );
  if (required.length) op.qualifications = required;
  const operations = [...order.operations, op].sort((a, b) => a.seq - b.seq);
  const next = { ...order, operations };
  return {
    next,
    events: [
      {
        type: 'operation.added',
        data: {
          ...summary(next),
          seq,
          name: op.name,
          workCenterId: op.workCenterId,
          afterSeq: input.afterSeq,
          quantity: input.quantity,
          nonconformanceId: input.ncId,
        },
      },
    ],
  };
}

/** The order's steps, written as ONE change (one version, one audit record) of the order as read. */
export function finishSteps(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  steps: readonly ((o: WorkOrderAggregate) => OrderStep)[],
  change: Omit<Change, 'events'>,
): CommandResult {
  let next = order;
  const events: Change['events'] = [];
  for (const step of steps) {
    const r = step(next);
    next = r.next;
    events.push(...r.events);
  }
  return finish(ctx, order, next, { ...change, events });
}

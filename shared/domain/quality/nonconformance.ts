/**
 * The nonconformance state machine and its commands (issue 15, docs/quality.md
 * "Nonconformances"). Pure: each command is a function of what was read (the nonconformance,
 * the order, lot and serial it names, the hold registers of those), its input, who acts and
 * when. It checks every rule first and throws before building anything, so a refused command
 * writes nothing. Its result (`NonconformanceWrite`) is every change it makes, the
 * nonconformance's own (with its audit record and events) and those of what it names (holds
 * placed or lifted, quantity scrapped or returned, a rework operation added), which
 * shared/db/nonconformance-repository.ts writes in ONE transaction.
 *
 *   open --decide scrap | rework | return-to-supplier--> closed
 *   open --decide use-as-is--> awaiting-approval --approve (a second person)--> closed
 *                                               \--reject--> open
 *
 * Holds: an open nonconformance holds what it names. Which open nonconformances hold a thing is
 * kept in one register per thing (`HoldRegister`), so closing one lifts the hold only when no
 * other open nonconformance still holds it, and never lifts a hold that is not a
 * nonconformance's (a person's, a recall's).
 */
import { ForbiddenError, IllegalTransitionError, QuantityRuleError, UnitOfMeasureError, ValidationError } from '../errors.ts';
import type { Reason } from '../master-data/model.ts';
import { quantityProblem } from '../master-data/units.ts';
import { holdLot, type LotAggregate, type LotChange, releaseLot, returnLot, scrapLot } from '../tracking/lots.ts';
import { holdSerial, releaseSerial, type SerialAggregate, type SerialChange, scrapSerial } from '../tracking/serials.ts';
import { diff } from '../work-order/diff.ts';
import type { Actor, AuditRecord, CommandResult, OutboxEvent, WorkOrderAggregate } from '../work-order/model.ts';
import type { Signature } from '../signatures/model.ts';
import {
  addReworkOperation,
  finishSteps,
  holdForNonconformance,
  isHoldable,
  isNonconformanceHold,
  liftHold,
  nonconformanceHoldReason,
  type OrderStep,
  scrapNonconformingUnits,
} from '../work-order/nonconforming.ts';
import type {
  DispositionDecision,
  DispositionInput,
  HeldKind,
  HoldEnding,
  HoldOutcome,
  Nonconformance,
  NonconformanceAggregate,
  NonconformanceEventType,
  NonconformanceHold,
  NonconformanceStatus,
  ReportNonconformance,
} from './nonconformance-model.ts';

export const NC_NUMBER_PATTERN = 'NC-{YYYY}-{SEQ:5}';

export interface NcContext {
  tenantId: string;
  actor: Actor;
  now: string;
  newId: () => string;
}

/** Which open nonconformances hold one thing (`holders`), at a version. */
export interface HoldRegister {
  kind: HeldKind;
  id: string;
  holders: string[];
  version: number;
}
export interface HoldRegisterChange {
  /** As read; undefined: none yet (written conditioned on not existing). */
  before: HoldRegister | undefined;
  after: HoldRegister;
}
export const registerKey = (kind: HeldKind, id: string) => `${kind}:${id}`;

/** The nonconformance's own change: as read (undefined when new) and after, its audit record and events. */
export interface NcChange {
  before: NonconformanceAggregate | undefined;
  after: NonconformanceAggregate;
  audit: AuditRecord;
  events: OutboxEvent[];
}

/** A counter moved by an opening: the year's numbers from `from` (exclusive) to `to`. */
export interface NcCounterAdvance {
  year: string;
  from: number;
  to: number;
}

/**
 * Everything one nonconformance command writes, in ONE transaction: the nonconformance, the
 * lots' changes (consecutive changes of one lot, e.g. scrap then release, are written as one
 * lot item with each its movement, audit record and events), the serials', the order's (one
 * command result), the hold registers and the number counter.
 */
export interface NonconformanceWrite {
  nc: NcChange;
  /** Electronic signatures written with the change, in the nonconformance's partition (issue 16). */
  signatures?: Signature[] | undefined;
  lots: LotChange[];
  serials: SerialChange[];
  order?: CommandResult | undefined;
  registers: HoldRegisterChange[];
  counter?: NcCounterAdvance | undefined;
}

/** What a command read of the things a nonconformance names, and their hold registers (by registerKey). */
export interface NamedState {
  order?: WorkOrderAggregate | undefined;
  lot?: LotAggregate | undefined;
  serial?: SerialAggregate | undefined;
  registers: ReadonlyMap<string, HoldRegister>;
}

// ---------- The state machine ----------

export const NC_ACTIONS = {
  decide: { from: ['open'] },
  approve: { from: ['awaiting-approval'] },
  reject: { from: ['awaiting-approval'] },
} as const satisfies Record<string, { from: readonly NonconformanceStatus[] }>;
export type NcAction = keyof typeof NC_ACTIONS;

export const canNc = (action: NcAction, nc: Pick<Nonconformance, 'status'>) => (NC_ACTIONS[action].from as readonly string[]).includes(nc.status);

/** The actions a person may take now: a second person approves, never the one who decided (roles are checked separately). */
export function allowedNcActions(nc: Pick<Nonconformance, 'status' | 'disposition'>, userId: string): NcAction[] {
  return (Object.keys(NC_ACTIONS) as NcAction[]).filter(
    (a) => canNc(a, nc) && (a === 'decide' || a === 'reject' || nc.disposition?.decidedBy !== userId),
  );
}

/** Which action a disposition request is, refused with why when the state or the person does not allow it. */
export function actionOf(nc: Nonconformance, input: DispositionInput, actor: Actor): NcAction {
  if (nc.status === 'closed') {
    throw new IllegalTransitionError(
      `nonconformance ${nc.id} is closed (${nc.disposition?.disposition ?? 'no disposition'}): it cannot be dispositioned again`,
    );
  }
  if (input.approve === undefined) {
    if (!canNc('decide', nc)) {
      throw new IllegalTransitionError(
        `nonconformance ${nc.id} awaits a second person's approval of use as is: approve it ({ "approve": true }) or reject it ({ "approve": false }) first`,
      );
    }
    return 'decide';
  }
  const action: NcAction = input.approve ? 'approve' : 'reject';
  if (!canNc(action, nc)) throw new IllegalTransitionError(`nonconformance ${nc.id} is ${nc.status}: there is no use-as-is decision to ${action}`);
  if (action === 'approve' && nc.disposition?.decidedBy === actor.userId) {
    throw new ForbiddenError(`you decided use as is for nonconformance ${nc.id}: a second, different person of the quality role must approve it`);
  }
  return action;
}

// ---------- Events, audit ----------

const IGNORED = new Set(['updatedAt', 'updatedBy', 'version', 'eventSeq']);

export const ncSummary = (nc: Nonconformance) => ({
  nonconformanceId: nc.id,
  status: nc.status,
  ...(nc.workOrderId !== undefined ? { workOrderId: nc.workOrderId } : {}),
  ...(nc.seq !== undefined ? { seq: nc.seq } : {}),
  ...(nc.lotId !== undefined ? { lotId: nc.lotId } : {}),
  ...(nc.serialId !== undefined ? { serialId: nc.serialId } : {}),
  ...(nc.materialId !== undefined ? { materialId: nc.materialId } : {}),
  quantity: nc.quantity,
  ...(nc.uom !== undefined ? { uom: nc.uom } : {}),
  defectCode: nc.defectCode,
  ...(nc.inspectionId !== undefined ? { inspectionId: nc.inspectionId } : {}),
});

/** A nonconformance's next version with its audit record and events (exported for its signing, nonconformance-signing.ts). */
export function finishNc(
  ctx: NcContext,
  before: NonconformanceAggregate | undefined,
  next: Nonconformance,
  step: { action: string; comment?: string | undefined; events: { type: NonconformanceEventType; data: Record<string, unknown> }[] },
): NcChange {
  const version = (before?.version ?? 0) + 1;
  const eventSeq = before?.eventSeq ?? 0;
  const after: NonconformanceAggregate = {
    ...next,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version,
    eventSeq: eventSeq + step.events.length,
  };
  return {
    before,
    after,
    audit: {
      version,
      at: ctx.now,
      by: ctx.actor.userId,
      action: step.action,
      target: 'nonconformance',
      ...(step.comment !== undefined ? { comment: step.comment } : {}),
      changes: diff(before ?? {}, after, IGNORED),
    },
    events: step.events.map((e, i) => ({
      id: ctx.newId(),
      type: e.type,
      schemaVersion: 1,
      occurredAt: ctx.now,
      tenantId: ctx.tenantId,
      nonconformanceId: after.id,
      sequence: eventSeq + i + 1,
      data: e.data,
    })),
  };
}

/** Names the nonconformance in a lot's or serial's hold event. */
function tagged<C extends { events: OutboxEvent[] }>(change: C, ncId: string): C {
  return { ...change, events: change.events.map((e) => ({ ...e, data: { ...e.data, nonconformanceId: ncId } })) };
}

// ---------- Open ----------

export interface OpenNonconformance {
  id: string;
  report: ReportNonconformance;
  /** The defect as the plant's defect list names it (the code checked active by the caller). */
  defect: Pick<Reason, 'code' | 'name'>;
  counter?: NcCounterAdvance | undefined;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** How a thing is held when a nonconformance opens, and the register after. */
function joinHold(
  ncId: string,
  kind: HeldKind,
  id: string,
  held: boolean,
  holdable: boolean,
  register: HoldRegister | undefined,
): { outcome: HoldOutcome; register?: HoldRegisterChange } {
  const holders = register?.holders ?? [];
  const add = (): HoldRegisterChange => ({
    before: register,
    after: { kind, id, holders: [...holders, ncId], version: (register?.version ?? 0) + 1 },
  });
  if (held && holders.length > 0) return { outcome: 'joined', register: add() };
  if (held) return { outcome: 'already-held' };
  if (holdable) return { outcome: 'placed', register: add() };
  return { outcome: 'not-held' };
}

/**
 * Opens a nonconformance: checks what it names (exists, alive, the quantity fits), and holds
 * each in the same write: a lot on hold, a serial on hold, an order on a quality hold (an order
 * on hold already, or not released or running, is recorded as such: no refusal).
 */
export function openNonconformance(ctx: NcContext, input: OpenNonconformance, state: NamedState): NonconformanceWrite {
  const { report } = input;
  const { order, lot, serial } = state;
  // What it names must be there and alive.
  if (report.seq !== undefined && order && !order.operations.some((o) => o.seq === report.seq)) {
    throw new ValidationError([{ pointer: '/body/seq', detail: `work order ${order.id} has no operation ${report.seq}` }]);
  }
  if (lot && !['available', 'on-hold'].includes(lot.status)) {
    throw new IllegalTransitionError(`lot ${lot.id} is ${lot.status}: nothing of it is left to hold`);
  }
  if (serial && !['made', 'on-hold'].includes(serial.status)) {
    throw new IllegalTransitionError(`serial ${serial.id} is ${serial.status}: it cannot be held`);
  }
  const uom = lot ? lot.uom : serial ? undefined : order?.uom;
  if (serial && report.quantity !== 1) throw new ValidationError([{ pointer: '/body/quantity', detail: 'a serial is one unit: quantity must be 1' }]);
  const problem = quantityProblem(report.quantity, uom);
  if (problem) throw new UnitOfMeasureError([{ pointer: '/body/quantity', detail: problem }]);
  if (lot && report.quantity > lot.quantity) {
    throw new QuantityRuleError(`lot ${lot.id} has ${lot.quantity} ${lot.uom} left: ${report.quantity} of it cannot be nonconforming`);
  }
  if (order && !lot && !serial) {
    const most = round(order.quantity * (1 + order.overrunTolerancePct / 100));
    if (report.quantity > most) {
      throw new QuantityRuleError(`work order ${order.id} makes ${order.quantity} (at most ${most}): ${report.quantity} cannot be nonconforming`);
    }
  }

  const reason = nonconformanceHoldReason(input.id, input.defect.name);
  const holds: NonconformanceHold[] = [];
  const registers: HoldRegisterChange[] = [];
  const lots: LotChange[] = [];
  const serials: SerialChange[] = [];
  let orderResult: CommandResult | undefined;
  if (order) {
    const j = joinHold(
      input.id,
      'work-order',
      order.id,
      order.status === 'ON_HOLD',
      isHoldable(order),
      state.registers.get(registerKey('work-order', order.id)),
    );
    holds.push({ kind: 'work-order', id: order.id, outcome: j.outcome });
    if (j.register) registers.push(j.register);
    if (j.outcome === 'placed') orderResult = holdForNonconformance(ctx, order, input.id, reason);
  }
  if (lot) {
    const j = joinHold(input.id, 'lot', lot.id, lot.status === 'on-hold', true, state.registers.get(registerKey('lot', lot.id)));
    holds.push({ kind: 'lot', id: lot.id, outcome: j.outcome });
    if (j.register) registers.push(j.register);
    if (j.outcome === 'placed') lots.push(...holdLot(ctx, lot, reason).changes.map((c) => tagged(c, input.id)));
  }
  if (serial) {
    const j = joinHold(input.id, 'serial', serial.id, serial.status === 'on-hold', true, state.registers.get(registerKey('serial', serial.id)));
    holds.push({ kind: 'serial', id: serial.id, outcome: j.outcome });
    if (j.register) registers.push(j.register);
    if (j.outcome === 'placed') serials.push(tagged(holdSerial(ctx, serial, reason), input.id));
  }

  const materialId = lot?.materialId ?? serial?.materialId ?? order?.materialId;
  const nc: Nonconformance = {
    id: input.id,
    status: 'open',
    ...(report.workOrderId !== undefined ? { workOrderId: report.workOrderId } : {}),
    ...(report.seq !== undefined ? { seq: report.seq } : {}),
    ...(report.lotId !== undefined ? { lotId: report.lotId } : {}),
    ...(report.serialId !== undefined ? { serialId: report.serialId } : {}),
    ...(materialId !== undefined ? { materialId } : {}),
    quantity: report.quantity,
    ...(uom !== undefined ? { uom } : {}),
    defectCode: input.defect.code,
    defectName: input.defect.name,
    description: report.description,
    ...(report.inspectionId !== undefined ? { inspectionId: report.inspectionId } : {}),
    reportedAt: ctx.now,
    reportedBy: ctx.actor.userId,
    reportedByName: ctx.actor.name,
    holds,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version: 0,
  };
  const change = finishNc(ctx, undefined, nc, {
    action: 'nonconformance.open',
    events: [
      {
        type: 'nonconformance.opened',
        data: { ...ncSummary(nc), description: nc.description, holds, reportedBy: nc.reportedBy, reportedByName: nc.reportedByName },
      },
    ],
  });
  return { nc: change, lots, serials, order: orderResult, registers, counter: input.counter };
}

// ---------- Disposition ----------

/** What a disposition read beyond the nonconformance and what it names. */
export interface DispositionState extends NamedState {
  /** The scrap reason the scrap is recorded with (checked active by the caller). */
  scrapReasonCode?: string | undefined;
}

/**
 * Decides, approves or rejects a disposition. A decision other than use as is closes the
 * nonconformance in the same write as its effects; use as is waits for a second person's
 * approval, which closes it. Closing lifts the holds it placed (when no other open
 * nonconformance holds the same thing).
 */
export function dispositionNonconformance(
  ctx: NcContext,
  nc: NonconformanceAggregate,
  input: DispositionInput,
  state: DispositionState,
): NonconformanceWrite {
  const action = actionOf(nc, input, ctx.actor);
  if (action === 'reject') {
    const { disposition: _, ...rest } = nc;
    const change = finishNc(
      ctx,
      nc,
      { ...rest, status: 'open' },
      {
        action: 'nonconformance.reject',
        comment: input.comment,
        events: [
          {
            type: 'nonconformance.dispositioned',
            data: {
              ...ncSummary({ ...rest, status: 'open' }),
              disposition: 'use-as-is',
              decidedBy: nc.disposition?.decidedBy ?? '',
              rejectedBy: ctx.actor.userId,
              by: ctx.actor.userId,
            },
          },
        ],
      },
    );
    return { nc: change, lots: [], serials: [], registers: [] };
  }
  if (action === 'approve') {
    const decision: DispositionDecision = {
      ...(nc.disposition as DispositionDecision),
      approvedAt: ctx.now,
      approvedBy: ctx.actor.userId,
      approvedByName: ctx.actor.name,
    };
    return close(ctx, nc, decision, state, { lots: [], serials: [], orderSteps: [] }, input.comment, 'nonconformance.approve');
  }

  const disposition = input.disposition as NonNullable<DispositionInput['disposition']>;
  const decision: DispositionDecision = {
    disposition,
    decidedAt: ctx.now,
    decidedBy: ctx.actor.userId,
    decidedByName: ctx.actor.name,
    ...(input.comment !== undefined ? { comment: input.comment } : {}),
  };
  if (disposition === 'use-as-is') {
    const next: Nonconformance = { ...nc, status: 'awaiting-approval', disposition: decision };
    const change = finishNc(ctx, nc, next, {
      action: 'nonconformance.decide',
      comment: input.comment,
      events: [
        { type: 'nonconformance.dispositioned', data: { ...ncSummary(next), disposition, decidedBy: ctx.actor.userId, by: ctx.actor.userId } },
      ],
    });
    return { nc: change, lots: [], serials: [], registers: [] };
  }

  const effects: Effects = { lots: [], serials: [], orderSteps: [] };
  if (disposition === 'scrap') {
    const reasonCode = state.scrapReasonCode ?? nc.defectCode;
    decision.scrapReasonCode = reasonCode;
    if (nc.lotId) {
      const lot = required(state.lot, 'lot', nc.lotId);
      effects.lots.push(
        ...scrapLot(ctx, lot, { quantity: Math.min(nc.quantity, lot.quantity), reasonCode, comment: `nonconformance ${nc.id}` }).changes,
      );
    }
    if (nc.serialId) {
      const serial = required(state.serial, 'serial', nc.serialId);
      effects.serials.push(scrapSerial(ctx, serial, { reasonCode, nonconformanceId: nc.id, comment: `nonconformance ${nc.id}` }));
    }
    if (!nc.lotId && !nc.serialId) {
      const order = required(state.order, 'work order', nc.workOrderId as string);
      if (nc.seq === undefined) {
        throw new ValidationError([
          {
            pointer: '/body/disposition',
            detail: `nonconformance ${nc.id} names no operation of work order ${order.id}: its units cannot be scrapped at one`,
          },
        ]);
      }
      const seq = nc.seq;
      effects.orderSteps.push((o) => scrapNonconformingUnits(o, seq, nc.quantity, reasonCode, nc.id));
    }
  } else if (disposition === 'rework') {
    if (!nc.workOrderId || nc.seq === undefined) {
      throw new ValidationError([
        { pointer: '/body/disposition', detail: `nonconformance ${nc.id} names no operation of a work order: rework adds an operation after it` },
      ]);
    }
    if (!input.instructions)
      throw new ValidationError([{ pointer: '/body/instructions', detail: 'rework needs instructions: what to do at the rework operation' }]);
    const order = required(state.order, 'work order', nc.workOrderId);
    const reworkInput = {
      ncId: nc.id,
      afterSeq: nc.seq,
      seq: input.reworkSeq,
      name: input.reworkName ?? `Rework ${nc.id}`,
      workCenterId: input.workCenterId,
      instructions: input.instructions,
      quantity: nc.quantity,
    };
    // Where the operation goes (its seq) is decided once, on the order as read.
    const added = addReworkOperation(order, reworkInput).next.operations.find((o) => !order.operations.some((p) => p.seq === o.seq));
    if (!added) throw new IllegalTransitionError(`no rework operation could be added to work order ${order.id}`);
    decision.rework = { seq: added.seq, name: added.name, workCenterId: added.workCenterId, instructions: added.instructions };
    effects.orderSteps.push((o) => addReworkOperation(o, { ...reworkInput, seq: added.seq }));
  } else {
    // return-to-supplier
    if (!nc.lotId) {
      throw new ValidationError([
        { pointer: '/body/disposition', detail: `nonconformance ${nc.id} names no lot: only a received lot returns to its supplier` },
      ]);
    }
    const lot = required(state.lot, 'lot', nc.lotId);
    effects.lots.push(...returnLot(ctx, lot, { quantity: nc.quantity, nonconformanceId: nc.id, comment: input.comment }).changes);
  }
  return close(ctx, nc, decision, state, effects, input.comment, 'nonconformance.decide');
}

interface Effects {
  lots: LotChange[];
  serials: SerialChange[];
  orderSteps: ((o: WorkOrderAggregate) => OrderStep)[];
}

function required<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw new IllegalTransitionError(`${what} ${id} of this nonconformance no longer exists`);
  return value;
}

/** Closes: the disposition's effects, then each hold this nonconformance took part in lifted (or kept, or gone), in one write. */
function close(
  ctx: NcContext,
  nc: NonconformanceAggregate,
  decision: DispositionDecision,
  state: DispositionState,
  effects: Effects,
  comment: string | undefined,
  action: string,
): NonconformanceWrite {
  const registers: HoldRegisterChange[] = [];
  const lots = [...effects.lots];
  const serials = [...effects.serials];
  const orderSteps = [...effects.orderSteps];
  const holds = nc.holds.map((hold): NonconformanceHold => {
    if (hold.outcome !== 'placed' && hold.outcome !== 'joined') return hold;
    const register = state.registers.get(registerKey(hold.kind, hold.id));
    const holders = (register?.holders ?? []).filter((h) => h !== nc.id);
    if (register) registers.push({ before: register, after: { ...register, holders, version: register.version + 1 } });
    const ending = (e: HoldEnding): NonconformanceHold => ({ ...hold, ending: e });
    if (hold.kind === 'lot') {
      const lot = lots.filter((c) => c.after.id === hold.id).at(-1)?.after ?? state.lot;
      if (lot?.status !== 'on-hold') return ending(lot === undefined || lot.status === 'available' ? 'not-ours' : 'gone');
      if (holders.length > 0) return ending('kept-for-others');
      if (!isNonconformanceHold(lot.holdReason)) return ending('not-ours');
      lots.push(...releaseLot(ctx, lot, `nonconformance ${nc.id} closed (${decision.disposition})`).changes);
      return ending('lifted');
    }
    if (hold.kind === 'serial') {
      const serial = serials.filter((c) => c.after.id === hold.id).at(-1)?.after ?? state.serial;
      if (serial?.status !== 'on-hold') return ending(serial === undefined || serial.status === 'made' ? 'not-ours' : 'gone');
      if (holders.length > 0) return ending('kept-for-others');
      if (!isNonconformanceHold(serial.holdReason)) return ending('not-ours');
      serials.push(releaseSerial(ctx, serial, `nonconformance ${nc.id} closed (${decision.disposition})`));
      return ending('lifted');
    }
    const order = state.order;
    if (order?.status !== 'ON_HOLD') return ending(order !== undefined && ['CANCELLED', 'CLOSED'].includes(order.status) ? 'gone' : 'not-ours');
    if (holders.length > 0) return ending('kept-for-others');
    if (order.holdKind !== 'quality' || !isNonconformanceHold(order.holdReason)) return ending('not-ours');
    orderSteps.push((o) => liftHold(ctx, o));
    return ending('lifted');
  });
  const order =
    orderSteps.length && state.order
      ? finishSteps(ctx, state.order, orderSteps, {
          action: 'workOrder.nonconformance',
          target: 'workOrder',
          reason: `nonconformance ${nc.id}: ${decision.disposition}`,
          comment,
        })
      : undefined;
  const next: Nonconformance = { ...nc, status: 'closed', disposition: decision, holds, closedAt: ctx.now, closedBy: ctx.actor.userId };
  const change = finishNc(ctx, nc, next, {
    action,
    comment,
    events: [
      {
        type: 'nonconformance.dispositioned',
        data: {
          ...ncSummary(next),
          disposition: decision.disposition,
          decidedBy: decision.decidedBy,
          ...(decision.approvedBy !== undefined ? { approvedBy: decision.approvedBy } : {}),
          ...(decision.rework ? { reworkSeq: decision.rework.seq } : {}),
          by: ctx.actor.userId,
        },
      },
      { type: 'nonconformance.closed', data: { ...ncSummary(next), disposition: decision.disposition, holds, by: ctx.actor.userId } },
    ],
  });
  return { nc: change, lots, serials, order, registers };
}

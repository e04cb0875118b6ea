/**
 * Work order and operation commands. Each checks the state machine first and throws before
 * anything is built, so a refused command writes nothing. The audit record is derived from
 * the difference between the order before and after: it can never disagree with the change.
 */
import type { OperationRequirement, QualificationOverrideRecord } from '../qualifications/model.ts';
import type { Material, Routing } from '../master-data/model.ts';
import {
  type FieldError,
  ConfirmationRequiredError,
  IllegalTransitionError,
  NotFoundError,
  QuantityRuleError,
  UnitOfMeasureError,
  UnknownReferenceError,
  InspectionsOutstandingError,
  RecordReleasedError,
  ValidationError,
} from '../errors.ts';
import { floorToUnit, quantityProblem } from '../master-data/units.ts';
import { recordData, requireRecordedData } from './recorded-data.ts';
import { type OperationAction, WORK_ORDER_ACTIONS, type WorkOrderAction, canOperation, canWorkOrder } from './status.ts';
import type {
  Actor,
  CommandResult,
  CompleteOperation,
  CreateWorkOrder,
  EventType,
  Operation,
  OutboxEvent,
  ReportOperation,
  WorkOrderAggregate,
} from './model.ts';
import { diff } from './diff.ts';
import type { ConsumedMaterial, OperationComponent } from '../tracking/consumption.ts';
import { assertConsumed } from './consume.ts';
import { type HoldKind, assertMayHandleHold, defaultHoldKind } from './holds.ts';
import type { CopiedInspectionPlan } from '../quality/inspection-plans.ts';
import { outstandingInspections } from '../quality/inspections.ts';
import type { DocumentReference } from '../documents/model.ts';

export interface CommandContext {
  tenantId: string;
  actor: Actor;
  now: string;
  newId: () => string;
}

export interface Change {
  action: string;
  target: string;
  reason?: string | undefined;
  comment?: string | undefined;
  /** The version of the record a correction corrects. */
  corrects?: number | undefined;
  events: { type: EventType; data: Record<string, unknown> }[];
}

/** Stamps versions, derives the audit record and numbers the events. */
export function finish(ctx: CommandContext, before: WorkOrderAggregate | undefined, next: WorkOrderAggregate, change: Change): CommandResult {
  assertRecordOpen(before, change.action);
  const version = (before?.version ?? 0) + 1;
  const changedOperations: number[] = [];
  const operations = next.operations.map((op) => {
    const old = before?.operations.find((o) => o.seq === op.seq);
    if (old && diff(old, op).length === 0) return old;
    changedOperations.push(op.seq);
    return { ...op, version: (old?.version ?? 0) + 1 };
  });
  const after: WorkOrderAggregate = {
    ...next,
    operations,
    remainingQty: Math.max(0, round(next.quantity - next.producedQty)),
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version,
    eventSeq: (before?.eventSeq ?? 0) + change.events.length,
  };
  const events: OutboxEvent[] = change.events.map((e, i) => ({
    id: ctx.newId(),
    type: e.type,
    schemaVersion: 1,
    occurredAt: ctx.now,
    tenantId: ctx.tenantId,
    workOrderId: after.id,
    sequence: (before?.eventSeq ?? 0) + i + 1,
    data: e.data,
  }));
  return {
    before,
    after,
    changedOperations,
    events,
    audit: {
      version,
      at: ctx.now,
      by: ctx.actor.userId,
      action: change.action,
      target: change.target,
      ...(change.reason !== undefined ? { reason: change.reason } : {}),
      ...(change.comment !== undefined ? { comment: change.comment } : {}),
      ...(change.corrects !== undefined ? { corrects: change.corrects } : {}),
      changes: diffAggregate(before, after),
    },
  };
}

/**
 * A released batch record is immutable (issue 16): every change of an order passes through
 * `finish`, so this one check refuses them all (a correction, a report, a hold, a
 * nonconformance's disposition) before anything is written. Closing stays allowed: it changes
 * nothing that was recorded (the signable content leaves status and closedAt out).
 */
const ALLOWED_AFTER_RELEASE = new Set(['workOrder.close']);
export function assertRecordOpen(order: { id: string; recordReleasedAt?: string | undefined } | undefined, action: string) {
  if (!order?.recordReleasedAt || ALLOWED_AFTER_RELEASE.has(action)) return;
  throw new RecordReleasedError(
    `work order ${order.id}'s batch record was released at ${order.recordReleasedAt}: a released record is not changed (${action} refused); ` +
      'raise a nonconformance on its lots or serials instead',
  );
}

// Instructions and data requirements are copies of the routing version the audit names.
const IGNORED = new Set(['updatedAt', 'updatedBy', 'version', 'eventSeq', 'operations', 'instructions', 'dataToRecord']);
function diffAggregate(before: WorkOrderAggregate | undefined, after: WorkOrderAggregate) {
  const changes = diff(before ?? {}, after, IGNORED);
  for (const op of after.operations) {
    const old = before?.operations.find((o) => o.seq === op.seq);
    for (const c of diff(old ?? {}, op, IGNORED)) changes.push({ ...c, field: `operations/${op.seq}/${c.field}` });
  }
  return changes;
}

export const round = (n: number) => Math.round(n * 1e6) / 1e6;

// The unit says what every quantity counts (absent on orders from before units were copied).
export const summary = (o: WorkOrderAggregate) => ({
  workOrderId: o.id,
  materialId: o.materialId,
  quantity: o.quantity,
  uom: o.uom,
  status: o.status,
  producedQty: o.producedQty,
  scrappedQty: o.scrappedQty,
  externalRef: o.externalRef,
});

function assertWorkOrder(action: WorkOrderAction, order: WorkOrderAggregate) {
  if (!canWorkOrder(action, order)) {
    const from = WORK_ORDER_ACTIONS[action].from.join(', ');
    throw new IllegalTransitionError(`cannot ${action} work order ${order.id} in status ${order.status}; allowed from ${from}`);
  }
}

/**
 * The order's flow: its operations without the rework operations nonconformances added (issue
 * 15), which are side steps: each operation of the flow passes its good on to the next one of
 * the flow, and the last one of the flow makes the order's output.
 */
export const flowOf = (operations: readonly Operation[]) => operations.filter((o) => !o.rework);
/** The operation of the flow after `seq` (none for the last, or for a rework operation). */
export function flowSuccessor(order: WorkOrderAggregate, seq: number): Operation | undefined {
  const flow = flowOf(order.operations);
  const index = flow.findIndex((o) => o.seq === seq);
  return index < 0 ? undefined : flow[index + 1];
}
export const lastOfFlow = (operations: readonly Operation[]) => flowOf(operations).at(-1);

export function findOperation(order: WorkOrderAggregate, seq: number): Operation {
  const op = order.operations.find((o) => o.seq === seq);
  if (!op) throw new NotFoundError(`operation ${seq} of work order ${order.id}`);
  return op;
}

export function assertOperation(action: OperationAction, order: WorkOrderAggregate, op: Operation) {
  if (!canOperation(action, order, op)) {
    throw new IllegalTransitionError(`cannot ${action} operation ${op.seq} in status ${op.status} while work order ${order.id} is ${order.status}`);
  }
}

// ---------- Work order commands ----------

/** What an order copies of its material at create: its name and unit, as they were then. */
export type MaterialCopy = Pick<Material, 'name' | 'uom' | 'tracking'>;
const materialFields = (material: MaterialCopy | undefined) =>
  material ? { materialName: material.name, uom: material.uom, tracking: material.tracking ?? ('none' as const) } : {};

export function createWorkOrder(
  ctx: CommandContext,
  input: CreateWorkOrder & { id: string },
  routing: Routing,
  material?: MaterialCopy,
): CommandResult {
  const order: WorkOrderAggregate = {
    ...plannedFields(input, routing),
    ...materialFields(material),
    status: 'PLANNED',
    overrunTolerancePct: 0,
    producedQty: 0,
    scrappedQty: 0,
    remainingQty: input.quantity,
    createdAt: ctx.now,
    createdBy: ctx.actor.userId,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version: 0,
    eventSeq: 0,
    operations: [],
  };
  return finish(ctx, undefined, order, { action: 'workOrder.create', target: 'workOrder', events: [] });
}

/** The header fields a create (or an ERP upsert) sets, derived one way: defaults included. */
function plannedFields(input: CreateWorkOrder & { id: string }, routing: Routing) {
  const firstWorkCenter = [...routing.operations].sort((a, b) => a.seq - b.seq)[0]?.workCenterId;
  return {
    id: input.id,
    materialId: input.materialId,
    quantity: input.quantity,
    routingId: input.routingId,
    ...(input.bomId ? { bomId: input.bomId } : {}),
    dueDate: new Date(input.dueDate).toISOString(),
    priority: input.priority,
    workCenterId: input.workCenterId ?? firstWorkCenter ?? 'unassigned',
    ...(input.externalRef ? { externalRef: input.externalRef } : {}),
  };
}
type PlannedField = keyof ReturnType<typeof plannedFields>;

/**
 * Once released, the operations are copied from the routing and may be on a dispatch list:
 * only how many, by when, how urgent and the ERP's reference may still change.
 */
export const RELEASED_CHANGEABLE_FIELDS = ['quantity', 'dueDate', 'priority', 'externalRef'] as const satisfies readonly PlannedField[];
const STARTED_STATUSES: readonly string[] = ['IN_PROGRESS', 'COMPLETED', 'CLOSED'];
const STARTED_OPERATION_STATUSES: readonly string[] = ['RUNNING', 'PAUSED', 'DONE'];

/** Production has started once an operation ran or anything was produced or scrapped. */
export function hasStartedProduction(order: WorkOrderAggregate): boolean {
  return (
    STARTED_STATUSES.includes(order.status) ||
    (order.status === 'ON_HOLD' && order.heldFrom === 'IN_PROGRESS') ||
    order.producedQty > 0 ||
    order.scrappedQty > 0 ||
    order.operations.some((o) => STARTED_OPERATION_STATUSES.includes(o.status) || o.startedAt !== undefined || o.goodQty > 0 || o.scrapQty > 0)
  );
}

/** Refuses an ERP change to an order whose record is execution history, or that was withdrawn. */
export function assertChangeable(order: WorkOrderAggregate): void {
  if (order.status === 'CANCELLED') {
    throw new IllegalTransitionError(
      `work order ${order.id} is CANCELLED: it is not changed or revived; send the production order again under a new id`,
    );
  }
  if (hasStartedProduction(order)) {
    throw new IllegalTransitionError(
      `work order ${order.id} has started production (status ${order.status}, ${order.producedQty} produced, ${order.scrappedQty} scrapped): ` +
        'the execution record is not rewritten; change the quantity or dates in the ERP and send a new production order for the rest',
    );
  }
}

/**
 * The ERP's full view of an order replaces the planned fields (omitted optional fields take the
 * defaults a create would). PLANNED: anything may change. RELEASED (or held before it started):
 * only RELEASED_CHANGEABLE_FIELDS. Started or cancelled: refused. No outbound event: the ERP
 * made the change and knows it. Nothing differs: the audit's changes are empty (see isNoOp).
 */
export function updateWorkOrder(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  input: CreateWorkOrder & { id: string },
  routing: Routing,
  material?: MaterialCopy,
): CommandResult {
  assertChangeable(order);
  const fields = plannedFields(input, routing);
  const { bomId: _b, externalRef: _e, ...kept } = order;
  // A planned order may change its material, and takes the new one's name and unit with it.
  const next: WorkOrderAggregate = { ...kept, ...fields, ...(order.status === 'PLANNED' ? materialFields(material) : {}) };
  if (order.status !== 'PLANNED') {
    // Only the planned fields can differ: everything else was kept.
    const refused = diff(order, next).filter((c) => !(RELEASED_CHANGEABLE_FIELDS as readonly string[]).includes(c.field));
    if (refused.length > 0) {
      const what = refused.map((c) => `${c.field} ${String(c.from)} -> ${String(c.to)}`).join(', ');
      throw new IllegalTransitionError(
        `work order ${order.id} is ${order.status}: once released only ${RELEASED_CHANGEABLE_FIELDS.join(', ')} may change, not ${what}; ` +
          'cancel it (production-order.cancelled) and send the change as a new production order',
      );
    }
  }
  return finish(ctx, order, next, { action: 'workOrder.update', target: 'workOrder', events: [] });
}

/** A command result that changes nothing the audit trail would show. */
export const isNoOp = (result: CommandResult) => result.audit.changes.length === 0;

/** Release copies the routing into the order: later routing edits do not change it. */
export function releaseWorkOrder(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  routing: Routing,
  overrunTolerancePct: number,
  comment?: string,
  components: ReadonlyMap<number, OperationComponent[]> = new Map(),
  inspectionPlans: ReadonlyMap<number, CopiedInspectionPlan[]> = new Map(),
  documents: ReadonlyMap<number, DocumentReference[]> = new Map(),
  qualifications: ReadonlyMap<number, OperationRequirement[]> = new Map(),
): CommandResult {
  assertWorkOrder('release', order);
  const seqs = new Set(routing.operations.map((o) => o.seq));
  const astray = [...components.entries()].filter(([seq]) => !seqs.has(seq));
  if (astray.length)
    throw new UnknownReferenceError(
      `BOM ${order.bomId} has lines for operation ${astray.map(([seq, c]) => `${seq} (${c.map((x) => x.materialId).join(', ')})`).join(', ')}, which routing ${order.routingId} does not have (it has ${[...seqs].join(', ')})`,
    );
  const operations: Operation[] = [...routing.operations]
    .sort((a, b) => a.seq - b.seq)
    .map((r, i) => ({
      seq: r.seq,
      name: r.name,
      workCenterId: r.workCenterId,
      standardTimeSeconds: r.standardTimeSeconds,
      setupTimeSeconds: r.setupTimeSeconds,
      instructions: r.instructions,
      dataToRecord: r.dataToRecord,
      status: i === 0 ? 'READY' : 'PENDING',
      goodQty: 0,
      scrapQty: 0,
      scrapByReason: {},
      recordedData: {},
      ...(components.get(r.seq)?.length ? { components: components.get(r.seq) } : {}),
      ...(inspectionPlans.get(r.seq)?.length ? { inspectionPlans: inspectionPlans.get(r.seq) } : {}),
      ...(r.documentIds?.length ? { documentIds: r.documentIds } : {}),
      ...(documents.get(r.seq)?.length ? { documents: documents.get(r.seq) } : {}),
      ...(qualifications.get(r.seq)?.length ? { qualifications: qualifications.get(r.seq) } : {}),
      version: 0,
    }));
  const next = { ...order, status: 'RELEASED' as const, releasedAt: ctx.now, routingVersion: routing.version, overrunTolerancePct, operations };
  return finish(ctx, order, next, {
    action: 'workOrder.release',
    target: 'workOrder',
    comment,
    events: [
      {
        type: 'work-order.released',
        data: {
          ...summary(next),
          routingId: order.routingId,
          operations: operations.map((o) => ({ seq: o.seq, name: o.name, workCenterId: o.workCenterId })),
        },
      },
    ],
  });
}

export function holdWorkOrder(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  reason: string,
  kind: HoldKind = defaultHoldKind(ctx.actor.roles),
  comment?: string,
): CommandResult {
  assertWorkOrder('hold', order);
  assertMayHandleHold(kind, ctx.actor.roles, 'place');
  const next = { ...order, status: 'ON_HOLD' as const, heldFrom: order.status, holdReason: reason, holdKind: kind };
  return finish(ctx, order, next, {
    action: 'workOrder.hold',
    target: 'workOrder',
    reason,
    comment,
    events: [{ type: 'work-order.held', data: { ...summary(next), reason, kind, ...(comment ? { comment } : {}) } }],
  });
}

export function resumeWorkOrder(ctx: CommandContext, order: WorkOrderAggregate, comment?: string): CommandResult {
  assertWorkOrder('resume', order);
  assertMayHandleHold(order.holdKind ?? 'production', ctx.actor.roles, 'lift');
  // Quality holds are lifted with a reason, in the audit trail: the people who found the problem say why it is solved.
  if (order.holdKind === 'quality' && !comment?.trim()) {
    throw new ValidationError([{ pointer: '/body/comment', detail: 'say why the quality hold is lifted: it goes into the audit trail' }]);
  }
  const { heldFrom, holdReason: _, holdKind: _k, ...rest } = order;
  const next = { ...rest, status: heldFrom ?? 'RELEASED' };
  return finish(ctx, order, next, {
    action: 'workOrder.resume',
    target: 'workOrder',
    comment,
    events: [{ type: 'work-order.resumed', data: summary(next) }],
  });
}

export function cancelWorkOrder(ctx: CommandContext, order: WorkOrderAggregate, reason: string): CommandResult {
  assertWorkOrder('cancel', order);
  if (order.holdKind) assertMayHandleHold(order.holdKind, ctx.actor.roles, 'lift');
  const { heldFrom: _, holdReason: _r, holdKind: _k, ...rest } = order;
  const next = { ...rest, status: 'CANCELLED' as const, cancelledAt: ctx.now };
  return finish(ctx, order, next, {
    action: 'workOrder.cancel',
    target: 'workOrder',
    reason,
    events: [{ type: 'work-order.cancelled', data: { ...summary(next), reason } }],
  });
}

export function closeWorkOrder(ctx: CommandContext, order: WorkOrderAggregate, comment?: string): CommandResult {
  assertWorkOrder('close', order);
  const next = { ...order, status: 'CLOSED' as const, closedAt: ctx.now };
  return finish(ctx, order, next, {
    action: 'workOrder.close',
    target: 'workOrder',
    comment,
    events: [{ type: 'work-order.closed', data: summary(next) }],
  });
}

// ---------- Operation commands ----------

export const replaceOp = (order: WorkOrderAggregate, op: Operation) => order.operations.map((o) => (o.seq === op.seq ? op : o));

export function startOperation(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  seq: number,
  comment?: string,
  override?: QualificationOverrideRecord,
): CommandResult {
  const op = findOperation(order, seq);
  assertOperation('start', order, op);
  const started: Operation = {
    ...op,
    status: 'RUNNING',
    startedAt: ctx.now,
    startedBy: ctx.actor.userId,
    // Issue 18: a supervisor let it start without a qualification: who, why, what was missing.
    ...(override ? { qualificationOverride: override } : {}),
  };
  const firstStart = order.status === 'RELEASED';
  const next: WorkOrderAggregate = {
    ...order,
    status: 'IN_PROGRESS',
    ...(firstStart ? { startedAt: ctx.now } : {}),
    operations: replaceOp(order, started),
  };
  const events: Change['events'] = [];
  if (firstStart) events.push({ type: 'work-order.started', data: summary(next) });
  events.push({ type: 'operation.started', data: { ...summary(next), seq, name: op.name, workCenterId: op.workCenterId, by: ctx.actor.userId } });
  if (override)
    events.push({
      type: 'qualification.overridden',
      data: {
        ...summary(next),
        seq,
        name: op.name,
        by: ctx.actor.userId,
        overriddenBy: override.by,
        overriddenByName: override.byName,
        reason: override.reason,
        signatureId: override.signatureId,
        missing: override.missing,
      },
    });
  return finish(ctx, order, next, {
    action: 'operation.start',
    target: `operation/${seq}`,
    comment,
    ...(override ? { reason: `qualification override by ${override.byName} (${override.by}): ${override.reason}` } : {}),
    events,
  });
}

export function pauseOperation(ctx: CommandContext, order: WorkOrderAggregate, seq: number, reason: string, comment?: string): CommandResult {
  const op = findOperation(order, seq);
  assertOperation('pause', order, op);
  const paused: Operation = { ...op, status: 'PAUSED', pausedAt: ctx.now, pauseReason: reason };
  return finish(
    ctx,
    order,
    { ...order, operations: replaceOp(order, paused) },
    {
      action: 'operation.pause',
      target: `operation/${seq}`,
      reason,
      comment,
      events: [],
    },
  );
}

export function resumeOperation(ctx: CommandContext, order: WorkOrderAggregate, seq: number, comment?: string): CommandResult {
  const op = findOperation(order, seq);
  assertOperation('resume', order, op);
  const { pausedAt: _p, pauseReason: _r, ...rest } = op;
  const resumed: Operation = { ...rest, status: 'RUNNING' };
  return finish(
    ctx,
    order,
    { ...order, operations: replaceOp(order, resumed) },
    {
      action: 'operation.resume',
      target: `operation/${seq}`,
      comment,
      events: [],
    },
  );
}

/**
 * The most good quantity an operation may report in total, in whole units for a whole-unit
 * material (50 pumps + 5% is 52, not 52.5). `uom` defaults to the order's own.
 */
export function goodQuantityLimit(order: WorkOrderAggregate, seq: number, uom: string | undefined = order.uom): number {
  const rework = order.operations.find((o) => o.seq === seq)?.rework;
  // A rework operation passes on what it was given to rework; an operation of the flow, what the one before it passed.
  const flow = flowOf(order.operations);
  const index = flow.findIndex((o) => o.seq === seq);
  const base = rework ? rework.quantity : index <= 0 ? order.quantity : (flow[index - 1]?.goodQty ?? 0);
  return floorToUnit(round(base * (1 + order.overrunTolerancePct / 100)), uom);
}

/** Refuses a report's quantities that do not fit the unit (1.5 good pumps), each at its field. */
export function assertQuantitiesFit(report: { goodQty?: number | undefined; scrapQty?: number | undefined }, uom: string | undefined) {
  const errors: FieldError[] = [];
  for (const field of ['goodQty', 'scrapQty'] as const) {
    const quantity = report[field];
    const problem = quantity === undefined ? undefined : quantityProblem(quantity, uom);
    if (problem) errors.push({ pointer: `/body/${field}`, detail: problem });
  }
  if (errors.length) throw new UnitOfMeasureError(errors);
}

/** The order's totals follow its operations: produced is what the last one passed, scrapped is all scrap. */
export function withTotals(order: WorkOrderAggregate, operations: Operation[]): WorkOrderAggregate {
  const last = lastOfFlow(operations);
  return { ...order, operations, producedQty: last?.goodQty ?? 0, scrappedQty: round(operations.reduce((sum, o) => sum + o.scrapQty, 0)) };
}

/**
 * Makes what the order's last operation reported good of a tracked material (produce.ts): the
 * order with its `output`, and the `material.produced` event. The service builds it from what it
 * read (the material, the output lot, the numbers) and keeps the lots and serials it made.
 */
export type Producer = (
  next: WorkOrderAggregate,
  updated: Operation,
  goodBefore: number,
  goodDelta: number,
) => { next: WorkOrderAggregate; event: Change['events'][number] };

/** What a report does to lots and serials beside the order (issue 14): what it backflushed, and what it made. */
export interface ReportTracking {
  /** Consumed by backflush at this report: added to the operation's consumption before what it made is linked, each with its `material.consumed` event's data. */
  backflush?: { record: ConsumedMaterial; data: Record<string, unknown> }[] | undefined;
  producer?: Producer | undefined;
}

/** Applies a report's quantities and data to the operation and the order's totals, and what it backflushed and made. */
function applyReport(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  op: Operation,
  report: ReportOperation | CompleteOperation,
  uom: string | undefined,
  tracking: ReportTracking = {},
) {
  assertQuantitiesFit(report, uom);
  const goodQty = round(op.goodQty + report.goodQty);
  const limit = goodQuantityLimit(order, op.seq, uom);
  if (report.goodQty > 0 && goodQty > limit) {
    throw new QuantityRuleError(
      `operation ${op.seq} would have ${goodQty} good, more than the ${limit} it may pass on (what it was given plus ${order.overrunTolerancePct}% overrun tolerance)`,
    );
  }
  const scrapByReason = { ...op.scrapByReason };
  if (report.scrapQty > 0 && report.scrapReasonCode) {
    scrapByReason[report.scrapReasonCode] = round((scrapByReason[report.scrapReasonCode] ?? 0) + report.scrapQty);
  }
  const updated: Operation = {
    ...op,
    goodQty,
    scrapQty: round(op.scrapQty + report.scrapQty),
    scrapByReason,
    recordedData: report.data ? recordData(op, report.data, ctx) : op.recordedData,
    ...(tracking.backflush?.length ? { consumed: [...(op.consumed ?? []), ...tracking.backflush.map((b) => b.record)] } : {}),
  };
  let next = withTotals(order, replaceOp(order, updated));
  const reported = report.goodQty > 0 || report.scrapQty > 0;
  const isLast = lastOfFlow(order.operations)?.seq === op.seq;
  const { producer } = tracking;
  const made = isLast && producer && report.goodQty > 0 ? producer(next, updated, op.goodQty, report.goodQty) : undefined;
  if (made) next = made.next;
  const event: Change['events'][number] = {
    type: 'production.reported',
    data: {
      ...summary(next),
      seq: op.seq,
      workCenterId: op.workCenterId,
      goodQty: report.goodQty,
      scrapQty: report.scrapQty,
      ...(report.scrapReasonCode ? { scrapReasonCode: report.scrapReasonCode } : {}),
      operationGoodQty: updated.goodQty,
      operationScrapQty: updated.scrapQty,
      /** The audit record of this report: a later production.corrected names it as `corrects`. */
      recordVersion: order.version + 1,
      by: ctx.actor.userId,
    },
  };
  const events: Change['events'] = reported ? [event] : [];
  for (const b of tracking.backflush ?? []) events.push({ type: 'material.consumed', data: { ...summary(next), ...b.data } });
  if (made) events.push(made.event);
  return { next, updated, events };
}

/** `uom` is the order's unit; an order from before units were copied is given its material's. */
export function reportOperation(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  seq: number,
  report: ReportOperation,
  uom: string | undefined = order.uom,
  tracking?: ReportTracking,
): CommandResult {
  const op = findOperation(order, seq);
  assertOperation('report', order, op);
  const { next, events } = applyReport(ctx, order, op, report, uom, tracking);
  return finish(ctx, order, next, { action: 'operation.report', target: `operation/${seq}`, comment: report.comment, events });
}

/**
 * Completing with 0 good while the order still needs output passes nothing on: the next
 * operation could report nothing (its limit is this one's good). Done only on purpose; a
 * supervisor can reopen it (corrections.ts).
 */
function assertOutputConfirmed(order: WorkOrderAggregate, updated: Operation, input: CompleteOperation) {
  if (updated.goodQty > 0 || input.confirmNoOutput === true || order.producedQty >= order.quantity || updated.rework) return;
  const successor = flowSuccessor(order, updated.seq);
  const what = successor
    ? `nothing would pass to operation ${successor.seq}`
    : `the order would complete with ${order.producedQty} of ${order.quantity} made`;
  throw new ConfirmationRequiredError(
    '/body/confirmNoOutput',
    `operation ${updated.seq} has 0 good: ${what}. Confirm with confirmNoOutput: true, or report what was made`,
  );
}

/**
 * An operation does not complete while an inspection of it is due and unrecorded, or failed
 * (issue 15): counted with this completion's own report, which may make one due.
 */
function assertInspected(order: WorkOrderAggregate, op: Operation) {
  const outstanding = outstandingInspections(order, op);
  if (outstanding.length === 0) return;
  const what = outstanding.map((i) => `${i.planName} #${i.k} (${i.status})`).join(', ');
  throw new InspectionsOutstandingError(
    `operation ${op.seq} of work order ${order.id} cannot complete: ${outstanding.length === 1 ? 'an inspection is' : `${outstanding.length} inspections are`} due or failed: ${what}. Record them (a failed one: quality inspects it again)`,
    outstanding.map((i) => ({ id: i.id, planId: i.planId, k: i.k, status: i.status })),
  );
}

export function completeOperation(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  seq: number,
  input: CompleteOperation,
  uom: string | undefined = order.uom,
  tracking?: ReportTracking,
): CommandResult {
  const op = findOperation(order, seq);
  assertOperation('complete', order, op);
  const { next: reported, updated, events } = applyReport(ctx, order, op, input, uom, tracking);
  requireRecordedData(updated);
  assertInspected(reported, updated);
  assertOutputConfirmed(order, updated, input);
  assertConsumed(updated, updated.goodQty + updated.scrapQty);
  const { pausedAt: _p, pauseReason: _r, ...rest } = updated;
  const done: Operation = { ...rest, status: 'DONE', completedAt: ctx.now, completedBy: ctx.actor.userId };
  const successor = flowSuccessor(order, seq);
  let operations = replaceOp(reported, done);
  if (successor) operations = operations.map((o) => (o.seq === successor.seq ? { ...o, status: 'READY' as const } : o));
  // A rework operation is a side step: it readies nothing and completes nothing. The flow's last
  // operation completes the order only when no rework is left to do.
  const isLast = !op.rework && !successor;
  const openRework = isLast ? operations.find((o) => o.rework && o.status !== 'DONE') : undefined;
  if (openRework) {
    throw new IllegalTransitionError(
      `operation ${seq} is the order's last, but rework operation ${openRework.seq} (nonconformance ${openRework.rework?.nonconformanceId}) is not done: complete it first`,
    );
  }
  const next: WorkOrderAggregate = {
    ...reported,
    operations,
    ...(isLast ? { status: 'COMPLETED' as const, completedAt: ctx.now } : {}),
  };
  events.push({
    type: 'operation.completed',
    data: {
      ...summary(next),
      seq,
      workCenterId: op.workCenterId,
      goodQty: done.goodQty,
      scrapQty: done.scrapQty,
      scrapByReason: done.scrapByReason,
      recordVersion: order.version + 1,
      by: ctx.actor.userId,
    },
  });
  if (isLast) events.push({ type: 'work-order.completed', data: summary(next) });
  return finish(ctx, order, next, { action: 'operation.complete', target: `operation/${seq}`, comment: input.comment, events });
}

/**
 * The maintenance request state machine and its commands (issue 18, docs/maintenance.md). Pure:
 * each command is a function of the request read, its input, who acts and when; it checks every
 * rule first and throws before building anything, so a refused command writes nothing. Its
 * result is the request's next version with its audit record and outbox event, which
 * shared/db/maintenance-repository.ts writes in ONE transaction (with the downtime's link and
 * the unit's maintenance window, both derived from the request).
 */
import { type FieldError, IllegalTransitionError, MesError } from '../errors.ts';
import { diff } from '../work-order/diff.ts';
import type { Actor, AuditRecord, OutboxEvent } from '../work-order/model.ts';
import type {
  MaintenanceEventType,
  MaintenanceOrigin,
  MaintenancePart,
  MaintenancePlan,
  MaintenancePriority,
  MaintenanceRequest,
  MaintenanceRequestAggregate,
  MaintenanceStatus,
  MaintenanceWindow,
} from './model.ts';

export const MR_NUMBER_PATTERN = 'MR-{YYYY}-{SEQ:5}';

/** A maintenance rule the input breaks (a window that starts in the past, a request on a work center): 422 at the field. */
export class MaintenanceRuleError extends MesError {
  override readonly name = 'MaintenanceRuleError';
  readonly status = 422;
  readonly type = 'urn:mes:problem:maintenance-rule';
  readonly title = 'Not allowed for maintenance';
  override readonly errors: FieldError[];
  constructor(pointer: string, detail: string) {
    super(detail);
    this.errors = [{ pointer, detail }];
  }
}

/**
 * How far in the past a planned window may start: a few minutes (the plan made as the work
 * begins). An older start would turn time already gone (a breakdown, history) into planned
 * maintenance in OEE once the work starts.
 */
export const PLAN_START_GRACE_MS = 5 * 60_000;

export interface MrContext {
  tenantId: string;
  actor: Actor;
  now: string;
  newId: () => string;
}

/** A counter moved by a raise: the year's numbers from `from` (exclusive) to `to`. */
export interface MrCounterAdvance {
  year: string;
  from: number;
  to: number;
}

/** Everything one request command writes, in ONE transaction. */
export interface MaintenanceRequestWrite {
  before: MaintenanceRequestAggregate | undefined;
  after: MaintenanceRequestAggregate;
  audit: AuditRecord;
  events: OutboxEvent[];
  counter?: MrCounterAdvance | undefined;
  /** A plan's request: the plan moved on to this occurrence (conditioned on the plan's version read). */
  plan?: { before: MaintenancePlan; after: MaintenancePlan } | undefined;
}

// ---------- The state machine ----------

export const MR_ACTIONS = {
  plan: { from: ['open', 'planned', 'assigned'] },
  assign: { from: ['open', 'planned', 'assigned'] },
  start: { from: ['open', 'planned', 'assigned'] },
  complete: { from: ['in-progress'] },
  cancel: { from: ['open', 'planned', 'assigned', 'in-progress'] },
} as const satisfies Record<string, { from: readonly MaintenanceStatus[] }>;
export type MrAction = keyof typeof MR_ACTIONS;

export const canMr = (action: MrAction, request: Pick<MaintenanceRequest, 'status'>) =>
  (MR_ACTIONS[action].from as readonly string[]).includes(request.status);

const WORDS: Record<MrAction, string> = { plan: 'planned', assign: 'assigned', start: 'started', complete: 'completed', cancel: 'cancelled' };

/** Refuses an action the request's status does not allow, in plain words: what it is, and what to do instead. */
export function assertCanMr(action: MrAction, request: MaintenanceRequest): void {
  if (canMr(action, request)) return;
  const id = request.id;
  switch (request.status) {
    case 'completed':
      throw new IllegalTransitionError(`maintenance request ${id} is completed: it cannot be ${WORDS[action]} any more (raise a new request)`);
    case 'cancelled':
      throw new IllegalTransitionError(`maintenance request ${id} was cancelled: it cannot be ${WORDS[action]} any more (raise a new request)`);
    case 'in-progress':
      throw new IllegalTransitionError(
        action === 'start'
          ? `maintenance request ${id} is in progress already (started ${request.startedAt ?? ''} by ${request.startedBy ?? 'someone'})`
          : `maintenance request ${id} is in progress: the work has started, so it cannot be ${WORDS[action]} now; complete or cancel it`,
      );
    default:
      throw new IllegalTransitionError(`maintenance request ${id} has not started: start it before you complete it`);
  }
}

/** The actions its status allows now (roles are checked at the route). */
export const allowedMrActions = (request: Pick<MaintenanceRequest, 'status'>): MrAction[] =>
  (Object.keys(MR_ACTIONS) as MrAction[]).filter((a) => canMr(a, request));

// ---------- Audit, events ----------

const IGNORED = new Set(['updatedAt', 'updatedBy', 'version', 'eventSeq']);

/** What every event of a request carries (docs/maintenance.md "Webhook events"). */
export const mrSummary = (r: MaintenanceRequest, by: string) => ({
  maintenanceRequestId: r.id,
  status: r.status,
  equipmentId: r.equipmentId,
  ...(r.equipmentName !== undefined ? { equipmentName: r.equipmentName } : {}),
  problem: r.problem,
  priority: r.priority,
  origin: r.origin,
  ...(r.downtimeStart !== undefined ? { downtimeStart: r.downtimeStart } : {}),
  ...(r.planId !== undefined ? { planId: r.planId } : {}),
  ...(r.occurrence !== undefined ? { occurrence: r.occurrence } : {}),
  ...(r.plannedWindow !== undefined ? { plannedWindow: r.plannedWindow } : {}),
  ...(r.assigneeId !== undefined ? { assigneeId: r.assigneeId } : {}),
  ...(r.assigneeName !== undefined ? { assigneeName: r.assigneeName } : {}),
  version: r.version,
  by,
});

function finish(
  ctx: MrContext,
  before: MaintenanceRequestAggregate | undefined,
  next: MaintenanceRequest,
  step: { action: string; type: MaintenanceEventType; comment?: string | undefined; reason?: string | undefined; extra?: Record<string, unknown> },
): Pick<MaintenanceRequestWrite, 'before' | 'after' | 'audit' | 'events'> {
  const version = (before?.version ?? 0) + 1;
  const eventSeq = before?.eventSeq ?? 0;
  const after: MaintenanceRequestAggregate = { ...next, updatedAt: ctx.now, updatedBy: ctx.actor.userId, version, eventSeq: eventSeq + 1 };
  return {
    before,
    after,
    audit: {
      version,
      at: ctx.now,
      by: ctx.actor.userId,
      action: step.action,
      target: 'maintenance-request',
      ...(step.comment !== undefined ? { comment: step.comment } : {}),
      ...(step.reason !== undefined ? { reason: step.reason } : {}),
      changes: diff(before ?? {}, after, IGNORED),
    },
    events: [
      {
        id: ctx.newId(),
        type: step.type,
        schemaVersion: 1,
        occurredAt: ctx.now,
        tenantId: ctx.tenantId,
        maintenanceRequestId: after.id,
        sequence: eventSeq + 1,
        data: { ...mrSummary(after, ctx.actor.userId), ...step.extra },
      },
    ],
  };
}

// ---------- Raise ----------

export interface RaiseInput {
  id: string;
  equipmentId: string;
  equipmentName?: string | undefined;
  problem: string;
  priority: MaintenancePriority;
  origin: MaintenanceOrigin;
  downtimeStart?: string | undefined;
  planId?: string | undefined;
  occurrence?: number | undefined;
  counter?: MrCounterAdvance | undefined;
  plan?: { before: MaintenancePlan; after: MaintenancePlan } | undefined;
}

export function raiseRequest(ctx: MrContext, input: RaiseInput): MaintenanceRequestWrite {
  const next: MaintenanceRequest = {
    id: input.id,
    status: 'open',
    equipmentId: input.equipmentId,
    ...(input.equipmentName !== undefined ? { equipmentName: input.equipmentName } : {}),
    problem: input.problem,
    priority: input.priority,
    origin: input.origin,
    ...(input.downtimeStart !== undefined ? { downtimeStart: input.downtimeStart } : {}),
    ...(input.planId !== undefined ? { planId: input.planId, occurrence: input.occurrence } : {}),
    parts: [],
    raisedAt: ctx.now,
    raisedBy: ctx.actor.userId,
    raisedByName: ctx.actor.name,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version: 0,
  };
  return {
    ...finish(ctx, undefined, next, { action: 'maintenance.raise', type: 'maintenance-request.created' }),
    counter: input.counter,
    plan: input.plan,
  };
}

// ---------- Transitions ----------

export type MrStep =
  | { action: 'plan'; window: MaintenanceWindow; comment?: string | undefined }
  | { action: 'assign'; assigneeId: string; assigneeName?: string | undefined; comment?: string | undefined }
  | { action: 'start'; comment?: string | undefined }
  | { action: 'complete'; workDone: string; parts: MaintenancePart[]; laborMinutes?: number | undefined }
  | { action: 'cancel'; reason: string };

/** One step of the state machine, refused (409, in plain words) when the request's status does not allow it. */
export function transitionRequest(ctx: MrContext, before: MaintenanceRequestAggregate, step: MrStep): MaintenanceRequestWrite {
  assertCanMr(step.action, before);
  const { eventSeq: _, ...current } = before;
  switch (step.action) {
    case 'plan':
      if (Date.parse(step.window.start) < Date.parse(ctx.now) - PLAN_START_GRACE_MS) {
        throw new MaintenanceRuleError(
          '/body/start',
          `the window starts at ${step.window.start}, in the past: plan a window from now on (time already gone cannot be made planned maintenance)`,
        );
      }
      return finish(
        ctx,
        before,
        { ...current, status: current.assigneeId ? 'assigned' : 'planned', plannedWindow: step.window },
        { action: 'maintenance.plan', type: 'maintenance-request.planned', comment: step.comment },
      );
    case 'assign':
      return finish(
        ctx,
        before,
        {
          ...current,
          status: 'assigned',
          assigneeId: step.assigneeId,
          ...(step.assigneeName !== undefined ? { assigneeName: step.assigneeName } : { assigneeName: undefined }),
        },
        { action: 'maintenance.assign', type: 'maintenance-request.assigned', comment: step.comment },
      );
    case 'start':
      return finish(
        ctx,
        before,
        { ...current, status: 'in-progress', startedAt: ctx.now, startedBy: ctx.actor.userId },
        { action: 'maintenance.start', type: 'maintenance-request.started', comment: step.comment, extra: { startedAt: ctx.now } },
      );
    case 'complete': {
      const next: MaintenanceRequest = {
        ...current,
        status: 'completed',
        completedAt: ctx.now,
        completedBy: ctx.actor.userId,
        workDone: step.workDone,
        parts: step.parts,
        ...(step.laborMinutes !== undefined ? { laborMinutes: step.laborMinutes } : {}),
      };
      return finish(ctx, before, next, {
        action: 'maintenance.complete',
        type: 'maintenance-request.completed',
        extra: {
          ...(next.startedAt ? { startedAt: next.startedAt } : {}),
          completedAt: ctx.now,
          workDone: step.workDone,
          parts: step.parts,
          ...(step.laborMinutes !== undefined ? { laborMinutes: step.laborMinutes } : {}),
        },
      });
    }
    case 'cancel':
      return finish(
        ctx,
        before,
        { ...current, status: 'cancelled', cancelledAt: ctx.now, cancelledBy: ctx.actor.userId, cancelReason: step.reason },
        { action: 'maintenance.cancel', type: 'maintenance-request.cancelled', reason: step.reason, extra: { reason: step.reason } },
      );
  }
}

/**
 * The time a request took its unit out of production as PLANNED maintenance (OEE: no planned
 * production time): the planned window of a planned request once its work started (in progress,
 * completed, or cancelled after the start), up to its completion or cancellation when that came
 * before the window's end (the unit is back in production then). Undefined for an unplanned
 * request or one not started: its unit's stop is unplanned downtime.
 */
export function plannedMaintenanceInterval(
  r: Pick<MaintenanceRequest, 'plannedWindow' | 'startedAt' | 'completedAt' | 'cancelledAt'>,
): { start: number; end: number } | undefined {
  if (!r.plannedWindow || !r.startedAt) return undefined;
  const start = Date.parse(r.plannedWindow.start);
  const ended = r.completedAt ?? r.cancelledAt;
  const end = Math.min(Date.parse(r.plannedWindow.end), ended ? Date.parse(ended) : Number.POSITIVE_INFINITY);
  return end > start ? { start, end } : undefined;
}

/**
 * Preventive maintenance plans (issue 18, docs/maintenance.md "Preventive plans"). Pure: when a
 * plan falls due, and a plan's next version with its audit record.
 *
 * - Calendar: occurrence k (1, 2, ...) falls due at `start + (k - 1) × every × unit` (days and
 *   weeks of 24 h: across a daylight saving change the local hour moves by one). When several
 *   fell due since the last run (the job was down), one request is raised, for the latest.
 * - Counter: due when the unit counted `everyCycles` cycles (good + reject, from its telemetry
 *   counters) since `countFrom`, which is the plan's creation, then the time of each request it
 *   raised.
 * One request per occurrence: the request is written in the transaction that moves the plan to
 * that occurrence, conditioned on the plan's version read.
 */
import { diff } from '../work-order/diff.ts';
import type { Actor, AuditRecord } from '../work-order/model.ts';
import type { MaintenancePlan, MaintenancePlanInput, MaintenanceTrigger } from './model.ts';

const DAY_MS = 86_400_000;

export const periodMs = (t: Extract<MaintenanceTrigger, { kind: 'calendar' }>) => t.every * (t.unit === 'weeks' ? 7 : 1) * DAY_MS;

/** The calendar occurrence due at `now` (0: the start is still ahead). */
export function calendarOccurrenceAt(t: Extract<MaintenanceTrigger, { kind: 'calendar' }>, now: number): number {
  const start = Date.parse(t.start);
  if (now < start) return 0;
  return Math.floor((now - start) / periodMs(t)) + 1;
}

/** When occurrence `k` of a calendar trigger falls due. */
export const calendarDueAt = (t: Extract<MaintenanceTrigger, { kind: 'calendar' }>, k: number) =>
  new Date(Date.parse(t.start) + (k - 1) * periodMs(t)).toISOString();

/** The occurrence to raise a request for now, if any: a calendar plan's latest due one, a counter plan's next once its cycles are reached. */
export function dueOccurrence(plan: MaintenancePlan, now: number, cyclesSinceLast: number | undefined): number | undefined {
  if (!plan.active) return undefined;
  if (plan.trigger.kind === 'calendar') {
    const k = calendarOccurrenceAt(plan.trigger, now);
    return k > plan.lastOccurrence ? k : undefined;
  }
  return cyclesSinceLast !== undefined && cyclesSinceLast >= plan.trigger.everyCycles ? plan.lastOccurrence + 1 : undefined;
}

export interface PlanChange {
  before: MaintenancePlan | undefined;
  after: MaintenancePlan;
  audit: AuditRecord;
}

const IGNORED = new Set(['updatedAt', 'updatedBy', 'version']);

function withNextDue(plan: MaintenancePlan): MaintenancePlan {
  const { nextDueAt: _, ...rest } = plan;
  return plan.trigger.kind === 'calendar' ? { ...rest, nextDueAt: calendarDueAt(plan.trigger, plan.lastOccurrence + 1) } : rest;
}

/** Creates or changes a plan; what it raised so far (its occurrences) is kept, and a changed counter trigger counts on from where it was. */
export function putPlan(actor: Actor, now: string, id: string, input: MaintenancePlanInput, before: MaintenancePlan | undefined): PlanChange {
  const base: MaintenancePlan = {
    id,
    equipmentId: input.equipmentId,
    task: input.task,
    priority: input.priority ?? 'normal',
    trigger: input.trigger,
    active: input.active ?? true,
    lastOccurrence: before?.lastOccurrence ?? 0,
    ...(before?.lastRequestId ? { lastRequestId: before.lastRequestId } : {}),
    ...(before?.lastRaisedAt ? { lastRaisedAt: before.lastRaisedAt } : {}),
    ...(input.trigger.kind === 'counter' ? { countFrom: before?.countFrom ?? now } : {}),
    updatedAt: now,
    updatedBy: actor.userId,
    version: (before?.version ?? 0) + 1,
  };
  const after = withNextDue(base);
  return {
    before,
    after,
    audit: {
      version: after.version,
      at: now,
      by: actor.userId,
      action: before ? 'maintenance-plan.change' : 'maintenance-plan.create',
      target: 'maintenance-plan',
      changes: diff(before ?? {}, after, IGNORED),
    },
  };
}

/** The plan moved on to an occurrence it raised a request for (in the request's transaction). */
export function planRaised(plan: MaintenancePlan, occurrence: number, requestId: string, now: string): MaintenancePlan {
  return withNextDue({
    ...plan,
    lastOccurrence: occurrence,
    lastRequestId: requestId,
    lastRaisedAt: now,
    ...(plan.trigger.kind === 'counter' ? { countFrom: now } : {}),
    version: plan.version + 1,
    updatedAt: now,
  });
}

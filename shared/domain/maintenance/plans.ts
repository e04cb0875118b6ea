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

/** A counter plan's cycles toward its next request: those carried over from the last plus those counted since `countFrom`. */
export const cyclesTowardNext = (plan: MaintenancePlan, countedSinceCountFrom: number) => (plan.carriedCycles ?? 0) + countedSinceCountFrom;

/**
 * The occurrence to raise a request for now, if any: a calendar plan's latest due one, a counter
 * plan's next once its cycles are reached (`cyclesSinceLast`: cyclesTowardNext, carried included).
 */
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

const sameTrigger = (a: MaintenanceTrigger, b: MaintenanceTrigger) =>
  a.kind === 'calendar' && b.kind === 'calendar'
    ? a.every === b.every && a.unit === b.unit && Date.parse(a.start) === Date.parse(b.start)
    : a.kind === b.kind && (a.kind !== 'counter' || b.kind !== 'counter' || a.everyCycles === b.everyCycles);

/**
 * The last occurrence a changed plan counts as raised. Unchanged trigger: as it was. A changed
 * calendar trigger is re-based on the new one: every occurrence due by the last request (none
 * when it never raised one) counts as raised, so the next is the first due after it (not the
 * old count read against the new period: a weekly plan made fortnightly would wait months).
 */
function lastOccurrenceOf(trigger: MaintenanceTrigger, before: MaintenancePlan | undefined): number {
  if (!before) return 0;
  if (sameTrigger(before.trigger, trigger) || trigger.kind !== 'calendar') return before.lastOccurrence;
  return before.lastRaisedAt ? calendarOccurrenceAt(trigger, Date.parse(before.lastRaisedAt)) : 0;
}

/**
 * Where a counter plan counts from: kept when it counted this unit's cycles before (a changed
 * everyCycles counts the cycles since the last request, which wore the unit as much); from now
 * when it counts a different unit, or was a calendar plan.
 */
function counterBase(
  now: string,
  input: MaintenancePlanInput,
  before: MaintenancePlan | undefined,
): Pick<MaintenancePlan, 'countFrom' | 'carriedCycles'> {
  const counted = before?.trigger.kind === 'counter' && before.equipmentId === input.equipmentId && before.countFrom;
  return counted ? { countFrom: before.countFrom, ...(before.carriedCycles ? { carriedCycles: before.carriedCycles } : {}) } : { countFrom: now };
}

/** Creates or changes a plan; what it raised so far is kept, re-based on a changed trigger or unit (lastOccurrenceOf, counterBase). */
export function putPlan(actor: Actor, now: string, id: string, input: MaintenancePlanInput, before: MaintenancePlan | undefined): PlanChange {
  const base: MaintenancePlan = {
    id,
    equipmentId: input.equipmentId,
    task: input.task,
    priority: input.priority ?? 'normal',
    trigger: input.trigger,
    active: input.active ?? true,
    lastOccurrence: lastOccurrenceOf(input.trigger, before),
    ...(before?.lastRequestId ? { lastRequestId: before.lastRequestId } : {}),
    ...(before?.lastRaisedAt ? { lastRaisedAt: before.lastRaisedAt } : {}),
    ...(input.trigger.kind === 'counter' ? counterBase(now, input, before) : {}),
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

/**
 * The plan moved on to an occurrence it raised a request for (in the request's transaction). A
 * counter plan counts again from now, carrying the cycles past `everyCycles` (`cyclesSinceLast`,
 * carried included) into the next count, so none is dropped; beyond a whole further period (the
 * job was down) only the remainder carries, as a calendar plan raises once for several due.
 */
export function planRaised(plan: MaintenancePlan, occurrence: number, requestId: string, now: string, cyclesSinceLast?: number): MaintenancePlan {
  const trigger = plan.trigger;
  return withNextDue({
    ...plan,
    lastOccurrence: occurrence,
    lastRequestId: requestId,
    lastRaisedAt: now,
    ...(trigger.kind === 'counter'
      ? { countFrom: now, carriedCycles: Math.max(0, (cyclesSinceLast ?? trigger.everyCycles) - trigger.everyCycles) % trigger.everyCycles }
      : {}),
    version: plan.version + 1,
    updatedAt: now,
  });
}

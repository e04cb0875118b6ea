/**
 * Maintenance (issue 18, docs/maintenance.md): requests on a unit (raised by a person, from a
 * downtime event, or by a preventive plan when due) and the preventive plans. The domain owns
 * these types; shared/api/maintenance-schemas.ts validates the wire against them. Pure.
 *
 *   open ─plan─> planned ─assign─> assigned ─start─> in-progress ─complete─> completed
 *     └──────────assign──────────────┘  (plan, assign again: before the start)
 *   open | planned | assigned ─start─> in-progress
 *   any but completed and cancelled ─cancel (reason)─> cancelled
 */
import type { AuditRecord } from '../work-order/model.ts';

export const MAINTENANCE_STATUSES = ['open', 'planned', 'assigned', 'in-progress', 'completed', 'cancelled'] as const;
export type MaintenanceStatus = (typeof MAINTENANCE_STATUSES)[number];
/** The statuses of the queue: everything not done. */
export const ACTIVE_MAINTENANCE_STATUSES = ['open', 'planned', 'assigned', 'in-progress'] as const satisfies readonly MaintenanceStatus[];

/** Most urgent first: the queue sorts by this order, then by age. */
export const MAINTENANCE_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type MaintenancePriority = (typeof MAINTENANCE_PRIORITIES)[number];

/** Where a request came from: a person, a downtime event of its unit, a preventive plan. */
export const MAINTENANCE_ORIGINS = ['person', 'downtime', 'plan'] as const;
export type MaintenanceOrigin = (typeof MAINTENANCE_ORIGINS)[number];

/** The outbound webhook events of requests (docs/maintenance.md "Webhook events"), on the request's own outbox. */
export const MAINTENANCE_EVENT_TYPES = [
  'maintenance-request.created',
  'maintenance-request.planned',
  'maintenance-request.assigned',
  'maintenance-request.started',
  'maintenance-request.completed',
  'maintenance-request.cancelled',
] as const;
export type MaintenanceEventType = (typeof MAINTENANCE_EVENT_TYPES)[number];
export const isMaintenanceEventType = (type: string): type is MaintenanceEventType => (MAINTENANCE_EVENT_TYPES as readonly string[]).includes(type);

/** A part used by the work: a material, how much (in its unit), and the lot when known. */
export interface MaintenancePart {
  materialId: string;
  materialName?: string | undefined;
  quantity: number;
  uom?: string | undefined;
  lotId?: string | undefined;
}

export interface MaintenanceWindow {
  start: string;
  end: string;
}

export interface MaintenanceRequest {
  /** `MR-{YYYY}-{SEQ:5}`, numbered per tenant and year. */
  id: string;
  status: MaintenanceStatus;
  equipmentId: string;
  equipmentName?: string | undefined;
  /** What is wrong (a plan's request: the plan's task). */
  problem: string;
  priority: MaintenancePriority;
  origin: MaintenanceOrigin;
  /** Raised from a downtime event: the stop's identity (`stopStart` of GET /v1/equipment/{id}/downtime) on the request's unit. */
  downtimeStart?: string | undefined;
  /** Raised by a preventive plan: the plan and which of its due occurrences (1, 2, ...). */
  planId?: string | undefined;
  occurrence?: number | undefined;
  /** Planned: the window the unit is taken out of production for it (planned maintenance in OEE). */
  plannedWindow?: MaintenanceWindow | undefined;
  /** Who is to do it: a personnel id and the name then. */
  assigneeId?: string | undefined;
  assigneeName?: string | undefined;
  startedAt?: string | undefined;
  startedBy?: string | undefined;
  completedAt?: string | undefined;
  completedBy?: string | undefined;
  /** What was done (on completion). */
  workDone?: string | undefined;
  parts: MaintenancePart[];
  laborMinutes?: number | undefined;
  cancelledAt?: string | undefined;
  cancelledBy?: string | undefined;
  cancelReason?: string | undefined;
  raisedAt: string;
  raisedBy: string;
  raisedByName: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

/** As stored: with its outbox sequence counter. */
export interface MaintenanceRequestAggregate extends MaintenanceRequest {
  eventSeq: number;
}

export interface MaintenanceRequestDetail extends MaintenanceRequest {
  history: AuditRecord[];
}

/** POST /v1/maintenance-requests. */
export interface RaiseMaintenanceRequest {
  equipmentId: string;
  problem: string;
  priority?: MaintenancePriority | undefined;
  /** The downtime event it comes from: its `stopStart` on this unit. */
  downtimeStart?: string | undefined;
}

export interface PlanMaintenanceRequest {
  start: string;
  end: string;
  comment?: string | undefined;
}
export interface AssignMaintenanceRequest {
  assigneeId: string;
  comment?: string | undefined;
}
export interface StartMaintenanceRequest {
  comment?: string | undefined;
}
export interface CompleteMaintenanceRequest {
  workDone: string;
  parts?: { materialId: string; quantity: number; lotId?: string | undefined }[] | undefined;
  laborMinutes?: number | undefined;
}
export interface CancelMaintenanceRequest {
  reason: string;
}

// ---------- Preventive plans ----------

export const CALENDAR_UNITS = ['days', 'weeks'] as const;
export type CalendarUnit = (typeof CALENDAR_UNITS)[number];

/** Every N days or weeks from a start (the first occurrence is the start itself), or every N cycles the unit counts. */
export type MaintenanceTrigger = { kind: 'calendar'; every: number; unit: CalendarUnit; start: string } | { kind: 'counter'; everyCycles: number };

export interface MaintenancePlan {
  id: string;
  equipmentId: string;
  task: string;
  priority: MaintenancePriority;
  trigger: MaintenanceTrigger;
  active: boolean;
  /** The last due occurrence a request was raised for (0: none yet). */
  lastOccurrence: number;
  lastRequestId?: string | undefined;
  lastRaisedAt?: string | undefined;
  /** Counter plans: cycles count from here (the plan's creation, then each request it raised). */
  countFrom?: string | undefined;
  /** Counter plans: cycles counted before `countFrom` that count toward the next request (the remainder past the last one's `everyCycles`). */
  carriedCycles?: number | undefined;
  /** Calendar plans: when the next occurrence falls due. */
  nextDueAt?: string | undefined;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

/** PUT /v1/maintenance-plans/{id}. */
export interface MaintenancePlanInput {
  equipmentId: string;
  task: string;
  priority?: MaintenancePriority | undefined;
  trigger: MaintenanceTrigger;
  active?: boolean | undefined;
}

/** A plan with, for a counter plan, the cycles counted so far (GET /v1/maintenance-plans/{id}). */
export interface MaintenancePlanView extends MaintenancePlan {
  cyclesSinceLast?: number | undefined;
}

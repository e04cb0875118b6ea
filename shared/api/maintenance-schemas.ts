/**
 * The wire contract of maintenance (issue 18, docs/maintenance.md): requests, their transitions
 * and the preventive plans. Each output schema is checked at compile time to parse to exactly
 * its domain type (shared/domain/maintenance/model.ts).
 */
import * as z from 'zod/mini';
import {
  CALENDAR_UNITS,
  MAINTENANCE_ORIGINS,
  MAINTENANCE_PRIORITIES,
  MAINTENANCE_STATUSES,
  type MaintenancePlan,
  type MaintenancePlanView,
  type MaintenanceRequest,
  type MaintenanceRequestDetail,
} from '../domain/maintenance/model.ts';
import { AuditRecordSchema, IdSchema, PageQuerySchema, PositiveQuantity, Text, Timestamp, meta } from './schemas.ts';

const Comment = z.optional(z.string().check(z.maxLength(2000)));

export const MaintenancePartSchema = z.object({
  materialId: z.string(),
  materialName: z.optional(z.string()),
  quantity: z.number(),
  uom: z.optional(z.string()),
  lotId: z.optional(z.string()),
});

export const MaintenanceWindowSchema = z.object({ start: Timestamp, end: Timestamp });

const RequestShape = {
  id: z.string(),
  status: z.enum(MAINTENANCE_STATUSES),
  equipmentId: z.string(),
  equipmentName: z.optional(z.string()),
  problem: z.string(),
  priority: z.enum(MAINTENANCE_PRIORITIES),
  origin: z.enum(MAINTENANCE_ORIGINS),
  downtimeStart: z.optional(Timestamp),
  planId: z.optional(z.string()),
  occurrence: z.optional(z.int()),
  plannedWindow: z.optional(MaintenanceWindowSchema),
  assigneeId: z.optional(z.string()),
  assigneeName: z.optional(z.string()),
  startedAt: z.optional(Timestamp),
  startedBy: z.optional(z.string()),
  completedAt: z.optional(Timestamp),
  completedBy: z.optional(z.string()),
  workDone: z.optional(z.string()),
  parts: z.array(MaintenancePartSchema),
  laborMinutes: z.optional(z.number()),
  cancelledAt: z.optional(Timestamp),
  cancelledBy: z.optional(z.string()),
  cancelReason: z.optional(z.string()),
  raisedAt: Timestamp,
  raisedBy: z.string(),
  raisedByName: z.string(),
  updatedAt: Timestamp,
  updatedBy: z.string(),
  version: z.int(),
};

export const MaintenanceRequestSchema = meta(
  z.object(RequestShape),
  'MaintenanceRequest',
  'A maintenance request on a unit: what is wrong, how urgent, where it came from (a person, a downtime event, a preventive plan), its planned window, who does it, and the work done with parts and time.',
);

export const MaintenanceRequestDetailSchema = meta(
  z.object({ ...RequestShape, history: z.array(AuditRecordSchema) }),
  'MaintenanceRequestDetail',
  'A maintenance request with its audit trail, oldest first.',
);

export const RaiseMaintenanceRequestSchema = meta(
  z.strictObject({
    /** The unit (equipment id). */
    equipmentId: IdSchema,
    /** What is wrong, in plain words. */
    problem: Text(2000),
    /** Default normal. */
    priority: z.optional(z.enum(MAINTENANCE_PRIORITIES)),
    /** The downtime event it comes from: its `stopStart` as GET /v1/equipment/{id}/downtime lists it. */
    downtimeStart: z.optional(Timestamp),
  }),
  'RaiseMaintenanceRequest',
  'Raise a maintenance request on a unit, optionally from one of its downtime events (linked both ways).',
);

export const PlanMaintenanceRequestSchema = meta(
  z
    .strictObject({ start: Timestamp, end: Timestamp, comment: Comment })
    .check(z.refine((b) => Date.parse(b.end) > Date.parse(b.start), { message: 'must be after start', path: ['end'] })),
  'PlanMaintenanceRequest',
  'Plan the request: the window the unit is taken out of production for it (planned maintenance, not an availability loss in OEE).',
);

export const AssignMaintenanceRequestSchema = meta(
  z.strictObject({ assigneeId: IdSchema, comment: Comment }),
  'AssignMaintenanceRequest',
  'Assign the request to a person (a personnel id).',
);

export const StartMaintenanceRequestSchema = meta(z.strictObject({ comment: Comment }), 'StartMaintenanceRequest', 'Start the work.');

export const CompleteMaintenanceRequestSchema = meta(
  z.strictObject({
    workDone: Text(4000),
    parts: z.optional(
      z.array(z.strictObject({ materialId: IdSchema, quantity: PositiveQuantity, lotId: z.optional(IdSchema) })).check(z.maxLength(50)),
    ),
    laborMinutes: z.optional(z.number().check(z.gte(0), z.lte(100_000))),
  }),
  'CompleteMaintenanceRequest',
  'Complete the work: what was done, the parts used (materials and quantities) and the labor minutes.',
);

export const CancelMaintenanceRequestSchema = meta(
  z.strictObject({ reason: Text(2000) }),
  'CancelMaintenanceRequest',
  'Cancel the request, with a reason.',
);

export const ListMaintenanceRequestsQuerySchema = z.strictObject({
  ...PageQuerySchema.shape,
  /** Absent: the queue, every request not completed or cancelled (urgent first, then oldest first). */
  status: z.optional(z.enum(MAINTENANCE_STATUSES)),
  equipmentId: z.optional(IdSchema),
});

// ---------- Plans ----------

export const MaintenanceTriggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('calendar'),
    every: z.int().check(z.gte(1), z.lte(3650)),
    unit: z.enum(CALENDAR_UNITS),
    /** The first occurrence; then every `every` `unit`s. */
    start: Timestamp,
  }),
  z.strictObject({ kind: z.literal('counter'), everyCycles: z.int().check(z.gte(1), z.lte(1_000_000_000)) }),
]);

const PlanShape = {
  id: z.string(),
  equipmentId: z.string(),
  task: z.string(),
  priority: z.enum(MAINTENANCE_PRIORITIES),
  trigger: MaintenanceTriggerSchema,
  active: z.boolean(),
  lastOccurrence: z.int(),
  lastRequestId: z.optional(z.string()),
  lastRaisedAt: z.optional(Timestamp),
  countFrom: z.optional(Timestamp),
  carriedCycles: z.optional(z.int()),
  nextDueAt: z.optional(Timestamp),
  updatedAt: Timestamp,
  updatedBy: z.string(),
  version: z.int(),
};

export const MaintenancePlanSchema = meta(
  z.object(PlanShape),
  'MaintenancePlan',
  'A preventive maintenance plan: a unit, a task, and a trigger by calendar (every N days or weeks from a start) or by counter (every N cycles the unit counts).',
);

export const MaintenancePlanViewSchema = meta(
  z.object({ ...PlanShape, cyclesSinceLast: z.optional(z.number()) }),
  'MaintenancePlanView',
  'A preventive maintenance plan with, for a counter plan, the cycles counted since its last request (or its creation).',
);

export const MaintenancePlanInputSchema = meta(
  z.strictObject({
    equipmentId: IdSchema,
    task: Text(2000),
    priority: z.optional(z.enum(MAINTENANCE_PRIORITIES)),
    trigger: MaintenanceTriggerSchema,
    /** Default true; false stops it raising requests. */
    active: z.optional(z.boolean()),
  }),
  'MaintenancePlanInput',
  'Create or change a preventive maintenance plan (If-Match: the version read, to change one).',
);

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Matches<S extends z.ZodMiniType, Model extends Same<z.output<S>, Model> extends true ? unknown : never> = [S, Model];
/** Each wire schema against the domain type it carries. */
export type MaintenanceModelMatchesWire = [
  Matches<typeof MaintenanceRequestSchema, MaintenanceRequest>,
  Matches<typeof MaintenanceRequestDetailSchema, MaintenanceRequestDetail>,
  Matches<typeof MaintenancePlanSchema, MaintenancePlan>,
  Matches<typeof MaintenancePlanViewSchema, MaintenancePlanView>,
];

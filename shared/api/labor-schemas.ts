/**
 * The wire contract of labor (issue 18; docs/labor.md): clock on and off operations and
 * indirect activities, and the reads that split a person's time fairly.
 */
import * as z from 'zod/mini';
import { LABOR_KINDS, MAX_CREW, MAX_INDIRECT_CREW } from '../domain/labor/model.ts';
import { IdSchema, MissingQualificationSchema, meta, QualificationOverrideSchema, Timestamp } from './schemas.ts';

const crewOf = (max: number) =>
  z.optional(z.array(IdSchema).check(z.minLength(1, 'name at least one person, or leave personnelIds out to clock yourself'), z.maxLength(max)));
const Crew = crewOf(MAX_CREW);
const Kind = z.enum(LABOR_KINDS);
const Minutes = z.number();

export const ClockOnSchema = meta(
  z.strictObject({
    /** A crew clocked on together by a supervisor or admin; absent: the caller. */
    personnelIds: Crew,
    /** Absent: setup on a READY operation, rework on a rework operation, else run. */
    kind: z.optional(Kind),
    qualificationOverride: z.optional(QualificationOverrideSchema),
  }),
  'ClockOn',
  'Clock on an operation: the caller, or a crew named by a supervisor. A READY operation takes setup only.',
);
export const ClockOffSchema = meta(
  z.strictObject({ personnelIds: Crew }),
  'ClockOff',
  "Clock off: ends each person's open entry on the operation (or their indirect activity).",
);
export const IndirectClockOnSchema = meta(
  z.strictObject({
    /** A code of the plant's indirect activity list (GET /v1/reason-lists/indirect). */
    reasonCode: IdSchema,
    personnelIds: crewOf(MAX_INDIRECT_CREW),
  }),
  'IndirectClockOn',
  'Clock on an indirect activity (cleaning, training, waiting for material, a meeting) with a reason; an open one ends.',
);

export const LaborEntrySchema = meta(
  z.object({
    entryId: z.string(),
    personnelId: z.string(),
    personName: z.string(),
    workOrderId: z.optional(z.string()),
    seq: z.optional(z.int()),
    operationName: z.optional(z.string()),
    materialName: z.optional(z.string()),
    kind: z.optional(Kind),
    reasonCode: z.optional(z.string()),
    reasonName: z.optional(z.string()),
    startedAt: z.string(),
    startedBy: z.string(),
    endedAt: z.optional(z.string()),
    endedBy: z.optional(z.string()),
    endReason: z.optional(z.string()),
    overriddenBy: z.optional(z.string()),
    overrideReason: z.optional(z.string()),
    overrideSignatureId: z.optional(z.string()),
    overrideMissing: z.optional(z.array(MissingQualificationSchema)),
  }),
  'LaborEntry',
  "One stretch of a person's time, on an operation or an indirect activity; open while it has no endedAt.",
);

export const LaborStatusSchema = meta(
  z.object({ people: z.array(z.object({ personnelId: z.string(), personName: z.string(), open: z.array(LaborEntrySchema) })) }),
  'LaborStatus',
  'Each person the command moved, and what they are on now.',
);

export const PersonLaborQuerySchema = z.strictObject({ from: z.optional(Timestamp), to: z.optional(Timestamp) });

export const PersonLaborSchema = meta(
  z.object({
    personnelId: z.string(),
    personName: z.string(),
    from: z.string(),
    to: z.string(),
    open: z.array(LaborEntrySchema),
    /** Entries in the window, each with its fair share (`minutes`). */
    entries: z.array(z.object({ ...LaborEntrySchema.shape, minutes: Minutes })),
    operations: z.array(
      z.object({
        workOrderId: z.optional(z.string()),
        seq: z.optional(z.int()),
        operationName: z.optional(z.string()),
        kind: z.optional(Kind),
        minutes: Minutes,
      }),
    ),
    indirect: z.array(z.object({ reasonCode: z.optional(z.string()), reasonName: z.optional(z.string()), minutes: Minutes })),
    /** Per shift of the plant's calendar (`{date} {name}`); null: time outside every shift. */
    shifts: z.array(z.object({ shift: z.nullable(z.string()), minutes: Minutes, directMinutes: Minutes, indirectMinutes: Minutes })),
    totalMinutes: Minutes,
  }),
  'PersonLabor',
  "A person's labor in a window: entries and totals per order, operation and kind, indirect by reason and per shift, with the fair split applied (while on N things at once, each minute counts 1/N to each).",
);

export const WorkOrderLaborSchema = meta(
  z.object({
    workOrderId: z.string(),
    quantity: z.number(),
    operations: z.array(
      z.object({
        seq: z.int(),
        name: z.string(),
        status: z.string(),
        standardSetupMinutes: Minutes,
        standardRunMinutes: Minutes,
        actualSetupMinutes: Minutes,
        actualRunMinutes: Minutes,
        actualReworkMinutes: Minutes,
        onNow: z.array(z.object({ personnelId: z.string(), personName: z.string(), kind: Kind, since: z.string() })),
        people: z.array(
          z.object({ personnelId: z.string(), personName: z.string(), setupMinutes: Minutes, runMinutes: Minutes, reworkMinutes: Minutes }),
        ),
      }),
    ),
  }),
  'WorkOrderLabor',
  "An order's labor per operation and person, split by kind (fair split applied), against the standard: the routing's setup time, and its standard time per unit times the quantity.",
);

export const ActiveLaborSchema = meta(
  z.object({
    people: z.array(
      z.object({
        personnelId: z.string(),
        personName: z.string(),
        on: z.array(
          z.object({
            entryId: z.string(),
            since: z.string(),
            workOrderId: z.optional(z.string()),
            seq: z.optional(z.int()),
            kind: z.optional(Kind),
            operationName: z.optional(z.string()),
            materialName: z.optional(z.string()),
            workCenterId: z.optional(z.string()),
            reasonCode: z.optional(z.string()),
            reasonName: z.optional(z.string()),
          }),
        ),
      }),
    ),
  }),
  'ActiveLabor',
  'Everyone clocked on now: on which order and operation (with names) or indirect activity, since when.',
);

export type LaborEntryView = z.infer<typeof LaborEntrySchema>;
export type PersonLabor = z.infer<typeof PersonLaborSchema>;
export type WorkOrderLabor = z.infer<typeof WorkOrderLaborSchema>;
export type ActiveLabor = z.infer<typeof ActiveLaborSchema>;

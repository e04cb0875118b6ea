/**
 * The wire contract of inspections (issue 15, docs/quality.md): what is due at an order's
 * operations, the recorded results, and the request that records one. Inspection plans are
 * master data (schemas.ts, InspectionPlanSchema). Each output schema is checked at compile time
 * to parse to exactly its domain type (shared/domain/quality/inspections.ts).
 */
import * as z from 'zod/mini';
import { AQL_VALUES, CODE_LETTERS } from '../domain/quality/aql.ts';
import { CHARACTERISTIC_KINDS, MAX_CHARACTERISTICS, SAMPLING_KINDS } from '../domain/quality/inspection-plans.ts';
import { INSPECTION_STATUSES } from '../domain/quality/inspections.ts';
import type * as qi from '../domain/quality/inspections.ts';
import type { AqlPlan } from '../domain/quality/aql.ts';
import { CharacteristicSchema, MeasuredValue, Text, Timestamp, meta } from './schemas.ts';

/** `{workOrderId}~{seq}~{planId}~{k}`: the k-th inspection of a plan at an order's operation. */
export const InspectionIdSchema = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}~[1-9]\d{0,3}~[A-Za-z0-9][A-Za-z0-9._-]{0,63}~[1-9]\d{0,6}$/,
      'must be {workOrderId}~{seq}~{planId}~{k}, as the due list gives it',
    ),
  );
export const InspectionParamsSchema = z.object({ id: InspectionIdSchema });

export const AqlPlanSchema = meta(
  z.object({
    aql: z.literal(AQL_VALUES),
    lotSize: z.int(),
    codeLetter: z.enum(CODE_LETTERS),
    planLetter: z.enum(CODE_LETTERS),
    sampleSize: z.int(),
    ac: z.int(),
    re: z.int(),
    hundredPercent: z.boolean(),
  }),
  'AqlPlan',
  'The ISO 2859-1 single sampling plan for normal inspection, general inspection level II: Table 1 code letter of the lot size, the Table 2-A plan the arrows lead to, sample size, acceptance (Ac) and rejection (Re) numbers; a sample size at least the lot is 100 % inspection.',
);

export const CharacteristicResultSchema = z.object({
  characteristicId: z.string(),
  kind: z.enum(CHARACTERISTIC_KINDS),
  values: z.optional(z.array(z.number())),
  defectives: z.int(),
  defects: z.optional(z.array(z.object({ code: z.string(), count: z.int() }))),
  passed: z.boolean(),
});

export const InspectionRecordSchema = meta(
  z.object({
    inspectionId: z.string(),
    attempt: z.int(),
    workOrderId: z.string(),
    seq: z.int(),
    planId: z.string(),
    planVersion: z.int(),
    k: z.int(),
    lotId: z.optional(z.string()),
    sampleSize: z.int(),
    aql: z.optional(AqlPlanSchema),
    characteristics: z.array(CharacteristicResultSchema),
    defectiveUnits: z.int(),
    passed: z.boolean(),
    recordedAt: Timestamp,
    recordedBy: z.string(),
    reason: z.optional(z.string()),
    comment: z.optional(z.string()),
  }),
  'InspectionRecord',
  "One attempt at an inspection: who, when, the values or defectives per characteristic and the server's pass/fail. Never changed; a failed one stands.",
);

export const InspectionSchema = meta(
  z.object({
    id: z.string(),
    workOrderId: z.string(),
    seq: z.int(),
    planId: z.string(),
    planVersion: z.int(),
    planName: z.string(),
    k: z.int(),
    status: z.enum(INSPECTION_STATUSES),
    sampling: z.enum(SAMPLING_KINDS),
    dueAtQty: z.optional(z.number()),
    lotId: z.optional(z.string()),
    sampleSize: z.int(),
    aql: z.optional(AqlPlanSchema),
    characteristics: z.array(CharacteristicSchema),
    attempts: z.optional(z.int()),
    results: z.optional(z.array(InspectionRecordSchema)),
  }),
  'Inspection',
  'One inspection of an operation: the characteristics with their spec limits, the sample size, and its status (upcoming: falls due at dueAtQty units made; due; passed; failed), with its recorded attempts when read.',
);

export const WorkOrderInspectionsSchema = meta(
  z.object({ workOrderId: z.string(), inspections: z.array(InspectionSchema) }),
  'WorkOrderInspections',
  "The inspections of an order's operations, in operation order: recorded, due, and the next upcoming one of each plan.",
);

export const WorkOrderInspectionsQuerySchema = z.strictObject({
  /** Only this operation's. */
  seq: z.optional(z.coerce.number().check(z.int(), z.positive(), z.lte(9999))),
  /** `false`: without the recorded attempts (one read instead of two). Default true. */
  results: z.optional(z.enum(['true', 'false'])),
});

export const RecordInspectionSchema = meta(
  z.object({
    results: z
      .array(
        z.object({
          characteristicId: z.string().check(z.minLength(1), z.maxLength(64)),
          /** Variable: exactly one value per unit of the sample (sampleSize of them). */
          values: z.optional(z.array(MeasuredValue).check(z.minLength(1), z.maxLength(2000))),
          /** Attribute: units of the sample that fail it. */
          defectives: z.optional(z.int().check(z.gte(0), z.lte(2000))),
          /** Attribute: the defects seen, by the plan's codes. */
          defects: z.optional(z.array(z.object({ code: Text(50), count: z.int().check(z.positive(), z.lte(1_000_000)) })).check(z.maxLength(50))),
        }),
      )
      .check(z.minLength(1), z.maxLength(MAX_CHARACTERISTICS)),
    /** Required to inspect a failed inspection again (quality or admin). */
    reason: z.optional(Text(500)),
    comment: z.optional(z.string().check(z.maxLength(2000))),
  }),
  'RecordInspection',
  "An inspection's results, one per characteristic of its plan: values for a variable one (exactly the sample size), defectives and defect codes for an attribute one. The server decides pass/fail.",
);

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Matches<S extends z.ZodMiniType, Model extends Same<z.output<S>, Model> extends true ? unknown : never> = [S, Model];
/** Each wire schema against the domain type it carries. */
export type InspectionModelMatchesWire = [
  Matches<typeof AqlPlanSchema, AqlPlan>,
  Matches<typeof InspectionRecordSchema, qi.InspectionRecord>,
  Matches<typeof InspectionSchema, qi.Inspection>,
  Matches<typeof RecordInspectionSchema, qi.RecordInspection>,
];

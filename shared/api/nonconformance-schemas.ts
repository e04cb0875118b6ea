/**
 * The wire contract of nonconformances (issue 15, docs/quality.md "Nonconformances"): the
 * nonconformance, its history, and the requests that report and disposition one. Each output
 * schema is checked at compile time to parse to exactly its domain type
 * (shared/domain/quality/nonconformance-model.ts).
 */
import * as z from 'zod/mini';
import {
  DISPOSITIONS,
  HELD_KINDS,
  HOLD_ENDINGS,
  HOLD_OUTCOMES,
  NONCONFORMANCE_STATUSES,
  type Nonconformance,
  type NonconformanceDetail,
} from '../domain/quality/nonconformance-model.ts';
import { AuditRecordSchema, IdSchema, PageQuerySchema, PositiveQuantity, Quantity, Text, Timestamp, meta } from './schemas.ts';

const Comment = z.optional(z.string().check(z.maxLength(2000)));
const Seq = z.int().check(z.positive(), z.lte(9999));
/** A nonconformance id: `NC-2026-00042`. */
export const NonconformanceIdSchema = IdSchema;

export const NonconformanceHoldSchema = z.object({
  kind: z.enum(HELD_KINDS),
  id: z.string(),
  outcome: z.enum(HOLD_OUTCOMES),
  ending: z.optional(z.enum(HOLD_ENDINGS)),
});

export const DispositionDecisionSchema = z.object({
  disposition: z.enum(DISPOSITIONS),
  decidedAt: Timestamp,
  decidedBy: z.string(),
  decidedByName: z.string(),
  comment: z.optional(z.string()),
  scrapReasonCode: z.optional(z.string()),
  rework: z.optional(z.object({ seq: z.int(), name: z.string(), workCenterId: z.string(), instructions: z.string() })),
  approvedAt: z.optional(Timestamp),
  approvedBy: z.optional(z.string()),
  approvedByName: z.optional(z.string()),
});

const NonconformanceShape = {
  id: z.string(),
  status: z.enum(NONCONFORMANCE_STATUSES),
  workOrderId: z.optional(z.string()),
  seq: z.optional(z.int()),
  lotId: z.optional(z.string()),
  serialId: z.optional(z.string()),
  materialId: z.optional(z.string()),
  quantity: Quantity,
  uom: z.optional(z.string()),
  defectCode: z.string(),
  defectName: z.optional(z.string()),
  description: z.string(),
  inspectionId: z.optional(z.string()),
  reportedAt: Timestamp,
  reportedBy: z.string(),
  reportedByName: z.string(),
  holds: z.array(NonconformanceHoldSchema),
  disposition: z.optional(DispositionDecisionSchema),
  closedAt: z.optional(Timestamp),
  closedBy: z.optional(z.string()),
  updatedAt: Timestamp,
  updatedBy: z.string(),
  version: z.int(),
};

export const NonconformanceSchema = meta(
  z.object(NonconformanceShape),
  'Nonconformance',
  'A nonconformance: what was found wrong (an order at an operation, a lot, a serial; how many), the defect, who found it, what it holds and its disposition.',
);

export const NonconformanceDetailSchema = meta(
  z.object({ ...NonconformanceShape, history: z.array(AuditRecordSchema) }),
  'NonconformanceDetail',
  'A nonconformance with its audit trail, oldest first.',
);

export const ReportNonconformanceSchema = meta(
  z
    .strictObject({
      /** The order whose units are nonconforming, and the operation where (optional). */
      workOrderId: z.optional(IdSchema),
      seq: z.optional(Seq),
      lotId: z.optional(IdSchema),
      serialId: z.optional(IdSchema),
      /** How many, in the unit of what it names (the lot's, else the order's); 1 for a serial. */
      quantity: PositiveQuantity,
      /** A code of the plant's defect reason list (GET /v1/reason-lists/defect). */
      defectCode: Text(50),
      description: Text(2000),
      /** The inspection that failed, when one found it (`{workOrderId}~{seq}~{planId}~{k}`). */
      inspectionId: z.optional(Text(200)),
    })
    .check(
      z.refine((b) => b.workOrderId !== undefined || b.lotId !== undefined || b.serialId !== undefined, {
        message: 'name what is nonconforming: workOrderId, lotId or serialId',
        path: ['workOrderId'],
      }),
      z.refine((b) => b.seq === undefined || b.workOrderId !== undefined, {
        message: 'seq names an operation of the order: give workOrderId too',
        path: ['seq'],
      }),
      z.refine((b) => b.serialId === undefined || b.quantity === 1, {
        message: 'a serial is one unit: quantity must be 1',
        path: ['quantity'],
      }),
    ),
  'ReportNonconformance',
  'Open a nonconformance: it holds what it names (a lot, a serial, an order by a quality hold) in the same transaction.',
);

export const DispositionNonconformanceSchema = meta(
  z
    .strictObject({
      /** The decision; absent only when approving (or rejecting) a use-as-is decision. */
      disposition: z.optional(z.enum(DISPOSITIONS)),
      /** true: a second quality person approves the use-as-is decision (closes it); false: rejects it (open again). */
      approve: z.optional(z.boolean()),
      comment: Comment,
      /** Scrap: a code of the plant's scrap reason list; absent: the defect code. */
      scrapReasonCode: z.optional(Text(50)),
      /** Rework: what to do at the rework operation (required for rework). */
      instructions: z.optional(Text(4000)),
      /** Rework: where; absent: the nonconforming operation's work center. */
      workCenterId: z.optional(IdSchema),
      /** Rework: the operation's name; absent: "Rework {id}". */
      reworkName: z.optional(Text(200)),
      /** Rework: its seq; absent: the first free seq after the nonconforming operation. */
      reworkSeq: z.optional(Seq),
    })
    .check(
      z.refine((b) => (b.disposition === undefined) !== (b.approve === undefined), {
        message: 'give a disposition, or approve (true or false) a use-as-is decision, not both',
        path: ['disposition'],
      }),
    ),
  'DispositionNonconformance',
  'Decide a disposition (scrap, rework, use-as-is, return-to-supplier), or approve a use-as-is decision as a second person.',
);

export const ListNonconformancesQuerySchema = z.strictObject({
  ...PageQuerySchema.shape,
  status: z.optional(z.enum(NONCONFORMANCE_STATUSES)),
});

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Matches<S extends z.ZodMiniType, Model extends Same<z.output<S>, Model> extends true ? unknown : never> = [S, Model];
/** Each wire schema against the domain type it carries. */
export type NonconformanceModelMatchesWire = [
  Matches<typeof NonconformanceSchema, Nonconformance>,
  Matches<typeof NonconformanceDetailSchema, NonconformanceDetail>,
];

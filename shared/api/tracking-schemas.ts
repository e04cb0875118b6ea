/**
 * The wire contract of material lots (issue 14, docs/tracking.md): the lot, its movements, and
 * the requests that receive, hold, release, split, merge and scrap lots. Each output schema is
 * checked at compile time to parse to exactly its domain type (shared/domain/tracking/model.ts).
 */
import * as z from 'zod/mini';
import { LOT_ORIGINS, LOT_STATUSES, type MaterialLot, MOVEMENT_TYPES, type Movement } from '../domain/tracking/model.ts';
import { MAX_MERGE_SOURCES, MAX_SPLIT_PARTS } from '../domain/tracking/lots.ts';
import { IdSchema, PageQuerySchema, PositiveQuantity, Quantity, Text, Timestamp, meta } from './schemas.ts';

const Comment = z.optional(z.string().check(z.maxLength(2000)));
const ReasonCodeText = Text(50);

export const NodeRefSchema = z.object({ kind: z.enum(['lot', 'serial']), id: z.string() });

export const MaterialLotSchema = meta(
  z.object({
    id: IdSchema,
    materialId: IdSchema,
    materialName: z.optional(z.string()),
    uom: z.string(),
    /** What is left; never below 0. */
    quantity: Quantity,
    initialQuantity: Quantity,
    status: z.enum(LOT_STATUSES),
    origin: z.enum(LOT_ORIGINS),
    supplierId: z.optional(z.string()),
    supplierLot: z.optional(z.string()),
    expiresAt: z.optional(Timestamp),
    workOrderId: z.optional(z.string()),
    seq: z.optional(z.int()),
    stagedAt: z.optional(z.string()),
    holdReason: z.optional(z.string()),
    externalRef: z.optional(z.string()),
    /** How much of it has been shipped, in all. */
    shippedQty: z.optional(Quantity),
    createdAt: Timestamp,
    createdBy: z.string(),
    updatedAt: Timestamp,
    updatedBy: z.string(),
    version: z.int(),
  }),
  'MaterialLot',
  'A material lot (ISA-95 MaterialLot): a quantity of one material with one status.',
);

export const MovementSchema = meta(
  z.object({
    type: z.enum(MOVEMENT_TYPES),
    node: NodeRefSchema,
    /** Signed change of the quantity (0 for hold and release). */
    quantityChange: z.number(),
    quantityAfter: z.number(),
    location: z.optional(z.string()),
    counterpart: z.optional(NodeRefSchema),
    workOrderId: z.optional(z.string()),
    seq: z.optional(z.int()),
    reason: z.optional(z.string()),
    /** A shipment's reference (delivery note, customer order). */
    reference: z.optional(z.string()),
    at: Timestamp,
    by: z.string(),
    version: z.int(),
  }),
  'Movement',
  'What happened to a lot (ISA-95 material actual): one movement per change, with the quantity after it.',
);

export const ReceiveLotSchema = meta(
  z.object({
    /** The lot number; absent: the MES numbers it by the material's lot number pattern. */
    id: z.optional(IdSchema),
    materialId: IdSchema,
    quantity: PositiveQuantity,
    /** The unit the quantity counts; must be the material's (UN/ECE Rec 20 code). Absent: the material's. */
    uom: z.optional(Text(20)),
    supplierId: z.optional(Text(100)),
    /** The supplier's own lot (batch) number. */
    supplierLot: z.optional(Text(100)),
    /** Absent: now plus the material's shelf life, when it has one. */
    expiresAt: z.optional(Timestamp),
    /** The ERP's receipt or purchase order reference. */
    externalRef: z.optional(Text(100)),
    /** The work center the lot is staged at (for backflush). */
    stagedAt: z.optional(IdSchema),
    comment: Comment,
  }),
  'ReceiveLot',
  'Receive (create) a material lot.',
);

export const StageLotSchema = meta(
  z.strictObject({
    /** The work center to put it at; null takes it back to stores. */
    workCenterId: z.nullable(IdSchema),
    comment: Comment,
  }),
  'StageLot',
  'Put a lot at a work center, where a backflush at its operations draws from it (null: back to stores).',
);
export const HoldLotSchema = meta(z.object({ reason: Text(2000) }), 'HoldLot', 'Put a lot on hold, saying why.');
export const ReleaseLotSchema = meta(z.object({ comment: Comment }), 'ReleaseLot', 'Release a held lot (quality).');

export const SplitLotSchema = meta(
  z.object({
    parts: z.array(z.object({ id: z.optional(IdSchema), quantity: PositiveQuantity })).check(z.minLength(1), z.maxLength(MAX_SPLIT_PARTS)),
    comment: Comment,
  }),
  'SplitLot',
  `Split quantities off a lot into new lots (1 to ${MAX_SPLIT_PARTS}); a part without an id is numbered by the material's pattern.`,
);
export const SplitLotResultSchema = meta(
  z.object({ lot: MaterialLotSchema, parts: z.array(MaterialLotSchema) }),
  'SplitLotResult',
  'The lot as it is after the split, and the new lots.',
);

export const MergeLotsSchema = meta(
  z.object({
    lotIds: z.array(IdSchema).check(
      z.minLength(2),
      z.maxLength(MAX_MERGE_SOURCES),
      z.refine((ids) => new Set(ids).size === ids.length, 'name each lot once'),
    ),
    /** The new lot's number; absent: numbered by the material's pattern. */
    id: z.optional(IdSchema),
    comment: Comment,
  }),
  'MergeLots',
  `Merge ${MAX_MERGE_SOURCES} lots at most, of one material and one status, into a new lot.`,
);

export const ScrapLotSchema = meta(
  z.object({
    /** Absent: all that is left. */
    quantity: z.optional(PositiveQuantity),
    /** A code of the plant's scrap reason list (GET /v1/reason-lists/scrap). */
    reasonCode: ReasonCodeText,
    comment: Comment,
  }),
  'ScrapLot',
  'Write off a quantity of a lot, with a scrap reason.',
);

export const ListLotsQuerySchema = z.strictObject({
  ...PageQuerySchema.shape,
  materialId: z.optional(IdSchema),
  status: z.optional(z.enum(LOT_STATUSES)),
});

export type ReceiveLot = z.infer<typeof ReceiveLotSchema>;

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Matches<S extends z.ZodMiniType, Model extends Same<z.output<S>, Model> extends true ? unknown : never> = [S, Model];
/** Each wire schema against the domain type it carries. */
export type TrackingModelMatchesWire = [Matches<typeof MaterialLotSchema, MaterialLot>, Matches<typeof MovementSchema, Movement>];

/**
 * The wire contract of serial commands (hold, release, ship), lot shipping and recalls (issue
 * 14, docs/tracking.md "Trace and recall"). Each output schema is checked at compile time to
 * parse to exactly its domain type.
 */
import * as z from 'zod/mini';
import { RECALL_STATUSES, type Recall, SERIAL_STATUSES, type SerialUnit } from '../domain/tracking/model.ts';
import { IdSchema, PositiveQuantity, Text, Timestamp, meta } from './schemas.ts';

const Comment = z.optional(z.string().check(z.maxLength(2000)));
const Reference = z.optional(Text(100));
const NodeRef = z.object({ kind: z.enum(['lot', 'serial']), id: z.string() });

export const SerialUnitSchema = meta(
  z.object({
    id: IdSchema,
    materialId: z.string(),
    materialName: z.optional(z.string()),
    status: z.enum(SERIAL_STATUSES),
    /** The order and operation that made it, and its place among the order's serials (from 0). */
    workOrderId: z.string(),
    seq: z.int(),
    ordinal: z.int(),
    lotId: z.optional(z.string()),
    holdReason: z.optional(z.string()),
    madeAt: Timestamp,
    madeBy: z.string(),
    updatedAt: Timestamp,
    updatedBy: z.string(),
    version: z.int(),
  }),
  'SerialUnit',
  'One unit made, with its own number (ISA-95 sublot of one unit).',
);

export const HoldSerialSchema = meta(z.object({ reason: Text(2000) }), 'HoldSerial', 'Put a serial on hold, saying why.');
export const ReleaseSerialSchema = meta(z.object({ comment: Comment }), 'ReleaseSerial', 'Release a held serial (quality).');
export const ShipSerialSchema = meta(
  z.object({
    /** The delivery note or customer order it leaves on. */
    reference: Reference,
    comment: Comment,
  }),
  'ShipSerial',
  'Ship a serial: it leaves the plant.',
);
export const ShipLotSchema = meta(
  z.object({
    /** Absent: all that is left. */
    quantity: z.optional(PositiveQuantity),
    /** The delivery note or customer order it leaves on. */
    reference: Reference,
    comment: Comment,
  }),
  'ShipLot',
  'Ship a quantity of a lot (all that is left by default): it leaves the plant.',
);

export const StartRecallSchema = meta(
  z
    .object({
      /** The lot to recall everything made from (give this or serialId). */
      lotId: z.optional(IdSchema),
      /** The serial to recall everything made from (give this or lotId). */
      serialId: z.optional(IdSchema),
      reason: Text(2000),
      /** The recall's own id. Send one so that the same request again resumes a recall that failed half way. */
      id: z.optional(IdSchema),
    })
    .check(
      z.refine((b) => (b.lotId === undefined) !== (b.serialId === undefined), {
        message: 'give either lotId or serialId, not both',
        path: ['lotId'],
      }),
    ),
  'StartRecall',
  'Put everything made from a lot or serial on hold (its whole forward trace).',
);

const Counts = z.object({
  nodes: z.int(),
  held: z.int(),
  alreadyHeld: z.int(),
  consumed: z.int(),
  scrapped: z.int(),
  shipped: z.int(),
});
export const RecallSchema = meta(
  z.object({
    id: z.string(),
    root: NodeRef,
    materialId: z.string(),
    materialName: z.optional(z.string()),
    reason: z.string(),
    status: z.enum(RECALL_STATUSES),
    startedAt: Timestamp,
    startedBy: z.string(),
    completedAt: z.optional(Timestamp),
    /** Lots and serials of the forward trace: held by this recall, on hold already, consumed, scrapped, shipped. */
    counts: Counts,
    /** What left the plant: the customers to tell. */
    shipped: z.array(
      z.object({
        kind: z.enum(['lot', 'serial']),
        id: z.string(),
        materialId: z.string(),
        materialName: z.optional(z.string()),
        quantity: z.number(),
        uom: z.optional(z.string()),
        shipments: z.array(z.object({ at: Timestamp, by: z.string(), quantity: z.number(), reference: z.optional(z.string()) })),
      }),
    ),
    version: z.int(),
  }),
  'Recall',
  'A recall: a forward trace put on hold, with what it held and what had left the plant.',
);

export type StartRecall = z.infer<typeof StartRecallSchema>;

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Matches<S extends z.ZodMiniType, Model extends Same<z.output<S>, Model> extends true ? unknown : never> = [S, Model];
/** Each wire schema against the domain type it carries. */
export type SerialModelMatchesWire = [Matches<typeof SerialUnitSchema, SerialUnit>, Matches<typeof RecallSchema, Recall>];

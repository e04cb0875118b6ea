/** The wire shapes of the genealogy trace (shared/domain/tracking/genealogy.ts). */
import * as z from 'zod/mini';
import { TRACE_DIRECTIONS, TRACE_PAGE_SIZE } from '../domain/tracking/genealogy.ts';
import { IdSchema, meta, ProcessValuesSchema, RecordedValueSchema } from './schemas.ts';
import { SerialUnitSchema } from './serial-schemas.ts';

export const NodeRefSchema = z.object({ kind: z.enum(['lot', 'serial']), id: z.string() });

export const TraceQuerySchema = z.strictObject({
  /** backward: where from (down to supplier lots); forward: where used (up to finished lots and serials). */
  direction: z.enum(TRACE_DIRECTIONS),
  /** Nodes a page holds at most. */
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(TRACE_PAGE_SIZE)), TRACE_PAGE_SIZE),
  cursor: z.optional(z.string().check(z.maxLength(512))),
});

export const TraceNodeSchema = meta(
  z.object({
    kind: z.enum(['lot', 'serial']),
    id: z.string(),
    /** Steps from the traced lot or serial (0). */
    level: z.int(),
    /** False only when an edge names a lot or serial whose record is missing. */
    found: z.boolean(),
    status: z.optional(z.string()),
    materialId: z.optional(z.string()),
    materialName: z.optional(z.string()),
    /** What is left of a lot; 1 for a serial. */
    quantity: z.optional(z.number()),
    uom: z.optional(z.string()),
    /** The order and operation that made it. */
    workOrderId: z.optional(z.string()),
    seq: z.optional(z.int()),
    supplierId: z.optional(z.string()),
    supplierLot: z.optional(z.string()),
    expiresAt: z.optional(z.string()),
    holdReason: z.optional(z.string()),
    lotId: z.optional(z.string()),
  }),
  'TraceNode',
  'A lot or serial in a trace, with its status, material, quantity and the order and operation that made it',
);

export const TraceEdgeSchema = meta(
  z.object({
    from: NodeRefSchema,
    to: NodeRefSchema,
    quantity: z.number(),
    uom: z.string(),
    via: z.enum(['consume', 'split', 'merge']),
    /** The order and operation that consumed `from` into `to`. */
    workOrderId: z.optional(z.string()),
    seq: z.optional(z.int()),
    at: z.string(),
    by: z.string(),
  }),
  'TraceEdge',
  'A quantity of one lot or serial that went into another, with the order and operation that did it',
);

export const TraceSchema = meta(
  z.object({
    root: NodeRefSchema,
    direction: z.enum(TRACE_DIRECTIONS),
    /** In walk order: level, then kind and id. Each node once over all pages. */
    nodes: z.array(TraceNodeSchema),
    /** The edges of this page's nodes in the trace's direction. */
    edges: z.array(TraceEdgeSchema),
    /** Present while the trace has more nodes: send it as `cursor` for the next page. */
    nextCursor: z.optional(z.string()),
  }),
  'Trace',
  'A genealogy trace, one page of it: every level, no node cap',
);

export const TraceParamsSchema = z.object({ id: IdSchema });
export type Trace = z.output<typeof TraceSchema>;
export type TraceNodeWire = z.output<typeof TraceNodeSchema>;

export const SerialRecordSchema = meta(
  z.object({
    serial: SerialUnitSchema,
    /** The order that made it. */
    order: z.object({
      id: z.string(),
      materialId: z.string(),
      materialName: z.optional(z.string()),
      quantity: z.number(),
      status: z.string(),
      externalRef: z.optional(z.string()),
      startedAt: z.optional(z.string()),
      completedAt: z.optional(z.string()),
    }),
    /** Each operation of the order: who did it and when, what was recorded, and what the machines at its work center counted and measured while it ran. */
    operations: z.array(
      z.object({
        seq: z.int(),
        name: z.string(),
        workCenterId: z.string(),
        status: z.string(),
        startedAt: z.optional(z.string()),
        startedBy: z.optional(z.string()),
        completedAt: z.optional(z.string()),
        completedBy: z.optional(z.string()),
        goodQty: z.number(),
        scrapQty: z.number(),
        recordedData: z.record(z.string(), RecordedValueSchema),
        /** What each recorded value is called on the routing ("Motor screw torque"). */
        dataLabels: z.record(z.string(), z.string()),
        machine: z.optional(
          z.object({ machineGoodQty: z.number(), machineRejectQty: z.number(), process: z.record(z.string(), ProcessValuesSchema) }),
        ),
        /** The lots and serials that went into this unit at this operation. */
        components: z.array(
          z.object({
            node: NodeRefSchema,
            materialId: z.optional(z.string()),
            materialName: z.optional(z.string()),
            quantity: z.number(),
            uom: z.string(),
            status: z.optional(z.string()),
            supplierId: z.optional(z.string()),
            supplierLot: z.optional(z.string()),
          }),
        ),
      }),
    ),
  }),
  'SerialRecord',
  "A serialized unit's own record: its order, each operation with who and when, recorded data, machine data and the components consumed into it (the basis of its device history record).",
);
export type SerialRecord = z.output<typeof SerialRecordSchema>;

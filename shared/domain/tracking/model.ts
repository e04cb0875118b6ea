/**
 * Product tracking and genealogy (issue 14), in ISA-95 Part 2 terms: a material lot is a
 * quantity of one material with one status; a serial is a sublot of one unit; a material actual
 * (a movement) is what happened to a lot (received, consumed, produced, split, merged, scrapped,
 * held, released); a genealogy edge says that a quantity of one lot or serial went into another,
 * with the order and operation that did it. The domain owns these types; shared/api/schemas.ts
 * validates the wire against them. Pure: no AWS imports.
 */

/** How a material is tracked: not at all, by lot (batch), or by serial number (one per unit). */
export const TRACKING_MODES = ['none', 'lot', 'serial'] as const;
export type TrackingMode = (typeof TRACKING_MODES)[number];

/**
 * A lot's status. `available`: may be consumed. `on-hold`: quality (or a recall) holds it:
 * nothing may consume or ship it until the quality role releases it. `consumed`: nothing left
 * (used up, split or merged away). `scrapped`: written off. `shipped`: left the plant.
 * `returned`: all of it went back to its supplier (a nonconformance's disposition, issue 15).
 */
export const LOT_STATUSES = ['available', 'on-hold', 'consumed', 'scrapped', 'shipped', 'returned'] as const;
export type LotStatus = (typeof LOT_STATUSES)[number];

/** How a lot came to be. */
export const LOT_ORIGINS = ['received', 'produced', 'split', 'merged'] as const;
export type LotOrigin = (typeof LOT_ORIGINS)[number];

export interface MaterialLot {
  id: string;
  materialId: string;
  /** Copied from the material when the lot is made. */
  materialName?: string | undefined;
  uom: string;
  /** What is left. Never below 0. */
  quantity: number;
  /** What the lot started with (received, produced, split off, merged). */
  initialQuantity: number;
  status: LotStatus;
  origin: LotOrigin;
  supplierId?: string | undefined;
  supplierLot?: string | undefined;
  /** ISO date-time after which the lot may not be consumed. */
  expiresAt?: string | undefined;
  /** A produced lot: the order and operation that made it. */
  workOrderId?: string | undefined;
  seq?: number | undefined;
  /** Where the lot is staged for backflush (a work center), when it is. */
  stagedAt?: string | undefined;
  /** Why it is on hold, and who held it (quality or a recall). */
  holdReason?: string | undefined;
  /** The ERP's reference (a receipt or production order line), when it came from one. */
  externalRef?: string | undefined;
  /** How much of it has been shipped, in all (a recall lists the lot for the customers to tell). */
  shippedQty?: number | undefined;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

export const SERIAL_STATUSES = ['made', 'on-hold', 'consumed', 'scrapped', 'shipped'] as const;
export type SerialStatus = (typeof SERIAL_STATUSES)[number];

/** One unit made, with its own number: a sublot of quantity 1. */
export interface SerialUnit {
  id: string;
  materialId: string;
  materialName?: string | undefined;
  status: SerialStatus;
  /** The order and operation that made it (completing the order's last operation). */
  workOrderId: string;
  seq: number;
  /** The lot it belongs to, when the material is also lot tracked. */
  lotId?: string | undefined;
  /** Its place among the order's serials, from 0: the order's good unit it is (FIFO genealogy). */
  ordinal: number;
  holdReason?: string | undefined;
  madeAt: string;
  madeBy: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

/** A node of the genealogy graph: a lot or a serial. */
export type NodeKind = 'lot' | 'serial';
export interface NodeRef {
  kind: NodeKind;
  id: string;
}
export const nodeKey = (n: NodeRef) => `${n.kind}:${n.id}`;
export function parseNodeKey(key: string): NodeRef | undefined {
  const m = /^(lot|serial):(.+)$/.exec(key);
  return m ? { kind: m[1] as NodeKind, id: m[2] as string } : undefined;
}

/**
 * One genealogy edge: `quantity` of `from` went into `to` (consumed into a produced lot or
 * serial, split off, merged in), at an order's operation when one did it.
 */
export interface GenealogyEdge {
  from: NodeRef;
  to: NodeRef;
  quantity: number;
  uom: string;
  /** What made the edge. */
  via: 'consume' | 'split' | 'merge';
  workOrderId?: string | undefined;
  seq?: number | undefined;
  at: string;
  by: string;
}

/** What happened to a lot or serial: one movement per change, in its own trail. */
/** `return`: back to the supplier (a nonconformance's return-to-supplier disposition, issue 15). */
export const MOVEMENT_TYPES = ['receive', 'produce', 'consume', 'split', 'merge', 'scrap', 'hold', 'release', 'ship', 'stage', 'return'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

export interface Movement {
  type: MovementType;
  node: NodeRef;
  /** Signed change of the quantity (0 for hold and release). */
  quantityChange: number;
  quantityAfter: number;
  /** Staged: the work center it was put at (none: taken back to stores). */
  location?: string | undefined;
  /** The other side: the lot split into or merged from, the order's produced lot or serial. */
  counterpart?: NodeRef | undefined;
  workOrderId?: string | undefined;
  seq?: number | undefined;
  reason?: string | undefined;
  /** A shipment's reference (delivery note, customer order), when one was given. */
  reference?: string | undefined;
  at: string;
  by: string;
  /** The node's version after the movement. */
  version: number;
}

/** A recall (recall.ts): a forward trace put on hold, with what it held and what had left the plant. */
export const RECALL_STATUSES = ['in-progress', 'completed'] as const;
export type RecallStatus = (typeof RECALL_STATUSES)[number];

export interface RecallCounts {
  /** Lots and serials in the forward trace, the root included. */
  nodes: number;
  /** Put on hold by this recall (now, or by an earlier run of it). */
  held: number;
  /** On hold already, by someone else: left as they were. */
  alreadyHeld: number;
  consumed: number;
  scrapped: number;
  /** Left the plant, in whole or in part (a lot shipped in part is also held for what is left). */
  shipped: number;
}

/** A lot or serial of the recall that left the plant, with its shipments: the customers to tell. */
export interface ShippedNode extends NodeRef {
  materialId: string;
  materialName?: string | undefined;
  /** How much left the plant (1 for a serial). */
  quantity: number;
  uom?: string | undefined;
  shipments: { at: string; by: string; quantity: number; reference?: string | undefined }[];
}

export interface Recall {
  id: string;
  root: NodeRef;
  materialId: string;
  materialName?: string | undefined;
  reason: string;
  status: RecallStatus;
  startedAt: string;
  startedBy: string;
  completedAt?: string | undefined;
  counts: RecallCounts;
  shipped: ShippedNode[];
  version: number;
}

/**
 * Lot commands (issue 14): receive, hold, release, split, merge, scrap. Each is a pure function
 * of the lots as read, its input, who acts and when; it checks every rule first and throws
 * before building anything, so a refused command writes nothing. Its result is every lot it
 * changes or makes, each with one movement, one audit record (derived from the difference, so
 * it cannot disagree with the change) and its outbox events, plus the genealogy edges it made:
 * the lot repository writes all of it in one transaction, or hands the items to a work-order
 * command's own transaction (shared/db/lot-repository.ts, `lotChangeItems`).
 */
import { IllegalTransitionError, QuantityRuleError, UnitOfMeasureError, ValidationError } from '../errors.ts';
import { quantityProblem } from '../master-data/units.ts';
import type { Material } from '../master-data/model.ts';
import { diff } from '../work-order/diff.ts';
import type { Signature } from '../signatures/model.ts';
import type { Actor, AuditRecord, OutboxEvent } from '../work-order/model.ts';
import type { GenealogyEdge, LotStatus, MaterialLot, Movement, MovementType, NodeRef } from './model.ts';

/** The outbound webhook events of lots (docs/webhooks.md, docs/tracking.md). */
export const LOT_EVENT_TYPES = [
  'lot.received',
  'lot.held',
  'lot.released',
  'lot.split',
  'lot.merged',
  'lot.scrapped',
  'lot.staged',
  'lot.shipped',
  'lot.returned',
] as const;
export type LotEventType = (typeof LOT_EVENT_TYPES)[number];
export const isLotEventType = (type: string): type is LotEventType => (LOT_EVENT_TYPES as readonly string[]).includes(type);

/** A lot as stored: the lot and its outbox sequence counter (per lot, gap-free, from 1). */
export interface LotAggregate extends MaterialLot {
  eventSeq: number;
}

export interface LotContext {
  tenantId: string;
  actor: Actor;
  now: string;
  newId: () => string;
}

/** One lot's change: as read (undefined for a new lot) and after, with its movement, audit record and events. */
export interface LotChange {
  before: LotAggregate | undefined;
  after: LotAggregate;
  /** What moved; none when the change moves nothing (a signature that does not yet release it, issue 16). */
  movement?: Movement | undefined;
  audit: AuditRecord;
  events: OutboxEvent[];
  /** Electronic signatures written with the change, in the lot's partition (issue 16). */
  signatures?: Signature[] | undefined;
}

/** What a lot command does: the lots it changes or makes, and the genealogy edges between them. */
export interface LotCommandResult {
  changes: LotChange[];
  edges: GenealogyEdge[];
}

/** A split or merge writes at most this many new or changed lots (one transaction holds 100 writes). */
export const MAX_SPLIT_PARTS = 10;
export const MAX_MERGE_SOURCES = 10;

export const lotRef = (id: string): NodeRef => ({ kind: 'lot', id });
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** The lot fields every lot event carries. */
export const lotSummary = (l: MaterialLot) => ({
  lotId: l.id,
  materialId: l.materialId,
  quantity: l.quantity,
  uom: l.uom,
  status: l.status,
  supplierId: l.supplierId,
  supplierLot: l.supplierLot,
  expiresAt: l.expiresAt,
  externalRef: l.externalRef,
});

interface Step {
  type: MovementType;
  action: string;
  quantityChange: number;
  counterpart?: NodeRef | undefined;
  reason?: string | undefined;
  comment?: string | undefined;
  reference?: string | undefined;
  /** The order and operation behind the movement (produce). */
  workOrderId?: string | undefined;
  seq?: number | undefined;
  events: { type: LotEventType; data: Record<string, unknown> }[];
}

const IGNORED = new Set(['updatedAt', 'updatedBy', 'version', 'eventSeq']);

/** Stamps the version, derives the movement and the audit record, numbers the events. */
function finish(ctx: LotContext, before: LotAggregate | undefined, next: MaterialLot, step: Step): LotChange {
  const version = (before?.version ?? 0) + 1;
  const eventSeq = before?.eventSeq ?? 0;
  const after: LotAggregate = {
    ...next,
    quantity: round(next.quantity),
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version,
    eventSeq: eventSeq + step.events.length,
  };
  return {
    before,
    after,
    movement: {
      type: step.type,
      node: lotRef(after.id),
      quantityChange: round(step.quantityChange),
      quantityAfter: after.quantity,
      ...(step.counterpart ? { counterpart: step.counterpart } : {}),
      ...(step.reason !== undefined ? { reason: step.reason } : {}),
      ...(step.workOrderId !== undefined ? { workOrderId: step.workOrderId, seq: step.seq } : {}),
      ...(step.reference !== undefined ? { reference: step.reference } : {}),
      at: ctx.now,
      by: ctx.actor.userId,
      version,
    },
    audit: {
      version,
      at: ctx.now,
      by: ctx.actor.userId,
      action: step.action,
      target: 'lot',
      ...(step.reason !== undefined ? { reason: step.reason } : {}),
      ...(step.comment !== undefined ? { comment: step.comment } : {}),
      changes: diff(before ?? {}, after, IGNORED),
    },
    events: step.events.map((e, i) => ({
      id: ctx.newId(),
      type: e.type,
      schemaVersion: 1,
      occurredAt: ctx.now,
      tenantId: ctx.tenantId,
      lotId: after.id,
      sequence: eventSeq + i + 1,
      data: e.data,
    })),
  };
}

// ---------- Refusals: each names what is wrong ----------

const STATUS_WORDS: Record<LotStatus, string> = {
  available: 'available',
  'on-hold': 'on hold',
  consumed: 'consumed (nothing left)',
  scrapped: 'scrapped',
  shipped: 'shipped',
  returned: 'returned to its supplier',
};

/** A lot that is gone (consumed, scrapped, shipped) has nothing left to move. */
function assertLive(lot: MaterialLot, action: string) {
  if (lot.status === 'available' || lot.status === 'on-hold') return;
  throw new IllegalTransitionError(`cannot ${action} lot ${lot.id}: it is ${STATUS_WORDS[lot.status]}`);
}

function assertQuantity(quantity: number, uom: string, pointer: string) {
  const problem = quantityProblem(quantity, uom);
  if (problem) throw new UnitOfMeasureError([{ pointer, detail: problem }]);
}

// ---------- Commands ----------

export interface ReceiveLot {
  id: string;
  material: Material;
  quantity: number;
  supplierId?: string | undefined;
  supplierLot?: string | undefined;
  /** Absent: now plus the material's shelf life, when it has one. */
  expiresAt?: string | undefined;
  externalRef?: string | undefined;
  stagedAt?: string | undefined;
  comment?: string | undefined;
}

/** A lot received (from a supplier, or created by hand): available, with its quantity. */
export function receiveLot(ctx: LotContext, input: ReceiveLot, pointer: (field: 'quantity') => string = (f) => `/body/${f}`): LotCommandResult {
  const { material } = input;
  assertQuantity(input.quantity, material.uom, pointer('quantity'));
  const expiresAt =
    input.expiresAt ?? (material.shelfLifeDays ? new Date(Date.parse(ctx.now) + material.shelfLifeDays * 86_400_000).toISOString() : undefined);
  const lot: MaterialLot = {
    id: input.id,
    materialId: material.id,
    materialName: material.name,
    uom: material.uom,
    quantity: input.quantity,
    initialQuantity: input.quantity,
    status: 'available',
    origin: 'received',
    ...(input.supplierId !== undefined ? { supplierId: input.supplierId } : {}),
    ...(input.supplierLot !== undefined ? { supplierLot: input.supplierLot } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(input.externalRef !== undefined ? { externalRef: input.externalRef } : {}),
    ...(input.stagedAt !== undefined ? { stagedAt: input.stagedAt } : {}),
    createdAt: ctx.now,
    createdBy: ctx.actor.userId,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version: 0,
  };
  const change = finish(ctx, undefined, lot, {
    type: 'receive',
    action: 'lot.receive',
    quantityChange: input.quantity,
    comment: input.comment,
    events: [{ type: 'lot.received', data: { ...lotSummary(lot), by: ctx.actor.userId } }],
  });
  return { changes: [change], edges: [] };
}

/** Quality holds a lot: nothing may consume, split off for use, or ship it until it is released. */
export function holdLot(ctx: LotContext, lot: LotAggregate, reason: string, recallId?: string): LotCommandResult {
  if (lot.status === 'on-hold') throw new IllegalTransitionError(`lot ${lot.id} is on hold already (${lot.holdReason ?? 'no reason given'})`);
  assertLive(lot, 'hold');
  const next: MaterialLot = { ...lot, status: 'on-hold', holdReason: reason };
  const change = finish(ctx, lot, next, {
    type: 'hold',
    action: 'lot.hold',
    quantityChange: 0,
    reason,
    events: [{ type: 'lot.held', data: { ...lotSummary(next), reason, ...(recallId ? { recallId } : {}), by: ctx.actor.userId } }],
  });
  return { changes: [change], edges: [] };
}

/** Quality releases a held lot: available again. */
export function releaseLot(ctx: LotContext, lot: LotAggregate, comment?: string): LotCommandResult {
  if (lot.status !== 'on-hold') throw new IllegalTransitionError(`lot ${lot.id} is not on hold: it is ${STATUS_WORDS[lot.status]}`);
  const { holdReason: _, ...rest } = lot;
  const next: MaterialLot = { ...rest, status: 'available' };
  const change = finish(ctx, lot, next, {
    type: 'release',
    action: 'lot.release',
    quantityChange: 0,
    comment,
    events: [{ type: 'lot.released', data: { ...lotSummary(next), by: ctx.actor.userId, ...(comment ? { comment } : {}) } }],
  });
  return { changes: [change], edges: [] };
}

/**
 * Puts a lot at a work center, where a backflush draws from it (or takes it back to stores with
 * none). A held lot may be moved; it stays held. A lot that is gone cannot.
 */
export function stageLot(ctx: LotContext, lot: LotAggregate, workCenterId: string | undefined, comment?: string): LotCommandResult {
  assertLive(lot, 'stage');
  if ((lot.stagedAt ?? undefined) === workCenterId) {
    throw new IllegalTransitionError(workCenterId ? `lot ${lot.id} is staged at ${workCenterId} already` : `lot ${lot.id} is not staged anywhere`);
  }
  const { stagedAt: _, ...rest } = lot;
  const next: MaterialLot = { ...rest, ...(workCenterId ? { stagedAt: workCenterId } : {}) };
  const change = finish(ctx, lot, next, {
    type: 'stage',
    action: 'lot.stage',
    quantityChange: 0,
    comment,
    events: [{ type: 'lot.staged', data: { ...lotSummary(next), stagedAt: workCenterId ?? null, by: ctx.actor.userId } }],
  });
  if (workCenterId && change.movement) change.movement = { ...change.movement, location: workCenterId };
  return { changes: [change], edges: [] };
}

export interface SplitPart {
  /** The new lot's id (numbered by the material's pattern when absent). */
  id: string;
  quantity: number;
}

/**
 * Splits quantities off a lot into new lots of the same material, status (a held lot's parts
 * stay held), supplier lot and expiry. The parts may take all of it: the lot is then consumed.
 */
export function splitLot(ctx: LotContext, lot: LotAggregate, parts: readonly SplitPart[], comment?: string): LotCommandResult {
  assertLive(lot, 'split');
  if (parts.length === 0 || parts.length > MAX_SPLIT_PARTS) {
    throw new ValidationError([{ pointer: '/body/parts', detail: `split into 1 to ${MAX_SPLIT_PARTS} parts` }]);
  }
  parts.forEach((p, i) => {
    assertQuantity(p.quantity, lot.uom, `/body/parts/${i}/quantity`);
  });
  const ids = new Set(parts.map((p) => p.id));
  if (ids.size !== parts.length || ids.has(lot.id)) {
    throw new ValidationError([{ pointer: '/body/parts', detail: 'each part needs its own new lot id, not the lot split' }]);
  }
  const total = round(parts.reduce((sum, p) => sum + p.quantity, 0));
  if (total > lot.quantity) {
    throw new QuantityRuleError(`lot ${lot.id} has ${lot.quantity} ${lot.uom} left, too little for parts of ${total} ${lot.uom} in all`);
  }
  const left = round(lot.quantity - total);
  const source: MaterialLot = { ...lot, quantity: left, status: left === 0 ? 'consumed' : lot.status };
  const made = parts.map((p) => {
    const { eventSeq: _, ...inherited } = lot;
    const part: MaterialLot = {
      ...inherited,
      id: p.id,
      quantity: p.quantity,
      initialQuantity: p.quantity,
      origin: 'split',
      createdAt: ctx.now,
      createdBy: ctx.actor.userId,
    };
    return finish(ctx, undefined, part, {
      type: 'split',
      action: 'lot.split',
      quantityChange: p.quantity,
      counterpart: lotRef(lot.id),
      comment,
      events: [],
    });
  });
  const sourceChange = finish(ctx, lot, source, {
    type: 'split',
    action: 'lot.split',
    quantityChange: -total,
    comment,
    events: [
      {
        type: 'lot.split',
        data: { ...lotSummary(source), parts: parts.map((p) => ({ lotId: p.id, quantity: p.quantity })), by: ctx.actor.userId },
      },
    ],
  });
  const edges = parts.map((p) => edge(ctx, lot.id, p.id, p.quantity, lot.uom, 'split'));
  return { changes: [sourceChange, ...made], edges };
}

/**
 * Merges lots of one material and one status into a new lot (`id`): each source gives all it
 * has and is consumed. The new lot keeps what they share (supplier, supplier lot), the earliest
 * expiry, and, when they are held, the holds' reasons.
 */
export function mergeLots(ctx: LotContext, sources: readonly LotAggregate[], id: string, comment?: string): LotCommandResult {
  if (sources.length < 2 || sources.length > MAX_MERGE_SOURCES) {
    throw new ValidationError([{ pointer: '/body/lotIds', detail: `merge 2 to ${MAX_MERGE_SOURCES} lots` }]);
  }
  sources.forEach((s) => {
    assertLive(s, 'merge');
  });
  const [first] = sources as [LotAggregate, ...LotAggregate[]];
  const otherMaterial = sources.find((s) => s.materialId !== first.materialId);
  if (otherMaterial) {
    throw new IllegalTransitionError(
      `lots of different materials cannot be merged: ${first.id} is ${first.materialId}, ${otherMaterial.id} is ${otherMaterial.materialId}`,
    );
  }
  const otherStatus = sources.find((s) => s.status !== first.status);
  if (otherStatus) {
    throw new IllegalTransitionError(
      `lots of different statuses cannot be merged: ${first.id} is ${STATUS_WORDS[first.status]}, ${otherStatus.id} is ${STATUS_WORDS[otherStatus.status]}`,
    );
  }
  if (sources.some((s) => s.id === id)) {
    throw new ValidationError([{ pointer: '/body/id', detail: 'the merged lot is a new lot: give it an id none of the merged lots has' }]);
  }
  const total = round(sources.reduce((sum, s) => sum + s.quantity, 0));
  const shared = <K extends 'supplierId' | 'supplierLot' | 'stagedAt'>(k: K) => (sources.every((s) => s[k] === first[k]) ? first[k] : undefined);
  const expiries = sources.flatMap((s) => (s.expiresAt ? [s.expiresAt] : [])).sort();
  const holdReasons = [...new Set(sources.flatMap((s) => (s.holdReason ? [s.holdReason] : [])))];
  const merged: MaterialLot = {
    id,
    materialId: first.materialId,
    ...(first.materialName !== undefined ? { materialName: first.materialName } : {}),
    uom: first.uom,
    quantity: total,
    initialQuantity: total,
    status: first.status,
    origin: 'merged',
    ...optional('supplierId', shared('supplierId')),
    ...optional('supplierLot', shared('supplierLot')),
    ...optional('stagedAt', shared('stagedAt')),
    ...optional('expiresAt', expiries[0]),
    ...optional('holdReason', holdReasons.length ? holdReasons.join('; ') : undefined),
    createdAt: ctx.now,
    createdBy: ctx.actor.userId,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version: 0,
  };
  const target = finish(ctx, undefined, merged, {
    type: 'merge',
    action: 'lot.merge',
    quantityChange: total,
    comment,
    events: [
      {
        type: 'lot.merged',
        data: { ...lotSummary(merged), sources: sources.map((s) => ({ lotId: s.id, quantity: s.quantity })), by: ctx.actor.userId },
      },
    ],
  });
  const drained = sources.map((s) =>
    finish(
      ctx,
      s,
      { ...s, quantity: 0, status: 'consumed' },
      { type: 'merge', action: 'lot.merge', quantityChange: -s.quantity, counterpart: lotRef(id), comment, events: [] },
    ),
  );
  const edges = sources.map((s) => edge(ctx, s.id, id, s.quantity, s.uom, 'merge'));
  return { changes: [target, ...drained], edges };
}

/** What a scrap or shipment takes from a lot (all that is left by default) and what is left: never more than it has, never nothing. */
function takeFrom(lot: MaterialLot, requested: number | undefined, verb: 'scrap' | 'ship' | 'return') {
  const quantity = requested ?? lot.quantity;
  assertQuantity(quantity, lot.uom, '/body/quantity');
  if (quantity > lot.quantity)
    throw new QuantityRuleError(`lot ${lot.id} has ${lot.quantity} ${lot.uom} left, too little to ${verb} ${quantity} ${lot.uom}`);
  if (quantity <= 0) throw new QuantityRuleError(`lot ${lot.id} has nothing left to ${verb}`);
  return { quantity, left: round(lot.quantity - quantity) };
}

/**
 * Writes off a quantity of a lot (all that is left when none is given), with a scrap reason.
 * A held lot may be scrapped: that is a quality disposition. Nothing left: scrapped.
 */
export function scrapLot(
  ctx: LotContext,
  lot: LotAggregate,
  input: { quantity?: number | undefined; reasonCode: string; comment?: string | undefined },
): LotCommandResult {
  assertLive(lot, 'scrap');
  const { quantity, left } = takeFrom(lot, input.quantity, 'scrap');
  const next: MaterialLot = { ...lot, quantity: left, status: left === 0 ? 'scrapped' : lot.status };
  const change = finish(ctx, lot, next, {
    type: 'scrap',
    action: 'lot.scrap',
    quantityChange: -quantity,
    reason: input.reasonCode,
    comment: input.comment,
    events: [{ type: 'lot.scrapped', data: { ...lotSummary(next), scrappedQty: quantity, reasonCode: input.reasonCode, by: ctx.actor.userId } }],
  });
  return { changes: [change], edges: [] };
}

export interface ShipLot {
  /** Absent: all that is left. */
  quantity?: number | undefined;
  /** The delivery note or customer order it left on. */
  reference?: string | undefined;
  comment?: string | undefined;
}

/**
 * Ships a quantity of a lot (all that is left when none is given): it leaves the plant. Only
 * an available lot ships: a held lot waits for quality, and a consumed, scrapped or shipped
 * one has nothing left. Nothing left after it: shipped. `shippedQty` keeps the total, so a
 * recall finds a lot that left in part.
 */
export function shipLot(ctx: LotContext, lot: LotAggregate, input: ShipLot): LotCommandResult {
  if (lot.status === 'on-hold') {
    throw new IllegalTransitionError(`lot ${lot.id} is on hold (${lot.holdReason ?? 'no reason given'}): quality must release it before it ships`);
  }
  assertLive(lot, 'ship');
  const { quantity, left } = takeFrom(lot, input.quantity, 'ship');
  const next: MaterialLot = {
    ...lot,
    quantity: left,
    status: left === 0 ? 'shipped' : lot.status,
    shippedQty: round((lot.shippedQty ?? 0) + quantity),
  };
  const change = finish(ctx, lot, next, {
    type: 'ship',
    action: 'lot.ship',
    quantityChange: -quantity,
    reference: input.reference,
    comment: input.comment,
    events: [
      {
        type: 'lot.shipped',
        data: {
          ...lotSummary(next),
          shippedQty: quantity,
          ...(input.reference !== undefined ? { reference: input.reference } : {}),
          by: ctx.actor.userId,
        },
      },
    ],
  });
  return { changes: [change], edges: [] };
}

/**
 * Returns a quantity of a received lot to its supplier (a nonconformance's return-to-supplier
 * disposition, issue 15): it leaves by a `return` movement. A held lot may be returned (that is
 * the disposition of what quality held). Nothing left after it: returned.
 */
export function returnLot(
  ctx: LotContext,
  lot: LotAggregate,
  input: { quantity: number; nonconformanceId: string; comment?: string | undefined },
): LotCommandResult {
  if (lot.origin !== 'received') {
    throw new IllegalTransitionError(`lot ${lot.id} was ${lot.origin}, not received from a supplier: it cannot be returned to one`);
  }
  assertLive(lot, 'return');
  const { quantity, left } = takeFrom(lot, input.quantity, 'return');
  const next: MaterialLot = { ...lot, quantity: left, status: left === 0 ? 'returned' : lot.status };
  const change = finish(ctx, lot, next, {
    type: 'return',
    action: 'lot.return',
    quantityChange: -quantity,
    reason: `nonconformance ${input.nonconformanceId}`,
    comment: input.comment,
    events: [
      {
        type: 'lot.returned',
        data: { ...lotSummary(next), returnedQty: quantity, nonconformanceId: input.nonconformanceId, by: ctx.actor.userId },
      },
    ],
  });
  return { changes: [change], edges: [] };
}

/** A produced quantity goes into an order's output lot: made new (origin `produced`) or added to the one the order makes. */
export interface ProduceIntoLot {
  id: string;
  material: Pick<Material, 'id' | 'name' | 'uom' | 'shelfLifeDays'>;
  quantity: number;
  workOrderId: string;
  seq: number;
}

/**
 * Adds what an order's last operation made to its output lot: the lot (new: available, expiring
 * after the material's shelf life), its `produce` movement and audit record. No lot event: the
 * order's `material.produced` event says it, in the same transaction. An existing lot must be
 * this order's output and not gone (consumed, scrapped, shipped); a held one stays held.
 */
export function produceIntoLot(ctx: LotContext, existing: LotAggregate | undefined, input: ProduceIntoLot): LotChange {
  if (existing) {
    if (existing.origin !== 'produced' || existing.workOrderId !== input.workOrderId || existing.materialId !== input.material.id) {
      throw new IllegalTransitionError(
        `lot ${existing.id} is not an output of work order ${input.workOrderId}: produce into a new lot number, or leave lotId out`,
      );
    }
    assertLive(existing, 'produce into');
    return finish(
      ctx,
      existing,
      { ...existing, quantity: existing.quantity + input.quantity, initialQuantity: existing.initialQuantity + input.quantity },
      {
        type: 'produce',
        action: 'lot.produce',
        quantityChange: input.quantity,
        workOrderId: input.workOrderId,
        seq: input.seq,
        events: [],
      },
    );
  }
  const { material } = input;
  const expiresAt = material.shelfLifeDays ? new Date(Date.parse(ctx.now) + material.shelfLifeDays * 86_400_000).toISOString() : undefined;
  const lot: MaterialLot = {
    id: input.id,
    materialId: material.id,
    materialName: material.name,
    uom: material.uom,
    quantity: input.quantity,
    initialQuantity: input.quantity,
    status: 'available',
    origin: 'produced',
    workOrderId: input.workOrderId,
    seq: input.seq,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    createdAt: ctx.now,
    createdBy: ctx.actor.userId,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version: 0,
  };
  return finish(ctx, undefined, lot, {
    type: 'produce',
    action: 'lot.produce',
    quantityChange: input.quantity,
    workOrderId: input.workOrderId,
    seq: input.seq,
    events: [],
  });
}

function edge(ctx: LotContext, from: string, to: string, quantity: number, uom: string, via: GenealogyEdge['via']): GenealogyEdge {
  return { from: lotRef(from), to: lotRef(to), quantity, uom, via, at: ctx.now, by: ctx.actor.userId };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

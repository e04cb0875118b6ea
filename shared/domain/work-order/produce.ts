/**
 * What an order makes, as the system of record (issue 14): the good units its last operation
 * reports go into a produced lot (a lot-tracked material) or get one serial number each (a
 * serialized material), in the report's transaction, with the genealogy edges from the lots and
 * serials its operations consumed.
 *
 * Which consumed lot went into which unit made: first in, first out, per component. The order's
 * consumption of a component, laid end to end in the order consumed, gives unit k (its k-th good
 * unit, from 0) the stretch [k·q, (k+1)·q), q the quantity per unit (consumption.ts,
 * lotsForUnits). Scrap makes a good unit's place in that line uncertain: a unit scrapped before
 * it moved it on by one. So each unit is given the stretch widened by the scrap reported from the
 * consuming operation to the last one, [k·q, (k+1+s)·q): a unit near a lot boundary is linked to
 * both lots, never to neither, which is what a recall needs.
 *
 * The edges are written by whichever comes second: a report links its units to what was consumed
 * before it; a consumption after units were made links itself to the units it covers
 * (`consumptionEdges`). Pure: the service reads, the repository writes.
 */
import { QuantityRuleError, ValidationError } from '../errors.ts';
import type { Material } from '../master-data/model.ts';
import { type ConsumedMaterial, type OperationComponent, acceptsMaterial, lotsForUnits } from '../tracking/consumption.ts';
import { type LotAggregate, type LotChange, type LotContext, produceIntoLot } from '../tracking/lots.ts';
import type { SerialWrite } from '../tracking/consume.ts';
import type { GenealogyEdge, Movement, NodeRef, SerialUnit } from '../tracking/model.ts';
import { type Change, type CommandContext, summary } from './commands.ts';
import type { Operation, OrderOutput, WorkOrderAggregate } from './model.ts';

/** Serials one report may make: each is its record, its movement, its place in the order and its edges, in one transaction of at most 100 items. */
export const MAX_SERIALS_PER_REPORT = 10;
/** Units made before a consumption that it may link to in its own transaction. */
export const MAX_LATE_LINKS = 20;

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** A serial made: its record (new) and its first movement. */
export type SerialMade = SerialWrite;

/** What a report's good units made, beside the order's own change. */
export interface Produced {
  lot?: LotChange | undefined;
  serials: SerialMade[];
  edges: GenealogyEdge[];
}

/** What the service read for a report of the last operation of an order making a tracked material. */
export interface OutputPlan {
  material: Pick<Material, 'id' | 'name' | 'uom' | 'tracking' | 'shelfLifeDays'>;
  /** Lot tracking: the lot the good go into, and the lot as read when it exists. */
  lotId?: string | undefined;
  lot?: LotAggregate | undefined;
  /** Serial tracking: one number per good unit reported. */
  serialIds?: string[] | undefined;
}

/** The last operation of the order's flow (rework operations are side steps: commands.ts flowOf). */
export const isLastOperation = (order: WorkOrderAggregate, seq: number) => order.operations.filter((o) => !o.rework).at(-1)?.seq === seq;

/** The scrap reported from operation `seq` to the last one: how far a good unit's place may have moved on since `seq` consumed for it. */
function scrapFrom(order: WorkOrderAggregate, seq: number): number {
  const index = order.operations.findIndex((o) => o.seq === seq);
  return round(order.operations.slice(Math.max(0, index)).reduce((n, o) => n + o.scrapQty, 0));
}

/** Every operation's tracked components with what it consumed. */
const consumingOperations = (order: WorkOrderAggregate) =>
  order.operations.flatMap((op) =>
    (op.components ?? []).filter((c) => c.tracking !== 'none').map((c) => ({ op, component: c, consumed: op.consumed ?? [] })),
  );

/** The edges into `to` from what covered good units [fromUnit, toUnit), every component of every operation. */
function edgesInto(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  to: NodeRef,
  fromUnit: number,
  toUnit: number,
  perUnitCap: number | undefined,
): GenealogyEdge[] {
  return consumingOperations(order).flatMap(({ op, component, consumed }) => {
    const slack = scrapFrom(order, op.seq);
    const { lots } = lotsForUnits(component, consumed, fromUnit, toUnit + slack);
    const cap = perUnitCap === undefined ? undefined : round(component.quantityPer * perUnitCap);
    return lots.map((l) => ({
      from: l.node,
      to,
      quantity: cap === undefined ? l.quantity : Math.min(l.quantity, cap),
      uom: component.uom,
      via: 'consume' as const,
      workOrderId: order.id,
      seq: op.seq,
      at: ctx.now,
      by: ctx.actor.userId,
    }));
  });
}

/**
 * The report's good units made: into the output lot, or one serial each, with their edges; the
 * order's `output` and its `material.produced` event. `next` is the order with the report
 * applied; `goodBefore` the last operation's good before it.
 */
export function produce(
  ctx: CommandContext,
  next: WorkOrderAggregate,
  op: Operation,
  goodBefore: number,
  goodDelta: number,
  plan: OutputPlan,
): { output: OrderOutput; event: Change['events'][number]; produced: Produced } {
  const output: OrderOutput = { lots: [...(next.output?.lots ?? [])], serials: next.output?.serials ?? 0 };
  const lotCtx: LotContext = ctx;
  const fromUnit = goodBefore;
  const toUnit = round(goodBefore + goodDelta);
  const base = {
    ...summary(next),
    seq: op.seq,
    workCenterId: op.workCenterId,
    materialId: plan.material.id,
    uom: plan.material.uom,
    madeQty: goodDelta,
    by: ctx.actor.userId,
  };
  if (plan.material.tracking === 'serial') {
    const ids = plan.serialIds ?? [];
    if (ids.length !== goodDelta) {
      throw new ValidationError([
        { pointer: '/body/serials', detail: `${goodDelta} good were reported: give ${goodDelta} serial numbers, or none to have them numbered` },
      ]);
    }
    if (new Set(ids).size !== ids.length) throw new ValidationError([{ pointer: '/body/serials', detail: 'a serial number is given twice' }]);
    if (ids.length > MAX_SERIALS_PER_REPORT) {
      throw new ValidationError([
        {
          pointer: '/body/goodQty',
          detail: `a serialized material is reported at most ${MAX_SERIALS_PER_REPORT} units at a time (${goodDelta} given)`,
        },
      ]);
    }
    const serials: SerialMade[] = ids.map((id, i) => {
      const ordinal = output.serials + i;
      const serial: SerialUnit = {
        id,
        materialId: plan.material.id,
        materialName: plan.material.name,
        status: 'made',
        workOrderId: next.id,
        seq: op.seq,
        ordinal,
        madeAt: ctx.now,
        madeBy: ctx.actor.userId,
        updatedAt: ctx.now,
        updatedBy: ctx.actor.userId,
        version: 1,
      };
      const movement: Movement = {
        type: 'produce',
        node: { kind: 'serial', id },
        quantityChange: 1,
        quantityAfter: 1,
        workOrderId: next.id,
        seq: op.seq,
        at: ctx.now,
        by: ctx.actor.userId,
        version: 1,
      };
      return { before: undefined, after: serial, movement };
    });
    const edges = serials.flatMap(({ after }) => edgesInto(ctx, next, { kind: 'serial', id: after.id }, after.ordinal, after.ordinal + 1, 1));
    output.serials += ids.length;
    return { output, event: { type: 'material.produced', data: { ...base, serials: ids } }, produced: { serials, edges } };
  }
  const lotId = plan.lotId as string;
  const lot = produceIntoLot(lotCtx, plan.lot, { id: lotId, material: plan.material, quantity: goodDelta, workOrderId: next.id, seq: op.seq });
  if (output.lots[output.lots.length - 1]?.id !== lotId) {
    if (output.lots.some((l) => l.id === lotId)) {
      throw new QuantityRuleError(`lot ${lotId} was this order's output before another lot: produce into the order's current lot or a new one`);
    }
    output.lots.push({ id: lotId, fromUnit });
  }
  const edges = edgesInto(ctx, next, { kind: 'lot', id: lotId }, fromUnit, toUnit, undefined);
  return {
    output,
    event: { type: 'material.produced', data: { ...base, lotId, lotQuantity: lot.after.quantity } },
    produced: { lot, serials: [], edges },
  };
}

/**
 * A consumption that comes after units it covers were made: the units (good units of the last
 * operation, [fromUnit, toUnit)) it links to, or none. `consumedBefore` is the operation's
 * consumption before it.
 */
export function unitsCovered(
  order: WorkOrderAggregate,
  op: Operation,
  component: OperationComponent,
  consumedBefore: readonly ConsumedMaterial[],
  quantity: number,
): { fromUnit: number; toUnit: number; covered: number } | undefined {
  const made = order.output ? Math.max(order.output.serials, order.operations.filter((o) => !o.rework).at(-1)?.goodQty ?? 0) : 0;
  if (made <= 0 || component.quantityPer <= 0 || component.tracking === 'none') return undefined;
  const start = round(consumedBefore.filter((m) => acceptsMaterial(component, m.materialId)).reduce((n, m) => n + m.quantity, 0));
  const slack = scrapFrom(order, op.seq);
  // Unit k takes [k·q, (k+1+slack)·q): it meets [start, start + quantity) when k < end/q and k > start/q - 1 - slack.
  const fromUnit = Math.max(0, Math.floor(round(start / component.quantityPer - slack)));
  const toUnit = Math.min(made, Math.ceil(round((start + quantity) / component.quantityPer)));
  if (toUnit <= fromUnit) return undefined;
  // What of it went into units made (unwidened); a link made by the widening alone carries the share of one unit.
  const exact = round(Math.min(quantity, Math.max(0, made * component.quantityPer - start)));
  return { fromUnit, toUnit, covered: exact > 0 ? exact : round(Math.min(quantity, component.quantityPer)) };
}

/**
 * The edges of a late consumption into the order's output: the serials of the units it covers, or
 * the lots they went into. `covered` is the part of the consumed quantity that went into units
 * already made (the rest goes into units still to come, whose reports link it).
 */
export function consumptionEdges(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  op: Operation,
  from: NodeRef,
  covered: number,
  uom: string,
  units: { fromUnit: number; toUnit: number },
  serialIds: readonly string[],
): GenealogyEdge[] {
  const edge = (to: NodeRef, q: number): GenealogyEdge => ({
    from,
    to,
    quantity: round(q),
    uom,
    via: 'consume',
    workOrderId: order.id,
    seq: op.seq,
    at: ctx.now,
    by: ctx.actor.userId,
  });
  const count = units.toUnit - units.fromUnit;
  if (serialIds.length) return serialIds.map((id) => edge({ kind: 'serial', id }, covered / serialIds.length));
  const lots = order.output?.lots ?? [];
  return lots.flatMap((l, i) => {
    const end = lots[i + 1]?.fromUnit ?? Number.POSITIVE_INFINITY;
    const overlap = Math.min(end, units.toUnit) - Math.max(l.fromUnit, units.fromUnit);
    return overlap > 0 ? [edge({ kind: 'lot', id: l.id }, (covered * overlap) / count)] : [];
  });
}

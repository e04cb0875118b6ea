/**
 * BOM-driven consumption (issue 14), pure: what an operation must consume for what it made,
 * what may stand in (substitutes), how far off it may be (tolerance), which staged lots a
 * backflush draws from (first expiring first, then oldest), and what is still missing before
 * the operation may complete. The work order commands apply these; nothing here writes.
 */
import type { Bom, Material } from '../master-data/model.ts';
import { consumeRefusal } from './consume.ts';
import type { MaterialLot, NodeRef, TrackingMode } from './model.ts';

/** One BOM line as an operation carries it: per unit of the order's material. */
export interface OperationComponent {
  materialId: string;
  materialName?: string | undefined;
  uom: string;
  /** Quantity per unit made: the BOM line's quantityPer divided by the BOM's base quantity. */
  quantityPer: number;
  substitutes: string[];
  issue: 'manual' | 'backflush';
  tolerancePct: number;
  /** How the component material is tracked: a tracked one must be consumed from lots or serials. */
  tracking: TrackingMode;
}

/**
 * The BOM's lines as the operations that consume them carry them, copied at release (as the
 * routing is), so later BOM or material edits do not change a released order. A line's material
 * that no longer exists keeps its id as its name, its line's unit and no tracking.
 */
export function componentsFromBom(bom: Bom, materials: readonly Material[]): Map<number, OperationComponent[]> {
  const byId = new Map(materials.map((m) => [m.id, m]));
  const out = new Map<number, OperationComponent[]>();
  for (const line of bom.components) {
    const material = byId.get(line.materialId);
    const component: OperationComponent = {
      materialId: line.materialId,
      ...(material ? { materialName: material.name } : {}),
      uom: line.uom ?? material?.uom ?? 'EA',
      quantityPer: round(line.quantityPer / (bom.baseQuantity || 1)),
      substitutes: line.substitutes ?? [],
      issue: line.issue ?? 'manual',
      tolerancePct: line.tolerancePct ?? 0,
      tracking: material?.tracking ?? 'none',
    };
    out.set(line.operationSeq, [...(out.get(line.operationSeq) ?? []), component]);
  }
  return out;
}

/** What an operation consumed: a lot or serial, how much, and whether a backflush took it. */
export interface ConsumedMaterial {
  materialId: string;
  node: NodeRef;
  quantity: number;
  backflush: boolean;
  at: string;
  by: string;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

export const acceptsMaterial = (c: OperationComponent, materialId: string) => materialId === c.materialId || c.substitutes.includes(materialId);

/** What the operation should have consumed of a component for `made` units (good plus scrap). */
export const requiredQuantity = (c: OperationComponent, made: number) => round(c.quantityPer * made);

/** The band a consumed quantity may lie in for `made` units, from the tolerance. */
export function allowedBand(c: OperationComponent, made: number): { required: number; min: number; max: number } {
  const required = requiredQuantity(c, made);
  const slack = (required * c.tolerancePct) / 100;
  return { required, min: round(required - slack), max: round(required + slack) };
}

/** What was consumed against a component (its own material or a substitute). */
export const consumedAgainst = (c: OperationComponent, consumed: readonly ConsumedMaterial[]) =>
  round(consumed.filter((m) => acceptsMaterial(c, m.materialId)).reduce((n, m) => n + m.quantity, 0));

/** The component a material is consumed against at this operation (its own line first, then a line naming it a substitute). */
export const componentFor = (components: readonly OperationComponent[], materialId: string) =>
  components.find((c) => c.materialId === materialId) ?? components.find((c) => c.substitutes.includes(materialId));

export interface Shortfall {
  component: OperationComponent;
  required: number;
  min: number;
  consumed: number;
}

/**
 * Tracked components consumed less than the tolerance allows for what the operation made: the
 * operation may not complete until they are consumed (or its report corrected).
 */
export function missingConsumption(components: readonly OperationComponent[], consumed: readonly ConsumedMaterial[], made: number): Shortfall[] {
  return components.flatMap((c) => {
    if (c.tracking === 'none') return [];
    const { required, min } = allowedBand(c, made);
    const got = consumedAgainst(c, consumed);
    return got + 1e-9 < min ? [{ component: c, required, min, consumed: got }] : [];
  });
}

/**
 * How much more a manual issue may consume of a component: up to the tolerance over what the
 * order's whole quantity needs (an operator may issue before making, not beyond the order).
 */
export function issueHeadroom(c: OperationComponent, consumed: readonly ConsumedMaterial[], orderQuantity: number): number {
  return Math.max(0, round(allowedBand(c, orderQuantity).max - consumedAgainst(c, consumed)));
}

/** What a backflush takes from which lot; `short` is what the staged lots could not give. */
export interface BackflushPlan {
  takes: { lotId: string; materialId: string; quantity: number }[];
  short: number;
}

/** Whether a lot may be drawn from now: something left, and consumable as consumeRefusal says (not held, not expired, ...). */
const drawable = (lot: MaterialLot, now: string) => lot.quantity > 0 && !consumeRefusal(lot, { materialIds: [lot.materialId], quantity: 0, now });
/** Expiry as a time: lots carry it as given, with any offset. No expiry sorts last. */
const expiryOf = (lot: MaterialLot) => (lot.expiresAt ? Date.parse(lot.expiresAt) : Number.POSITIVE_INFINITY);

/**
 * The lots a backflush of `quantity` draws from among those staged at the work center: the
 * component's material or its substitutes, usable now, first expiring first (no expiry last),
 * then the oldest, then by id, so the same lots give the same plan.
 */
export function planBackflush(c: OperationComponent, quantity: number, staged: readonly MaterialLot[], now: string): BackflushPlan {
  const candidates = staged
    .filter((l) => acceptsMaterial(c, l.materialId) && drawable(l, now))
    .sort(
      (a, b) =>
        (expiryOf(a) === expiryOf(b) ? 0 : expiryOf(a) < expiryOf(b) ? -1 : 1) ||
        (a.materialId === c.materialId ? 0 : 1) - (b.materialId === c.materialId ? 0 : 1) ||
        a.createdAt.localeCompare(b.createdAt) ||
        a.id.localeCompare(b.id),
    );
  let left = round(quantity);
  const takes: BackflushPlan['takes'] = [];
  for (const lot of candidates) {
    if (left <= 0) break;
    const take = round(Math.min(left, lot.quantity));
    takes.push({ lotId: lot.id, materialId: lot.materialId, quantity: take });
    left = round(left - take);
  }
  return { takes, short: Math.max(0, left) };
}

/**
 * Which lots went into which units made, first in, first out, per component: the order's
 * consumption of a component (its own material and substitutes, in the order consumed) laid end
 * to end, unit k made (from 0) takes the stretch [k·q, (k+1)·q) of it, q its quantity per unit.
 * So a serial, or a report's quantity of a produced lot, gets edges from exactly the lots that
 * covered it, whichever came first: the consumption or the production (genealogy, issue 14).
 */
export interface Allocation {
  node: NodeRef;
  materialId: string;
  quantity: number;
}

/** The lots (and how much of each) that cover units [fromUnit, toUnit); `short` is the part no consumption covers yet. */
export function lotsForUnits(
  c: OperationComponent,
  consumed: readonly ConsumedMaterial[],
  fromUnit: number,
  toUnit: number,
): { lots: Allocation[]; short: number } {
  const from = round(fromUnit * c.quantityPer);
  const to = round(toUnit * c.quantityPer);
  const lots: Allocation[] = [];
  let start = 0;
  for (const m of consumed) {
    if (!acceptsMaterial(c, m.materialId)) continue;
    const end = round(start + m.quantity);
    const overlap = round(Math.min(end, to) - Math.max(start, from));
    if (overlap > 0) {
      const same = lots.find((l) => l.node.kind === m.node.kind && l.node.id === m.node.id);
      if (same) same.quantity = round(same.quantity + overlap);
      else lots.push({ node: m.node, materialId: m.materialId, quantity: overlap });
    }
    start = end;
    if (start >= to) break;
  }
  const covered = lots.reduce((n, l) => n + l.quantity, 0);
  return { lots, short: Math.max(0, round(to - from - covered)) };
}

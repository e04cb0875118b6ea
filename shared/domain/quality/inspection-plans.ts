/**
 * Inspection plans (issue 15, docs/quality.md): master data of kind `inspection-plan`, one per
 * material and routing operation. A plan names what to measure or check (its characteristics),
 * how many units and how often (its sampling), and what an SPC rule violation on its variable
 * characteristics does (stored here; the SPC side acts on it). A released order carries copies
 * of the plans that apply to it (CopiedInspectionPlan), so later edits do not change it.
 * Pure: no I/O.
 */
import type { FieldError } from '../errors.ts';
import type { Material, RecordMeta, Routing } from '../master-data/model.ts';
import { AQL_VALUES, type AqlValue } from './aql.ts';

export const CHARACTERISTIC_KINDS = ['variable', 'attribute'] as const;
export type CharacteristicKind = (typeof CHARACTERISTIC_KINDS)[number];

/** A measured characteristic: a value per unit inspected, within its spec limits. At least one limit. */
export interface VariableCharacteristic {
  id: string;
  name: string;
  kind: 'variable';
  /** A UN/ECE Recommendation 20 code (shared/domain/master-data/units.ts), stored as its code. */
  unit: string;
  nominal?: number | undefined;
  /** Lower and upper specification limits (inclusive: a value on a limit is within it). */
  lsl?: number | undefined;
  usl?: number | undefined;
}

export interface DefectCode {
  code: string;
  name: string;
}

/** A pass/fail characteristic: how many units of the sample fail, and which defects were seen. */
export interface AttributeCharacteristic {
  id: string;
  name: string;
  kind: 'attribute';
  defectCodes: DefectCode[];
}

export type Characteristic = VariableCharacteristic | AttributeCharacteristic;

export const SAMPLING_KINDS = ['every-n', 'first-article', 'per-lot', 'aql'] as const;
export type SamplingKind = (typeof SAMPLING_KINDS)[number];

/**
 * How often and how many. `every-n`: the k-th inspection falls due once the operation made
 * k * every units (good + scrap). `first-article`: one, once the operation runs. `per-lot`: one
 * per output lot at the last operation of a lot-tracked order, otherwise one per order.
 * `aql`: one per order (the lot is the order's quantity), sample size and acceptance number
 * from ISO 2859-1 (general inspection level II, single sampling, normal inspection; aql.ts).
 */
export type Sampling =
  | { kind: 'every-n'; every: number; sampleSize: number }
  | { kind: 'first-article'; sampleSize: number }
  | { kind: 'per-lot'; sampleSize: number }
  | { kind: 'aql'; aql: AqlValue };

export const VIOLATION_ACTIONS = ['notify', 'nonconformance', 'hold'] as const;
export type ViolationAction = (typeof VIOLATION_ACTIONS)[number];

export interface InspectionPlanInput {
  name: string;
  materialId: string;
  /** The routing operation where the inspection is done. */
  operationSeq: number;
  /** The routing it is for; absent: any routing of the material that has `operationSeq`. */
  routingId?: string | undefined;
  /** Inactive plans are kept (and stay on orders released with them) but no longer copied at release. */
  active: boolean;
  characteristics: Characteristic[];
  sampling: Sampling;
  /** What an SPC rule violation on a variable characteristic does (default notify only). */
  onViolation: ViolationAction[];
}

/** A stored plan (master data kind `inspection-plan`). */
export interface InspectionPlan extends InspectionPlanInput, RecordMeta {
  id: string;
}

/** A plan as a released order's operation carries it: the plan's content at the version copied. */
export interface CopiedInspectionPlan {
  planId: string;
  planVersion: number;
  name: string;
  characteristics: Characteristic[];
  sampling: Sampling;
  onViolation: ViolationAction[];
}

export const MAX_CHARACTERISTICS = 20;
export const MAX_DEFECT_CODES = 50;
/** Units in one sample of an every-n, first-article or per-lot plan. */
export const MAX_SAMPLE_SIZE = 500;

/** The cross-field rules of a variable characteristic, as a sentence each (undefined when it keeps them). */
export function limitsProblem(
  c: Pick<VariableCharacteristic, 'nominal' | 'lsl' | 'usl'>,
): { field: 'lsl' | 'usl' | 'nominal'; detail: string } | undefined {
  if (c.lsl === undefined && c.usl === undefined)
    return { field: 'usl', detail: 'a variable characteristic needs at least one spec limit (lsl or usl)' };
  if (c.lsl !== undefined && c.usl !== undefined && !(c.lsl < c.usl)) return { field: 'usl', detail: `usl (${c.usl}) must be above lsl (${c.lsl})` };
  if (c.nominal !== undefined) {
    if (c.lsl !== undefined && c.nominal < c.lsl) return { field: 'nominal', detail: `nominal (${c.nominal}) must not be below lsl (${c.lsl})` };
    if (c.usl !== undefined && c.nominal > c.usl) return { field: 'nominal', detail: `nominal (${c.nominal}) must not be above usl (${c.usl})` };
  }
  return undefined;
}

/**
 * What the plan names that does not fit what exists: the material, and the routing (which must
 * make that material and have the operation). Without a routing, any routing of the material
 * may carry the operation: nothing more is checked.
 */
export function planReferenceProblems(
  input: InspectionPlanInput,
  material: Pick<Material, 'id'> | undefined,
  routing: Pick<Routing, 'id' | 'materialId' | 'operations'> | undefined,
): FieldError[] {
  const errors: FieldError[] = [];
  if (!material) errors.push({ pointer: '/body/materialId', detail: `material ${input.materialId} does not exist` });
  if (input.routingId !== undefined) {
    if (!routing) errors.push({ pointer: '/body/routingId', detail: `routing ${input.routingId} does not exist` });
    else if (routing.materialId !== input.materialId)
      errors.push({ pointer: '/body/routingId', detail: `routing ${input.routingId} makes ${routing.materialId}, not ${input.materialId}` });
    else if (!routing.operations.some((o) => o.seq === input.operationSeq))
      errors.push({
        pointer: '/body/operationSeq',
        detail: `routing ${input.routingId} has no operation ${input.operationSeq} (it has ${routing.operations.map((o) => o.seq).join(', ')})`,
      });
  }
  return errors;
}

/** Whether a plan applies to an order of this material on this routing. */
export const appliesTo = (plan: InspectionPlanInput, order: { materialId: string; routingId: string }) =>
  plan.active && plan.materialId === order.materialId && (plan.routingId === undefined || plan.routingId === order.routingId);

/** The copy a released order's operation keeps. */
export function copyPlan(plan: InspectionPlanInput & { id: string; version: number }): CopiedInspectionPlan {
  return {
    planId: plan.id,
    planVersion: plan.version,
    name: plan.name,
    characteristics: plan.characteristics,
    sampling: plan.sampling,
    onViolation: plan.onViolation,
  };
}

/**
 * The plans a released order's operations carry: the active plans of its material for its
 * routing (or for any routing), by operation, sorted by plan id. A plan for any routing whose
 * operation this routing lacks does not apply; one for this very routing whose operation it
 * lacks (the routing changed since) is `astray`, and release refuses it.
 */
export function plansForRelease(
  plans: readonly InspectionPlan[],
  order: { materialId: string; routingId: string },
  routing: Pick<Routing, 'operations'>,
): { bySeq: Map<number, CopiedInspectionPlan[]>; astray: InspectionPlan[] } {
  const seqs = new Set(routing.operations.map((o) => o.seq));
  const bySeq = new Map<number, CopiedInspectionPlan[]>();
  const astray: InspectionPlan[] = [];
  for (const plan of [...plans].sort((a, b) => a.id.localeCompare(b.id))) {
    if (!appliesTo(plan, order)) continue;
    if (!seqs.has(plan.operationSeq)) {
      if (plan.routingId !== undefined) astray.push(plan);
      continue;
    }
    bySeq.set(plan.operationSeq, [...(bySeq.get(plan.operationSeq) ?? []), copyPlan(plan)]);
  }
  return { bySeq, astray };
}

export { AQL_VALUES };

/**
 * What is due (issue 15, docs/quality.md): from an operation's copied inspection plans, what it
 * made (good + scrap) and the summary of what was recorded, the inspections of each plan with
 * their status. Written once: the server gates completion on it and answers the due list with
 * it; the phone shows the same list. Pure: no I/O.
 *
 * An inspection's id is `{workOrderId}~{seq}~{planId}~{k}`: the k-th inspection of that plan at
 * that operation (`~` is in no id). Its results are attempts 1, 2, ...: a failed inspection
 * stands, and only quality (or an admin) may inspect it again; the latest attempt decides.
 */
import { type AqlPlan, aqlPlan } from './aql.ts';
import type { Characteristic, CharacteristicKind, CopiedInspectionPlan, SamplingKind } from './inspection-plans.ts';

export const INSPECTION_STATUSES = ['upcoming', 'due', 'passed', 'failed'] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];

/**
 * What an operation keeps of its inspections, per copied plan, so the due list needs only the
 * order: inspections 1..`recorded` have results, and those whose latest attempt failed are
 * listed with their attempts. Bounded: a failed inspection blocks completion until quality
 * inspects it again, and the k-th inspection is recorded only after the (k-1)-th.
 */
export interface InspectionProgress {
  planId: string;
  recorded: number;
  failed: { k: number; attempts: number }[];
}

export interface CharacteristicResult {
  characteristicId: string;
  kind: CharacteristicKind;
  /** Variable: the measured value of each unit of the sample, in the characteristic's unit. */
  values?: number[] | undefined;
  /** Units of the sample failing this characteristic: values outside the limits, or the defectives counted. */
  defectives: number;
  /** Attribute: the defects seen, by the plan's codes. */
  defects?: { code: string; count: number }[] | undefined;
  passed: boolean;
}

/** One attempt at an inspection, as recorded: never changed, never deleted. */
export interface InspectionRecord {
  inspectionId: string;
  attempt: number;
  workOrderId: string;
  seq: number;
  planId: string;
  planVersion: number;
  k: number;
  lotId?: string | undefined;
  sampleSize: number;
  /** An AQL plan's sampling plan (ISO 2859-1): the inspection passes with at most `ac` defective units. */
  aql?: AqlPlan | undefined;
  characteristics: CharacteristicResult[];
  /**
   * Units of the sample failing any characteristic: a unit (by its position in the values) failing
   * several variable characteristics counts once; attribute defectives are added (which unit they
   * were is not recorded, so a unit failing an attribute and another characteristic may count twice).
   */
  defectiveUnits: number;
  passed: boolean;
  recordedAt: string;
  recordedBy: string;
  /** Why quality inspects a failed inspection again. */
  reason?: string | undefined;
  comment?: string | undefined;
}

/** A request to record an inspection's results: one entry per characteristic of its plan. */
export interface RecordInspection {
  results: {
    characteristicId: string;
    /** Variable: exactly sampleSize values, one per unit of the sample. */
    values?: number[] | undefined;
    /** Attribute: units of the sample that fail it. */
    defectives?: number | undefined;
    defects?: { code: string; count: number }[] | undefined;
  }[];
  /** Required to inspect a failed inspection again. */
  reason?: string | undefined;
  comment?: string | undefined;
}

/** One inspection of an operation: what to inspect, how many units, and where it stands. */
export interface Inspection {
  id: string;
  workOrderId: string;
  seq: number;
  planId: string;
  planVersion: number;
  planName: string;
  k: number;
  status: InspectionStatus;
  sampling: SamplingKind;
  /** every-n (and the first of the others): the units made (good + scrap) at which it falls due. */
  dueAtQty?: number | undefined;
  /** per-lot at the last operation of a lot-tracked order: the output lot it inspects. */
  lotId?: string | undefined;
  sampleSize: number;
  aql?: AqlPlan | undefined;
  /** With their spec limits (variable) or defect codes (attribute). */
  characteristics: Characteristic[];
  /** Attempts recorded, when known (failed ones always; all when the results were read). */
  attempts?: number | undefined;
  /** The recorded attempts, oldest first, when they were read. */
  results?: InspectionRecord[] | undefined;
}

/** What an inspection needs of its order (a WorkOrderAggregate or WorkOrderDetail has it). */
export interface OrderView {
  id: string;
  quantity: number;
  tracking?: string | undefined;
  output?: { lots: { id: string; fromUnit: number }[] } | undefined;
  operations: OperationView[];
}
export interface OperationView {
  seq: number;
  status: string;
  goodQty: number;
  scrapQty: number;
  startedAt?: string | undefined;
  inspectionPlans?: CopiedInspectionPlan[] | undefined;
  inspectionProgress?: InspectionProgress[] | undefined;
}

export const inspectionId = (workOrderId: string, seq: number, planId: string, k: number) => `${workOrderId}~${seq}~${planId}~${k}`;

export interface InspectionRef {
  workOrderId: string;
  seq: number;
  planId: string;
  k: number;
}
/** The parts of an inspection id; undefined when it is not one. */
export function parseInspectionId(id: string): InspectionRef | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]{0,63})~(\d{1,4})~([A-Za-z0-9][A-Za-z0-9._-]{0,63})~(\d{1,7})$/.exec(id);
  if (!m) return undefined;
  const seq = Number(m[2]);
  const k = Number(m[4]);
  if (seq < 1 || k < 1) return undefined;
  return { workOrderId: m[1] as string, seq, planId: m[3] as string, k };
}

const STARTED = new Set(['RUNNING', 'PAUSED', 'DONE']);
/** An every-n plan lists at most this many upcoming inspections (the next one). */
const made = (op: OperationView) => Math.round((op.goodQty + op.scrapQty) * 1e6) / 1e6;

/**
 * Every inspection of the operation's copied plans: recorded ones (passed or failed), due ones,
 * and the next one not yet due (upcoming, with the count at which it falls due) while the
 * operation is not done. `results` (the operation's recorded attempts, any order) fill in
 * `results` and `attempts`.
 */
export function inspectionsOf(order: OrderView, op: OperationView, results?: readonly InspectionRecord[]): Inspection[] {
  const list: Inspection[] = [];
  const isLast = order.operations[order.operations.length - 1]?.seq === op.seq;
  for (const plan of op.inspectionPlans ?? []) {
    const progress = op.inspectionProgress?.find((p) => p.planId === plan.planId) ?? { planId: plan.planId, recorded: 0, failed: [] };
    const base = (k: number) => {
      const failed = progress.failed.find((f) => f.k === k);
      const own = results?.filter((r) => r.planId === plan.planId && r.seq === op.seq && r.k === k).sort((a, b) => a.attempt - b.attempt);
      const status: InspectionStatus = k <= progress.recorded ? (failed ? 'failed' : 'passed') : 'due';
      const attempts = own ? own.length : failed?.attempts;
      return {
        id: inspectionId(order.id, op.seq, plan.planId, k),
        workOrderId: order.id,
        seq: op.seq,
        planId: plan.planId,
        planVersion: plan.planVersion,
        planName: plan.name,
        k,
        status,
        sampling: plan.sampling.kind,
        characteristics: plan.characteristics,
        ...(attempts !== undefined ? { attempts } : {}),
        ...(own ? { results: own } : {}),
      };
    };
    const upcoming = (k: number, extra: Partial<Inspection>): Inspection => ({ ...base(k), status: 'upcoming', ...extra }) as Inspection;
    const count = made(op);
    const s = plan.sampling;
    const open = op.status !== 'DONE';
    if (s.kind === 'every-n') {
      const dueCount = Math.floor(count / s.every + 1e-9);
      const last = Math.max(dueCount, progress.recorded);
      for (let k = 1; k <= last; k++) list.push({ ...base(k), dueAtQty: k * s.every, sampleSize: s.sampleSize });
      if (open) list.push(upcoming(last + 1, { dueAtQty: (last + 1) * s.every, sampleSize: s.sampleSize }));
    } else if (s.kind === 'first-article') {
      if (progress.recorded >= 1 || STARTED.has(op.status) || op.startedAt !== undefined) list.push({ ...base(1), sampleSize: s.sampleSize });
      else list.push(upcoming(1, { sampleSize: s.sampleSize }));
    } else if (s.kind === 'per-lot' && isLast && order.tracking === 'lot') {
      const lots = order.output?.lots ?? [];
      const last = Math.max(lots.length, progress.recorded);
      for (let k = 1; k <= last; k++) {
        const lotId = lots[k - 1]?.id;
        list.push({ ...base(k), sampleSize: s.sampleSize, ...(lotId !== undefined ? { lotId } : {}) });
      }
      if (last === 0 && open) list.push(upcoming(1, { dueAtQty: 1, sampleSize: s.sampleSize }));
    } else {
      // per-lot of an untracked order (or not at its last operation): one per order; aql: one, the lot is the order.
      const aql = s.kind === 'aql' ? aqlPlan(Math.max(1, order.quantity), s.aql) : undefined;
      const sampleSize = aql ? aql.sampleSize : (s as { sampleSize: number }).sampleSize;
      const extra = { sampleSize, dueAtQty: 1, ...(aql ? { aql } : {}) };
      if (progress.recorded >= 1 || count >= 1) list.push({ ...base(1), ...extra });
      else if (open) list.push(upcoming(1, extra));
    }
  }
  return list;
}

/** The inspections that keep the operation from completing: due and unrecorded, or failed. */
export const outstandingInspections = (order: OrderView, op: OperationView): Inspection[] =>
  inspectionsOf(order, op).filter((i) => i.status === 'due' || i.status === 'failed');

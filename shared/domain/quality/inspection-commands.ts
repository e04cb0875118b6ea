/**
 * Recording an inspection's results (issue 15, docs/quality.md): a command on the work order
 * like a report, so the result, the operation's inspection progress, the order's audit record
 * and the `inspection.recorded` event are one transaction. Checks state first and throws
 * before anything is built, so a refused recording writes nothing. The server decides pass/fail.
 */
import { type FieldError, ForbiddenError, IllegalTransitionError, NotFoundError, ValidationError } from '../errors.ts';
import { PERMISSIONS, type Role } from '../roles.ts';
import { type CommandContext, findOperation, finish, replaceOp, summary } from '../work-order/commands.ts';
import type { CommandResult, Operation, WorkOrderAggregate } from '../work-order/model.ts';
import type { Characteristic } from './inspection-plans.ts';
import {
  type CharacteristicResult,
  type Inspection,
  type InspectionProgress,
  type InspectionRecord,
  type InspectionRef,
  inspectionsOf,
  type RecordInspection,
} from './inspections.ts';

/** The operation states in which results are recorded: while it runs or is paused (a DONE one has nothing outstanding). */
const RECORDABLE_OPERATION = new Set(['RUNNING', 'PAUSED']);
/** The order states: working, or held (quality may inspect again while a quality hold stands). */
const RECORDABLE_ORDER = new Set(['IN_PROGRESS', 'ON_HOLD']);

/** A variable characteristic's values, ready for the SPC store: one subgroup per attempt. */
export interface SpcSample {
  /** `insp:{planId}:{charId}`. */
  characteristicId: string;
  /** `{inspectionId}#{attempt}`. */
  subgroupId: string;
  at: string;
  values: number[];
}
/** An attribute characteristic's count, ready for p and np charts. */
export interface SpcAttributeSample {
  characteristicId: string;
  subgroupId: string;
  at: string;
  sampleSize: number;
  defectives: number;
}

export interface RecordedInspection {
  result: CommandResult;
  record: InspectionRecord;
  /** The inspection as it stands after this attempt (its results: this attempt only). */
  inspection: Inspection;
  /**
   * The seam for the SPC store (issue 15): the variable values and attribute counts of this
   * attempt, to be written in the same transaction. Not stored by the inspection repository.
   */
  samples: SpcSample[];
  attributeSamples: SpcAttributeSample[];
}

export const spcCharacteristicId = (planId: string, characteristicId: string) => `insp:${planId}:${characteristicId}`;

const inLimits = (c: Extract<Characteristic, { kind: 'variable' }>, v: number) =>
  (c.lsl === undefined || v >= c.lsl) && (c.usl === undefined || v <= c.usl);

/** Each characteristic's result from the request, or every problem at its field. */
function evaluate(
  inspection: Inspection,
  input: RecordInspection,
): { characteristics: CharacteristicResult[]; failingUnits: Set<number>; attributeDefectives: number } {
  const errors: FieldError[] = [];
  const byId = new Map(inspection.characteristics.map((c) => [c.id, c]));
  const seen = new Set<string>();
  const characteristics: CharacteristicResult[] = [];
  const failingUnits = new Set<number>();
  let attributeDefectives = 0;
  input.results.forEach((r, i) => {
    const at = `/body/results/${i}`;
    const c = byId.get(r.characteristicId);
    if (!c) {
      errors.push({
        pointer: `${at}/characteristicId`,
        detail: `plan ${inspection.planId} has no characteristic ${r.characteristicId} (it has ${[...byId.keys()].join(', ')})`,
      });
      return;
    }
    if (seen.has(c.id)) {
      errors.push({ pointer: `${at}/characteristicId`, detail: `characteristic ${c.id} is given twice` });
      return;
    }
    seen.add(c.id);
    if (c.kind === 'variable') {
      if (r.defectives !== undefined || r.defects !== undefined)
        errors.push({ pointer: `${at}/defectives`, detail: `${c.id} is a variable characteristic: give values, not defectives or defects` });
      if (r.values === undefined) {
        errors.push({ pointer: `${at}/values`, detail: `${c.id} needs ${inspection.sampleSize} values, one per unit of the sample` });
        return;
      }
      if (r.values.length !== inspection.sampleSize) {
        errors.push({
          pointer: `${at}/values`,
          detail: `${c.id} needs exactly ${inspection.sampleSize} values (the sample size), not ${r.values.length}`,
        });
        return;
      }
      const outside = r.values.flatMap((v, unit) => (inLimits(c, v) ? [] : [unit]));
      for (const unit of outside) failingUnits.add(unit);
      characteristics.push({ characteristicId: c.id, kind: 'variable', values: r.values, defectives: outside.length, passed: outside.length === 0 });
      return;
    }
    if (r.values !== undefined)
      errors.push({ pointer: `${at}/values`, detail: `${c.id} is an attribute characteristic: give defectives (and defects), not values` });
    if (r.defectives === undefined) {
      errors.push({ pointer: `${at}/defectives`, detail: `${c.id} needs defectives: how many units of the sample fail it (0 when none)` });
      return;
    }
    if (r.defectives > inspection.sampleSize) {
      errors.push({
        pointer: `${at}/defectives`,
        detail: `${r.defectives} defectives is more than the ${inspection.sampleSize} units of the sample`,
      });
      return;
    }
    const codes = new Set(c.defectCodes.map((d) => d.code));
    (r.defects ?? []).forEach((d, j) => {
      if (!codes.has(d.code))
        errors.push({ pointer: `${at}/defects/${j}/code`, detail: `${d.code} is not a defect code of ${c.id} (${[...codes].join(', ')})` });
    });
    if (r.defectives > 0 && (r.defects ?? []).length === 0)
      errors.push({ pointer: `${at}/defects`, detail: `name the defects seen on the ${r.defectives} defective units (codes of ${c.id})` });
    attributeDefectives += r.defectives;
    characteristics.push({
      characteristicId: c.id,
      kind: 'attribute',
      defectives: r.defectives,
      ...(r.defects?.length ? { defects: r.defects } : {}),
      passed: r.defectives === 0,
    });
  });
  for (const c of inspection.characteristics)
    if (!seen.has(c.id) && !errors.some((e) => e.pointer.endsWith('characteristicId')))
      errors.push({
        pointer: '/body/results',
        detail: `characteristic ${c.id} (${c.name}) has no result: every characteristic of the plan is inspected`,
      });
  if (errors.length) throw new ValidationError(errors);
  return { characteristics, failingUnits, attributeDefectives };
}

/**
 * Records one attempt at inspection `ref` of the order. Refused (nothing written): no such
 * operation or plan (404); the operation not RUNNING or PAUSED, or the inspection not yet due,
 * passed already, or an earlier one of its plan still unrecorded (409); a failed one by anyone
 * but quality or admin (403) or without a reason (400); results that do not fit the plan (400).
 */
export function recordInspection(ctx: CommandContext, order: WorkOrderAggregate, ref: InspectionRef, input: RecordInspection): RecordedInspection {
  const op = findOperation(order, ref.seq);
  const id = `${order.id}~${ref.seq}~${ref.planId}~${ref.k}`;
  const plan = op.inspectionPlans?.find((p) => p.planId === ref.planId);
  if (!plan) throw new NotFoundError(`inspection ${id} (operation ${ref.seq} of work order ${order.id} has no inspection plan ${ref.planId})`);
  if (!RECORDABLE_OPERATION.has(op.status) || !RECORDABLE_ORDER.has(order.status)) {
    throw new IllegalTransitionError(
      `inspection results are recorded while the operation runs or is paused: operation ${op.seq} is ${op.status} and work order ${order.id} is ${order.status}`,
    );
  }
  const inspection = inspectionsOf(order, op).find((i) => i.k === ref.k && i.planId === ref.planId);
  const progress = op.inspectionProgress?.find((p) => p.planId === plan.planId) ?? { planId: plan.planId, recorded: 0, failed: [] };
  if (!inspection) {
    if (ref.k > progress.recorded + 1) {
      throw new IllegalTransitionError(`inspection ${id} is not due: record inspection ${progress.recorded + 1} of plan ${plan.planId} first`);
    }
    throw new NotFoundError(`inspection ${id}`);
  }
  if (inspection.status === 'upcoming') {
    const when = inspection.dueAtQty !== undefined ? ` once the operation made ${inspection.dueAtQty} units` : ' once the operation runs';
    throw new IllegalTransitionError(`inspection ${id} is not due yet: it falls due${when}`);
  }
  if (inspection.status === 'passed') throw new IllegalTransitionError(`inspection ${id} passed already: a passed inspection is not recorded again`);
  if (inspection.status === 'due' && ref.k !== progress.recorded + 1) {
    throw new IllegalTransitionError(
      `record inspection ${progress.recorded + 1} of plan ${plan.planId} at operation ${op.seq} first (inspections are recorded in order)`,
    );
  }
  const failedBefore = progress.failed.find((f) => f.k === ref.k);
  if (inspection.status === 'failed') {
    if (!ctx.actor.roles.some((r) => (PERMISSIONS.reinspect as readonly Role[]).includes(r)))
      throw new ForbiddenError(`inspection ${id} failed: only ${PERMISSIONS.reinspect.join(' or ')} may inspect it again`);
    if (!input.reason?.trim())
      throw new ValidationError([{ pointer: '/body/reason', detail: `inspection ${id} failed: say why it is inspected again` }]);
  }
  const attempt = (failedBefore?.attempts ?? 0) + 1;

  const { characteristics, failingUnits, attributeDefectives } = evaluate(inspection, input);
  const defectiveUnits = failingUnits.size + attributeDefectives;
  const passed = inspection.aql ? defectiveUnits <= inspection.aql.ac : characteristics.every((c) => c.passed);

  const record: InspectionRecord = {
    inspectionId: id,
    attempt,
    workOrderId: order.id,
    seq: op.seq,
    planId: plan.planId,
    planVersion: plan.planVersion,
    k: ref.k,
    ...(inspection.lotId !== undefined ? { lotId: inspection.lotId } : {}),
    sampleSize: inspection.sampleSize,
    ...(inspection.aql ? { aql: inspection.aql } : {}),
    characteristics,
    defectiveUnits,
    passed,
    recordedAt: ctx.now,
    recordedBy: ctx.actor.userId,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    ...(input.comment !== undefined ? { comment: input.comment } : {}),
  };

  const failed = progress.failed.filter((f) => f.k !== ref.k);
  if (!passed) failed.push({ k: ref.k, attempts: attempt });
  failed.sort((a, b) => a.k - b.k);
  const nextProgress: InspectionProgress = { planId: plan.planId, recorded: Math.max(progress.recorded, ref.k), failed };
  const others = (op.inspectionProgress ?? []).filter((p) => p.planId !== plan.planId);
  const updated: Operation = { ...op, inspectionProgress: [...others, nextProgress].sort((a, b) => a.planId.localeCompare(b.planId)) };
  const next: WorkOrderAggregate = { ...order, operations: replaceOp(order, updated) };
  const result = finish(ctx, order, next, {
    action: 'inspection.record',
    target: `inspection/${id}`,
    reason: input.reason,
    comment: input.comment,
    events: [
      {
        type: 'inspection.recorded',
        data: {
          ...summary(next),
          seq: op.seq,
          workCenterId: op.workCenterId,
          inspectionId: id,
          attempt,
          planId: plan.planId,
          planVersion: plan.planVersion,
          k: ref.k,
          ...(inspection.lotId !== undefined ? { lotId: inspection.lotId } : {}),
          result: passed ? 'passed' : 'failed',
          passed,
          sampleSize: inspection.sampleSize,
          defectiveUnits,
          ...(inspection.aql ? { ac: inspection.aql.ac, re: inspection.aql.re } : {}),
          characteristics: characteristics.map((c) => ({
            characteristicId: c.characteristicId,
            kind: c.kind,
            defectives: c.defectives,
            passed: c.passed,
          })),
          ...(input.reason !== undefined ? { reason: input.reason } : {}),
          by: ctx.actor.userId,
        },
      },
    ],
  });
  const subgroupId = `${id}#${attempt}`;
  const samples: SpcSample[] = characteristics.flatMap((c) =>
    c.values ? [{ characteristicId: spcCharacteristicId(plan.planId, c.characteristicId), subgroupId, at: ctx.now, values: c.values }] : [],
  );
  const attributeSamples: SpcAttributeSample[] = characteristics.flatMap((c) =>
    c.kind === 'attribute'
      ? [
          {
            characteristicId: spcCharacteristicId(plan.planId, c.characteristicId),
            subgroupId,
            at: ctx.now,
            sampleSize: inspection.sampleSize,
            defectives: c.defectives,
          },
        ]
      : [],
  );
  const { results: _, ...rest } = inspection;
  return {
    result,
    record,
    inspection: { ...rest, status: passed ? 'passed' : 'failed', attempts: attempt, results: [record] },
    samples,
    attributeSamples,
  };
}

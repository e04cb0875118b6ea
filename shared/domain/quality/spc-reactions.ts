/**
 * What an SPC rule violation does (issue 15, docs/quality.md "What a violation does"): the
 * inspection plan's `onViolation`, copied onto the order's operation at release, says. `notify`
 * is the `quality.spc-violation` event the monitor writes anyway; `nonconformance` opens one NC
 * for the recorded attempt, naming the order and operation; `hold` puts the order on a quality
 * hold. Pure: which violations call for which reaction, the NC's report, the hold's change.
 * Only a variable characteristic's violation reacts (an attribute's is the event alone), and a
 * failed inspection (a value out of spec) is not a violation: it is the inspection's own result.
 */
import { unitOf } from '../master-data/units.ts';
import type { ReasonList } from '../master-data/reason-lists.ts';
import { type CommandContext, finish, summary } from '../work-order/commands.ts';
import { isHoldable } from '../work-order/nonconforming.ts';
import type { CommandResult, WorkOrderAggregate } from '../work-order/model.ts';
import { spcCharacteristicId } from './inspection-commands.ts';
import type { CopiedInspectionPlan, VariableCharacteristic } from './inspection-plans.ts';
import type { ReportNonconformance } from './nonconformance-model.ts';
import type { SpcViolation } from './spc-monitor.ts';

/** The hold reason an SPC hold names when the plant's hold list has it (the default list does). */
export const SPC_HOLD_REASON = 'QUALITY-SUSPECT';
/** The defect an SPC nonconformance names when the plant's defect list has it; else OTHER. */
export const SPC_DEFECT = 'DIM';
const DESCRIPTION_MAX = 2000;

/** A violation of one of the plan's variable characteristics, with the characteristic. */
export interface PlanViolation {
  characteristic: VariableCharacteristic;
  violation: SpcViolation;
}

/** The reactions the plan asks for, and the violations (of its variable characteristics) they are for. */
export function reactionsTo(
  plan: CopiedInspectionPlan,
  violations: readonly SpcViolation[],
): { violations: PlanViolation[]; nonconformance: boolean; hold: boolean } {
  const found = plan.characteristics.flatMap((c) =>
    c.kind === 'variable'
      ? violations.filter((v) => v.characteristicId === spcCharacteristicId(plan.planId, c.id)).map((violation) => ({ characteristic: c, violation }))
      : [],
  );
  return {
    violations: found,
    nonconformance: found.length > 0 && plan.onViolation.includes('nonconformance'),
    hold: found.length > 0 && plan.onViolation.includes('hold'),
  };
}

const num = (n: number) => String(Number(n.toPrecision(6)));
const rulesOf = (v: SpcViolation) => v.rules.map((r) => `rule ${r.rule} (${r.words})`).join(', ');

/** One line per violation: the characteristic, the rules broken, the point and the limits. */
export function describeViolation({ characteristic: c, violation: v }: PlanViolation): string {
  // People read this: the unit's symbol (mm), not its code (MMT).
  const unit = c.unit ? ` ${unitOf(c.unit)?.symbol ?? c.unit}` : '';
  const point = v.point.n > 1 ? `mean of ${v.point.n} units ${num(v.point.value)}${unit}` : `value ${num(v.point.value)}${unit}`;
  return (
    `${c.name} (${v.characteristicId}): ${rulesOf(v)}; ${point}, ` +
    `control limits ${num(v.limits.lcl)} to ${num(v.limits.ucl)}${unit} (centre ${num(v.limits.centre)}, baseline ${v.baselineVersion})`
  );
}

const clip = (text: string) => (text.length > DESCRIPTION_MAX ? `${text.slice(0, DESCRIPTION_MAX - 1)}…` : text);

/** An active code of the list: the preferred one, else the first whose code or name matches, else the fallback (if active), else undefined. */
function pick(list: ReasonList, preferred: string, match: RegExp, fallback?: string): string | undefined {
  const active = list.reasons.filter((r) => r.active);
  return (
    active.find((r) => r.code === preferred)?.code ??
    active.find((r) => match.test(r.code) || match.test(r.name))?.code ??
    (fallback ? active.find((r) => r.code === fallback)?.code : undefined)
  );
}

/** The plant's hold reason for quality: QUALITY-SUSPECT, or the first active one about quality; QUALITY-SUSPECT when none is. */
export const qualityHoldReason = (holds: ReasonList) => pick(holds, SPC_HOLD_REASON, /quality/i) ?? SPC_HOLD_REASON;

/** The plant's defect for a dimension out of control: DIM, or the first active one about dimensions, else OTHER, else the first active one. */
export const violationDefect = (defects: ReasonList) =>
  pick(defects, SPC_DEFECT, /dimension/i, 'OTHER') ?? defects.reasons.find((r) => r.active)?.code ?? SPC_DEFECT;

/** The nonconformance a violation opens: the order and operation, the sample's units, what broke which rule, the inspection. */
export function violationReport(input: {
  order: Pick<WorkOrderAggregate, 'id' | 'quantity'>;
  seq: number;
  inspectionId: string;
  sampleSize: number;
  defectCode: string;
  violations: readonly PlanViolation[];
}): ReportNonconformance {
  const lines = input.violations.map(describeViolation);
  return {
    workOrderId: input.order.id,
    seq: input.seq,
    // The sample's units are the suspect ones (never more than the order makes).
    quantity: Math.min(input.sampleSize, input.order.quantity),
    defectCode: input.defectCode,
    description: clip(`SPC rule violation at inspection ${input.inspectionId}: ${lines.join('; ')}`),
    inspectionId: input.inspectionId,
  };
}

/**
 * The order's quality hold for the plan's violations: undefined when the order is on hold
 * already (or cannot be held). The hold is the plan's, not the recorder's (an operator's result
 * places it too); lifting it stays quality's, with a reason (holds.ts, resumeWorkOrder).
 */
export function holdForViolation(
  ctx: CommandContext,
  order: WorkOrderAggregate,
  reasonCode: string,
  inspectionId: string,
  violations: readonly PlanViolation[],
): CommandResult | undefined {
  if (order.status === 'ON_HOLD' || !isHoldable(order)) return undefined;
  const comment = clip(`SPC rule violation at inspection ${inspectionId}: ${violations.map(describeViolation).join('; ')}`);
  const next = { ...order, status: 'ON_HOLD' as const, heldFrom: order.status, holdReason: reasonCode, holdKind: 'quality' as const };
  return finish(ctx, order, next, {
    action: 'workOrder.hold',
    target: 'workOrder',
    reason: reasonCode,
    comment,
    events: [
      {
        type: 'work-order.held',
        data: {
          ...summary(next),
          reason: reasonCode,
          kind: 'quality',
          comment,
          inspectionId,
          characteristicIds: [...new Set(violations.map((v) => v.violation.characteristicId))],
        },
      },
    ],
  });
}

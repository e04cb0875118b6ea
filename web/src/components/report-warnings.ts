/**
 * What a report or completion dialog says before it saves: a recorded value outside its limits
 * (still saved and flagged if the operator goes on: the record says what was measured), and a
 * completion that would pass nothing on (the API asks for confirmNoOutput).
 */
import type { DataRequirement, Operation, ReportOperation, WorkOrderDetail } from '../../../shared/api/schemas.ts';
import { flowOf } from '../../../shared/domain/work-order/commands.ts';

const name = (d: DataRequirement) => d.label ?? d.name;
const unit = (d: DataRequirement) => (d.unit ? ` ${d.unit}` : '');

/** "Screw torque 14.2 Nm is above the limit of 4.5 Nm." per value outside its limits. */
export function outOfLimitWarnings(op: Operation, data: ReportOperation['data']): string[] {
  const warnings: string[] = [];
  for (const d of op.dataToRecord) {
    const v = data?.[d.name];
    if (typeof v !== 'number') continue;
    if (d.max !== undefined && v > d.max) warnings.push(`${name(d)} ${v}${unit(d)} is above the limit of ${d.max}${unit(d)}.`);
    else if (d.min !== undefined && v < d.min) warnings.push(`${name(d)} ${v}${unit(d)} is below the limit of ${d.min}${unit(d)}.`);
  }
  return warnings;
}

/** True when completing with `goodQty` more would leave the operation with 0 good while the order needs output. */
export const passesNothingOn = (order: WorkOrderDetail, op: Operation, goodQty: number) =>
  op.goodQty + goodQty === 0 && order.producedQty < order.quantity;

/** The completion's warning in plain words, or undefined. */
export function noOutputWarning(order: WorkOrderDetail, op: Operation, goodQty: number): string | undefined {
  if (!passesNothingOn(order, op, goodQty)) return undefined;
  const next = flowOf(order.operations)[flowOf(order.operations).findIndex((o) => o.seq === op.seq) + 1];
  const what = next
    ? `nothing would pass to operation ${next.seq} (${next.name}), and it could report nothing`
    : `the order would complete with ${order.producedQty} of ${order.quantity} made`;
  return `Operation ${op.seq} has 0 good: ${what}. Enter what was made, or complete anyway if nothing good was made (a supervisor can reopen it).`;
}

/** Everything a dialog should say before saving, as one text; undefined when all is well. */
export function reportWarning(parts: (string | undefined)[], outOfLimits: string[]): string | undefined {
  const text = [...parts.filter(Boolean), ...outOfLimits].join(' ');
  if (!text) return undefined;
  return outOfLimits.length ? `${text} Save anyway, or correct it.` : text;
}

/**
 * The data an operator must record at an operation (from the routing). Values are checked for
 * type; a value outside the routing's limits is kept and flagged, because the record must say
 * what was measured, not what was hoped for.
 */
import type { Operation, RecordedValue } from './model.ts';
import { ValidationError, type FieldError } from '../errors.ts';
import type { CommandContext } from './commands.ts';

export function recordData(op: Operation, values: Record<string, number | string | boolean>, ctx: CommandContext) {
  const errors: FieldError[] = [];
  const recorded: Record<string, RecordedValue> = { ...op.recordedData };
  for (const [name, value] of Object.entries(values)) {
    const requirement = op.dataToRecord.find((d) => d.name === name);
    const pointer = `/body/data/${name}`;
    if (!requirement) {
      const known = op.dataToRecord.map((d) => d.name).join(', ') || 'none';
      errors.push({ pointer, detail: `operation ${op.seq} does not record ${name} (it records: ${known})` });
      continue;
    }
    if (typeof value !== (requirement.type === 'text' ? 'string' : requirement.type)) {
      errors.push({ pointer, detail: `must be a ${requirement.type}` });
      continue;
    }
    const outOfLimits =
      typeof value === 'number' &&
      ((requirement.min !== undefined && value < requirement.min) || (requirement.max !== undefined && value > requirement.max));
    recorded[name] = {
      value,
      ...(requirement.unit ? { unit: requirement.unit } : {}),
      outOfLimits,
      recordedAt: ctx.now,
      recordedBy: ctx.actor.userId,
    };
  }
  if (errors.length) throw new ValidationError(errors);
  return recorded;
}

/** An operation completes only when every required value has been recorded. */
export function requireRecordedData(op: Operation): void {
  const missing = op.dataToRecord.filter((d) => d.required && op.recordedData[d.name] === undefined);
  if (missing.length) {
    throw new ValidationError(missing.map((d) => ({ pointer: `/body/data/${d.name}`, detail: `required before operation ${op.seq} can complete` })));
  }
}

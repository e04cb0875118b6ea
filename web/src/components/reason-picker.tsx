/**
 * Reasons as people see them: a pick list of the plant's active reasons by name (the code as
 * secondary detail), never a free-text box where a code is meant; and a stored code shown by its
 * name. The lists come from reason-lists.ts.
 */
import type { ReasonListName } from '../../../shared/api/schemas.ts';
import { type ReasonLists, reasonName } from '../reason-lists.ts';
import type { Field } from '../ui.tsx';

/** "Surface defect (SURF)": the name first, the code after it. */
const optionLabel = (name: string, code: string) => `${name} (${code})`;

/** A pick list of the list's active reasons; while the lists load, its label says so. */
export function reasonPicker(
  lists: ReasonLists | undefined,
  list: ReasonListName,
  field: { name: string; label: string; required?: boolean },
): Field {
  const reasons = lists?.[list].reasons.filter((r) => r.active) ?? [];
  return {
    name: field.name,
    label: lists ? field.label : `${field.label} (loading the plant's list…)`,
    type: 'select',
    required: field.required ?? true,
    options: reasons.map((r) => ({ value: r.code, label: optionLabel(r.name, r.code) })),
  };
}

/** The reason pick list and an optional comment beside it, as a pause or a hold takes them. */
export const reasonFields = (lists: ReasonLists | undefined, list: ReasonListName): Field[] => [
  reasonPicker(lists, list, { name: 'reasonCode', label: 'Reason' }),
  { name: 'comment', label: 'Comment (optional)', type: 'text' },
];

/** The reason and comment a pause or hold sends; the pick list's `required` makes the code present. */
export function readReason(values: Record<string, string>): { reasonCode: string; comment?: string } {
  const reasonCode = values.reasonCode ?? '';
  if (!reasonCode) throw new Error('Choose a reason from the list.');
  const comment = (values.comment ?? '').trim();
  return { reasonCode, ...(comment ? { comment } : {}) };
}

/** A stored code by its name, the code after it in muted type; the code alone when the list does not know it. */
export function ReasonName({ lists, list, code }: { lists: ReasonLists | undefined; list: ReasonListName; code: string }) {
  const name = reasonName(lists, list, code);
  if (name === code) return <span class="reason-name">{code}</span>;
  return (
    <span class="reason-name">
      {name} <span class="muted">({code})</span>
    </span>
  );
}

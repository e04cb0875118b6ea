/**
 * The fields of a production report or completion (ReportOperationSchema /
 * CompleteOperationSchema in shared/api/schemas.ts): quantities since the last report, a scrap
 * reason (picked from the plant's list), and one field per data item the routing asks the operation to record. Turns
 * what was typed into the request body, and says in plain words what is wrong before sending.
 */
import type { DataRequirement, Operation, ReportOperation } from '../../../shared/api/schemas.ts';
import { quantityProblem, unitOf } from '../../../shared/domain/master-data/units.ts';
import type { Field } from '../ui.tsx';

const DATA_PREFIX = 'data.';

/** "Motor screw torque (Nm)": the label an operator knows, with the unit to enter it in. */
export const dataLabel = (d: DataRequirement) => `${d.label ?? d.name}${d.unit ? ` (${d.unit})` : ''}`;

/**
 * `all`: every item, none required (a report may record some). `missing`: the required items
 * with no value yet, each required (completion refuses without them).
 */
export function dataFields(op: Operation, which: 'all' | 'missing'): Field[] {
  const items = which === 'all' ? op.dataToRecord : op.dataToRecord.filter((d) => d.required && op.recordedData[d.name] === undefined);
  return items.map((d) => {
    const base = { name: `${DATA_PREFIX}${d.name}`, label: dataLabel(d), required: which === 'missing' };
    if (d.type === 'boolean') {
      return {
        ...base,
        type: 'select' as const,
        options: [
          { value: 'true', label: 'Yes' },
          { value: 'false', label: 'No' },
        ],
      };
    }
    // No min/max on the input: a value outside the limits is recorded and flagged, not refused.
    return { ...base, type: d.type === 'number' ? ('number' as const) : ('text' as const) };
  });
}

/** The data values typed into `dataFields`; undefined when none. */
export function readData(op: Operation, values: Record<string, string>): ReportOperation['data'] {
  const data: NonNullable<ReportOperation['data']> = {};
  for (const d of op.dataToRecord) {
    const raw = (values[`${DATA_PREFIX}${d.name}`] ?? '').trim();
    if (raw === '') continue;
    if (d.type === 'number') {
      const n = parseDecimal(raw, true);
      if (n === undefined) throw new Error(`${dataLabel(d)} must be a number, such as 4.2 (you typed "${raw}").`);
      data[d.name] = n;
    } else if (d.type === 'boolean') data[d.name] = raw === 'true';
    else data[d.name] = raw;
  }
  return Object.keys(data).length ? data : undefined;
}

export type QuantityInput = Pick<ReportOperation, 'goodQty' | 'scrapQty' | 'scrapReasonCode'>;

/**
 * A number as people type it: digits with one decimal point or comma (12, 12.5, 12,5), and for
 * measured values a sign and an exponent (-0.5, 1e-12). Anything else ("12abc", "0x10", "1.2.3")
 * is undefined, never a number read from part of it.
 */
export function parseDecimal(text: string, signed = false): number | undefined {
  const pattern = signed ? /^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?$/ : /^(\d+([.,]\d*)?|[.,]\d+)$/;
  if (!pattern.test(text)) return undefined;
  const n = Number(text.replace(',', '.'));
  return Number.isFinite(n) ? n : undefined;
}

/**
 * A quantity field for the order's unit: its symbol beside it, and the digits-only keypad for
 * whole units (pumps); measured units (kg) keep the decimal keypad.
 */
export function quantityField(name: string, label: string, uom: string | undefined): Field {
  const unit = unitOf(uom);
  return {
    name,
    label,
    type: 'number',
    min: 0,
    ...(unit ? { unit: unit.symbol } : uom ? { unit: uom } : {}),
    ...(unit?.whole ? { inputMode: 'numeric' as const } : {}),
  };
}

/** Good, scrap and the scrap reason, in the order's unit. */
/** Good and scrap in the order's unit, then the scrap reason (a pick list of the plant's, see reason-picker.tsx). */
export const quantityFields = (uom: string | undefined, scrapReason: Field): Field[] => [
  quantityField('goodQty', 'Good quantity', uom),
  quantityField('scrapQty', 'Scrap quantity', uom),
  scrapReason,
];

/** A typed quantity, or why it is not one: not a number ("12abc"), or not in the unit (2.5 pumps). */
export function readQuantity(raw: string | undefined, label: string, uom: string | undefined): number {
  const text = (raw ?? '').trim();
  if (text === '') return 0;
  const whole = unitOf(uom)?.whole === true;
  const n = parseDecimal(text);
  if (n === undefined) {
    throw new Error(`${label} must be a number, 0 or more, such as ${whole ? '12' : '12 or 12.5'} (you typed "${text}").`);
  }
  const problem = quantityProblem(n, uom);
  if (problem) throw new Error(`${label} ${problem} (you typed "${text}").`);
  return n;
}

export function readQuantities(values: Record<string, string>, uom?: string): QuantityInput {
  const goodQty = readQuantity(values.goodQty, 'Good quantity', uom);
  const scrapQty = readQuantity(values.scrapQty, 'Scrap quantity', uom);
  const scrapReasonCode = (values.scrapReasonCode ?? '').trim();
  if (scrapQty > 0 && !scrapReasonCode) throw new Error('Choose a scrap reason: scrapped pieces need one.');
  return { goodQty, scrapQty, ...(scrapReasonCode ? { scrapReasonCode } : {}) };
}

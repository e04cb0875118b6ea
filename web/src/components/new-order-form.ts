/**
 * The New work order form without its screen (new-order-dialog.tsx): what was typed, read as a
 * create request in the plant's time zone, or what is wrong with each field in plain words.
 * Pure, so it is tested without a browser.
 */
import type { Material, Routing } from '../../../shared/api/schemas.ts';
import { quantityProblem, unitOf } from '../../../shared/domain/master-data/units.ts';
import { localToUtc, zoneOffsetMs } from '../../../shared/domain/telemetry/shifts.ts';
import { parseDecimal } from './order-report-fields.tsx';

const DAY_MS = 86_400_000;

export interface Choices {
  materials: Material[];
  routings: Routing[];
  timeZone: string;
}

export interface Values {
  materialId: string;
  routingId: string;
  quantity: string;
  date: string;
  time: string;
  priority: string;
}
export type FieldName = keyof Values;
/** Each field's control, in the order they show. */
export const FIELD_IDS: Record<FieldName, string> = {
  materialId: 'new-order-material',
  routingId: 'new-order-routing',
  quantity: 'new-order-quantity',
  date: 'new-order-date',
  time: 'new-order-time',
  priority: 'new-order-priority',
};

/** The plant-local date a week from now, and a time in the afternoon: a due date to change, not to keep. */
export function initialValues(timeZone: string): Values {
  const now = Date.now();
  const date = new Date(now + 7 * DAY_MS + zoneOffsetMs(timeZone, now)).toISOString().slice(0, 10);
  return { materialId: '', routingId: '', quantity: '', date, time: '14:00', priority: '500' };
}

/** The instant a plant-local date and time ("2026-12-02", "14:00") happen; undefined when unreadable. */
export function plantInstant(timeZone: string, date: string, time: string): number | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return undefined;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  return Number.isNaN(wall) ? undefined : localToUtc(timeZone, wall);
}

export interface Checked {
  body?: { materialId: string; routingId: string; quantity: number; dueDate: string; priority: number };
  errors: Partial<Record<FieldName, string>>;
  due?: number;
}

/** What was typed, as a create request, or what is wrong with it, per field, in plain words. */
export function checkNewOrder(values: Values, choices: Choices): Checked {
  const errors: Partial<Record<FieldName, string>> = {};
  const material = choices.materials.find((m) => m.id === values.materialId);
  if (!material) errors.materialId = 'Choose the material to make.';
  const routing = choices.routings.find((r) => r.id === values.routingId && r.materialId === values.materialId);
  if (material && !routing) errors.routingId = 'Choose how to make it: a routing for this material.';
  const text = values.quantity.trim();
  const quantity = parseDecimal(text);
  const unit = unitOf(material?.uom);
  if (text === '') errors.quantity = 'Enter how many to make.';
  else if (quantity === undefined || quantity <= 0) {
    errors.quantity = `Enter a number more than 0, such as ${unit?.whole === false ? '12.5' : '12'} (you typed "${text}").`;
  } else {
    const problem = quantityProblem(quantity, material?.uom);
    if (problem) errors.quantity = `The quantity ${problem} (you typed "${text}").`;
  }
  const due = plantInstant(choices.timeZone, values.date, values.time);
  if (due === undefined) errors.date = 'Enter the date and time the order is due.';
  const priority = /^\d{1,3}$/.test(values.priority.trim()) ? Number(values.priority.trim()) : Number.NaN;
  if (!(priority >= 1 && priority <= 999)) errors.priority = 'Enter a priority from 1 (most urgent) to 999.';
  if (Object.keys(errors).length || !material || !routing || quantity === undefined || due === undefined) return { errors };
  return {
    body: { materialId: material.id, routingId: routing.id, quantity, dueDate: new Date(due).toISOString(), priority },
    errors,
    due,
  };
}

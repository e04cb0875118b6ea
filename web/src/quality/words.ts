/**
 * Quality in words (issue 15): spec limits as a person reads them, a measured value against
 * them, dispositions and statuses by name, and the link to a characteristic's control chart.
 * Small and free of screens: the operator home imports it.
 */
import { unitOf } from '../../../shared/domain/master-data/units.ts';

/** A characteristic's spec: what the inspection plan says (variable ones). */
export interface Spec {
  name: string;
  unit?: string | undefined;
  lsl?: number | undefined;
  usl?: number | undefined;
  nominal?: number | undefined;
}

/** "mbar/min", "mm": the unit's symbol when the MES knows it, else its code. */
export const unitWords = (code: string | undefined) => (code ? (unitOf(code)?.symbol ?? code) : '');

const num = (n: number) => n.toLocaleString(undefined, { maximumFractionDigits: 6 });

/** "0 to 0.5 mbar/min, nominal 0.2"; "at most 0.5 mbar/min"; "at least 3 Nm"; "no limits". */
export function specWords(c: Spec): string {
  const unit = unitWords(c.unit);
  const u = unit ? ` ${unit}` : '';
  const range =
    c.lsl !== undefined && c.usl !== undefined
      ? `${num(c.lsl)} to ${num(c.usl)}${u}`
      : c.usl !== undefined
        ? `at most ${num(c.usl)}${u}`
        : c.lsl !== undefined
          ? `at least ${num(c.lsl)}${u}`
          : `no limits${u ? ` (in${u})` : ''}`;
  return c.nominal !== undefined ? `${range}, nominal ${num(c.nominal)}` : range;
}

/** Where a value lies against the limits: `empty` (nothing typed), `invalid` (not a number), `ok`, `low`, `high`. */
export type ValueCheck = 'empty' | 'invalid' | 'ok' | 'low' | 'high';

/** A typed value against the spec; a comma is read as a decimal point (a phone keypad may offer one). */
export function parseMeasured(text: string): number | undefined {
  const t = text.trim().replace(',', '.');
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export function checkValue(c: Spec, text: string): ValueCheck {
  if (text.trim() === '') return 'empty';
  const v = parseMeasured(text);
  if (v === undefined) return 'invalid';
  if (c.lsl !== undefined && v < c.lsl) return 'low';
  if (c.usl !== undefined && v > c.usl) return 'high';
  return 'ok';
}

/** "Leak rate" → "leak rate", for the middle of a sentence (an acronym stays as it is). */
export const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s.charAt(0).toLowerCase() + s.slice(1) : s);

/** "unit 3 leak rate 0.62 is above 0.5" */
export function valueProblem(c: Spec, unit: number, value: number): string | undefined {
  const u = unitWords(c.unit);
  const with_ = (n: number) => `${num(n)}${u ? ` ${u}` : ''}`;
  if (c.usl !== undefined && value > c.usl) return `unit ${unit} ${lowerFirst(c.name)} ${num(value)} is above ${with_(c.usl)}`;
  if (c.lsl !== undefined && value < c.lsl) return `unit ${unit} ${lowerFirst(c.name)} ${num(value)} is below ${with_(c.lsl)}`;
  return undefined;
}

export const DISPOSITION_WORDS = {
  scrap: 'Scrap',
  rework: 'Rework',
  'use-as-is': 'Use as is',
  'return-to-supplier': 'Return to supplier',
} as const;

export const NC_STATUS_WORDS = { open: 'Open', 'awaiting-approval': 'Awaiting approval', closed: 'Closed' } as const;

/** The hash path of a characteristic's control chart (its id percent-encoded). */
export const chartPath = (characteristicId: string) => `/characteristics/${encodeURIComponent(characteristicId)}`;
export const inspectionCharacteristicId = (planId: string, charId: string) => `insp:${planId}:${charId}`;
export const recordedValueCharacteristicId = (routingId: string, seq: number, name: string) => `data:${routingId}:${seq}:${name}`;

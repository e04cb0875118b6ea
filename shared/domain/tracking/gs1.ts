/**
 * GS1 labels of lots and serials (issue 14): the element string printed in a GS1 DataMatrix or
 * GS1-128 symbol with application identifiers (01) GTIN, (17) expiry, (10) lot and (21) serial,
 * and the reading of a scanned code back into the lot or serial it names. Pure: the web app
 * renders and scans with it (web/src/components/label.tsx, scan.tsx).
 *
 * Rules followed (GS1 General Specifications, sections 3, 5.10, 7.8, 7.12):
 * - (10) and (21) hold 1 to 20 characters of GS1 character set 82; they must be printed with a
 *   (01) GTIN. A lot or serial number that does not fit gets no GS1 label: `gs1ElementString`
 *   says why, and the label shows a plain DataMatrix of the number alone instead.
 * - Fixed-length AIs (01, 17) first, variable ones (10, 21) after, a GS (FNC1) only between
 *   variable ones: the shortest symbol.
 * - A scanned code arrives as a scanner or decoder gives it: with an AIM symbology identifier
 *   (`]d2` GS1 DataMatrix, `]C1` GS1-128, `]Q3` GS1 QR, `]e0` GS1 DataBar) or without one, with
 *   GS separators, or in the bracketed human-readable form `(01)…(10)…`; or a bare lot or
 *   serial number, typed or from a plain barcode.
 */

/** The group separator that stands for FNC1 between variable-length fields. */
export const GS = '\x1d';
/** The most characters (10) lot and (21) serial hold. */
export const GS1_MAX_LOT_OR_SERIAL = 20;
/**
 * GS1 AI encodable character set 82 (General Specifications figure 7.11-1), less the brackets:
 * in the bracketed form a `(` would read as the start of an AI.
 */
const SET_82_NO_BRACKETS = /^[!"%&'*+,\-./0-9:;<=>?A-Z_a-z]+$/;
/** What a lot or serial number of the MES is (shared/api/schemas.ts IdSchema): a bare scan must be one. */
const MES_NUMBER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

// ---------- GTIN ----------

/** The GS1 check digit (mod 10, weights 3 and 1 from the right) of the digits before it. */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[digits.length - 1 - i]);
    sum += i % 2 === 0 ? d * 3 : d;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * A GTIN-8, -12, -13 or -14 as the 14 digits AI (01) carries (zeros in front), or undefined when
 * it is not one: other lengths, not digits, or a wrong check digit.
 */
export function toGtin14(gtin: string): string | undefined {
  if (!/^(\d{8}|\d{12,14})$/.test(gtin)) return undefined;
  const padded = gtin.padStart(14, '0');
  return gs1CheckDigit(padded.slice(0, 13)) === Number(padded[13]) ? padded : undefined;
}

// ---------- Building a label's element string ----------

/** What a label says about a lot or a serial. */
export interface LabelContent {
  /** The material's GTIN (8, 12, 13 or 14 digits). */
  gtin?: string | undefined;
  /** The lot number: AI (10). A serial's own lot, when it has one, goes here too. */
  lot?: string | undefined;
  /** The serial number: AI (21). */
  serial?: string | undefined;
  /** The expiry date, YYYY-MM-DD in the plant's time zone: AI (17). */
  expiry?: string | undefined;
}

/** Why a label cannot be GS1, field by field, in words a person reads on the label screen. */
export interface Gs1Problem {
  field: 'gtin' | 'lot' | 'serial' | 'expiry';
  reason: string;
}

export type Gs1Encoding =
  | {
      ok: true;
      /** The bracketed form, e.g. `(01)09506000134352(17)261231(10)ABC`: printed under the symbol, and what bwip-js encodes. */
      hri: string;
      /** The element string as a decoder gives it after `]d2`: AIs and values, GS between variable fields. */
      elementString: string;
    }
  | { ok: false; problems: Gs1Problem[] };

function fieldProblem(field: 'lot' | 'serial', value: string): Gs1Problem | undefined {
  const name = field === 'lot' ? 'lot number' : 'serial number';
  if (value.length > GS1_MAX_LOT_OR_SERIAL)
    return { field, reason: `the ${name} has ${value.length} characters; GS1 allows ${GS1_MAX_LOT_OR_SERIAL}` };
  if (!SET_82_NO_BRACKETS.test(value)) return { field, reason: `the ${name} has characters a GS1 label cannot carry` };
  return undefined;
}

/** `2026-12-31` → `261231`, or undefined when it is not a real date. */
function yymmdd(date: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > daysIn(Number(y), Number(mo))) return undefined;
  return `${y.slice(2)}${mo}${d}`;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The GS1 element string of a lot or serial label, or every reason it cannot be one: no GTIN
 * (AI 10 and 21 must go with AI 01), a GTIN with a wrong check digit, a number longer than 20
 * characters or with characters outside GS1 set 82, no lot or serial at all.
 */
export function gs1ElementString(content: LabelContent): Gs1Encoding {
  const problems: Gs1Problem[] = [];
  const gtin = content.gtin === undefined ? undefined : toGtin14(content.gtin);
  if (content.gtin === undefined) problems.push({ field: 'gtin', reason: 'the material has no GTIN' });
  else if (!gtin) problems.push({ field: 'gtin', reason: `the material's GTIN ${content.gtin} is not a valid GTIN (length or check digit)` });
  if (content.lot === undefined && content.serial === undefined) problems.push({ field: 'lot', reason: 'there is no lot or serial number' });
  for (const field of ['lot', 'serial'] as const) {
    const value = content[field];
    const problem = value === undefined ? undefined : fieldProblem(field, value);
    if (problem) problems.push(problem);
  }
  const expiry = content.expiry === undefined ? undefined : yymmdd(content.expiry);
  if (content.expiry !== undefined && !expiry) problems.push({ field: 'expiry', reason: `the expiry ${content.expiry} is not a date` });
  if (problems.length > 0 || !gtin) return { ok: false, problems };

  const fields: [ai: string, value: string, fixed: boolean][] = [['01', gtin, true]];
  if (expiry) fields.push(['17', expiry, true]);
  if (content.lot !== undefined) fields.push(['10', content.lot, false]);
  if (content.serial !== undefined) fields.push(['21', content.serial, false]);
  const hri = fields.map(([ai, value]) => `(${ai})${value}`).join('');
  const elementString = fields.map(([ai, value, fixed], i) => `${ai}${value}${!fixed && i < fields.length - 1 ? GS : ''}`).join('');
  return { ok: true, hri, elementString };
}

// ---------- Reading a scanned code ----------

/** What a scanned or typed code names. */
export interface ParsedCode {
  /**
   * `lot` (AI 10 without 21) or `serial` (AI 21) from a GS1 code; `unknown` for a bare number
   * (typed, or a plain barcode), which may be either: look it up as a lot, then as a serial.
   */
  kind: 'lot' | 'serial' | 'unknown';
  /** The lot or serial number. */
  id: string;
  /** AI (01), 14 digits. */
  gtin?: string;
  /** AI (17) as YYYY-MM-DD. */
  expiry?: string;
  /** A serial's lot: AI (10) beside (21). */
  lot?: string;
}

/** AIM symbology identifiers of GS1 symbols: GS1 DataMatrix, GS1-128, GS1 QR, GS1 DataBar, GS1 DotCode. */
const GS1_SYMBOLOGIES = new Set([']d2', ']C1', ']Q3', ']e0', ']J1']);

/** Digits in an AI, by its first two digits (General Specifications figure 5.10.1-2 / 7.8.5-1). */
function aiLength(prefix: string): number | undefined {
  const n = Number(prefix);
  if (!/^\d\d$/.test(prefix)) return undefined;
  if (n <= 4 || (n >= 10 && n <= 22) || n === 30 || n === 37 || n >= 90) return 2;
  if ((n >= 23 && n <= 25) || (n >= 40 && n <= 42)) return 3;
  if ((n >= 31 && n <= 36) || n === 39 || n === 43 || (n >= 70 && n <= 72) || (n >= 80 && n <= 82)) return 4;
  return undefined;
}

/** AIs of predefined length, AI digits included (figure 7.8.5-2): they need no separator after them. */
const PREDEFINED_LENGTH: Record<string, number> = {
  '00': 20,
  '01': 16,
  '02': 16,
  '03': 16,
  '04': 18,
  '11': 8,
  '12': 8,
  '13': 8,
  '14': 8,
  '15': 8,
  '16': 8,
  '17': 8,
  '18': 8,
  '19': 8,
  '20': 4,
  '31': 10,
  '32': 10,
  '33': 10,
  '34': 10,
  '35': 10,
  '36': 10,
  '41': 16,
};

/** `01…17…10…` with GS after variable fields → AI → value; undefined when it is not an element string. */
function parseElementString(data: string): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    if (data[at] === GS) {
      at++;
      continue;
    }
    const prefix = data.slice(at, at + 2);
    const digits = aiLength(prefix);
    const ai = digits === undefined ? '' : data.slice(at, at + digits);
    if (!digits || !/^\d+$/.test(ai) || ai.length !== digits) return undefined;
    const fixed = PREDEFINED_LENGTH[prefix];
    let end: number;
    if (fixed !== undefined) {
      end = at + fixed;
      if (end > data.length) return undefined;
    } else {
      const gs = data.indexOf(GS, at + digits);
      end = gs === -1 ? data.length : gs;
    }
    const value = data.slice(at + digits, end);
    if (value === '' || value.includes(GS) || fields.has(ai)) return undefined;
    fields.set(ai, value);
    at = end;
  }
  return fields.size > 0 ? fields : undefined;
}

/** `(01)095…(10)ABC` → AI → value; undefined when it is not that form. */
function parseBracketed(text: string): Map<string, string> | undefined {
  if (!/^(\(\d{2,4}\)[^()]+)+$/.test(text)) return undefined;
  const fields = new Map<string, string>();
  for (const [, ai, value] of text.matchAll(/\((\d{2,4})\)([^()]+)/g)) {
    if (!ai || !value || fields.has(ai) || aiLength(ai.slice(0, 2)) !== ai.length) return undefined;
    fields.set(ai, value);
  }
  return fields;
}

/**
 * `261231` → `2026-12-31`. The century is the one that puts the year within 49 years back and
 * 50 ahead of `now` (General Specifications 7.12); day 00 is the month's last day.
 */
export function expiryDate(value: string, now: Date = new Date()): string | undefined {
  const m = /^(\d\d)(\d\d)(\d\d)$/.exec(value);
  if (!m) return undefined;
  const [yy, mm, dd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const current = now.getUTCFullYear();
  const diff = yy - (current % 100);
  const century = Math.floor(current / 100) + (diff >= 51 ? -1 : diff <= -50 ? 1 : 0);
  const year = century * 100 + yy;
  if (mm < 1 || mm > 12 || dd > daysIn(year, mm)) return undefined;
  const day = dd === 0 ? daysIn(year, mm) : dd;
  return `${String(year).padStart(4, '0')}-${String(mm).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A GS1 code's fields as a lot or serial, or undefined when they name neither or do not check. */
function fromFields(fields: Map<string, string>, now: Date): ParsedCode | undefined {
  const serial = fields.get('21');
  const lot = fields.get('10');
  const id = serial ?? lot;
  if (id === undefined) return undefined;
  const rawGtin = fields.get('01');
  const gtin = rawGtin === undefined ? undefined : toGtin14(rawGtin);
  if (rawGtin !== undefined && (!gtin || rawGtin.length !== 14)) return undefined;
  const rawExpiry = fields.get('17');
  const expiry = rawExpiry === undefined ? undefined : expiryDate(rawExpiry, now);
  if (rawExpiry !== undefined && !expiry) return undefined;
  return {
    kind: serial !== undefined ? 'serial' : 'lot',
    id,
    ...(gtin ? { gtin } : {}),
    ...(expiry ? { expiry } : {}),
    ...(serial !== undefined && lot !== undefined ? { lot } : {}),
  };
}

/**
 * What a scanned or typed code names: a lot or serial from a GS1 code, a bare number as
 * `unknown`, or undefined when it is neither (a GS1 code without (10) or (21), a wrong GTIN
 * check digit, a bare text that cannot be an MES lot or serial number).
 * `now` places the two-digit expiry year in its century.
 */
export function parseScannedCode(scanned: string, now: Date = new Date()): ParsedCode | undefined {
  // Keyboard-wedge scanners end with Enter; people type spaces.
  let text = scanned.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  let gs1: boolean | undefined;
  const aim = /^\][A-Za-z][0-9A-Za-z]/.exec(text)?.[0];
  if (aim) {
    gs1 = GS1_SYMBOLOGIES.has(aim);
    text = text.slice(3);
  }
  if (text.startsWith(GS)) {
    // A decoder that shows the leading FNC1 as GS.
    gs1 = true;
    text = text.slice(1);
  }
  if (gs1 !== false) {
    const fields = text.startsWith('(') ? parseBracketed(text) : parseElementString(text);
    // Surely GS1: said so, bracketed, or with separators. Maybe: starts with a GTIN whose check digit holds
    // (what a decoder without symbology identifiers gives), unless it reads only as a bare number.
    if (gs1 === true || text.startsWith('(') || text.includes(GS)) return fields ? fromFields(fields, now) : undefined;
    const parsed = /^01\d{14}/.test(text) && fields ? fromFields(fields, now) : undefined;
    if (parsed) return parsed;
  }
  return MES_NUMBER.test(text) ? { kind: 'unknown', id: text } : undefined;
}

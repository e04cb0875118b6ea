/**
 * Units of measure, by their UN/ECE Recommendation 20 codes. Each unit is counted in whole
 * units (pieces, pairs, boxes: 2.5 pumps is not a quantity) or measured (kilograms, litres,
 * metres), and measured units keep the decimals a scale or meter gives. The web app formats
 * quantities with the same table, so the API and the screen agree on what a quantity may be.
 * Pure: no I/O.
 */

export interface UnitOfMeasure {
  /** The UN/ECE Recommendation 20 common code. */
  code: string;
  /** In words, singular. */
  name: string;
  /** What follows a quantity on a screen: "12 pcs", "2.5 kg". */
  symbol: string;
  /** Counted in whole units. */
  whole: boolean;
  /** The decimals a quantity may have: 0 for whole units. */
  decimals: number;
}

const whole = (code: string, name: string, symbol: string): UnitOfMeasure => ({ code, name, symbol, whole: true, decimals: 0 });
const measured = (code: string, name: string, symbol: string, decimals: number): UnitOfMeasure => ({
  code,
  name,
  symbol,
  whole: false,
  decimals,
});

/** The units a plant's materials may be counted in. */
export const UNITS: readonly UnitOfMeasure[] = [
  whole('EA', 'each', 'pcs'),
  whole('H87', 'piece', 'pcs'),
  whole('C62', 'one', 'pcs'),
  whole('PR', 'pair', 'pairs'),
  whole('SET', 'set', 'sets'),
  whole('PK', 'pack', 'packs'),
  whole('BX', 'box', 'boxes'),
  whole('CT', 'carton', 'cartons'),
  whole('PX', 'pallet', 'pallets'),
  whole('RO', 'roll', 'rolls'),
  whole('BG', 'bag', 'bags'),
  whole('DR', 'drum', 'drums'),
  measured('KGM', 'kilogram', 'kg', 3),
  measured('GRM', 'gram', 'g', 2),
  measured('TNE', 'tonne', 't', 3),
  measured('LTR', 'litre', 'L', 3),
  measured('MLT', 'millilitre', 'mL', 1),
  measured('MTQ', 'cubic metre', 'm³', 3),
  measured('MTR', 'metre', 'm', 3),
  measured('CMT', 'centimetre', 'cm', 1),
  measured('MMT', 'millimetre', 'mm', 1),
  measured('MTK', 'square metre', 'm²', 3),
];

/** What ERPs and people also write for a unit (SAP's ST and PC, "kg"): read as the code. */
const ALIASES: Record<string, string> = {
  EACH: 'EA',
  PC: 'H87',
  PCS: 'H87',
  PCE: 'H87',
  ST: 'H87',
  PIECE: 'H87',
  PIECES: 'H87',
  KG: 'KGM',
  G: 'GRM',
  T: 'TNE',
  L: 'LTR',
  ML: 'MLT',
  M: 'MTR',
  CM: 'CMT',
  MM: 'MMT',
  M2: 'MTK',
  M3: 'MTQ',
};

const BY_CODE = new Map(UNITS.map((u) => [u.code, u]));

/** The unit a code (or a known alias, in any case) names; undefined when it names none. */
export function unitOf(code: string | undefined): UnitOfMeasure | undefined {
  if (!code) return undefined;
  const upper = code.trim().toUpperCase();
  return BY_CODE.get(upper) ?? BY_CODE.get(ALIASES[upper] ?? '');
}

/**
 * Whether two codes name the same unit: the same code, or two names for one piece (EA, H87,
 * C62: an ERP's 'ST' is a material's 'EA'). Unknown codes match only themselves, in any case.
 */
export function sameUnit(a: string, b: string): boolean {
  const [ua, ub] = [unitOf(a), unitOf(b)];
  if (!ua || !ub) return a.trim().toUpperCase() === b.trim().toUpperCase();
  return ua.code === ub.code || (PIECES.has(ua.code) && PIECES.has(ub.code));
}
const PIECES = new Set(['EA', 'H87', 'C62']);

/** The codes, for error messages and pick lists. */
export const UNIT_CODES = UNITS.map((u) => u.code);

/**
 * Why a quantity does not fit its unit, in words for a person ("must be a whole number of
 * pcs"); undefined when it fits. An unknown unit (a record from before units were checked)
 * takes any quantity the contract allows.
 */
export function quantityProblem(quantity: number, code: string | undefined): string | undefined {
  const unit = unitOf(code);
  if (!unit) return undefined;
  if (unit.whole) return Number.isInteger(quantity) ? undefined : `must be a whole number of ${unit.symbol} (${unit.name}, ${unit.code})`;
  return Number(quantity.toFixed(unit.decimals)) === quantity
    ? undefined
    : `must have at most ${unit.decimals} decimal place${unit.decimals === 1 ? '' : 's'} in ${unit.symbol}`;
}

/** The largest quantity at most `n` that fits the unit: an overrun limit of 52.5 pumps is 52. */
export function floorToUnit(n: number, code: string | undefined): number {
  const unit = unitOf(code);
  if (!unit) return n;
  const factor = 10 ** unit.decimals;
  // The epsilon keeps 51.000000001 (float noise from a percentage) at 51.
  return Math.floor(n * factor + 1e-9) / factor;
}

/** "12 pcs", "2.5 kg", "1,250 pcs": the quantity and its unit, as a person reads it. */
export function formatQuantity(quantity: number, code: string | undefined, locale?: string): string {
  const unit = unitOf(code);
  const number = quantity.toLocaleString(locale, { maximumFractionDigits: unit ? unit.decimals : 6 });
  if (unit) return `${number} ${unit.symbol}`;
  return code ? `${number} ${code}` : number;
}

/** Why a unit code is refused, in words: the codes it may be. */
export const unknownUnitDetail = (code: string) =>
  `${code} is not a unit of measure the MES knows; use a UN/ECE Recommendation 20 code: ${UNIT_CODES.join(', ')}`;

/**
 * A material's, BOM's or inspection plan's units as their codes ('ea' -> 'EA'), and where a unit is unknown: the
 * path of the field (['uom'], ['components', 0, 'uom']) and why. Other kinds pass unchanged.
 */
export function withUnitCodes<T>(kind: string, input: T): { input: T; problems: { path: (string | number)[]; detail: string }[] } {
  const problems: { path: (string | number)[]; detail: string }[] = [];
  const code = (value: string, path: (string | number)[]) => {
    const unit = unitOf(value);
    if (!unit) problems.push({ path, detail: unknownUnitDetail(value) });
    return unit?.code ?? value;
  };
  if (kind === 'material') {
    const material = input as { uom: string };
    return { input: { ...input, uom: code(material.uom, ['uom']) }, problems };
  }
  if (kind === 'inspection-plan') {
    // A variable characteristic's unit (issue 15): attribute ones have none.
    const plan = input as { characteristics: { kind: string; unit?: string | undefined }[] };
    const characteristics = plan.characteristics.map((c, i) =>
      c.kind === 'variable' && c.unit !== undefined ? { ...c, unit: code(c.unit, ['characteristics', i, 'unit']) } : c,
    );
    return { input: { ...input, characteristics }, problems };
  }
  if (kind === 'bom') {
    const bom = input as { components: { uom?: string | undefined }[] };
    const components = bom.components.map((c, i) => (c.uom === undefined ? c : { ...c, uom: code(c.uom, ['components', i, 'uom']) }));
    return { input: { ...input, components }, problems };
  }
  return { input, problems };
}

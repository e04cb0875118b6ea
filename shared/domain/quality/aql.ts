/**
 * Acceptance sampling by attributes, ISO 2859-1:1999 (identical in its tables to ANSI/ASQ Z1.4
 * and MIL-STD-105E): general inspection level II, single sampling, normal inspection.
 *
 * - Table 1 (sample size code letters): the lot size gives a code letter (level II column).
 * - Table 2-A (single sampling plans for normal inspection, master table): the code letter gives
 *   the sample size; the letter and the AQL give the acceptance number Ac and rejection number
 *   Re, or an arrow: "use the first sampling plan below (above) the arrow", and the sample size
 *   is then that plan's row's. When the sample size equals or exceeds the lot size, every unit
 *   is inspected (100 % inspection), with the Ac and Re of the plan the arrows led to.
 *
 * Table 2-A is encoded by its structure rather than cell by cell: the plan Ac 0 Re 1 for AQL
 * index a (0.010 = 0 ... 1000 = 25) sits at code letter index 14 - a (0.010 at Q ... 6.5 at A);
 * at d = letter + a - 14 rows below it the cell is: d < 0 arrow down; 0: 0/1; 1: arrow up;
 * 2: arrow down; 3..12: 1/2, 2/3, 3/4, 5/6, 7/8, 10/11, 14/15, 21/22, 30/31, 44/45. Rows F and
 * beyond stop at 21/22 (the 30/31 and 44/45 plans exist only in rows A to E); past the last plan
 * of a row the cell is an arrow up. docs/quality.md gives the table and worked examples; the
 * unit tests check cells against it. Pure: no I/O.
 */

export const AQL_VALUES = [
  0.01, 0.015, 0.025, 0.04, 0.065, 0.1, 0.15, 0.25, 0.4, 0.65, 1, 1.5, 2.5, 4, 6.5, 10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000,
] as const;
export type AqlValue = (typeof AQL_VALUES)[number];
export const isAqlValue = (value: unknown): value is AqlValue => (AQL_VALUES as readonly unknown[]).includes(value);

export const CODE_LETTERS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R'] as const;
export type CodeLetter = (typeof CODE_LETTERS)[number];

/** Table 2-A: the sample size of each code letter. */
export const SAMPLE_SIZES: Record<CodeLetter, number> = {
  A: 2,
  B: 3,
  C: 5,
  D: 8,
  E: 13,
  F: 20,
  G: 32,
  H: 50,
  J: 80,
  K: 125,
  L: 200,
  M: 315,
  N: 500,
  P: 800,
  Q: 1250,
  R: 2000,
};

/** Table 1, general inspection level II: the largest lot size of each letter (Q: 500 001 and over). */
const LEVEL_II: readonly [number, CodeLetter][] = [
  [8, 'A'],
  [15, 'B'],
  [25, 'C'],
  [50, 'D'],
  [90, 'E'],
  [150, 'F'],
  [280, 'G'],
  [500, 'H'],
  [1200, 'J'],
  [3200, 'K'],
  [10_000, 'L'],
  [35_000, 'M'],
  [150_000, 'N'],
  [500_000, 'P'],
];

/** Table 1: the sample size code letter of a lot size, general inspection level II (a lot of 1 is inspected as one of 2 to 8). */
export function codeLetterFor(lotSize: number): CodeLetter {
  for (const [upTo, letter] of LEVEL_II) if (lotSize <= upTo) return letter;
  return 'Q';
}

/** Ac/Re along the table's diagonals, from the 0/1 plan outwards (d = 3 is 1/2). */
const ACCEPTANCE = [1, 2, 3, 5, 7, 10, 14, 21, 30, 44] as const;

export type Table2ACell = { ac: number; re: number } | 'down' | 'up';

/** One cell of Table 2-A. */
export function table2A(letter: CodeLetter, aql: AqlValue): Table2ACell {
  const r = CODE_LETTERS.indexOf(letter);
  const a = AQL_VALUES.indexOf(aql);
  const d = r + a - 14;
  if (d < 0 || d === 2) return 'down';
  if (d === 0) return { ac: 0, re: 1 };
  if (d === 1) return 'up';
  // Rows A to E reach 44/45; rows F and beyond stop at 21/22.
  const last = r <= CODE_LETTERS.indexOf('E') ? 12 : 10;
  if (d > last) return 'up';
  const ac = ACCEPTANCE[d - 3] as number;
  return { ac, re: ac + 1 };
}

export interface AqlPlan {
  aql: AqlValue;
  lotSize: number;
  /** The code letter of the lot size (Table 1). */
  codeLetter: CodeLetter;
  /** The letter whose plan the arrows led to (the code letter itself when its cell is a plan). */
  planLetter: CodeLetter;
  /** Units to inspect: the plan's sample size, or the whole lot when that is at least the lot. */
  sampleSize: number;
  /** Accept the lot with at most `ac` nonconforming units in the sample; reject with `re` or more. */
  ac: number;
  re: number;
  /** The plan's sample size equals or exceeds the lot: every unit is inspected. */
  hundredPercent: boolean;
}

/**
 * The single sampling plan for normal inspection, level II, of a lot: Table 1's letter, then
 * Table 2-A's cell, following the arrows to the first plan below or above (the sample size is
 * that plan's). An arrow down from the last row (never reached from level II's letters, A to Q)
 * is taken upwards instead.
 */
export function aqlPlan(lotSize: number, aql: AqlValue): AqlPlan {
  if (!(lotSize >= 1)) throw new RangeError(`a lot has at least 1 unit (${lotSize} given)`);
  if (!isAqlValue(aql)) throw new RangeError(`${aql} is not an AQL of ISO 2859-1 Table 2-A (${AQL_VALUES.join(', ')})`);
  const codeLetter = codeLetterFor(lotSize);
  let r = CODE_LETTERS.indexOf(codeLetter);
  let cell = table2A(codeLetter, aql);
  let direction: 'down' | 'up' | undefined = typeof cell === 'string' ? cell : undefined;
  while (typeof cell === 'string') {
    // The structure puts an arrow up in row A at AQL 10 and an arrow down in row R at 0.015,
    // pointing past the table: each is taken the other way (R is never a level II letter).
    if (direction === 'down' && r === CODE_LETTERS.length - 1) direction = 'up';
    else if (direction === 'up' && r === 0) direction = 'down';
    r += direction === 'down' ? 1 : -1;
    cell = table2A(CODE_LETTERS[r] as CodeLetter, aql);
  }
  const planLetter = CODE_LETTERS[r] as CodeLetter;
  const planSize = SAMPLE_SIZES[planLetter];
  const hundredPercent = planSize >= lotSize;
  return { aql, lotSize, codeLetter, planLetter, sampleSize: hundredPercent ? lotSize : planSize, ac: cell.ac, re: cell.re, hundredPercent };
}

/**
 * Shewhart control charts (NIST/SEMATECH e-Handbook 6.3.2; Montgomery chapters 6 and 7): X-bar/R
 * and X-bar/S for subgroups of 2..25, individuals and moving range (I-MR), p and np for
 * defectives. Pure functions: values in, centre line, limits and every point with the Nelson
 * rules it breaks out. No I/O.
 *
 * Limits come from a frozen baseline when one is given (the quality role's), otherwise from the
 * data. Estimating limits from too little data invents them, so below the minimum (MINIMUM_POINTS)
 * a chart answers `{ kind: 'not-enough-data' }` instead. With a baseline one point is enough.
 * docs/spc.md explains the estimators and the minimums.
 */
import { constantsFor, E2, MAX_SUBGROUP_SIZE, MIN_SUBGROUP_SIZE } from './spc-constants.ts';
import { evaluateRules, NELSON_RULES, type NelsonRule, type RuleViolation } from './spc-rules.ts';

export const CHART_KINDS = ['xbar-r', 'xbar-s', 'i-mr', 'p', 'np'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];
export const isChartKind = (value: unknown): value is ChartKind => CHART_KINDS.includes(value as ChartKind);

/**
 * Subgroups (or samples, or individual values) needed to compute limits from the data:
 * Montgomery (chapter 6) and the AIAG SPC manual ask for 20 to 25 subgroups in phase I;
 * individuals and attribute samples get the same 20 (for I-MR, 19 moving ranges).
 */
export const MINIMUM_POINTS: Record<ChartKind, number> = { 'xbar-r': 20, 'xbar-s': 20, 'i-mr': 20, p: 20, np: 20 };

export interface NotEnoughData {
  kind: 'not-enough-data';
  have: number;
  need: number;
  /** e.g. "not enough data: 12 of 20 subgroups" */
  message: string;
}

export interface ChartPoint {
  /** Position in the input (subgroup, sample or value index). */
  index: number;
  value: number;
  centre: number;
  ucl: number;
  lcl: number;
  /** Sigma of the plotted statistic, (UCL − centre)/3 before any clipping at 0: the zones' unit. */
  sigma: number;
  violations: RuleViolation[];
}

export interface ChartSeries {
  /** What is plotted: 'mean', 'range', 'stdev', 'value', 'moving-range', 'proportion', 'count'. */
  statistic: string;
  points: ChartPoint[];
}

export interface ControlChart {
  kind: 'chart';
  chart: ChartKind;
  /** Where the centre and limits come from. */
  basis: 'baseline' | 'data';
  /** Subgroup size for X-bar charts and np; null for I-MR and variable-n p. */
  subgroupSize: number | null;
  /** The estimate of the process sigma within subgroups (R-bar/d2, S-bar/c4, MR-bar/d2); null for attribute charts. */
  sigmaWithin: number | null;
  /** The chart of location (X-bar, individuals, p, np). */
  primary: ChartSeries;
  /** The chart of spread (R, S, MR); absent for attribute charts. */
  secondary?: ChartSeries;
}

export type ChartResult = ControlChart | NotEnoughData;

export interface ChartOptions {
  /** Rules to evaluate on the location chart (default all eight); the spread chart (R, S, MR) is judged by rule 1 only. */
  rules?: readonly NelsonRule[];
}

const notEnough = (have: number, need: number, what: string): NotEnoughData => ({
  kind: 'not-enough-data',
  have,
  need,
  message: `not enough data: ${have} of ${need} ${what}`,
});

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rangeOf = (xs: readonly number[]) => Math.max(...xs) - Math.min(...xs);

/** Sample standard deviation (n − 1). */
export function sampleStdev(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

function series(
  statistic: string,
  raw: { value: number; centre: number; sigma: number; ucl: number; lcl: number }[],
  rules: readonly NelsonRule[],
): ChartSeries {
  const violations = evaluateRules(raw, rules);
  return { statistic, points: raw.map((p, index) => ({ index, ...p, violations: violations[index] ?? [] })) };
}

function sizeOf(subgroups: readonly (readonly number[])[]): number {
  const n = subgroups[0]?.length ?? 0;
  if (subgroups.some((g) => g.some((x) => !Number.isFinite(x)))) throw new RangeError('values must be finite numbers');
  if (n < MIN_SUBGROUP_SIZE || n > MAX_SUBGROUP_SIZE)
    throw new RangeError(`subgroup size ${n} is outside ${MIN_SUBGROUP_SIZE}..${MAX_SUBGROUP_SIZE}`);
  if (subgroups.some((g) => g.length !== n)) throw new RangeError('subgroups must all have the same size');
  return n;
}

export type XbarRBaseline = { centre: number; rBar: number } | { centre: number; sigma: number };
export type XbarSBaseline = { centre: number; sBar: number } | { centre: number; sigma: number };
export type IndividualsBaseline = { centre: number; mrBar: number } | { centre: number; sigma: number };
export interface AttributeBaseline {
  /** Fraction defective the chart is centred on. */
  pBar: number;
}

/** X-bar and R: centre ± A2·R-bar; R from D3·R-bar to D4·R-bar; sigma within = R-bar/d2 (NIST 6.3.2.1). */
export function xbarRChart(subgroups: readonly (readonly number[])[], baseline?: XbarRBaseline, options: ChartOptions = {}): ChartResult {
  if (!baseline && subgroups.length < MINIMUM_POINTS['xbar-r']) return notEnough(subgroups.length, MINIMUM_POINTS['xbar-r'], 'subgroups');
  if (subgroups.length === 0) return notEnough(0, 1, 'subgroups');
  const n = sizeOf(subgroups);
  const k = constantsFor(n);
  const means = subgroups.map(mean);
  const ranges = subgroups.map(rangeOf);
  const centre = baseline ? baseline.centre : mean(means);
  const rBar = baseline ? ('rBar' in baseline ? baseline.rBar : baseline.sigma * k.d2) : mean(ranges);
  const sigmaMean = (k.A2 * rBar) / 3;
  const sigmaRange = (k.d3 * rBar) / k.d2;
  return {
    kind: 'chart',
    chart: 'xbar-r',
    basis: baseline ? 'baseline' : 'data',
    subgroupSize: n,
    sigmaWithin: rBar / k.d2,
    primary: series(
      'mean',
      means.map((value) => ({ value, centre, sigma: sigmaMean, ucl: centre + k.A2 * rBar, lcl: centre - k.A2 * rBar })),
      options.rules ?? NELSON_RULES,
    ),
    secondary: series(
      'range',
      ranges.map((value) => ({ value, centre: rBar, sigma: sigmaRange, ucl: k.D4 * rBar, lcl: k.D3 * rBar })),
      [1],
    ),
  };
}

/** X-bar and S: centre ± A3·S-bar; S from B3·S-bar to B4·S-bar; sigma within = S-bar/c4 (NIST 6.3.2.1). */
export function xbarSChart(subgroups: readonly (readonly number[])[], baseline?: XbarSBaseline, options: ChartOptions = {}): ChartResult {
  if (!baseline && subgroups.length < MINIMUM_POINTS['xbar-s']) return notEnough(subgroups.length, MINIMUM_POINTS['xbar-s'], 'subgroups');
  if (subgroups.length === 0) return notEnough(0, 1, 'subgroups');
  const n = sizeOf(subgroups);
  const k = constantsFor(n);
  const means = subgroups.map(mean);
  const stdevs = subgroups.map(sampleStdev);
  const centre = baseline ? baseline.centre : mean(means);
  const sBar = baseline ? ('sBar' in baseline ? baseline.sBar : baseline.sigma * k.c4) : mean(stdevs);
  const sigmaMean = (k.A3 * sBar) / 3;
  const sigmaS = (sBar * Math.sqrt(1 - k.c4 * k.c4)) / k.c4;
  return {
    kind: 'chart',
    chart: 'xbar-s',
    basis: baseline ? 'baseline' : 'data',
    subgroupSize: n,
    sigmaWithin: sBar / k.c4,
    primary: series(
      'mean',
      means.map((value) => ({ value, centre, sigma: sigmaMean, ucl: centre + k.A3 * sBar, lcl: centre - k.A3 * sBar })),
      options.rules ?? NELSON_RULES,
    ),
    secondary: series(
      'stdev',
      stdevs.map((value) => ({ value, centre: sBar, sigma: sigmaS, ucl: k.B4 * sBar, lcl: k.B3 * sBar })),
      [1],
    ),
  };
}

/**
 * Individuals and moving range (Montgomery chapter 6, NIST 6.3.2.2): MR_i = |x_i − x_{i−1}|;
 * centre ± E2·MR-bar (E2 = 3/d2(2)); MR from 0 to D4(2)·MR-bar; sigma within = MR-bar/d2(2).
 * The MR chart has no point for the first value (the series' index starts at 1).
 */
export function individualsChart(values: readonly number[], baseline?: IndividualsBaseline, options: ChartOptions = {}): ChartResult {
  if (!baseline && values.length < MINIMUM_POINTS['i-mr']) return notEnough(values.length, MINIMUM_POINTS['i-mr'], 'values');
  if (values.length === 0) return notEnough(0, 1, 'values');
  if (values.some((x) => !Number.isFinite(x))) throw new RangeError('values must be finite numbers');
  const k = constantsFor(2);
  const moving = values.slice(1).map((x, i) => Math.abs(x - (values[i] as number)));
  const centre = baseline ? baseline.centre : mean(values);
  const mrBar = baseline ? ('mrBar' in baseline ? baseline.mrBar : baseline.sigma * k.d2) : mean(moving);
  const sigmaWithin = mrBar / k.d2;
  const mrSeries = series(
    'moving-range',
    moving.map((value) => ({ value, centre: mrBar, sigma: (k.d3 * mrBar) / k.d2, ucl: k.D4 * mrBar, lcl: 0 })),
    [1],
  );
  return {
    kind: 'chart',
    chart: 'i-mr',
    basis: baseline ? 'baseline' : 'data',
    subgroupSize: null,
    sigmaWithin,
    primary: series(
      'value',
      values.map((value) => ({ value, centre, sigma: (E2 * mrBar) / 3, ucl: centre + E2 * mrBar, lcl: centre - E2 * mrBar })),
      options.rules ?? NELSON_RULES,
    ),
    // moving range i ends at value i + 1: index the MR points and their violations by value
    secondary: {
      ...mrSeries,
      points: mrSeries.points.map((p) => ({
        ...p,
        index: p.index + 1,
        violations: p.violations.map((v) => ({ ...v, points: v.points.map((k) => k + 1) })),
      })),
    },
  };
}

export interface AttributeSample {
  /** Defective units found. */
  defectives: number;
  /** Units inspected. */
  size: number;
}

function checkSamples(samples: readonly AttributeSample[]) {
  for (const s of samples)
    if (!(s.size > 0) || !Number.isInteger(s.size) || !Number.isInteger(s.defectives) || s.defectives < 0 || s.defectives > s.size)
      throw new RangeError(`a sample needs 0 <= defectives <= size, size > 0, whole numbers: got ${s.defectives} of ${s.size}`);
}

/**
 * p chart (Montgomery chapter 7, NIST 6.3.3.2): p_i = d_i/n_i; p-bar = Σd/Σn; limits
 * p-bar ± 3·sqrt(p-bar(1 − p-bar)/n_i), per point when sample sizes vary, clipped to [0, 1].
 */
export function pChart(samples: readonly AttributeSample[], baseline?: AttributeBaseline, options: ChartOptions = {}): ChartResult {
  if (!baseline && samples.length < MINIMUM_POINTS.p) return notEnough(samples.length, MINIMUM_POINTS.p, 'samples');
  if (samples.length === 0) return notEnough(0, 1, 'samples');
  checkSamples(samples);
  const pBar = baseline ? baseline.pBar : samples.reduce((a, s) => a + s.defectives, 0) / samples.reduce((a, s) => a + s.size, 0);
  const sizes = new Set(samples.map((s) => s.size));
  return {
    kind: 'chart',
    chart: 'p',
    basis: baseline ? 'baseline' : 'data',
    subgroupSize: sizes.size === 1 ? (samples[0]?.size ?? null) : null,
    sigmaWithin: null,
    primary: series(
      'proportion',
      samples.map((s) => {
        const sigma = Math.sqrt((pBar * (1 - pBar)) / s.size);
        return { value: s.defectives / s.size, centre: pBar, sigma, ucl: Math.min(1, pBar + 3 * sigma), lcl: Math.max(0, pBar - 3 * sigma) };
      }),
      options.rules ?? NELSON_RULES,
    ),
  };
}

/** np chart (Montgomery chapter 7): constant sample size n; n·p-bar ± 3·sqrt(n·p-bar(1 − p-bar)), LCL clipped at 0. */
export function npChart(samples: readonly AttributeSample[], baseline?: AttributeBaseline, options: ChartOptions = {}): ChartResult {
  if (!baseline && samples.length < MINIMUM_POINTS.np) return notEnough(samples.length, MINIMUM_POINTS.np, 'samples');
  if (samples.length === 0) return notEnough(0, 1, 'samples');
  checkSamples(samples);
  const n = samples[0]?.size as number;
  if (samples.some((s) => s.size !== n)) throw new RangeError('an np chart needs one sample size; use a p chart for varying sizes');
  const pBar = baseline ? baseline.pBar : samples.reduce((a, s) => a + s.defectives, 0) / (n * samples.length);
  const centre = n * pBar;
  const sigma = Math.sqrt(n * pBar * (1 - pBar));
  return {
    kind: 'chart',
    chart: 'np',
    basis: baseline ? 'baseline' : 'data',
    subgroupSize: n,
    sigmaWithin: null,
    primary: series(
      'count',
      samples.map((s) => ({ value: s.defectives, centre, sigma, ucl: Math.min(n, centre + 3 * sigma), lcl: Math.max(0, centre - 3 * sigma) })),
      options.rules ?? NELSON_RULES,
    ),
  };
}

export interface Subgrouping {
  subgroups: number[][];
  /** Values at the end that do not fill a subgroup, left out of the chart. */
  leftOut: number;
  /** Set when values were left out: "2 values after the last full subgroup of 5 are left out". */
  note?: string;
}

/** Consecutive, time-ordered values into subgroups of n; a partial last subgroup is left out and said so. */
export function toSubgroups(values: readonly number[], n: number): Subgrouping {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`subgroup size must be a positive whole number: got ${n}`);
  const full = Math.floor(values.length / n);
  const subgroups = Array.from({ length: full }, (_, i) => values.slice(i * n, (i + 1) * n));
  const leftOut = values.length - full * n;
  return leftOut === 0
    ? { subgroups, leftOut }
    : {
        subgroups,
        leftOut,
        note: `${leftOut} value${leftOut === 1 ? '' : 's'} after the last full subgroup of ${n} ${leftOut === 1 ? 'is' : 'are'} left out`,
      };
}

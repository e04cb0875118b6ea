/**
 * What the SPC routes speak of (issue 15, docs/spc.md "Charts and storage"): characteristics and
 * their ids, the samples stored for them, the frozen baselines and the chart view. Pure types and
 * parsing, no I/O.
 *
 * A characteristic id names where its values come from:
 * - `insp:{planId}:{charId}`, an inspection plan's characteristic (results of inspections);
 * - `data:{routingId}:{seq}:{name}`, a routing operation's recorded value (reports and completions);
 * - `proc:{unitId}:{name}`, a machine process value (telemetry minute means).
 * In a URL the id is percent-encoded (`data%3AR-1%3A10%3Atorque`).
 */
import type { NelsonRule } from './spc-rules.ts';

export const CHARACTERISTIC_SOURCES = ['insp', 'data', 'proc'] as const;
export type CharacteristicSource = (typeof CHARACTERISTIC_SOURCES)[number];

/** The charts the route draws: the library's (spc.ts CHART_KINDS). `imr` is accepted in a query for `i-mr`. */
export const SPC_CHARTS = ['xbar-r', 'xbar-s', 'i-mr', 'p', 'np'] as const;
export type SpcChart = (typeof SPC_CHARTS)[number];

/** The longest window a chart reads: 92 days (a quarter), so a chart is a bounded number of Query pages. */
export const MAX_WINDOW_DAYS = 92;
/**
 * Points a chart draws at most: a point is about 150 bytes of JSON, and a Lambda answers at most
 * 6 MB. A window holding more is refused (choose a shorter one), never cut silently.
 */
export const MAX_CHART_POINTS = 30_000;
/** The window when none is asked: the last 30 days. */
export const DEFAULT_WINDOW_DAYS = 30;
/** Points the write-time monitor keeps per characteristic: the longest Nelson pattern (rule 7) is 15. */
export const MONITOR_POINTS = 15;

const PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export type CharacteristicRef =
  | { source: 'insp'; id: string; planId: string; charId: string }
  | { source: 'data'; id: string; routingId: string; seq: number; name: string }
  | { source: 'proc'; id: string; unitId: string; name: string };

/** The characteristic an id names, or undefined when it is not one (a percent-encoded id is decoded first). */
export function parseCharacteristicId(raw: string): CharacteristicRef | undefined {
  let id = raw;
  if (id.includes('%')) {
    try {
      id = decodeURIComponent(id);
    } catch {
      return undefined;
    }
  }
  const parts = id.split(':');
  switch (parts[0]) {
    case 'insp': {
      const [, planId, charId] = parts;
      return parts.length === 3 && PART.test(planId ?? '') && PART.test(charId ?? '')
        ? { source: 'insp', id, planId: planId as string, charId: charId as string }
        : undefined;
    }
    case 'data': {
      const [, routingId, seq, name] = parts;
      const n = Number(seq);
      return parts.length === 4 && PART.test(routingId ?? '') && /^[1-9][0-9]{0,3}$/.test(seq ?? '') && NAME.test(name ?? '')
        ? { source: 'data', id, routingId: routingId as string, seq: n, name: name as string }
        : undefined;
    }
    case 'proc': {
      const [, unitId, name] = parts;
      return parts.length === 3 && PART.test(unitId ?? '') && /^[A-Za-z0-9._-]{1,64}$/.test(name ?? '')
        ? { source: 'proc', id, unitId: unitId as string, name: name as string }
        : undefined;
    }
    default:
      return undefined;
  }
}

export const dataCharacteristicId = (routingId: string, seq: number, name: string) => `data:${routingId}:${seq}:${name}`;

/**
 * Values of one characteristic taken together: a subgroup (X-bar charts: the values of one
 * sample), a single value (individuals) or an attribute sample (values 1 = defective, 0 = good).
 */
export interface SpcSample {
  characteristicId: string;
  /** Who took them together: `{workOrderId}~{seq}~{k}` for recorded data, the inspection id for an inspection. */
  subgroupId: string;
  /** When they were taken (ISO 8601). */
  at: string;
  values: number[];
  workOrderId?: string | undefined;
  seq?: number | undefined;
}

/**
 * An attribute inspection's count as a sample's values (p and np charts count the non-zero
 * values as defective): `defectives` ones, then zeros up to the sample size.
 */
export const attributeValues = (sampleSize: number, defectives: number): number[] =>
  Array.from({ length: sampleSize }, (_, i) => (i < defectives ? 1 : 0));

/** A stored value, as read back. */
export interface SpcValue {
  at: string;
  value: number;
  subgroupId: string;
}

export interface SpecLimits {
  lsl?: number | undefined;
  usl?: number | undefined;
  nominal?: number | undefined;
  unit?: string | undefined;
  /** Where they come from. */
  source: 'inspection-plan' | 'routing' | 'baseline' | 'none';
}

/** Control limits of one series (location or spread). */
export interface Limits {
  centre: number;
  ucl: number;
  lcl: number;
}

/**
 * A frozen baseline: the centre and limits the quality role fixed from a window of data.
 * Versioned, never rewritten: the highest version is in force.
 */
export interface Baseline {
  characteristicId: string;
  version: number;
  chart: SpcChart;
  /** X-bar and np: the subgroup (sample) size; null for I-MR and p. */
  subgroupSize: number | null;
  /** The library's baseline (spc.ts): centre with rBar, sBar, mrBar; pBar for p and np. */
  centre: number;
  rBar?: number | undefined;
  sBar?: number | undefined;
  mrBar?: number | undefined;
  pBar?: number | undefined;
  sigmaWithin: number | null;
  /** The location chart's limits (for p with varying sizes: at the window's mean size). */
  limits: Limits;
  /** The spread chart's (R, S, MR); null for p and np. */
  spreadLimits: Limits | null;
  /** Spec limits given with the baseline (used where the characteristic has none of its own). */
  lsl?: number | undefined;
  usl?: number | undefined;
  /** The window it was computed from, and how many subgroups (points) it rests on. */
  from: string;
  to: string;
  points: number;
  reason: string;
  frozenAt: string;
  frozenBy: string;
}

export interface FreezeBaselineInput {
  from: string;
  to: string;
  chart: SpcChart;
  subgroupSize?: number | undefined;
  reason: string;
  lsl?: number | undefined;
  usl?: number | undefined;
}

export interface PointViolation {
  rule: NelsonRule;
  words: string;
  westernElectric: boolean;
}

/** One plotted point of the chart route. */
export interface SpcPoint {
  /** The time of the subgroup (its first value), or of the minute for a process value. */
  at: string;
  subgroupId?: string | undefined;
  /** Values it rests on (subgroup or sample size; minute samples for a process value). */
  n: number;
  /** The location statistic: mean, value, proportion or count. */
  value: number;
  /** The spread statistic: range, standard deviation or moving range (absent for attributes and the first I-MR point). */
  spread?: number | undefined;
  /** The Nelson rules this point breaks (location chart, all eight) ... */
  violations: PointViolation[];
  /** ... and on the spread chart (rule 1 only). */
  spreadViolations: PointViolation[];
  /** Per-point limits where they vary (p chart with varying sample sizes). */
  ucl?: number | undefined;
  lcl?: number | undefined;
}

export interface NotEnoughDataView {
  have: number;
  need: number;
  message: string;
}

export interface CapabilityView {
  /** How many values the indices rest on. */
  count: number;
  mean: number;
  sigmaWithin: number;
  sigmaOverall: number;
  cp: number | null;
  cpk: number | null;
  pp: number | null;
  ppk: number | null;
}

export interface SpcChartView {
  characteristicId: string;
  source: CharacteristicSource;
  from: string;
  to: string;
  chart: SpcChart;
  subgroupSize: number | null;
  /** Values read in the window. */
  valueCount: number;
  /** Where the centre line and limits come from: a frozen baseline (with its version) or the data shown. */
  limitsFrom: 'baseline' | 'data' | null;
  baselineVersion?: number | undefined;
  limits: Limits | null;
  spreadLimits: Limits | null;
  sigmaWithin: number | null;
  spec: SpecLimits;
  points: SpcPoint[];
  /** Set instead of limits when there are too few points to compute them from the data. */
  notEnoughData?: NotEnoughDataView | undefined;
  /** Cp, Cpk, Pp, Ppk, or why not: no spec limits (null), too few values (notEnoughData). */
  capability: CapabilityView | null;
  capabilityNotEnoughData?: NotEnoughDataView | undefined;
  /** e.g. "3 values after the last full subgroup of 5 are left out". */
  notes: string[];
}

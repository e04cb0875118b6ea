/**
 * From stored samples to what the chart route shows (issue 15, docs/spc.md "Charts and
 * storage"): which chart, how the samples become subgroups, points or attribute samples, the
 * library's chart (spc.ts) with the frozen baseline when it applies, capability, and notes on
 * what was left out. Pure.
 */
import { individualsCapability, subgroupCapability } from './spc-capability.ts';
import type { Baseline, CapabilityView, Limits, PointViolation, SpcChart, SpcChartView, SpcPoint, SpcSample, SpecLimits } from './spc-model.ts';
import type { CharacteristicRef } from './spc-model.ts';
import type { RuleViolation } from './spc-rules.ts';
import { type ChartResult, type ControlChart, individualsChart, npChart, pChart, sampleStdev, toSubgroups, xbarRChart, xbarSChart } from './spc.ts';

export interface ChartInput {
  ref: CharacteristicRef;
  samples: readonly SpcSample[];
  from: string;
  to: string;
  chart?: SpcChart | 'imr' | undefined;
  subgroupSize?: number | undefined;
  /** The baseline in force, if any: used when it was frozen for the same chart (and subgroup size). */
  baseline?: Baseline | undefined;
  /** The characteristic's own spec limits (plan, routing); the baseline's when it has none. */
  spec: SpecLimits;
}

/** One plotted unit before the library: its time, id, the values it rests on. */
interface Group {
  at: string;
  subgroupId?: string | undefined;
  values: number[];
}

export interface ChartComputation {
  chart: SpcChart;
  subgroupSize: number | null;
  groups: Group[];
  result: ChartResult;
  usesBaseline: boolean;
  notes: string[];
}

const mode = (xs: readonly number[]) => {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The chart asked for, or the baseline's, or by the data: subgrouped -> xbar-r, single values -> i-mr. */
export function chartFor(samples: readonly SpcSample[], asked: SpcChart | 'imr' | undefined, baseline: Baseline | undefined): SpcChart {
  if (asked) return asked === 'imr' ? 'i-mr' : asked;
  if (baseline) return baseline.chart;
  const size = mode(samples.map((s) => s.values.length)) ?? 1;
  return size >= 2 ? 'xbar-r' : 'i-mr';
}

/** The samples as the chart's units, and the library's chart over them. */
export function computeChart(input: Omit<ChartInput, 'ref' | 'spec' | 'from' | 'to'>): ChartComputation {
  const { samples } = input;
  const chart = chartFor(samples, input.chart, input.baseline);
  const notes: string[] = [];
  const baselineFits = (n: number | null) =>
    input.baseline !== undefined && input.baseline.chart === chart && (n === null || input.baseline.subgroupSize === n);

  if (chart === 'i-mr') {
    const groups = samples.flatMap((s) => s.values.map((value) => ({ at: s.at, subgroupId: s.subgroupId, values: [value] })));
    const usesBaseline = baselineFits(null);
    const b = usesBaseline ? input.baseline : undefined;
    const values = groups.map((g) => g.values[0] as number);
    const result = individualsChart(values, b ? { centre: b.centre, mrBar: b.mrBar as number } : undefined);
    return { chart, subgroupSize: null, groups, result, usesBaseline, notes };
  }

  if (chart === 'p' || chart === 'np') {
    let groups = samples.map((s) => ({ at: s.at, subgroupId: s.subgroupId, values: s.values }));
    let n: number | null = null;
    if (chart === 'np') {
      const fromBaseline = input.baseline?.chart === 'np' ? (input.baseline.subgroupSize ?? undefined) : undefined;
      n = input.subgroupSize ?? fromBaseline ?? mode(groups.map((g) => g.values.length)) ?? null;
      const kept = groups.filter((g) => g.values.length === n);
      if (kept.length < groups.length)
        notes.push(`${plural(groups.length - kept.length, 'sample')} of another size than ${n} left out (an np chart needs one sample size)`);
      groups = kept;
    }
    const usesBaseline = baselineFits(n);
    const attr = groups.map((g) => ({ defectives: g.values.filter((v) => v !== 0).length, size: g.values.length }));
    const b = usesBaseline && input.baseline?.pBar !== undefined ? { pBar: input.baseline.pBar } : undefined;
    const result = chart === 'p' ? pChart(attr, b) : npChart(attr, b);
    return { chart, subgroupSize: n, groups, result, usesBaseline: b !== undefined, notes };
  }

  // X-bar: the samples of the subgroup size as they were taken; single values grouped consecutively.
  const sizes = samples.map((s) => s.values.length);
  const singles = sizes.every((x) => x === 1);
  const fromBaseline = input.baseline?.chart === chart ? (input.baseline.subgroupSize ?? undefined) : undefined;
  const n = input.subgroupSize ?? fromBaseline ?? (singles ? 5 : (mode(sizes.filter((x) => x >= 2)) ?? 5));
  let groups: Group[];
  if (singles) {
    const grouping = toSubgroups(
      samples.map((s) => s.values[0] as number),
      n,
    );
    groups = grouping.subgroups.map((values, i) => ({ at: (samples[i * n] as SpcSample).at, values }));
    notes.push(`single values grouped ${n} at a time, in the order taken`);
    if (grouping.note) notes.push(grouping.note);
  } else {
    groups = samples.filter((s) => s.values.length === n).map((s) => ({ at: s.at, subgroupId: s.subgroupId, values: s.values }));
    if (groups.length < samples.length) notes.push(`${plural(samples.length - groups.length, 'sample')} of another size than ${n} left out`);
  }
  const usesBaseline = baselineFits(n);
  const b = usesBaseline ? input.baseline : undefined;
  const subgroups = groups.map((g) => g.values);
  const result =
    chart === 'xbar-r'
      ? xbarRChart(subgroups, b ? { centre: b.centre, rBar: b.rBar as number } : undefined)
      : xbarSChart(subgroups, b ? { centre: b.centre, sBar: b.sBar as number } : undefined);
  return { chart, subgroupSize: n, groups, result, usesBaseline, notes };
}

const toViolations = (vs: readonly RuleViolation[] = []): PointViolation[] =>
  vs.map(({ rule, words, westernElectric }) => ({ rule, words, westernElectric }));

const limitsOf = (p: { centre: number; ucl: number; lcl: number } | undefined): Limits | null =>
  p ? { centre: p.centre, ucl: p.ucl, lcl: p.lcl } : null;

function capabilityOf(c: ChartComputation, spec: SpecLimits): Pick<SpcChartView, 'capability' | 'capabilityNotEnoughData'> {
  if ((spec.lsl === undefined && spec.usl === undefined) || c.chart === 'p' || c.chart === 'np') return { capability: null };
  if (spec.lsl !== undefined && spec.usl !== undefined && !(spec.usl > spec.lsl)) return { capability: null };
  const limits = { lsl: spec.lsl, usl: spec.usl };
  const values = c.groups.map((g) => g.values);
  const result =
    c.chart === 'i-mr'
      ? individualsCapability(
          values.map((v) => v[0] as number),
          limits,
        )
      : subgroupCapability(values, limits, c.chart === 'xbar-s' ? 'stdev' : 'range');
  if (result.kind === 'not-enough-data')
    return { capability: null, capabilityNotEnoughData: { have: result.have, need: result.need, message: result.message } };
  const view: CapabilityView = {
    count: result.count,
    mean: result.mean,
    sigmaWithin: result.sigmaWithin,
    sigmaOverall: result.sigmaOverall,
    cp: result.cp,
    cpk: result.cpk,
    pp: result.pp,
    ppk: result.ppk,
  };
  return { capability: view };
}

/** The whole chart view. */
export function chartView(input: ChartInput): SpcChartView {
  const c = computeChart(input);
  const spec: SpecLimits =
    input.spec.lsl !== undefined ||
    input.spec.usl !== undefined ||
    !input.baseline ||
    (input.baseline.lsl === undefined && input.baseline.usl === undefined)
      ? input.spec
      : {
          ...(input.baseline.lsl !== undefined ? { lsl: input.baseline.lsl } : {}),
          ...(input.baseline.usl !== undefined ? { usl: input.baseline.usl } : {}),
          source: 'baseline',
        };
  const notes = [...c.notes];
  if (input.baseline && !c.usesBaseline) {
    notes.push(
      `baseline ${input.baseline.version} was frozen for ${input.baseline.chart}${input.baseline.subgroupSize ? ` of ${input.baseline.subgroupSize}` : ''}: these limits are from the data`,
    );
  }
  const base = {
    characteristicId: input.ref.id,
    source: input.ref.source,
    from: input.from,
    to: input.to,
    chart: c.chart,
    subgroupSize: c.subgroupSize,
    valueCount: input.samples.reduce((a, s) => a + s.values.length, 0),
    spec,
    ...capabilityOf(c, spec),
    notes,
  };
  const result = c.result;
  if (result.kind === 'not-enough-data') {
    return {
      ...base,
      limitsFrom: null,
      limits: null,
      spreadLimits: null,
      sigmaWithin: null,
      points: c.groups.map((g, i) => {
        const s = spreadOf(c.chart, g.values, c.groups[i - 1]?.values);
        return {
          at: g.at,
          ...(g.subgroupId ? { subgroupId: g.subgroupId } : {}),
          n: g.values.length,
          value: statistic(c.chart, g.values),
          ...(s !== undefined ? { spread: s } : {}),
          violations: [],
          spreadViolations: [],
        };
      }),
      notEnoughData: { have: result.have, need: result.need, message: result.message },
    };
  }
  return {
    ...base,
    limitsFrom: result.basis,
    ...(c.usesBaseline && input.baseline ? { baselineVersion: input.baseline.version } : {}),
    limits: limitsOf(result.primary.points[0]),
    spreadLimits: limitsOf(result.secondary?.points[0]),
    sigmaWithin: result.sigmaWithin,
    points: pointsOf(c, result),
  };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function statistic(chart: SpcChart, values: readonly number[]) {
  const defectives = values.filter((v) => v !== 0).length;
  return chart === 'p' ? defectives / values.length : chart === 'np' ? defectives : mean(values);
}

/** The spread statistic of a point without limits: range, standard deviation, moving range (from the value before). */
function spreadOf(chart: SpcChart, values: readonly number[], before: readonly number[] | undefined): number | undefined {
  if (chart === 'xbar-r') return Math.max(...values) - Math.min(...values);
  if (chart === 'xbar-s') return values.length > 1 ? sampleStdev(values) : undefined;
  if (chart === 'i-mr' && before) return Math.abs((values[0] as number) - (before[0] as number));
  return undefined;
}

function pointsOf(c: ChartComputation, result: ControlChart): SpcPoint[] {
  const spread = new Map((result.secondary?.points ?? []).map((p) => [p.index, p]));
  const varying = c.chart === 'p' && new Set(c.groups.map((g) => g.values.length)).size > 1;
  return result.primary.points.map((p) => {
    const g = c.groups[p.index] as Group;
    const s = spread.get(p.index);
    return {
      at: g.at,
      ...(g.subgroupId ? { subgroupId: g.subgroupId } : {}),
      n: g.values.length,
      value: p.value,
      ...(s ? { spread: s.value } : {}),
      violations: toViolations(p.violations),
      spreadViolations: toViolations(s?.violations),
      ...(varying ? { ucl: p.ucl, lcl: p.lcl } : {}),
    };
  });
}

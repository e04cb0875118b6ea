/**
 * Process capability (NIST/SEMATECH e-Handbook 6.1.6; Montgomery chapter 8):
 *   Cp  = (USL − LSL) / 6σ_within      Cpk = min(USL − mean, mean − LSL) / 3σ_within
 *   Pp  = (USL − LSL) / 6σ_overall     Ppk = min(USL − mean, mean − LSL) / 3σ_overall
 * σ_within comes from the chart (R-bar/d2, S-bar/c4 or MR-bar/d2); σ_overall is the sample
 * standard deviation of all values. With one specification limit only, Cpk/Ppk are the one-sided
 * index (Cpu = (USL − mean)/3σ or Cpl = (mean − LSL)/3σ) and Cp/Pp are undefined (null).
 * Below MINIMUM_CAPABILITY_VALUES the answer is "not enough data".
 */
import { constantsFor } from './spc-constants.ts';
import { sampleStdev, type NotEnoughData } from './spc.ts';

/**
 * Values needed for capability indices: 30. The standard error of Cpk at n = 30 is still about
 * 0.15 at Cpk = 1 (Montgomery 8.3.5), so fewer is guessing; AIAG recommends 100 or more.
 */
export const MINIMUM_CAPABILITY_VALUES = 30;

export interface SpecLimits {
  lsl?: number | undefined;
  usl?: number | undefined;
}

export interface CapabilityIndices {
  cp: number | null;
  cpk: number | null;
  cpl: number | null;
  cpu: number | null;
  pp: number | null;
  ppk: number | null;
  ppl: number | null;
  ppu: number | null;
}

export interface Capability extends CapabilityIndices {
  kind: 'capability';
  /** How many values the indices rest on. */
  count: number;
  mean: number;
  sigmaWithin: number;
  sigmaOverall: number;
  /** How sigma within was estimated. */
  sigmaWithinFrom: 'range' | 'stdev' | 'moving-range' | 'given';
}

export type CapabilityResult = Capability | NotEnoughData;

/** The indices from a mean and the two sigmas (null where a limit is missing or a sigma is not positive). */
export function capabilityIndices(input: { mean: number; sigmaWithin: number | null; sigmaOverall: number | null } & SpecLimits): CapabilityIndices {
  const { mean, lsl, usl } = input;
  if (lsl === undefined && usl === undefined) throw new RangeError('capability needs at least one specification limit');
  if (lsl !== undefined && usl !== undefined && !(usl > lsl)) throw new RangeError(`USL ${usl} must be above LSL ${lsl}`);
  const of = (sigma: number | null) => {
    if (sigma === null || !(sigma > 0)) return { whole: null, lower: null, upper: null, k: null };
    const lower = lsl === undefined ? null : (mean - lsl) / (3 * sigma);
    const upper = usl === undefined ? null : (usl - mean) / (3 * sigma);
    const whole = lsl === undefined || usl === undefined ? null : (usl - lsl) / (6 * sigma);
    const k = lower === null ? upper : upper === null ? lower : Math.min(lower, upper);
    return { whole, lower, upper, k };
  };
  const w = of(input.sigmaWithin);
  const o = of(input.sigmaOverall);
  return { cp: w.whole, cpk: w.k, cpl: w.lower, cpu: w.upper, pp: o.whole, ppk: o.k, ppl: o.lower, ppu: o.upper };
}

const notEnough = (have: number): NotEnoughData => ({
  kind: 'not-enough-data',
  have,
  need: MINIMUM_CAPABILITY_VALUES,
  message: `not enough data: ${have} of ${MINIMUM_CAPABILITY_VALUES} values`,
});

const meanOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function fromValues(values: readonly number[], sigmaWithin: number, from: Capability['sigmaWithinFrom'], spec: SpecLimits): Capability {
  const mean = meanOf(values);
  const sigmaOverall = sampleStdev(values);
  return {
    kind: 'capability',
    count: values.length,
    mean,
    sigmaWithin,
    sigmaOverall,
    sigmaWithinFrom: from,
    ...capabilityIndices({ mean, sigmaWithin, sigmaOverall, ...spec }),
  };
}

/** Capability of subgroups (equal sizes 2..25): σ_within = R-bar/d2 ('range') or S-bar/c4 ('stdev'). */
export function subgroupCapability(
  subgroups: readonly (readonly number[])[],
  spec: SpecLimits,
  within: 'range' | 'stdev' = 'range',
): CapabilityResult {
  const values = subgroups.flat();
  if (values.length < MINIMUM_CAPABILITY_VALUES || subgroups.length < 2) return notEnough(values.length);
  const n = subgroups[0]?.length ?? 0;
  if (subgroups.some((g) => g.length !== n)) throw new RangeError('subgroups must all have the same size');
  const k = constantsFor(n);
  const sigmaWithin =
    within === 'range' ? meanOf(subgroups.map((g) => Math.max(...g) - Math.min(...g))) / k.d2 : meanOf(subgroups.map((g) => sampleStdev(g))) / k.c4;
  return fromValues(values, sigmaWithin, within, spec);
}

/** Capability of individual values: σ_within = MR-bar/d2(2), the moving ranges of consecutive values. */
export function individualsCapability(values: readonly number[], spec: SpecLimits): CapabilityResult {
  if (values.length < MINIMUM_CAPABILITY_VALUES) return notEnough(values.length);
  const moving = values.slice(1).map((x, i) => Math.abs(x - (values[i] as number)));
  return fromValues(values, meanOf(moving) / constantsFor(2).d2, 'moving-range', spec);
}

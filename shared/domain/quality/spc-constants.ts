/**
 * Control chart constants for subgroup sizes n = 2..25, as printed in the standard tables:
 * Montgomery, "Introduction to Statistical Quality Control", Appendix VI ("Factors for
 * constructing variables control charts"); the same factors are in ASTM E2587 and the
 * NIST/SEMATECH e-Handbook of Statistical Methods, section 6.3.2 (6.3.2.1 X-bar and R and S, 6.3.2.2 individuals).
 *
 * The table is the source of the limits (as the standards print them, to 3 or 4 decimals);
 * `c4Exact`, `d2Exact` and `d3Exact` compute the underlying normal-theory quantities, and a
 * unit test checks every row (and the derived A2, A3, B3, B4, D3, D4) against them.
 *
 *   X-bar/R:  centre ± A2·R-bar,  R chart D3·R-bar .. D4·R-bar,  sigma = R-bar/d2
 *   X-bar/S:  centre ± A3·S-bar,  S chart B3·S-bar .. B4·S-bar,  sigma = S-bar/c4
 *   I-MR:     centre ± E2·MR-bar (E2 = 3/d2 for n = 2), MR chart D4(2)·MR-bar
 */

export interface ControlChartConstants {
  n: number;
  A2: number;
  A3: number;
  B3: number;
  B4: number;
  D3: number;
  D4: number;
  d2: number;
  d3: number;
  c4: number;
}

// n, A2, A3, c4, B3, B4, d2, d3, D3, D4 (Montgomery Appendix VI column order, trimmed)
const TABLE: readonly (readonly [number, number, number, number, number, number, number, number, number, number])[] = [
  [2, 1.88, 2.659, 0.7979, 0, 3.267, 1.128, 0.853, 0, 3.267],
  [3, 1.023, 1.954, 0.8862, 0, 2.568, 1.693, 0.888, 0, 2.574],
  [4, 0.729, 1.628, 0.9213, 0, 2.266, 2.059, 0.88, 0, 2.282],
  [5, 0.577, 1.427, 0.94, 0, 2.089, 2.326, 0.864, 0, 2.114],
  [6, 0.483, 1.287, 0.9515, 0.03, 1.97, 2.534, 0.848, 0, 2.004],
  [7, 0.419, 1.182, 0.9594, 0.118, 1.882, 2.704, 0.833, 0.076, 1.924],
  [8, 0.373, 1.099, 0.965, 0.185, 1.815, 2.847, 0.82, 0.136, 1.864],
  [9, 0.337, 1.032, 0.9693, 0.239, 1.761, 2.97, 0.808, 0.184, 1.816],
  [10, 0.308, 0.975, 0.9727, 0.284, 1.716, 3.078, 0.797, 0.223, 1.777],
  [11, 0.285, 0.927, 0.9754, 0.321, 1.679, 3.173, 0.787, 0.256, 1.744],
  [12, 0.266, 0.886, 0.9776, 0.354, 1.646, 3.258, 0.778, 0.283, 1.717],
  [13, 0.249, 0.85, 0.9794, 0.382, 1.618, 3.336, 0.77, 0.307, 1.693],
  [14, 0.235, 0.817, 0.981, 0.406, 1.594, 3.407, 0.763, 0.328, 1.672],
  [15, 0.223, 0.789, 0.9823, 0.428, 1.572, 3.472, 0.756, 0.347, 1.653],
  [16, 0.212, 0.763, 0.9835, 0.448, 1.552, 3.532, 0.75, 0.363, 1.637],
  [17, 0.203, 0.739, 0.9845, 0.466, 1.534, 3.588, 0.744, 0.378, 1.622],
  [18, 0.194, 0.718, 0.9854, 0.482, 1.518, 3.64, 0.739, 0.391, 1.608],
  [19, 0.187, 0.698, 0.9862, 0.497, 1.503, 3.689, 0.734, 0.403, 1.597],
  [20, 0.18, 0.68, 0.9869, 0.51, 1.49, 3.735, 0.729, 0.415, 1.585],
  [21, 0.173, 0.663, 0.9876, 0.523, 1.477, 3.778, 0.724, 0.425, 1.575],
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: D3 for n = 22 from the table, not log10(e)
  [22, 0.167, 0.647, 0.9882, 0.534, 1.466, 3.819, 0.72, 0.434, 1.566],
  [23, 0.162, 0.633, 0.9887, 0.545, 1.455, 3.858, 0.716, 0.443, 1.557],
  [24, 0.157, 0.619, 0.9892, 0.555, 1.445, 3.895, 0.712, 0.451, 1.548],
  [25, 0.153, 0.606, 0.9896, 0.565, 1.435, 3.931, 0.708, 0.459, 1.541],
];

export const MIN_SUBGROUP_SIZE = 2;
export const MAX_SUBGROUP_SIZE = 25;

export const CONTROL_CHART_CONSTANTS: readonly ControlChartConstants[] = TABLE.map(([n, A2, A3, c4, B3, B4, d2, d3, D3, D4]) => ({
  n,
  A2,
  A3,
  B3,
  B4,
  D3,
  D4,
  d2,
  d3,
  c4,
}));

/** E2 for an individuals chart with moving ranges of 2: 3/d2(2) = 3/1.128 = 2.660 (Montgomery chapter 6). */
export const E2 = 2.66;

/** The table row for subgroup size n; a size outside 2..25 is a programming error. */
export function constantsFor(n: number): ControlChartConstants {
  const row = CONTROL_CHART_CONSTANTS[n - MIN_SUBGROUP_SIZE];
  if (!Number.isInteger(n) || row === undefined) throw new RangeError(`subgroup size ${n} is outside ${MIN_SUBGROUP_SIZE}..${MAX_SUBGROUP_SIZE}`);
  return row;
}

// --- The normal-theory quantities behind the table ---------------------------------------------

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~15 significant digits). */
function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0] as number;
  const t = z + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** c4(n) = sqrt(2/(n-1)) · Γ(n/2) / Γ((n-1)/2): E[s] = c4·sigma for a normal sample of n. */
export function c4Exact(n: number): number {
  return Math.sqrt(2 / (n - 1)) * Math.exp(logGamma(n / 2) - logGamma((n - 1) / 2));
}

/** Standard normal CDF through erfc (Numerical Recipes, Chebyshev fit; relative error < 1.2e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

const GRID_LIMIT = 8;

/** d2(n) = E[R]/sigma = ∫ 1 − Φ(x)^n − (1 − Φ(x))^n dx (expected range of n standard normals). */
export function d2Exact(n: number, step = 0.001): number {
  let sum = 0;
  for (let x = -GRID_LIMIT; x <= GRID_LIMIT; x += step) {
    const f = normalCdf(x);
    sum += 1 - f ** n - (1 - f) ** n;
  }
  return sum * step;
}

/**
 * d3(n) = sd(R)/sigma. E[R²] = 2 ∬_{x<y} 1 − (1 − Φ(x))^n − Φ(y)^n + (Φ(y) − Φ(x))^n dx dy,
 * because (max − min)² = 2 ∬ 1{min < x < y < max} dx dy; d3 = sqrt(E[R²] − d2²).
 */
export function d3Exact(n: number, step = 0.01): number {
  const xs: number[] = [];
  for (let x = -GRID_LIMIT; x <= GRID_LIMIT; x += step) xs.push(normalCdf(x));
  let second = 0;
  for (let i = 0; i < xs.length; i++) {
    const fx = xs[i] as number;
    const lower = (1 - fx) ** n;
    // the diagonal cell counts half (midpoint of the triangle)
    second += 0.5 * (1 - lower - fx ** n + 0);
    for (let j = i + 1; j < xs.length; j++) {
      const fy = xs[j] as number;
      second += 1 - lower - fy ** n + (fy - fx) ** n;
    }
  }
  second *= 2 * step * step;
  const d2 = d2Exact(n);
  return Math.sqrt(second - d2 * d2);
}

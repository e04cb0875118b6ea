/**
 * Nelson's eight rules for special causes (L. S. Nelson, "The Shewhart Control Chart: Tests for
 * Special Causes", Journal of Quality Technology 16(4), 1984; Montgomery 5.3.6, sensitizing rules, and NIST/SEMATECH
 * e-Handbook 6.3.2). Zones come from each point's own centre and sigma (the sigma of the plotted
 * statistic, i.e. (UCL − centre)/3), so a p chart with variable sample sizes has per-point zones.
 *
 * The Western Electric Statistical Quality Control Handbook (1956) has four zone rules: one
 * point beyond 3σ (Nelson 1), two of three beyond 2σ (Nelson 5), four of five beyond 1σ
 * (Nelson 6) and eight in a row on one side (Nelson 2 asks for nine).
 *
 * "Beyond kσ" is strictly beyond (|z| > k), "within 1σ" strictly within (|z| < 1); a point
 * exactly on the centre line is on neither side, so it ends a run for rules 2, 5 and 6. A
 * violation is reported on the point that completes the pattern, and names every point in it.
 */

export const NELSON_RULES = [1, 2, 3, 4, 5, 6, 7, 8] as const;
export type NelsonRule = (typeof NELSON_RULES)[number];
export const isNelsonRule = (value: unknown): value is NelsonRule => NELSON_RULES.includes(value as NelsonRule);

/** The Nelson rules that are (or, for rule 2, lengthen) the four Western Electric rules. */
export const WESTERN_ELECTRIC_RULES: readonly NelsonRule[] = [1, 5, 6, 2];

export const RULE_WORDS: Record<NelsonRule, string> = {
  1: 'One point beyond 3 sigma from the centre line',
  2: 'Nine points in a row on the same side of the centre line',
  3: 'Six points in a row steadily increasing or decreasing',
  4: 'Fourteen points in a row alternating up and down',
  5: 'Two of three points in a row beyond 2 sigma on the same side',
  6: 'Four of five points in a row beyond 1 sigma on the same side',
  7: 'Fifteen points in a row within 1 sigma of the centre line, either side',
  8: 'Eight points in a row beyond 1 sigma, either side, none within',
};

/** A plotted point: the statistic, and the centre and sigma it is judged against. */
export interface ZonedPoint {
  value: number;
  centre: number;
  sigma: number;
}

export interface RuleViolation {
  rule: NelsonRule;
  words: string;
  westernElectric: boolean;
  /** Indexes (into the series) of the points that make the pattern, in order. */
  points: number[];
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

/** z-score of each point; a zero sigma makes every point off the centre infinitely far. */
function zOf(p: ZonedPoint): number {
  const d = p.value - p.centre;
  if (p.sigma > 0) return d / p.sigma;
  return d === 0 ? 0 : d * Number.POSITIVE_INFINITY;
}

/** Violations per point: result[i] lists the rules whose pattern point i completes. */
export function evaluateRules(series: readonly ZonedPoint[], rules: readonly NelsonRule[] = NELSON_RULES): RuleViolation[][] {
  const z = series.map(zOf);
  const v = series.map((p) => p.value);
  const out: RuleViolation[][] = series.map(() => []);
  const add = (i: number, rule: NelsonRule, points: number[]) =>
    out[i]?.push({ rule, words: RULE_WORDS[rule], westernElectric: WESTERN_ELECTRIC_RULES.includes(rule), points });
  const zAt = (k: number) => z[k] as number;
  const all = (from: number, to: number, test: (zk: number, k: number) => boolean) => range(from, to).every((k) => test(zAt(k), k));

  for (let i = 0; i < series.length; i++) {
    const zi = zAt(i);
    if (rules.includes(1) && Math.abs(zi) > 3) add(i, 1, [i]);
    if (rules.includes(2) && i >= 8 && (all(i - 8, i, (zk) => zk > 0) || all(i - 8, i, (zk) => zk < 0))) add(i, 2, range(i - 8, i));
    if (rules.includes(3) && i >= 5) {
      const up = all(i - 4, i, (_, k) => (v[k] as number) > (v[k - 1] as number));
      const down = all(i - 4, i, (_, k) => (v[k] as number) < (v[k - 1] as number));
      if (up || down) add(i, 3, range(i - 5, i));
    }
    if (rules.includes(4) && i >= 13) {
      // 13 differences, each non-zero and of the opposite sign to the one before
      const diff = (k: number) => Math.sign((v[k] as number) - (v[k - 1] as number));
      if (all(i - 12, i, (_, k) => diff(k) !== 0 && (k === i - 12 || diff(k) === -diff(k - 1)))) add(i, 4, range(i - 13, i));
    }
    if (rules.includes(5) && i >= 2) twoSided(i, 2, 3, 2, 5);
    if (rules.includes(6) && i >= 4) twoSided(i, 4, 5, 1, 6);
    if (rules.includes(7) && i >= 14 && all(i - 14, i, (zk) => Math.abs(zk) < 1)) add(i, 7, range(i - 14, i));
    if (rules.includes(8) && i >= 7 && all(i - 7, i, (zk) => Math.abs(zk) > 1)) add(i, 8, range(i - 7, i));
  }
  return out;

  /** `count` of the last `window` points beyond `limit` sigma on the side of point i (which is one of them). */
  function twoSided(i: number, count: number, window: number, limit: number, rule: NelsonRule) {
    const zi = zAt(i);
    if (Math.abs(zi) <= limit) return;
    const side = Math.sign(zi);
    const beyond = range(i - window + 1, i).filter((k) => side * zAt(k) > limit);
    if (beyond.length >= count) add(i, rule, beyond);
  }
}

/**
 * Control charts against published worked examples and against data whose limits are worked
 * out by hand in the comments.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ChartResult,
  type ControlChart,
  MINIMUM_POINTS,
  individualsChart,
  npChart,
  pChart,
  toSubgroups,
  xbarRChart,
  xbarSChart,
} from '#shared/domain/quality/spc.ts';
import { PISTON_RINGS_PHASE_I, PISTON_RINGS_PHASE_II } from '../fixtures/spc-piston-rings.ts';

const chartOf = (r: ChartResult): ControlChart => {
  assert.equal(r.kind, 'chart', r.kind === 'not-enough-data' ? r.message : '');
  return r as ControlChart;
};
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const close = (actual: number | null | undefined, expected: number, tolerance = 1e-9) =>
  assert.ok(actual != null && Math.abs(actual - expected) <= tolerance, `${actual} != ${expected}`);

/** 20 subgroups of 5: each is m + (−2, −1, 0, 1, 2) with m cycling 10, 11, 9, 10, so R = 4, s = √(10/4), x-double-bar = 10. */
const handSubgroups = Array.from({ length: 20 }, (_, i) => {
  const m = [10, 11, 9, 10][i % 4] as number;
  return [m - 2, m - 1, m, m + 1, m + 2];
});

describe('X-bar and R chart', () => {
  it("reproduces Montgomery's piston-ring limits from its frozen x-double-bar 74.001 and R-bar 0.023 (Table 6.3)", () => {
    // Prepare: Montgomery, Introduction to SQC, Table 6.3: 25 subgroups of 5 ring diameters.
    // The chart's centre and R-bar are frozen, so any subgroups of 5 are judged against them.
    const subgroups = [[74.03, 74.002, 74.019, 73.992, 74.008]];
    // Act
    const chart = chartOf(xbarRChart(subgroups, { centre: 74.001, rBar: 0.023 }));
    // Assess: published UCL 74.014, LCL 73.988; R chart UCL 0.049, LCL 0
    const p = chart.primary.points[0]!;
    assert.equal(round(p.ucl, 3), 74.014);
    assert.equal(round(p.lcl, 3), 73.988);
    const r = chart.secondary!.points[0]!;
    assert.equal(round(r.ucl, 3), 0.049);
    assert.equal(r.lcl, 0);
    assert.equal(chart.basis, 'baseline');
    // sigma within = R-bar/d2 = 0.023/2.326 = 0.0099 (Montgomery 8.3)
    assert.equal(round(chart.sigmaWithin!, 4), 0.0099);
  });

  it("reproduces Montgomery's piston-ring trial limits from the 25 subgroups of Table 6.3", () => {
    // Published: x-double-bar 74.001, R-bar 0.023, UCL 74.014, LCL 73.988; the trial subgroups
    // are in control. (The published R chart UCL 0.049 is 2.114 × the rounded
    // 0.023; from the unrounded R-bar 0.02276 it is 0.048.)
    const chart = chartOf(xbarRChart(PISTON_RINGS_PHASE_I));
    const p = chart.primary.points[0]!;
    assert.equal(round(p.centre, 3), 74.001);
    assert.equal(round(chart.secondary!.points[0]!.centre, 3), 0.023);
    assert.equal(round(p.ucl, 3), 74.014);
    assert.equal(round(p.lcl, 3), 73.988);
    // 0.02276/2.326 = 0.0098 (the published 0.0099 divides the rounded 0.023; checked above)
    assert.equal(round(chart.sigmaWithin!, 4), 0.0098);
    assert.deepEqual(
      chart.primary.points.flatMap((x) => x.violations),
      [],
    );
    assert.deepEqual(
      chart.secondary!.points.flatMap((x) => x.violations),
      [],
    );
  });

  it('judges the phase II piston-ring subgroups against the frozen limits', () => {
    // Subgroup means 37, 38, 39 (74.0166, 74.0196, 74.0234) are above the UCL 74.014 (by hand).
    const chart = chartOf(xbarRChart(PISTON_RINGS_PHASE_II, { centre: 74.001, rBar: 0.023 }));
    const beyond = chart.primary.points.filter((x) => x.violations.some((v) => v.rule === 1)).map((x) => x.index + 26);
    assert.deepEqual(beyond, [37, 38, 39]);
    // and the drift is seen earlier, at subgroup 35, by Western Electric rules (Nelson 5 and 6)
    const first = chart.primary.points.find((x) => x.violations.length > 0)!;
    assert.equal(first.index + 26, 35);
    assert.ok(first.violations.every((v) => v.westernElectric));
  });

  it('computes limits from the data', () => {
    // x-double-bar 10, R-bar 4: 10 ± 0.577·4 = 7.692 .. 12.308; R: 0 .. 2.114·4 = 8.456; sigma 4/2.326
    const chart = chartOf(xbarRChart(handSubgroups));
    const p = chart.primary.points[0]!;
    close(p.centre, 10);
    close(p.ucl, 12.308);
    close(p.lcl, 7.692);
    close(chart.secondary!.points[0]!.ucl, 8.456);
    close(chart.secondary!.points[0]!.centre, 4);
    close(chart.sigmaWithin, 4 / 2.326);
    assert.equal(chart.basis, 'data');
    assert.deepEqual(
      chart.primary.points.map((x) => x.value),
      handSubgroups.map((g) => g[2]),
    );
  });

  it('says there is not enough data below 20 subgroups', () => {
    assert.deepEqual(xbarRChart(handSubgroups.slice(0, 12)), {
      kind: 'not-enough-data',
      have: 12,
      need: MINIMUM_POINTS['xbar-r'],
      message: 'not enough data: 12 of 20 subgroups',
    });
  });

  it('refuses subgroups of mixed or unsupported sizes', () => {
    assert.throws(() => xbarRChart([...handSubgroups, [1, 2, 3]]), RangeError);
    assert.throws(() => xbarRChart(Array.from({ length: 20 }, () => [1])), RangeError);
  });
});

describe('X-bar and S chart', () => {
  it('computes limits from the data', () => {
    // s = √(10/4) = 1.58114 in every subgroup: 10 ± 1.427·s; S: 0 .. 2.089·s; sigma s/0.94
    const s = Math.sqrt(10 / 4);
    const chart = chartOf(xbarSChart(handSubgroups));
    close(chart.primary.points[0]!.ucl, 10 + 1.427 * s);
    close(chart.primary.points[0]!.lcl, 10 - 1.427 * s);
    close(chart.secondary!.points[0]!.value, s);
    close(chart.secondary!.points[0]!.ucl, 2.089 * s);
    close(chart.secondary!.points[0]!.lcl, 0);
    close(chart.sigmaWithin, s / 0.94);
  });

  it('takes a frozen sigma as S-bar = c4·sigma', () => {
    // sigma 2, n 5: S-bar = 0.94·2 = 1.88; limits 50 ± 1.427·1.88 = 50 ± 2.68276
    const chart = chartOf(xbarSChart([[49, 50, 51, 50, 50]], { centre: 50, sigma: 2 }));
    close(chart.primary.points[0]!.ucl, 52.68276);
    close(chart.secondary!.points[0]!.centre, 1.88);
  });
});

describe('individuals and moving range chart', () => {
  it('computes limits from the data and flags the alternation (rule 4)', () => {
    // 10, 12, 10, 12, ... (20 values): centre 11, MR-bar 2; 11 ± 2.66·2 = 5.68 .. 16.32; MR 0 .. 3.267·2
    const values = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 10 : 12));
    const chart = chartOf(individualsChart(values));
    close(chart.primary.points[0]!.centre, 11);
    close(chart.primary.points[0]!.ucl, 16.32);
    close(chart.primary.points[0]!.lcl, 5.68);
    assert.equal(chart.secondary!.points.length, 19);
    assert.equal(chart.secondary!.points[0]!.index, 1);
    close(chart.secondary!.points[0]!.ucl, 6.534);
    close(chart.sigmaWithin, 2 / 1.128);
    // Fourteen alternating points complete at index 13 and every point after
    const rule4 = chart.primary.points.filter((p) => p.violations.some((v) => v.rule === 4)).map((p) => p.index);
    assert.deepEqual(rule4, [13, 14, 15, 16, 17, 18, 19]);
  });

  it('indexes a moving range that breaks rule 1 by the value that ends it', () => {
    // centre 0, MR-bar 1 frozen: the MR UCL is 3.267; the jump from value 2 to value 3 is 5
    const chart = chartOf(individualsChart([0, 0.5, 0, 5, 4.5], { centre: 0, mrBar: 1 }));
    const jump = chart.secondary!.points.find((p) => p.violations.length > 0)!;
    assert.equal(jump.index, 3);
    assert.deepEqual(jump.violations[0]!.points, [3]);
  });

  it('says there is not enough data below 20 values, and charts one value against a baseline', () => {
    assert.equal((individualsChart([1, 2, 3]) as { message: string }).message, 'not enough data: 3 of 20 values');
    const chart = chartOf(individualsChart([7], { centre: 5, sigma: 0.5 }));
    assert.deepEqual(
      chart.primary.points[0]!.violations.map((v) => v.rule),
      [1],
    );
  });
});

// Montgomery, Introduction to SQC, chapter 7 (Table 7.1): frozen orange juice concentrate cans,
// 30 samples of n = 50, defective cans per sample. Published p-bar 0.2313, UCL 0.4102, LCL 0.0524;
// samples 15 and 23 plot above the UCL.
const juice = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11, 20, 18, 24, 15, 9, 12, 7, 13, 9, 6];

describe('p chart', () => {
  it("reproduces Montgomery's orange-juice can example", () => {
    const chart = chartOf(pChart(juice.map((defectives) => ({ defectives, size: 50 }))));
    const p = chart.primary.points[0]!;
    assert.equal(round(p.centre, 4), 0.2313);
    assert.equal(round(p.ucl, 4), 0.4102);
    assert.equal(round(p.lcl, 4), 0.0524);
    const beyond = chart.primary.points.filter((x) => x.violations.some((v) => v.rule === 1)).map((x) => x.index + 1);
    assert.deepEqual(beyond, [15, 23]);
  });

  it('gives per-point limits when sample sizes vary', () => {
    // 10 samples of 100 with 10 defectives, 10 of 400 with 40: p-bar = 500/5000 = 0.1
    // n = 100: 0.1 ± 3·√(0.09/100) = 0.1 ± 0.09; n = 400: 0.1 ± 0.045
    const samples = Array.from({ length: 20 }, (_, i) => (i < 10 ? { defectives: 10, size: 100 } : { defectives: 40, size: 400 }));
    const chart = chartOf(pChart(samples));
    close(chart.primary.points[0]!.ucl, 0.19);
    close(chart.primary.points[0]!.lcl, 0.01);
    close(chart.primary.points[19]!.ucl, 0.145);
    close(chart.primary.points[19]!.sigma, 0.015);
    assert.equal(chart.subgroupSize, null);
  });
});

describe('np chart', () => {
  it('puts the orange-juice example on counts: 50·p-bar ± 3·√(50·p-bar(1 − p-bar))', () => {
    // p-bar = 347/1500; np-bar 11.5667; sigma √(11.5667·0.76867) = 2.98178
    const chart = chartOf(npChart(juice.map((defectives) => ({ defectives, size: 50 }))));
    const p = chart.primary.points[0]!;
    assert.equal(round(p.centre, 4), 11.5667);
    assert.equal(round(p.ucl, 2), 20.51);
    assert.equal(round(p.lcl, 2), 2.62);
    assert.throws(
      () =>
        npChart(
          [
            { defectives: 1, size: 10 },
            { defectives: 1, size: 20 },
          ],
          { pBar: 0.1 },
        ),
      RangeError,
    );
  });
});

describe('subgrouping a series', () => {
  it('groups consecutive values and leaves out a partial last subgroup, saying so', () => {
    assert.deepEqual(toSubgroups([1, 2, 3, 4, 5, 6, 7], 3), {
      subgroups: [
        [1, 2, 3],
        [4, 5, 6],
      ],
      leftOut: 1,
      note: '1 value after the last full subgroup of 3 is left out',
    });
    assert.deepEqual(toSubgroups([1, 2, 3, 4], 2), {
      subgroups: [
        [1, 2],
        [3, 4],
      ],
      leftOut: 0,
    });
  });
});

/**
 * The printed control chart constants (Montgomery Appendix VI / ASTM E2587 / NIST 6.3.2) against
 * the normal-theory formulas they come from: c4 exactly, d2 and d3 by numerical integration,
 * and A2 = 3/(d2·√n), A3 = 3/(c4·√n), B3/B4 = 1 ∓ 3·√(1 − c4²)/c4, D3/D4 = 1 ∓ 3·d3/d2.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTROL_CHART_CONSTANTS, E2, c4Exact, constantsFor, d2Exact, d3Exact } from '#shared/domain/quality/spc-constants.ts';

// Printed to 3 decimals (c4 to 4); the derived factors were printed from already-rounded d2 and
// d3, so they may be one unit off in the third decimal (D4 for n = 3 is printed 2.574, exact 2.5747).
const PRINTED = 0.0005 + 1e-9;
const DERIVED = 0.001 + 1e-9;
// d3(19) integrates to 0.73349 (converged to 1e-5), printed 0.734: the last digit is a borderline rounding.
const D3_PRINTED = 0.0006;

// d3 by double integration takes ~0.1 s per n: once each.
const d3s = new Map(CONTROL_CHART_CONSTANTS.map((r) => [r.n, d3Exact(r.n)]));
const d3Of = (n: number) => d3s.get(n) as number;

const near = (actual: number, printed: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - printed) <= tolerance, `${what}: printed ${printed}, computed ${actual.toFixed(5)}`);

describe('control chart constants', () => {
  it('cover subgroup sizes 2 to 25 in order', () => {
    assert.deepEqual(
      CONTROL_CHART_CONSTANTS.map((r) => r.n),
      Array.from({ length: 24 }, (_, i) => i + 2),
    );
    assert.equal(constantsFor(5).A2, 0.577);
    assert.throws(() => constantsFor(1), RangeError);
    assert.throws(() => constantsFor(26), RangeError);
  });

  it('c4, d2 and d3 equal the formulas within the printed rounding', () => {
    for (const row of CONTROL_CHART_CONSTANTS) {
      near(c4Exact(row.n), row.c4, 0.00005 + 1e-9, `c4(${row.n})`);
      near(d2Exact(row.n), row.d2, PRINTED, `d2(${row.n})`);
      near(d3Of(row.n), row.d3, D3_PRINTED, `d3(${row.n})`);
    }
  });

  it('A2, A3, B3, B4, D3 and D4 follow from c4, d2 and d3', () => {
    for (const row of CONTROL_CHART_CONSTANTS) {
      const { n } = row;
      const c4 = c4Exact(n);
      const d2 = d2Exact(n);
      const d3 = d3Of(n);
      const b = (3 * Math.sqrt(1 - c4 * c4)) / c4;
      near(3 / (d2 * Math.sqrt(n)), row.A2, DERIVED, `A2(${n})`);
      near(3 / (c4 * Math.sqrt(n)), row.A3, DERIVED, `A3(${n})`);
      near(Math.max(0, 1 - b), row.B3, DERIVED, `B3(${n})`);
      near(1 + b, row.B4, DERIVED, `B4(${n})`);
      near(Math.max(0, 1 - (3 * d3) / d2), row.D3, DERIVED, `D3(${n})`);
      near(1 + (3 * d3) / d2, row.D4, DERIVED, `D4(${n})`);
    }
  });

  it('E2 is 3/d2 for moving ranges of two', () => {
    // printed 2.660 = 3/1.128 (the rounded d2); the exact 3/d2 is 2.6587
    near(3 / constantsFor(2).d2, E2, PRINTED, 'E2 from the table');
    near(3 / d2Exact(2), E2, 0.0015, 'E2 exact');
  });
});

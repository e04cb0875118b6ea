/**
 * Capability indices against NIST/SEMATECH e-Handbook 6.1.6 and against data worked by hand.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Capability,
  type CapabilityResult,
  MINIMUM_CAPABILITY_VALUES,
  capabilityIndices,
  individualsCapability,
  subgroupCapability,
} from '#shared/domain/quality/spc-capability.ts';

const close = (actual: number | null, expected: number, tolerance = 1e-9) =>
  assert.ok(actual !== null && Math.abs(actual - expected) <= tolerance, `${actual} != ${expected}`);
const capabilityOf = (r: CapabilityResult): Capability => {
  assert.equal(r.kind, 'capability');
  return r as Capability;
};

describe('capability indices', () => {
  it('reproduce the NIST 6.1.6 example: USL 20, LSL 8, mean 16, sigma 2 give Cp 1.0 and Cpk 0.6667', () => {
    const indices = capabilityIndices({ mean: 16, sigmaWithin: 2, sigmaOverall: 2, lsl: 8, usl: 20 });
    close(indices.cp, 1);
    close(indices.cpk, 0.6667, 0.00005);
    close(indices.cpu, 0.6667, 0.00005);
    close(indices.cpl, 1.3333, 0.00005);
  });

  it("reproduce Montgomery's piston-ring capability: specs 74.000 ± 0.05, sigma 0.0099 give Cp 1.68", () => {
    const indices = capabilityIndices({ mean: 74.001, sigmaWithin: 0.0099, sigmaOverall: null, lsl: 73.95, usl: 74.05 });
    assert.equal(Math.round(indices.cp! * 100) / 100, 1.68);
    assert.equal(indices.pp, null);
  });

  it('use one side only when there is one limit, leaving Cp and Pp undefined', () => {
    const upper = capabilityIndices({ mean: 16, sigmaWithin: 2, sigmaOverall: 4, usl: 20 });
    assert.equal(upper.cp, null);
    assert.equal(upper.pp, null);
    assert.equal(upper.cpl, null);
    close(upper.cpk, 4 / 6);
    close(upper.ppk, 4 / 12);
    const lower = capabilityIndices({ mean: 16, sigmaWithin: 2, sigmaOverall: 4, lsl: 8 });
    close(lower.cpk, 8 / 6);
    assert.equal(lower.cp, null);
    assert.throws(() => capabilityIndices({ mean: 1, sigmaWithin: 1, sigmaOverall: 1 }), RangeError);
    assert.throws(() => capabilityIndices({ mean: 1, sigmaWithin: 1, sigmaOverall: 1, lsl: 5, usl: 5 }), RangeError);
  });
});

// 6 subgroups of 5, each m + (−2, −1, 0, 1, 2), m = 10, 11, 9, 10, 10, 10: 30 values, mean 10.
// Within: R-bar 4, sigma 4/2.326; s = √2.5 in each, sigma √2.5/0.94.
// Overall: SS = 6·10 (within) + 5·(1 + 1) (between) = 70, s = √(70/29).
// Spec 4 .. 18: Cp = 14/6σ, Cpk = min(8, 6)/3σ.
const subgroups = [10, 11, 9, 10, 10, 10].map((m) => [m - 2, m - 1, m, m + 1, m + 2]);

describe('capability of subgroups', () => {
  it('rests Cp and Cpk on R-bar/d2 and Pp and Ppk on the overall standard deviation', () => {
    const c = capabilityOf(subgroupCapability(subgroups, { lsl: 4, usl: 18 }));
    const within = 4 / 2.326;
    const overall = Math.sqrt(70 / 29);
    assert.equal(c.count, 30);
    close(c.mean, 10);
    close(c.sigmaWithin, within);
    close(c.sigmaOverall, overall);
    close(c.cp, 14 / (6 * within));
    close(c.cpk, 6 / (3 * within));
    close(c.pp, 14 / (6 * overall));
    close(c.ppk, 6 / (3 * overall));
    assert.equal(c.sigmaWithinFrom, 'range');
  });

  it('can rest sigma within on S-bar/c4', () => {
    const c = capabilityOf(subgroupCapability(subgroups, { usl: 18 }, 'stdev'));
    close(c.sigmaWithin, Math.sqrt(2.5) / 0.94);
    assert.equal(c.cp, null);
    close(c.cpk, 8 / (3 * c.sigmaWithin));
  });

  it(`says there is not enough data below ${MINIMUM_CAPABILITY_VALUES} values`, () => {
    assert.deepEqual(subgroupCapability(subgroups.slice(0, 5), { lsl: 4, usl: 18 }), {
      kind: 'not-enough-data',
      have: 25,
      need: 30,
      message: 'not enough data: 25 of 30 values',
    });
  });
});

describe('capability of individual values', () => {
  it('rests Cp on MR-bar/d2(2)', () => {
    // 10, 12, 10, ... (30 values): MR-bar 2, sigma within 2/1.128; mean 11, overall s = √(30/29)
    const values = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 10 : 12));
    const c = capabilityOf(individualsCapability(values, { lsl: 5, usl: 17 }));
    close(c.sigmaWithin, 2 / 1.128);
    close(c.sigmaOverall, Math.sqrt(30 / 29));
    close(c.cp, 12 / (6 * (2 / 1.128)));
    close(c.ppk, 6 / (3 * Math.sqrt(30 / 29)));
    assert.equal(individualsCapability(values.slice(0, 29), { lsl: 5 }).kind, 'not-enough-data');
  });
});

/**
 * From stored samples to the chart view (shared/domain/quality/spc-view.ts) and characteristic
 * ids (spc-model.ts): which chart by default, how samples become subgroups, when a frozen baseline
 * applies, capability and what is said when data are too few.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Baseline, type CharacteristicRef, parseCharacteristicId, type SpcSample } from '#shared/domain/quality/spc-model.ts';
import { chartView, computeChart } from '#shared/domain/quality/spc-view.ts';
import { PISTON_RINGS_PHASE_I } from '../fixtures/spc-piston-rings.ts';

const ref = parseCharacteristicId('insp:PLAN-1:diameter') as CharacteristicRef;
const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
const subgrouped = (groups: readonly (readonly number[])[]): SpcSample[] =>
  groups.map((values, i) => ({ characteristicId: ref.id, subgroupId: `g${i + 1}`, at: at(i), values: [...values] }));
const singles = (values: readonly number[]): SpcSample[] =>
  values.map((v, i) => ({ characteristicId: ref.id, subgroupId: `v${i + 1}`, at: at(i), values: [v] }));
const window = { from: at(0), to: at(1000) };

describe('characteristic ids', () => {
  it('reads the three kinds, percent-encoded or not, and refuses anything else', () => {
    assert.deepEqual(parseCharacteristicId('data%3ART-1%3A10%3Atorque'), {
      source: 'data',
      id: 'data:RT-1:10:torque',
      routingId: 'RT-1',
      seq: 10,
      name: 'torque',
    });
    assert.deepEqual(parseCharacteristicId('proc:wu-1:meltTemp'), { source: 'proc', id: 'proc:wu-1:meltTemp', unitId: 'wu-1', name: 'meltTemp' });
    assert.deepEqual(parseCharacteristicId('insp:P-1:c1'), { source: 'insp', id: 'insp:P-1:c1', planId: 'P-1', charId: 'c1' });
    for (const bad of ['data:RT-1:0:torque', 'data:RT-1:10', 'insp:P-1', 'foo:a:b', 'proc::x', 'data:RT-1:10:9bad', '%E0%A4%A']) {
      assert.equal(parseCharacteristicId(bad), undefined, bad);
    }
  });
});

describe('SPC chart view', () => {
  it('draws X-bar/R by default for subgroups: the piston rings give Montgomery’s limits', () => {
    const view = chartView({
      ref,
      samples: subgrouped(PISTON_RINGS_PHASE_I),
      spec: { lsl: 73.95, usl: 74.05, source: 'inspection-plan' },
      ...window,
    });

    assert.equal(view.chart, 'xbar-r');
    assert.equal(view.subgroupSize, 5);
    assert.equal(view.limitsFrom, 'data');
    assert.equal(view.points.length, 25);
    assert.equal(Number(view.limits?.centre.toFixed(3)), 74.001);
    assert.equal(Number(view.limits?.ucl.toFixed(3)), 74.014);
    assert.equal(Number(view.limits?.lcl.toFixed(3)), 73.988);
    assert.equal(Number(view.spreadLimits?.centre.toFixed(3)), 0.023);
    assert.ok(view.points.every((p) => p.violations.length === 0 && p.n === 5 && p.spread !== undefined));
    assert.equal(view.capability?.count, 125);
    assert.equal(view.valueCount, 125);
  });

  it('draws I-MR for single values, says "not enough data" below 20, and groups them when asked for X-bar', () => {
    const few = chartView({ ref, samples: singles([1, 2, 3]), spec: { source: 'none' }, ...window });
    assert.equal(few.chart, 'i-mr');
    assert.deepEqual(few.notEnoughData, { have: 3, need: 20, message: 'not enough data: 3 of 20 values' });
    assert.equal(few.limits, null);
    assert.equal(few.capability, null);

    const grouped = computeChart({ samples: singles(Array.from({ length: 23 }, (_, i) => i % 7)), chart: 'xbar-r', subgroupSize: 5 });
    assert.equal(grouped.groups.length, 4);
    assert.ok(grouped.notes.includes('3 values after the last full subgroup of 5 are left out'), grouped.notes.join('; '));
  });

  it('uses a frozen baseline of the same chart and size, and says when it does not apply', () => {
    const baseline: Baseline = {
      characteristicId: ref.id,
      version: 3,
      chart: 'xbar-r',
      subgroupSize: 5,
      centre: 74,
      rBar: 0.023,
      sigmaWithin: 0.0099,
      limits: { centre: 74, ucl: 74.0133, lcl: 73.9867 },
      spreadLimits: { centre: 0.023, ucl: 0.0486, lcl: 0 },
      from: at(0),
      to: at(10),
      points: 25,
      reason: 'phase I',
      frozenAt: at(11),
      frozenBy: 'u-quality',
    };
    const samples = subgrouped(PISTON_RINGS_PHASE_I.slice(0, 3));
    const used = chartView({ ref, samples, spec: { source: 'none' }, baseline, ...window });
    assert.equal(used.limitsFrom, 'baseline');
    assert.equal(used.baselineVersion, 3);
    assert.equal(used.points.length, 3, 'with a baseline one point is enough');

    const other = chartView({ ref, samples, spec: { source: 'none' }, baseline, chart: 'xbar-s', ...window });
    assert.equal(other.baselineVersion, undefined);
    assert.ok(other.notes.some((n) => n.startsWith('baseline 3 was frozen for xbar-r of 5')));
  });

  it('charts attribute samples as p with per-point limits when sizes vary, and np on one size', () => {
    const sample = (defective: number, size: number) => Array.from({ length: size }, (_, i) => (i < defective ? 1 : 0));
    const samples = subgrouped(Array.from({ length: 20 }, (_, i) => sample(i % 3, i % 2 ? 10 : 20)));
    const p = chartView({ ref, samples, spec: { source: 'none' }, chart: 'p', ...window });
    assert.equal(p.chart, 'p');
    assert.ok(p.points.every((x) => x.ucl !== undefined));
    assert.equal(p.capability, null);

    const np = chartView({ ref, samples, spec: { source: 'none' }, chart: 'np', subgroupSize: 20, ...window });
    assert.equal(np.points.length, 10);
    assert.ok(np.notes[0]?.includes('10 samples of another size than 20 left out'));
  });
});

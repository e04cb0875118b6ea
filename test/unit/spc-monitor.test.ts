/**
 * Nelson rules at write time (shared/domain/quality/spc-monitor.ts): a new point is judged against
 * the frozen baseline together with the characteristic's last points; a broken rule is a
 * violation (and an outbox event numbered after the characteristic's last); without a baseline
 * nothing is judged and no state is written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type MonitorState, monitorSamples, planSpcWrites, pointOf } from '#shared/domain/quality/spc-monitor.ts';
import type { SpcSample } from '#shared/domain/quality/spc-model.ts';

const ID = 'data:RT-1:10:torque';
/** I-MR baseline: centre 10, limits 7 .. 13 (sigma 1). */
const state = (over: Partial<MonitorState> = {}): MonitorState => ({
  characteristicId: ID,
  version: 4,
  eventSeq: 2,
  baseline: { version: 1, chart: 'i-mr', subgroupSize: null, centre: 10, limits: { centre: 10, ucl: 13, lcl: 7 } },
  recent: [],
  ...over,
});
let minute = 0;
const sample = (values: number[], over: Partial<SpcSample> = {}): SpcSample => ({
  characteristicId: ID,
  subgroupId: `s${++minute}`,
  at: new Date(Date.UTC(2026, 2, 1, 8, minute)).toISOString(),
  values,
  ...over,
});
const ctx = {
  tenantId: 't1',
  now: '2026-03-01T09:00:00.000Z',
  newId: (() => {
    let n = 0;
    return () => `e${++n}`;
  })(),
};

describe('SPC monitor', () => {
  it('flags a point beyond 3 sigma (rule 1) with the point, the limits and the order', () => {
    const { next, violations } = monitorSamples(state(), [sample([13.5], { workOrderId: 'WO-1', seq: 10 })]);

    assert.equal(violations.length, 1);
    assert.deepEqual(
      violations[0]?.rules.map((r) => r.rule),
      [1],
    );
    assert.equal(violations[0]?.point.value, 13.5);
    assert.deepEqual(violations[0]?.limits, { centre: 10, ucl: 13, lcl: 7 });
    assert.equal(violations[0]?.workOrderId, 'WO-1');
    assert.equal(violations[0]?.baselineVersion, 1);
    assert.equal(next?.version, 5);
    assert.equal(next?.eventSeq, 3);
  });

  it('finds a pattern that spans the remembered points and the new one (rule 2: nine on one side)', () => {
    const first = monitorSamples(
      state(),
      Array.from({ length: 8 }, () => sample([10.5])),
    );
    assert.deepEqual(first.violations, []);

    const second = monitorSamples(first.next, [sample([10.2])]);

    assert.deepEqual(
      second.violations.map((v) => v.rules.map((r) => r.rule)),
      [[2]],
    );
  });

  it('keeps only the last 15 points', () => {
    const { next } = monitorSamples(
      state(),
      Array.from({ length: 20 }, (_, i) => sample([10 + (i % 2 ? 0.1 : -0.1)])),
    );
    assert.equal(next?.recent.length, 15);
  });

  it('judges nothing without a baseline, and writes no state', () => {
    assert.deepEqual(monitorSamples(undefined, [sample([99])]), { next: undefined, violations: [] });
    assert.deepEqual(monitorSamples(state({ baseline: undefined }), [sample([99])]), { next: undefined, violations: [] });
  });

  it('plots a subgroup mean on an X-bar baseline, and skips a sample of another size', () => {
    const xbar = state({ baseline: { version: 2, chart: 'xbar-r', subgroupSize: 5, centre: 10, limits: { centre: 10, ucl: 11, lcl: 9 } } });
    const baseline = xbar.baseline as NonNullable<MonitorState['baseline']>;
    assert.deepEqual(
      pointOf(baseline, sample([10, 10, 11, 12, 12])).map((p) => [p.value, p.n, p.sigma]),
      [[11, 5, 1 / 3]],
    );
    assert.deepEqual(pointOf(baseline, sample([10, 11])), []);
    const { violations } = monitorSamples(xbar, [sample([12, 12, 11, 12, 12])]);
    assert.deepEqual(
      violations.map((v) => v.point.value),
      [11.8],
    );
  });

  it('judges a p chart sample as its fraction defective, with limits for its size', () => {
    const p = state({ baseline: { version: 1, chart: 'p', subgroupSize: null, centre: 0.1, pBar: 0.1, limits: { centre: 0.1, ucl: 0.3, lcl: 0 } } });
    const [point] = pointOf(
      p.baseline as NonNullable<MonitorState['baseline']>,
      sample([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    );
    assert.equal(point?.value, 0.1);
    assert.ok(Math.abs((point?.limits.ucl ?? 0) - (0.1 + 3 * Math.sqrt(0.09 / 20))) < 1e-12);
  });

  it('plans the writes: each violation an event numbered after the characteristic’s last, states of characteristics without a baseline left alone', () => {
    const other = 'data:RT-1:10:force';
    const { writes, violations } = planSpcWrites(ctx, [sample([14]), sample([99], { characteristicId: other })], new Map([[ID, state()]]));

    assert.equal(violations.length, 1);
    const [judged, unjudged] = writes.monitored;
    assert.equal(judged?.characteristicId, ID);
    assert.deepEqual(
      judged?.events.map((e) => [e.type, e.sequence, e.characteristicId]),
      [['quality.spc-violation', 3, ID]],
    );
    assert.deepEqual(unjudged, { characteristicId: other, before: undefined, next: undefined, events: [] });
    assert.equal(writes.samples.length, 2);
  });
});

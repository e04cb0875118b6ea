/**
 * Nelson rules at write time (issue 15, docs/spc.md "Charts and storage"): when samples of a
 * characteristic with a frozen baseline are written, each new point is judged against the
 * baseline's limits together with the characteristic's last points (MONITOR_POINTS), and a rule
 * it breaks becomes a `quality.spc-violation` event in the same transaction. Pure: the monitor
 * state in, the next state, the violations and their events out.
 *
 * A point is what the baseline's chart plots: a value (I-MR), a subgroup's mean (X-bar, a sample
 * of the baseline's subgroup size), a proportion or a count of defectives (p, np; values 1 =
 * defective). A sample that does not make a point of that chart (an X-bar sample of another size)
 * is stored and shown on the chart, but not judged here. Only the location chart is judged.
 */
import type { OutboxEvent } from '../work-order/model.ts';
import type { Baseline, Limits, PointViolation, SpcSample } from './spc-model.ts';
import { MONITOR_POINTS } from './spc-model.ts';
import type { SpcWrites } from './spc-repository.ts';
import { evaluateRules, type ZonedPoint } from './spc-rules.ts';

/** The baseline as the monitor keeps it (a copy in the state item). */
export type MonitorBaseline = Pick<Baseline, 'version' | 'chart' | 'subgroupSize' | 'centre' | 'pBar' | 'limits'>;

/** A point the monitor remembers: what the rules need (statistic, centre, sigma) and when. */
export interface MonitorPoint {
  at: string;
  value: number;
  centre: number;
  sigma: number;
}

/** The per-characteristic state item: its version (writers condition on it), the baseline in force, the last points. */
export interface MonitorState {
  characteristicId: string;
  version: number;
  /** The last outbox event's sequence number for this characteristic (gap-free, from 1). */
  eventSeq: number;
  baseline?: MonitorBaseline | undefined;
  recent: MonitorPoint[];
}

export interface SpcViolation {
  characteristicId: string;
  baselineVersion: number;
  rules: PointViolation[];
  point: { at: string; value: number; n: number; subgroupId: string };
  limits: Limits;
  workOrderId?: string | undefined;
  seq?: number | undefined;
}

export interface MonitorResult {
  /** The state to write (at version + 1), or undefined when nothing was judged (no baseline). */
  next: MonitorState | undefined;
  violations: SpcViolation[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The point a sample makes on the baseline's chart, with its centre, sigma and limits; undefined when it makes none. */
export function pointOf(baseline: MonitorBaseline, sample: SpcSample): (MonitorPoint & { n: number; limits: Limits })[] {
  const { values, at } = sample;
  if (values.length === 0) return [];
  const sigmaOf = (l: Limits) => (l.ucl - l.centre) / 3;
  switch (baseline.chart) {
    case 'i-mr':
      return values.map((value) => ({ at, value, n: 1, centre: baseline.centre, sigma: sigmaOf(baseline.limits), limits: baseline.limits }));
    case 'xbar-r':
    case 'xbar-s':
      if (values.length !== baseline.subgroupSize) return [];
      return [{ at, value: mean(values), n: values.length, centre: baseline.centre, sigma: sigmaOf(baseline.limits), limits: baseline.limits }];
    case 'p': {
      const pBar = baseline.pBar ?? baseline.centre;
      const n = values.length;
      const sigma = Math.sqrt((pBar * (1 - pBar)) / n);
      const defectives = values.filter((v) => v !== 0).length;
      return [
        {
          at,
          value: defectives / n,
          n,
          centre: pBar,
          sigma,
          limits: { centre: pBar, ucl: Math.min(1, pBar + 3 * sigma), lcl: Math.max(0, pBar - 3 * sigma) },
        },
      ];
    }
    case 'np': {
      if (values.length !== baseline.subgroupSize) return [];
      const defectives = values.filter((v) => v !== 0).length;
      return [{ at, value: defectives, n: values.length, centre: baseline.centre, sigma: sigmaOf(baseline.limits), limits: baseline.limits }];
    }
  }
}

/**
 * Judges the new samples of one characteristic (in time order) against its state. Without a
 * baseline nothing is judged and no state is written.
 */
export function monitorSamples(state: MonitorState | undefined, samples: readonly SpcSample[]): MonitorResult {
  const baseline = state?.baseline;
  if (!state || !baseline) return { next: undefined, violations: [] };
  const recent = [...state.recent];
  const violations: SpcViolation[] = [];
  for (const sample of [...samples].sort((a, b) => a.at.localeCompare(b.at))) {
    for (const point of pointOf(baseline, sample)) {
      const series: ZonedPoint[] = [...recent, point];
      const found = evaluateRules(series).at(-1) ?? [];
      if (found.length) {
        violations.push({
          characteristicId: state.characteristicId,
          baselineVersion: baseline.version,
          rules: found.map(({ rule, words, westernElectric }) => ({ rule, words, westernElectric })),
          point: { at: point.at, value: point.value, n: point.n, subgroupId: sample.subgroupId },
          limits: point.limits,
          ...(sample.workOrderId !== undefined ? { workOrderId: sample.workOrderId } : {}),
          ...(sample.seq !== undefined ? { seq: sample.seq } : {}),
        });
      }
      recent.push({ at: point.at, value: point.value, centre: point.centre, sigma: point.sigma });
      if (recent.length > MONITOR_POINTS) recent.shift();
    }
  }
  return {
    next: { ...state, version: state.version + 1, eventSeq: state.eventSeq + violations.length, recent },
    violations,
  };
}

export interface EventContext {
  tenantId: string;
  now: string;
  newId: () => string;
}

/** A violation as its characteristic's outbox event, numbered from the state's last event. */
export function violationEvents(ctx: EventContext, state: MonitorState, violations: readonly SpcViolation[]): OutboxEvent[] {
  return violations.map((v, i) => ({
    id: ctx.newId(),
    type: 'quality.spc-violation',
    schemaVersion: 1,
    occurredAt: ctx.now,
    tenantId: ctx.tenantId,
    characteristicId: v.characteristicId,
    sequence: state.eventSeq + i + 1,
    data: { ...v },
  }));
}

/**
 * Everything writing these samples does (values, each monitored characteristic's next state and
 * events), from the states read; and the violations, for a caller that reacts to them (a hold, a
 * nonconformance).
 */
export function planSpcWrites(
  ctx: EventContext,
  samples: readonly SpcSample[],
  states: ReadonlyMap<string, MonitorState>,
): { writes: SpcWrites; violations: SpcViolation[] } {
  const ids = [...new Set(samples.map((s) => s.characteristicId))];
  const violations: SpcViolation[] = [];
  const monitored = ids.map((characteristicId) => {
    const before = states.get(characteristicId);
    const result = monitorSamples(
      before,
      samples.filter((s) => s.characteristicId === characteristicId),
    );
    violations.push(...result.violations);
    return { characteristicId, before, next: result.next, events: before && result.next ? violationEvents(ctx, before, result.violations) : [] };
  });
  return { writes: { samples, monitored }, violations };
}

/**
 * The SPC service (issue 15, docs/spc.md "Charts and storage"): a characteristic's chart over a
 * window, freezing its baseline, and writing samples with the Nelson rules judged at write time.
 * Talks to storage through ports (SpcRepository, master data, telemetry minutes); the statistics
 * are the pure library's (spc.ts, via spc-view.ts).
 */
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { NotEnoughDataError, NotFoundError, ValidationError } from '../errors.ts';
import type { MasterDataKind } from '../master-data/model.ts';
import type { MasterDataRepository } from '../master-data/repository.ts';
import { runCommand } from '../retry.ts';
import type { AuditRecord, OutboxEvent } from '../work-order/model.ts';
import { type MonitorState, planSpcWrites, type SpcViolation } from './spc-monitor.ts';
import {
  type Baseline,
  type CharacteristicRef,
  DEFAULT_WINDOW_DAYS,
  type FreezeBaselineInput,
  MAX_CHART_POINTS,
  MAX_WINDOW_DAYS,
  parseCharacteristicId,
  type SpcChart,
  type SpcChartView,
  type SpcSample,
  type SpecLimits,
} from './spc-model.ts';
import type { SpcRepository } from './spc-repository.ts';
import { chartView, computeChart } from './spc-view.ts';

export interface ChartRequest {
  from?: string | undefined;
  to?: string | undefined;
  chart?: SpcChart | 'imr' | undefined;
  subgroupSize?: number | undefined;
}

/** A machine's process value over a window, as minute means (telemetry minute buckets' process aggregates). */
export interface ProcessMinuteReader {
  processMeans(tenantId: string, unitId: string, name: string, from: number, to: number): Promise<{ at: number; mean: number; count: number }[]>;
}

const DAY_MS = 86_400_000;

/** The spec limits of an inspection plan's characteristic, read generically (the plan's model is the inspection context's). */
function specOfPlanCharacteristic(plan: Record<string, unknown>, charId: string): SpecLimits | undefined {
  const list = (plan.characteristics ?? []) as Record<string, unknown>[];
  const c = Array.isArray(list) ? list.find((x) => x && (x.id === charId || x.characteristicId === charId || x.name === charId)) : undefined;
  if (!c) return undefined;
  const num = (...names: string[]) => {
    for (const n of names) if (typeof c[n] === 'number') return c[n] as number;
    return undefined;
  };
  const lsl = num('lsl', 'lowerSpecLimit', 'lower', 'min');
  const usl = num('usl', 'upperSpecLimit', 'upper', 'max');
  const nominal = num('nominal', 'target');
  const unit = typeof c.unit === 'string' ? c.unit : undefined;
  return {
    ...(lsl !== undefined ? { lsl } : {}),
    ...(usl !== undefined ? { usl } : {}),
    ...(nominal !== undefined ? { nominal } : {}),
    ...(unit ? { unit } : {}),
    source: lsl !== undefined || usl !== undefined ? 'inspection-plan' : 'none',
  };
}

/** An attribute (pass/fail) characteristic of a plan: its samples are counts of defectives, a p chart by default. */
const isAttribute = (plan: Record<string, unknown>, charId: string) =>
  Array.isArray(plan.characteristics) && (plan.characteristics as Record<string, unknown>[]).some((c) => c?.id === charId && c.kind === 'attribute');

export class SpcService {
  constructor(
    private readonly spc: SpcRepository,
    private readonly masterData: MasterDataRepository,
    private readonly process: ProcessMinuteReader | undefined,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The characteristic an id names in this tenant, with its spec limits; 404 when it names nothing of the tenant's. */
  async characteristic(tenantId: string, rawId: string): Promise<{ ref: CharacteristicRef; spec: SpecLimits; defaultChart?: SpcChart }> {
    const ref = parseCharacteristicId(rawId);
    if (!ref)
      throw new ValidationError([
        { pointer: '/path/id', detail: 'must be insp:{planId}:{charId}, data:{routingId}:{seq}:{name} or proc:{unitId}:{name}' },
      ]);
    const missing = () => new NotFoundError(`characteristic ${ref.id}`);
    switch (ref.source) {
      case 'data': {
        const routing = await this.masterData.get(tenantId, 'routing', ref.routingId);
        const requirement = routing?.operations.find((o) => o.seq === ref.seq)?.dataToRecord.find((d) => d.name === ref.name);
        if (requirement?.type !== 'number') throw missing();
        return {
          ref,
          spec: {
            ...(requirement.min !== undefined ? { lsl: requirement.min } : {}),
            ...(requirement.max !== undefined ? { usl: requirement.max } : {}),
            ...(requirement.unit ? { unit: requirement.unit } : {}),
            source: requirement.min !== undefined || requirement.max !== undefined ? 'routing' : 'none',
          },
        };
      }
      case 'insp': {
        // Inspection plans are master data of the inspection context (kind `inspection-plan`): read generically.
        const plan = (await this.masterData.get(tenantId, 'inspection-plan' as MasterDataKind, ref.planId)) as Record<string, unknown> | undefined;
        const spec = plan ? specOfPlanCharacteristic(plan, ref.charId) : undefined;
        if (!spec) throw missing();
        return { ref, spec, ...(plan && isAttribute(plan, ref.charId) ? { defaultChart: 'p' as const } : {}) };
      }
      case 'proc': {
        const unit = await this.masterData.get(tenantId, 'equipment', ref.unitId);
        if (!unit) throw missing();
        return { ref, spec: { source: 'none' } };
      }
    }
  }

  private window(request: { from?: string | undefined; to?: string | undefined }, pointer: '/query' | '/body') {
    const to = request.to ? new Date(request.to) : this.clock.now();
    const from = request.from ? new Date(request.from) : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
    if (!(from < to)) throw new ValidationError([{ pointer: `${pointer}/from`, detail: 'must be before to' }]);
    if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
      throw new ValidationError([{ pointer: `${pointer}/from`, detail: `a window is at most ${MAX_WINDOW_DAYS} days` }]);
    return { from: from.toISOString(), to: to.toISOString() };
  }

  /** The samples of a window: stored values, or a machine's minute means for a process value. */
  private async samplesOf(tenantId: string, ref: CharacteristicRef, from: string, to: string): Promise<SpcSample[]> {
    if (ref.source !== 'proc') return (await this.spc.samples(tenantId, ref.id, from, to)).samples;
    const minutes = (await this.process?.processMeans(tenantId, ref.unitId, ref.name, Date.parse(from), Date.parse(to))) ?? [];
    return minutes.map((m) => ({
      characteristicId: ref.id,
      subgroupId: new Date(m.at).toISOString().slice(0, 16),
      at: new Date(m.at).toISOString(),
      values: [m.mean],
    }));
  }

  private async baselineInForce(tenantId: string, state: MonitorState | undefined) {
    return state?.baseline ? this.spc.baseline(tenantId, state.characteristicId, state.baseline.version) : undefined;
  }

  async chart(auth: AuthContext, id: string, request: ChartRequest): Promise<SpcChartView> {
    const { ref, spec, defaultChart } = await this.characteristic(auth.tenantId, id);
    const { from, to } = this.window(request, '/query');
    const [samples, state] = await Promise.all([this.samplesOf(auth.tenantId, ref, from, to), this.spc.state(auth.tenantId, ref.id)]);
    const baseline = await this.baselineInForce(auth.tenantId, state);
    const view = chartView({
      ref,
      spec,
      samples,
      from,
      to,
      chart: request.chart ?? (state?.baseline ? undefined : defaultChart),
      subgroupSize: request.subgroupSize,
      baseline,
    });
    if (view.points.length > MAX_CHART_POINTS) {
      throw new ValidationError([
        {
          pointer: '/query/from',
          detail: `the window holds ${view.points.length} points; a chart draws at most ${MAX_CHART_POINTS}: choose a shorter window`,
        },
      ]);
    }
    return view;
  }

  /**
   * Freezes the centre line and limits computed from a window's data as a new baseline version
   * (never rewritten; the latest is in force), audited, with a `quality.baseline-frozen` event.
   * Refuses with "not enough data: k of 20" when the window has too few points.
   */
  async freezeBaseline(auth: AuthContext, id: string, input: Omit<FreezeBaselineInput, 'chart'> & { chart: SpcChart | 'imr' }): Promise<Baseline> {
    const { ref } = await this.characteristic(auth.tenantId, id);
    const { from, to } = this.window(input, '/body');
    if (input.lsl !== undefined && input.usl !== undefined && !(input.usl > input.lsl))
      throw new ValidationError([{ pointer: '/body/usl', detail: 'must be above lsl' }]);
    const samples = await this.samplesOf(auth.tenantId, ref, from, to);
    return runCommand(auth.tenantId, `spc/${ref.id}`, undefined, async () => {
      const before = await this.spc.state(auth.tenantId, ref.id);
      const c = computeChart({ samples, chart: input.chart, subgroupSize: input.subgroupSize });
      const result = c.result;
      if (result.kind === 'not-enough-data') throw new NotEnoughDataError(result.message);
      const primary = result.primary.points;
      const first = primary[0] as (typeof primary)[number];
      const spreadFirst = result.secondary?.points[0];
      const now = this.clock.now().toISOString();
      const version = (before?.baseline?.version ?? 0) + 1;
      let limits = { centre: first.centre, ucl: first.ucl, lcl: first.lcl };
      if (c.chart === 'p') {
        // Limits vary with the sample size: the baseline states them at the window's mean size.
        const meanN = c.groups.reduce((a, g) => a + g.values.length, 0) / c.groups.length;
        const sigma = Math.sqrt((first.centre * (1 - first.centre)) / meanN);
        limits = { centre: first.centre, ucl: Math.min(1, first.centre + 3 * sigma), lcl: Math.max(0, first.centre - 3 * sigma) };
      }
      const pBar = c.chart === 'p' ? first.centre : c.chart === 'np' ? first.centre / (c.subgroupSize as number) : undefined;
      const baseline: Baseline = {
        characteristicId: ref.id,
        version,
        chart: c.chart,
        subgroupSize: c.chart === 'p' || c.chart === 'i-mr' ? null : c.subgroupSize,
        centre: first.centre,
        ...(c.chart === 'xbar-r' && spreadFirst ? { rBar: spreadFirst.centre } : {}),
        ...(c.chart === 'xbar-s' && spreadFirst ? { sBar: spreadFirst.centre } : {}),
        ...(c.chart === 'i-mr' && spreadFirst ? { mrBar: spreadFirst.centre } : {}),
        ...(pBar !== undefined ? { pBar } : {}),
        sigmaWithin: result.sigmaWithin,
        limits,
        spreadLimits: spreadFirst ? { centre: spreadFirst.centre, ucl: spreadFirst.ucl, lcl: spreadFirst.lcl } : null,
        ...(input.lsl !== undefined ? { lsl: input.lsl } : {}),
        ...(input.usl !== undefined ? { usl: input.usl } : {}),
        from,
        to,
        points: primary.length,
        reason: input.reason,
        frozenAt: now,
        frozenBy: auth.userId,
      };
      const next: MonitorState = {
        characteristicId: ref.id,
        version: (before?.version ?? 0) + 1,
        eventSeq: (before?.eventSeq ?? 0) + 1,
        baseline: { version, chart: baseline.chart, subgroupSize: baseline.subgroupSize, centre: baseline.centre, pBar: baseline.pBar, limits },
        // The window's points were judged in phase I: the monitor starts afresh against the new limits.
        recent: [],
      };
      const audit: AuditRecord = {
        version: next.version,
        at: now,
        by: auth.userId,
        action: 'freezeBaseline',
        target: `characteristic ${ref.id}`,
        reason: input.reason,
        changes: [{ field: 'baseline', from: before?.baseline?.version ?? null, to: version }],
      };
      const event: OutboxEvent = {
        id: uuidv7(),
        type: 'quality.baseline-frozen',
        schemaVersion: 1,
        occurredAt: now,
        tenantId: auth.tenantId,
        characteristicId: ref.id,
        sequence: next.eventSeq,
        data: {
          characteristicId: ref.id,
          version,
          chart: baseline.chart,
          subgroupSize: baseline.subgroupSize,
          limits,
          from,
          to,
          points: baseline.points,
          reason: input.reason,
          by: auth.userId,
        },
      };
      await this.spc.commitBaseline(auth.tenantId, { baseline, before, next, audit, event });
      return baseline;
    });
  }

  /**
   * Writes samples on their own (not within another command), judged against each
   * characteristic's baseline; returns the violations, for a caller that reacts (a hold, a
   * nonconformance). Retries when a concurrent writer moved a monitor's state.
   */
  async write(tenantId: string, samples: readonly SpcSample[]): Promise<SpcViolation[]> {
    return runCommand(tenantId, 'spc/write', undefined, async () => {
      const states = await this.spc.states(
        tenantId,
        samples.map((s) => s.characteristicId),
      );
      const { writes, violations } = planSpcWrites({ tenantId, now: this.clock.now().toISOString(), newId: uuidv7 }, samples, states);
      await this.spc.write(tenantId, writes);
      return violations;
    });
  }
}

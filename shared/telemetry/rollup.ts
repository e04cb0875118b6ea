/**
 * The rollup job: turns each tenant's closed UTC days of minute items into day items
 * (shared/domain/telemetry/rollup.ts), one per group and day, so OEE over long ranges reads a
 * few items per day instead of 1,440 per group. Not the ingest path's work: it writes nothing
 * per sample (WRU per 1,000 samples stays as it was), here a day costs one Query per group
 * (its 1,440 minute items) and one write per group.
 *
 * Late data. A sample may arrive up to LATE_WINDOW_MS (24 h) after its time, and not later
 * (validate.ts rejects it). So a day is rolled up once, when it can no longer change: at its
 * end + the late window + a margin. Until then readers take its minute items, which the
 * minute retention (at least 3 days) keeps well past that. No day is rolled up twice, no
 * change tracking, no second pass. A rerun rewrites the same items (idempotent).
 *
 * Runs on a schedule: on AWS a function from infra/event-sources.ts SCHEDULED_FUNCTIONS,
 * locally the runtime's timer (infra/local/runtime.ts).
 */
import type { MasterDataRepository } from '../domain/master-data/repository.ts';
import type { Equipment } from '../domain/master-data/model.ts';
import type { MinuteBucket, TelemetryReadRepository } from '../domain/telemetry/repository.ts';
import { type DayBucket, type UnitDay, rollUpUnitDay } from '../domain/telemetry/rollup.ts';
import { type TelemetryRetention, dayExpiresAt, retentionOf } from '../domain/telemetry/retention.ts';
import { type ShiftCalendar, plannedProductionTime } from '../domain/telemetry/shifts.ts';
import { type Clock, systemClock } from '../domain/clock.ts';
import { TELEMETRY_GROUPS } from './groups.ts';
import { OperationContextReader } from './context.ts';
import { LATE_WINDOW_MS } from './validate.ts';

const DAY_MS = 86_400_000;
/** After the late window: samples within the clock skew allowance, batches still in flight. */
export const ROLLUP_MARGIN_MS = 15 * 60_000;
/** Days one run rolls up per tenant at most (a first run catches up over a few runs). */
const DAYS_PER_RUN = 7;

export interface RollupRepository extends Pick<TelemetryReadRepository, 'buckets' | 'operationContexts'> {
  putDayBucket(bucket: DayBucket, expiresAt: number): Promise<void>;
  rollupThrough(tenantId: string): Promise<string | undefined>;
  putRollupThrough(tenantId: string, through: string): Promise<void>;
  telemetryTenants(): Promise<string[]>;
}

const isoDay = (day: number) => new Date(day).toISOString().slice(0, 10);

/** The last UTC day (its start) that can no longer change at `now`. */
export const lastFinalDay = (now: number): number => Math.floor((now - LATE_WINDOW_MS - ROLLUP_MARGIN_MS) / DAY_MS) * DAY_MS - DAY_MS;

export class TelemetryRollup {
  private readonly contexts: OperationContextReader;

  constructor(
    private readonly repository: RollupRepository,
    private readonly masterData: MasterDataRepository,
    private readonly clock: Clock = systemClock,
  ) {
    this.contexts = new OperationContextReader(repository);
  }

  /** Rolls up every known tenant's final days not yet rolled up; returns how many group-days it wrote. */
  async run(log: { warn(message: string, details?: Record<string, unknown>): void } = console): Promise<{ tenants: number; days: number }> {
    let days = 0;
    const tenants = await this.repository.telemetryTenants();
    for (const tenantId of tenants) {
      try {
        days += await this.rollUpTenant(tenantId);
      } catch (error) {
        // One tenant's failure does not hold the others: it is tried again on the next run.
        log.warn('rollup failed', { tenantId, error: String(error) });
      }
    }
    return { tenants: tenants.length, days };
  }

  async rollUpTenant(tenantId: string): Promise<number> {
    const now = this.clock.now().getTime();
    const last = lastFinalDay(now);
    const [through, settings] = await Promise.all([this.repository.rollupThrough(tenantId), this.masterData.get(tenantId, 'settings', 'settings')]);
    const retention = retentionOf(settings);
    // Without a previous run: from the oldest day whose minute items are surely all still there.
    const oldestKept = Math.floor(now / DAY_MS) * DAY_MS - (retention.minuteDays - 2) * DAY_MS;
    let day = Math.max(through ? Date.parse(`${through}T00:00:00Z`) + DAY_MS : oldestKept, oldestKept);
    let written = 0;
    if (day > last) return 0;
    const [units, calendar] = await Promise.all([this.units(tenantId), this.calendar(tenantId)]);
    for (let n = 0; day <= last && n < DAYS_PER_RUN; n++, day += DAY_MS) {
      written += await this.rollUpDay(tenantId, day, retention, units, calendar);
      await this.repository.putRollupThrough(tenantId, isoDay(day));
    }
    return written;
  }

  /** Every group's day item of one tenant and day (written even when empty: readers then skip the day's minute items). */
  async rollUpDay(tenantId: string, day: number, retention: TelemetryRetention, units: Map<string, Equipment>, calendar: ShiftCalendar | undefined) {
    const end = day + DAY_MS;
    await Promise.all(
      Array.from({ length: TELEMETRY_GROUPS }, async (_, group) => {
        const minutes = await this.repository.buckets(tenantId, group, day, end);
        const byUnit = new Map<string, MinuteBucket['units'][string][]>();
        for (const b of minutes) for (const [id, m] of Object.entries(b.units)) byUnit.set(id, [...(byUnit.get(id) ?? []), m]);
        const out: Record<string, UnitDay> = {};
        for (const [id, unitMinutes] of byUnit) {
          const unit = units.get(id);
          out[id] = rollUpUnitDay(unitMinutes, {
            cuts: unit ? await this.cuts(tenantId, unit, calendar, day, end) : [],
            seenGapMs: (unit?.offlineAfterSeconds ?? 120) * 1000,
          });
        }
        await this.repository.putDayBucket({ tenantId, group, day, units: out }, dayExpiresAt(day, retention));
      }),
    );
    return TELEMETRY_GROUPS;
  }

  /** Where OEE may split a unit's counts in the day: planned-interval edges, operation context edges, its commissioning. */
  private async cuts(tenantId: string, unit: Equipment, calendar: ShiftCalendar | undefined, from: number, to: number): Promise<number[]> {
    const planned = calendar ? plannedProductionTime(calendar, from, to, { equipmentId: unit.id }).intervals : [];
    const contexts = await this.contexts.forUnit(tenantId, unit, from, to);
    const commissioned = unit.commissionedAt ? [Date.parse(unit.commissionedAt)] : [];
    return [...planned, ...contexts]
      .flatMap((i) => [i.start, i.end])
      .concat(commissioned)
      .filter((t) => t > from && t < to);
  }

  private async units(tenantId: string): Promise<Map<string, Equipment>> {
    const all = new Map<string, Equipment>();
    let cursor: string | undefined;
    do {
      const page = await this.masterData.list(tenantId, 'equipment', { limit: 100, cursor });
      for (const e of page.items) all.set(e.id, e);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  /** The shift calendar as the read side computes with it (TelemetryService.calendar). */
  private async calendar(tenantId: string): Promise<ShiftCalendar | undefined> {
    const record = await this.masterData.get(tenantId, 'shift-calendar', 'shift-calendar');
    if (!record) return undefined;
    return {
      timeZone: record.timeZone,
      shifts: record.shifts,
      plannedStops: (record.plannedStops ?? []).map((s) => ({
        start: Date.parse(s.start),
        end: Date.parse(s.end),
        reason: s.reason,
        ...(s.equipmentIds ? { equipmentIds: s.equipmentIds } : {}),
      })),
    };
  }
}

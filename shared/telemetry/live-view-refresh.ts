/**
 * The live view's refresh job: every unit's OEE so far today (and when it was last heard of,
 * which counts alone do not write to the view), computed by the very code of
 * GET /v1/equipment/{id}/status (TelemetryService.status), written only where it changed. The
 * reads units share are made once per tenant: the equipment, the calendar and reason tree,
 * each group's minute items of the day and each work center's operation contexts (the adapters
 * below answer the service from them). A unit with no entry yet gets a whole one from its
 * status (a tenant with data from before the live view: backfill). Tenants come from the live
 * view's registry of the day, not from a Scan. Locally a timer runs it (infra/local/runtime.ts),
 * on AWS a schedule (functions/jobs/refresh-live-view.ts).
 */
import type { AuthContext } from '../auth/claims.ts';
import type { EquipmentStatus } from '../api/schemas.ts';
import type { Clock } from '../domain/clock.ts';
import type { Equipment, MasterDataKind } from '../domain/master-data/model.ts';
import type { MasterDataRepository } from '../domain/master-data/repository.ts';
import { type LiveEntry, applyCurrent, applyToday, hasNoData, sameEntry } from '../domain/telemetry/live-view.ts';
import type { MinuteBucket, OperationContextRecord, StoredStateTransition, TelemetryReadRepository } from '../domain/telemetry/repository.ts';
import type { WorkOrderRepository } from '../domain/work-order/repository.ts';
import { minuteOf } from './groups.ts';
import { type LiveView, utcDay } from './live-view.ts';
import { type MaintenanceFacts, TelemetryService, startOfLocalDay } from './service.ts';

const DAY_MS = 86_400_000;
/** As the operation context reader looks back (context.ts) and the unit status reads recent minutes (service.ts), at least. */
const CONTEXT_LOOKBACK_MS = 7 * DAY_MS + 60_000;
const RECENT_MS = 10 * 60_000;
/** Units computed at once: each is a few Queries of its own (its state transitions, stop reasons). */
const CONCURRENCY = 8;

export interface RefreshResult {
  tenants: number;
  units: number;
  written: number;
}

export class LiveViewRefresh {
  constructor(
    private readonly sources: {
      telemetry: TelemetryReadRepository;
      masterData: MasterDataRepository;
      orders: WorkOrderRepository;
      /** Planned maintenance (issue 18), out of OEE today's planned production time as in every OEE read. */
      maintenance?: MaintenanceFacts;
    },
    private readonly live: LiveView,
    private readonly clock: Clock,
  ) {}

  /** Every tenant with live data today or yesterday (UTC; a plant's day may span two). */
  async run(): Promise<RefreshResult> {
    const now = this.clock.now().getTime();
    const tenants = await this.live.repository.tenants([utcDay(now - DAY_MS), utcDay(now)]);
    const result: RefreshResult = { tenants: tenants.length, units: 0, written: 0 };
    for (const tenantId of tenants) {
      const one = await this.refreshTenant(tenantId);
      result.units += one.units;
      result.written += one.written;
    }
    return result;
  }

  async refreshTenant(tenantId: string): Promise<{ units: number; written: number }> {
    const startedAt = this.clock.now().getTime();
    const equipment = await this.sources.masterData.listAll(tenantId, 'equipment');
    const units = equipment.filter((e) => e.level === 'workUnit');
    if (units.length === 0) return { units: 0, written: 0 };
    const masterData = new SharedMasterData(this.sources.masterData, equipment);
    const calendar = await masterData.get(tenantId, 'shift-calendar', 'shift-calendar');
    const dayStart = startOfLocalDay(startedAt, calendar?.timeZone ?? 'UTC');
    const maxOfflineMs = Math.max(RECENT_MS, ...units.map((u) => (u.offlineAfterSeconds ?? 120) * 1000));
    const telemetry = new SharedTelemetryReads(this.sources.telemetry, {
      buckets: { from: dayStart - maxOfflineMs, to: startedAt + maxOfflineMs + 60_000 },
      contexts: { from: new Date(dayStart - CONTEXT_LOOKBACK_MS).toISOString(), to: new Date(startedAt + 60_000).toISOString() },
    });
    const service = new TelemetryService(telemetry, masterData, this.sources.orders, this.clock, undefined, this.sources.maintenance);
    const auth: AuthContext = { tenantId, userId: 'system:live-view-refresh', name: 'Live view refresh', roles: ['supervisor'] };

    const statuses = new Map<string, EquipmentStatus>();
    const queue = [...units];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let unit = queue.shift(); unit; unit = queue.shift()) statuses.set(unit.id, await service.status(auth, unit.id));
      }),
    );
    // A unit without data in the view is rebuilt whole; it needs what its latest state message said.
    const entries = new Map((await this.live.repository.entries(tenantId)).map((e) => [e.equipmentId, e]));
    const missing = units.filter((u) => {
      const entry = entries.get(u.id);
      return !entry || hasNoData(entry);
    });
    const latest = new Map(await Promise.all(missing.map(async (u) => [u.id, await this.sources.telemetry.latestState(tenantId, u.id)] as const)));

    const written = new Set<string>();
    await this.live.update(
      tenantId,
      units.map((u) => u.id),
      (entry) => {
        const status = statuses.get(entry.equipmentId) as EquipmentStatus;
        const next = hasNoData(entry) ? rebuilt(entry, status, latest.get(entry.equipmentId)) : refreshed(entry, status, startedAt);
        // Only where it changed: a new asOf alone is not a change.
        if (entry.version > 0 && sameEntry(entry, next, { ignoreAsOf: true })) return entry;
        written.add(entry.equipmentId);
        return next;
      },
    );
    return { units: units.length, written: written.size };
  }
}

const oeeTodayOf = (status: EquipmentStatus, asOf: number) => ({
  asOf: new Date(asOf).toISOString(),
  availability: status.oeeToday.availability,
  performance: status.oeeToday.performance,
  quality: status.oeeToday.quality,
  oee: status.oeeToday.oee,
  goodCount: status.oeeToday.goodCount,
  rejectCount: status.oeeToday.rejectCount,
});

/** OEE today and last seen; `current` too when the entry has not changed since the job began (repairs a missed command). */
function refreshed(entry: LiveEntry, status: EquipmentStatus, startedAt: number): LiveEntry {
  const today = { oeeToday: oeeTodayOf(status, Date.parse(status.oeeToday.to)), lastSeen: status.lastSeen };
  const candidate = applyToday(entry, today);
  return entry.at <= startedAt ? applyCurrent(candidate, status.current) : candidate;
}

/** A whole entry from the unit status (backfill), with the latest state message as what it reflects. */
function rebuilt(entry: LiveEntry, status: EquipmentStatus, latest: StoredStateTransition | undefined): LiveEntry {
  const { oeeToday: _, ...unit } = status;
  const since = status.since ? Date.parse(status.since) : undefined;
  return {
    ...entry,
    unit: { ...unit, oeeToday: oeeTodayOf(status, Date.parse(status.oeeToday.to)) },
    ...(latest
      ? {
          reported: {
            ts: latest.ts,
            state: latest.state,
            ...(latest.reasonCode ? { reasonCode: latest.reasonCode } : {}),
            since: since !== undefined && status.state === latest.state ? since : latest.ts,
          },
        }
      : {}),
  };
}

/** Master data as read once for the job: the equipment from its list, the calendar and reason tree once. */
class SharedMasterData implements MasterDataRepository {
  private readonly singles = new Map<string, Promise<unknown>>();
  private readonly equipment: Map<string, Equipment>;

  constructor(
    private readonly inner: MasterDataRepository,
    equipment: Equipment[],
  ) {
    this.equipment = new Map(equipment.map((e) => [e.id, e]));
  }

  get: MasterDataRepository['get'] = (tenantId, kind, id, options) => {
    if (kind === 'equipment') return Promise.resolve(this.equipment.get(id) as never);
    const key = `${kind}|${id}`;
    if (!this.singles.has(key)) this.singles.set(key, this.inner.get(tenantId, kind, id, options));
    return this.singles.get(key) as never;
  };
  getMany: MasterDataRepository['getMany'] = (tenantId, kind, ids) => this.inner.getMany(tenantId, kind, ids);
  put: MasterDataRepository['put'] = (...args) => this.inner.put(...args);
  list: MasterDataRepository['list'] = (tenantId, kind, page) => this.inner.list(tenantId, kind, page);
  listAll = <K extends MasterDataKind>(tenantId: string, kind: K) =>
    kind === 'equipment' ? Promise.resolve([...this.equipment.values()] as never) : this.inner.listAll(tenantId, kind);
}

/**
 * Telemetry reads shared by the units of a job: a group's minute items and a work center's
 * operation contexts are read once for the whole window and each unit's ask is answered from
 * them (as the table would: the same minutes, the same contexts). Asks outside the window go
 * through.
 */
class SharedTelemetryReads implements TelemetryReadRepository {
  private readonly groups = new Map<string, Promise<MinuteBucket[]>>();
  private readonly centers = new Map<string, Promise<OperationContextRecord[]>>();

  constructor(
    private readonly inner: TelemetryReadRepository,
    private readonly window: { buckets: { from: number; to: number }; contexts: { from: string; to: string } },
  ) {}

  async buckets(tenantId: string, group: number, from: number, to: number): Promise<MinuteBucket[]> {
    const w = this.window.buckets;
    if (from < w.from || to > w.to) return this.inner.buckets(tenantId, group, from, to);
    const key = `${tenantId}|${group}`;
    if (!this.groups.has(key)) this.groups.set(key, this.inner.buckets(tenantId, group, w.from, w.to));
    const all = await (this.groups.get(key) as Promise<MinuteBucket[]>);
    // As the table's Query selects: the minutes from `from`'s to the one holding `to - 1`.
    return all.filter((b) => b.minute >= minuteOf(from) && b.minute <= minuteOf(to - 1));
  }

  async operationContexts(tenantId: string, workCenterId: string, fromIso: string, toIso: string): Promise<OperationContextRecord[]> {
    const w = this.window.contexts;
    if (fromIso < w.from || toIso > w.to) return this.inner.operationContexts(tenantId, workCenterId, fromIso, toIso);
    const key = `${tenantId}|${workCenterId}`;
    if (!this.centers.has(key)) this.centers.set(key, this.inner.operationContexts(tenantId, workCenterId, w.from, w.to));
    return (await (this.centers.get(key) as Promise<OperationContextRecord[]>)).filter((c) => c.at >= fromIso && c.at <= toIso);
  }

  stateTransitions: TelemetryReadRepository['stateTransitions'] = (...args) => this.inner.stateTransitions(...args);
  firstState: TelemetryReadRepository['firstState'] = (...args) => this.inner.firstState(...args);
  latestState: TelemetryReadRepository['latestState'] = (...args) => this.inner.latestState(...args);
  latestStates: TelemetryReadRepository['latestStates'] = (...args) => this.inner.latestStates(...args);
  stateChangesSince: TelemetryReadRepository['stateChangesSince'] = (...args) => this.inner.stateChangesSince(...args);
  downtimeReasons: TelemetryReadRepository['downtimeReasons'] = (...args) => this.inner.downtimeReasons(...args);
  putDowntimeReason: TelemetryReadRepository['putDowntimeReason'] = (...args) => this.inner.putDowntimeReason(...args);
  connectionEvents: TelemetryReadRepository['connectionEvents'] = (...args) => this.inner.connectionEvents(...args);
  declaredPresence: TelemetryReadRepository['declaredPresence'] = (...args) => this.inner.declaredPresence(...args);
  dayBuckets: TelemetryReadRepository['dayBuckets'] = (...args) => this.inner.dayBuckets(...args);
}

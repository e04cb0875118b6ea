/**
 * Keeps the plant's live view (shared/domain/telemetry/live-view.ts) as things happen: state
 * messages from the ingest, presence events, what runs at a unit after an operation command, a
 * reason given to the stop a unit is in, and (the refresh job, live-view-refresh.ts) OEE today.
 * Each change is a read, the pure rule, and a write conditioned on the version read (another
 * writer first: read again); a change that changes nothing writes nothing. Every write also
 * notes the tenant in the day's registry (once per process and day), for the refresh job.
 */
import type { Clock } from '../domain/clock.ts';
import { systemClock } from '../domain/clock.ts';
import type { MasterDataRepository } from '../domain/master-data/repository.ts';
import type { MasterDataKind, StoredRecord } from '../domain/master-data/model.ts';
import type { Equipment } from '../domain/master-data/model.ts';
import type { StoredStateTransition } from '../domain/telemetry/repository.ts';
import type { CommandResult } from '../domain/work-order/model.ts';
import type { IdempotencyRecord, Receipt, TrackedWrites, WorkOrderRepository } from '../domain/work-order/repository.ts';
import {
  type LiveEntry,
  type LiveViewRepository,
  type PresenceEvent,
  applyCurrent,
  applyPresence,
  applyStates,
  applyStopReason,
  emptyEntry,
  sameEntry,
} from '../domain/telemetry/live-view.ts';
import type { UnitLiveState } from '../api/schemas.ts';
import type { ContextInterval, OperationContextReader } from './context.ts';
import { type PresenceChange, unitsOfChange } from './lifecycle.ts';

const MAX_ATTEMPTS = 8;
/** The operation statuses an operation command writes a context item for (work-order-repository.ts). */
const CONTEXT_STATUSES = new Set(['RUNNING', 'PAUSED', 'DONE']);

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

export const utcDay = (ts: number) => new Date(ts).toISOString().slice(0, 10);

/** The wire's `current` from an operation context. */
export function currentOf(c: ContextInterval | undefined): UnitLiveState['current'] {
  return c
    ? {
        workOrderId: c.workOrderId,
        seq: c.seq,
        status: c.status,
        materialId: c.materialId,
        ...(c.operator ? { operator: c.operator } : {}),
        since: new Date(c.start).toISOString(),
      }
    : null;
}

export interface LiveViewLog {
  warn(message: string, details?: Record<string, unknown>): void;
}

export class LiveView {
  private readonly registered = new Set<string>();

  constructor(
    readonly repository: LiveViewRepository,
    private readonly sources: { masterData: MasterDataRepository; contexts: OperationContextReader },
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Applies `change` to the entries of these units (a unit without one starts empty) and writes
   * those it changed, each under the version it read. Returns the entries as they now are.
   */
  async update(tenantId: string, equipmentIds: readonly string[], change: (entry: LiveEntry) => LiveEntry): Promise<LiveEntry[]> {
    let pending = [...new Set(equipmentIds)];
    const done: LiveEntry[] = [];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new Error(`live view of ${pending.join(', ')}: other writers kept coming first`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(500, 20 * 2 ** attempt) * Math.random()));
      const found = new Map((await this.repository.get(tenantId, pending)).map((e) => [e.equipmentId, e]));
      const conflicts: string[] = [];
      let wrote = false;
      await Promise.all(
        pending.map(async (id) => {
          const before = found.get(id) ?? emptyEntry(id);
          const after = change(before);
          if (sameEntry(before, after) && before.version > 0) return void done.push(before);
          const next = { ...after, at: this.clock.now().getTime(), version: before.version };
          if (await this.repository.put(tenantId, next)) {
            wrote = true;
            done.push({ ...next, version: before.version + 1 });
          } else conflicts.push(id);
        }),
      );
      if (wrote) await this.register(tenantId);
      pending = conflicts;
    }
    return done;
  }

  /** Notes the tenant in today's registry, once per process and day. */
  async register(tenantId: string): Promise<void> {
    const day = utcDay(this.clock.now().getTime());
    if (this.registered.has(`${day}|${tenantId}`)) return;
    await this.repository.registerTenant(tenantId, day);
    this.registered.add(`${day}|${tenantId}`);
  }

  /** State messages as stored by the ingest (any order, repeats and late ones included). */
  async applyStates(tenantId: string, transitions: readonly StoredStateTransition[]): Promise<void> {
    const byUnit = groupBy(transitions, (t) => t.equipmentId);
    await this.update(tenantId, [...byUnit.keys()], (entry) => applyStates(entry, byUnit.get(entry.equipmentId) ?? []));
  }

  /** Presence events (a unit's or its gateway's link went down or came back): offline now, or back to the last reported state. */
  async applyPresence(tenantId: string, events: readonly PresenceEvent[]): Promise<void> {
    const byUnit = groupBy(events, (e) => e.equipmentId);
    await this.update(tenantId, [...byUnit.keys()], (entry) =>
      (byUnit.get(entry.equipmentId) ?? []).sort((a, b) => a.at - b.at).reduce(applyPresence, entry),
    );
  }

  /**
   * What the ingest says about presence (shared/telemetry/lifecycle.ts): a connection's change
   * concerns the unit of that client id, or every unit that reports through the gateway of that
   * id; a gateway's declaration, its unit. One equipment list per tenant, only when needed.
   */
  async applyPresenceChanges(changes: readonly PresenceChange[]): Promise<void> {
    for (const [tenantId, ofTenant] of groupBy(changes, (c) => c.tenantId)) {
      const units = ofTenant.some((c) => c.kind === 'connection')
        ? (await this.sources.masterData.listAll(tenantId, 'equipment')).filter((e: Equipment) => e.level === 'workUnit')
        : [];
      const events = ofTenant.flatMap((c) => unitsOfChange(c, units).map((equipmentId) => ({ equipmentId, online: c.online, at: c.at })));
      if (events.length) await this.applyPresence(tenantId, events);
    }
  }

  /** A reason a person gave a unit's stop: shown when it is the stop the unit is in now. */
  async applyStopReason(tenantId: string, equipmentId: string, stopReason: NonNullable<UnitLiveState['stopReason']>): Promise<void> {
    const [entry] = await this.repository.get(tenantId, [equipmentId]);
    if (!entry || entry.unit.since !== stopReason.stopStart) return;
    await this.update(tenantId, [equipmentId], (e) => applyStopReason(e, stopReason));
  }

  /** What runs now at one unit (placed or moved under a work center): its own and its work center's contexts. */
  async refreshUnitCurrent(tenantId: string, unit: Equipment): Promise<void> {
    const current = await this.sources.contexts.currentAt(tenantId, unit, this.clock.now().getTime());
    await this.update(tenantId, [unit.id], (entry) => applyCurrent(entry, currentOf(current)));
  }

  /**
   * What runs now at every unit of these work centers (a unit under a work center follows it),
   * from the operation contexts, as the unit status reads them.
   */
  async refreshCurrent(tenantId: string, workCenterIds: readonly string[]): Promise<void> {
    if (workCenterIds.length === 0) return;
    const centers = new Set(workCenterIds);
    const all = await this.sources.masterData.listAll(tenantId, 'equipment');
    const units = all.filter(
      (e: Equipment) => e.level === 'workUnit' && (centers.has(e.id) || (e.parentId !== undefined && centers.has(e.parentId))),
    );
    if (units.length === 0) return;
    const now = this.clock.now().getTime();
    const current = await this.sources.contexts.currentAtUnits(tenantId, units, now);
    await this.update(
      tenantId,
      units.map((u) => u.id),
      (entry) => applyCurrent(entry, currentOf(current.get(entry.equipmentId))),
    );
  }
}

/**
 * The work order repository, followed by the live view: after a command that started, paused,
 * resumed or completed an operation is committed, the units of its work center show what runs
 * there now. Not in the command's transaction on purpose: the live view is derived (recomputed
 * from the operation context items the transaction did write), a conditional write beside a
 * busy ingest must not make commands retry, and what a crash between the two leaves stale the
 * refresh job (live-view-refresh.ts) puts right on its next run.
 */
export class LiveViewFollowingOrders implements WorkOrderRepository {
  constructor(
    private readonly orders: WorkOrderRepository,
    private readonly live: LiveView,
    private readonly log: LiveViewLog = console,
  ) {}

  get: WorkOrderRepository['get'] = (tenantId, id) => this.orders.get(tenantId, id);
  getIdempotency: WorkOrderRepository['getIdempotency'] = (tenantId, scope, key) => this.orders.getIdempotency(tenantId, scope, key);
  list: WorkOrderRepository['list'] = (tenantId, filter, page) => this.orders.list(tenantId, filter, page);
  history: WorkOrderRepository['history'] = (tenantId, id, page) => this.orders.history(tenantId, id, page);
  dispatchList: WorkOrderRepository['dispatchList'] = (tenantId, workCenterId, page) => this.orders.dispatchList(tenantId, workCenterId, page);

  async commit(tenantId: string, result: CommandResult, idempotency?: IdempotencyRecord) {
    const out = await this.orders.commit(tenantId, result, idempotency);
    if (!out.replay) await this.follow(tenantId, [result]);
    return out;
  }

  serialsMade: WorkOrderRepository['serialsMade'] = (tenantId, id, from, to) => this.orders.serialsMade(tenantId, id, from, to);
  getSerial: WorkOrderRepository['getSerial'] = (tenantId, id) => this.orders.getSerial(tenantId, id);

  /** Consumption and production change no operation's status: nothing to follow. */
  async commitTracked(tenantId: string, result: CommandResult, tracked: TrackedWrites) {
    await this.orders.commitTracked(tenantId, result, tracked);
  }

  async commitAll(tenantId: string, results: readonly CommandResult[], receipt?: Receipt) {
    const out = await this.orders.commitAll(tenantId, results, receipt);
    if (!out.replay) await this.follow(tenantId, results);
    return out;
  }

  private async follow(tenantId: string, results: readonly CommandResult[]) {
    const centers = new Set<string>();
    for (const { before, after } of results) {
      for (const op of after.operations) {
        const old = before?.operations.find((o) => o.seq === op.seq);
        if (old && old.status !== op.status && CONTEXT_STATUSES.has(op.status)) centers.add(op.workCenterId);
      }
    }
    await this.live.refreshCurrent(tenantId, [...centers]).catch((error) => {
      this.log.warn('live view not updated after an operation command (the refresh job will)', { tenantId, error: String(error) });
    });
  }
}

/**
 * The master data repository, followed by the live view: a work unit that is new, or moved
 * under another work center, shows what runs there now (as LiveViewFollowingOrders, after the commit).
 */
export class LiveViewFollowingMasterData implements MasterDataRepository {
  constructor(
    private readonly masterData: MasterDataRepository,
    private readonly live: LiveView,
    private readonly log: LiveViewLog = console,
  ) {}

  get: MasterDataRepository['get'] = (...args) => this.masterData.get(...args);
  getMany: MasterDataRepository['getMany'] = (...args) => this.masterData.getMany(...args);
  list: MasterDataRepository['list'] = (...args) => this.masterData.list(...args);
  listAll: MasterDataRepository['listAll'] = (...args) => this.masterData.listAll(...args);

  async put<K extends MasterDataKind>(
    tenantId: string,
    kind: K,
    next: StoredRecord<K>,
    before: StoredRecord<K> | undefined,
    receipt?: Parameters<MasterDataRepository['put']>[4],
  ) {
    const out = await this.masterData.put(tenantId, kind, next, before, receipt);
    if (kind !== 'equipment' || out.replay) return out;
    const [unit, old] = [next as StoredRecord<'equipment'>, before as StoredRecord<'equipment'> | undefined];
    if (unit.level === 'workUnit' && (!old || old.parentId !== unit.parentId || old.level !== unit.level)) {
      // Only this unit: a plant registering a thousand units must not read its equipment a thousand times.
      await this.live.refreshUnitCurrent(tenantId, unit).catch((error) => {
        this.log.warn('live view not updated after a unit was placed (the refresh job will)', { tenantId, error: String(error) });
      });
    }
    return out;
  }
}

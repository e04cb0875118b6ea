/**
 * The process limits in force at a unit at a time: the numeric limits of the data the running
 * operation's routing asks for (dataToRecord min/max), so ingest counts out-of-limit samples
 * against the order's own copy of the routing. Cached briefly per function instance: an
 * operation does not change its limits, and a batch asks for the same few units many times.
 */
import type { MasterDataRepository } from '../domain/master-data/repository.ts';
import type { WorkOrderRepository } from '../domain/work-order/repository.ts';
import { type Clock, systemClock } from '../domain/clock.ts';
import type { ProcessLimits } from '../domain/telemetry/process.ts';
import type { OperationContextReader } from './context.ts';

const TTL_MS = 30_000;
const SLOT_MS = 10 * 60_000;

export class ProcessLimitsLookup {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly masterData: MasterDataRepository,
    private readonly orders: WorkOrderRepository,
    private readonly contexts: OperationContextReader,
    private readonly clock: Clock = systemClock,
  ) {}

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    const now = this.clock.now().getTime();
    if (hit && now - hit.at < TTL_MS) return hit.value as Promise<T>;
    const value = load();
    this.cache.set(key, { at: now, value });
    if (this.cache.size > 5000) this.cache.delete(this.cache.keys().next().value as string);
    return value;
  }

  /** Limits by value name for a unit in the minute starting at `minute`; undefined when nothing runs. */
  async at(tenantId: string, equipmentId: string, minute: number): Promise<Record<string, ProcessLimits> | undefined> {
    const unit = await this.cached(`eq|${tenantId}|${equipmentId}`, () => this.masterData.get(tenantId, 'equipment', equipmentId));
    if (!unit) return undefined;
    // Contexts of a ten-minute slot at once: a batch spans many minutes of the same units.
    const slot = Math.floor(minute / SLOT_MS) * SLOT_MS;
    const running = await this.cached(`ctx|${tenantId}|${equipmentId}|${slot}`, () => this.contexts.forUnit(tenantId, unit, slot, slot + SLOT_MS));
    const context = running.filter((c) => c.end > minute && c.start < minute + 60_000).sort((a, b) => b.start - a.start)[0];
    if (!context) return undefined;
    const order = await this.cached(`wo|${tenantId}|${context.workOrderId}`, () => this.orders.get(tenantId, context.workOrderId));
    const op = order?.operations.find((o) => o.seq === context.seq);
    const limits: Record<string, ProcessLimits> = {};
    for (const d of op?.dataToRecord ?? []) {
      if (d.type === 'number' && (d.min !== undefined || d.max !== undefined)) limits[d.name] = { min: d.min, max: d.max };
    }
    return Object.keys(limits).length ? limits : undefined;
  }
}

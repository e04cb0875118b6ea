/**
 * Which order, operation and operator ran at a unit when: the operation context items each
 * operation command writes for its work center (shared/db/keys.ts operationContext). A unit's
 * work is what ran at the unit itself or at its parent work center.
 */
import type { Equipment } from '../domain/master-data/model.ts';
import type { OperationContextRecord, OperationContextRepository } from '../domain/telemetry/repository.ts';

export interface ContextInterval {
  start: number;
  end: number;
  workOrderId: string;
  seq: number;
  materialId: string;
  status: string;
  operator?: string | undefined;
}

/** Contexts older than this before a range are not looked for: an operation runs at most this long. */
const LOOKBACK_MS = 7 * 86_400_000;

export class OperationContextReader {
  constructor(private readonly repository: OperationContextRepository) {}

  private items(tenantId: string, workCenterId: string, from: number, to: number): Promise<OperationContextRecord[]> {
    return this.repository.operationContexts(tenantId, workCenterId, new Date(from - LOOKBACK_MS).toISOString(), new Date(to).toISOString());
  }

  /** Intervals in which an operation was RUNNING or PAUSED at a work center. */
  async intervals(tenantId: string, workCenterId: string, from: number, to: number): Promise<ContextInterval[]> {
    const items = await this.items(tenantId, workCenterId, from, to);
    const open = new Map<string, ContextInterval>();
    const out: ContextInterval[] = [];
    for (const item of items.sort((a, b) => a.at.localeCompare(b.at))) {
      const key = `${item.workOrderId}#${item.seq}`;
      const at = Date.parse(item.at);
      const running = open.get(key);
      if (running) {
        running.end = at;
        out.push(running);
        open.delete(key);
      }
      if (item.status === 'RUNNING' || item.status === 'PAUSED') {
        open.set(key, {
          start: at,
          end: Number.POSITIVE_INFINITY,
          workOrderId: item.workOrderId,
          seq: item.seq,
          materialId: item.materialId,
          status: item.status,
          operator: item.operator,
        });
      }
    }
    out.push(...open.values());
    return out.filter((c) => c.end > from && c.start < to).map((c) => ({ ...c, end: Math.min(c.end, to) }));
  }

  async forUnit(tenantId: string, unit: Equipment, from: number, to: number): Promise<ContextInterval[]> {
    const centers = [unit.id, ...(unit.parentId ? [unit.parentId] : [])];
    return (await Promise.all(centers.map((c) => this.intervals(tenantId, c, from, to)))).flat();
  }

  async intervalsOfOrder(tenantId: string, workCenterId: string, workOrderId: string, from: number, to: number) {
    return (await this.intervals(tenantId, workCenterId, from, to)).filter((c) => c.workOrderId === workOrderId);
  }

  /** What runs at the unit now: the latest open context, if any. */
  async currentAt(tenantId: string, unit: Equipment, now: number): Promise<ContextInterval | undefined> {
    return latestOpen(await this.forUnit(tenantId, unit, now - 1, now + 1), now);
  }

  /** What runs at each of these units now, reading each work center once however many units share it. */
  async currentAtUnits(tenantId: string, units: Equipment[], now: number): Promise<Map<string, ContextInterval | undefined>> {
    const centersOf = (unit: Equipment) => [unit.id, ...(unit.parentId ? [unit.parentId] : [])];
    const centers = [...new Set(units.flatMap(centersOf))];
    const byCenter = new Map(await Promise.all(centers.map(async (c) => [c, await this.intervals(tenantId, c, now - 1, now + 1)] as const)));
    return new Map(
      units.map((u) => [
        u.id,
        latestOpen(
          centersOf(u).flatMap((c) => byCenter.get(c) ?? []),
          now,
        ),
      ]),
    );
  }
}

const latestOpen = (contexts: ContextInterval[], now: number) => contexts.filter((c) => c.end >= now).sort((a, b) => b.start - a.start)[0];

/**
 * Which units a gateway may publish for (issue 13): those whose master data name it as their
 * `gatewayId`. The IoT policy and the local broker confine a gateway to its own topics; this is
 * the other half, checked by the ingest for every sample that names a unit other than the
 * topic's. Cached briefly per function instance, like the process limits (limits.ts): a batch
 * names the same units many times, and a gateway's units change rarely. A unit moved to another
 * gateway is refused from that one for at most TTL_MS.
 */
import type { MasterDataRepository } from '../domain/master-data/repository.ts';
import { type Clock, systemClock } from '../domain/clock.ts';

const TTL_MS = 30_000;
const MAX_ENTRIES = 5000;

/** The gateway each unit reports through, per the master data (GatewayRegistry). */
export interface GatewaySource {
  /** Each unit's `gatewayId`; null for a unit without one, or one the tenant does not have. */
  gatewaysOf(tenantId: string, equipmentIds: readonly string[]): Promise<Map<string, string | null>>;
}

export class GatewayRegistry implements GatewaySource {
  private readonly cache = new Map<string, { at: number; gatewayId: string | null }>();

  constructor(
    private readonly masterData: Pick<MasterDataRepository, 'getMany'>,
    private readonly clock: Clock = systemClock,
  ) {}

  async gatewaysOf(tenantId: string, equipmentIds: readonly string[]): Promise<Map<string, string | null>> {
    const now = this.clock.now().getTime();
    const out = new Map<string, string | null>();
    const missing: string[] = [];
    for (const id of new Set(equipmentIds)) {
      const hit = this.cache.get(`${tenantId}|${id}`);
      if (hit && now - hit.at < TTL_MS) out.set(id, hit.gatewayId);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    const found = new Map((await this.masterData.getMany(tenantId, 'equipment', missing)).map((unit) => [unit.id, unit.gatewayId ?? null]));
    for (const id of missing) {
      const gatewayId = found.get(id) ?? null;
      out.set(id, gatewayId);
      this.cache.set(`${tenantId}|${id}`, { at: now, gatewayId });
      if (this.cache.size > MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    }
    return out;
  }
}

/**
 * What the ingest needs of a tenant besides its samples: its telemetry retention (the minute
 * items' TTL attribute), cached briefly per function instance (a setting seldom changes, and a
 * batch asks for the same tenant many times), and that the scheduled rollup knows the tenant
 * (one write per tenant and function instance).
 */
import type { MasterDataRepository } from '../domain/master-data/repository.ts';
import { DEFAULT_RETENTION, type TelemetryRetention, retentionOf } from '../domain/telemetry/retention.ts';

const TTL_MS = 5 * 60_000;

export interface TenantTelemetrySource {
  retention(tenantId: string): Promise<TelemetryRetention>;
  /** Notes that the tenant sends telemetry; idempotent. */
  seen(tenantId: string): Promise<void>;
}

export class TenantTelemetrySettings implements TenantTelemetrySource {
  private readonly cache = new Map<string, { at: number; value: Promise<TelemetryRetention> }>();
  private readonly registered = new Map<string, Promise<void>>();

  constructor(
    private readonly masterData: MasterDataRepository,
    private readonly register: (tenantId: string) => Promise<void>,
  ) {}

  retention(tenantId: string): Promise<TelemetryRetention> {
    // Real time, not a test's clock: this is a cache's freshness.
    const now = Date.now();
    const hit = this.cache.get(tenantId);
    if (hit && now - hit.at < TTL_MS) return hit.value;
    const value = this.masterData.get(tenantId, 'settings', 'settings').then(retentionOf, () => DEFAULT_RETENTION);
    this.cache.set(tenantId, { at: now, value });
    return value;
  }

  seen(tenantId: string): Promise<void> {
    let done = this.registered.get(tenantId);
    if (!done) {
      done = this.register(tenantId).catch((error) => {
        this.registered.delete(tenantId);
        throw error;
      });
      this.registered.set(tenantId, done);
    }
    return done;
  }
}

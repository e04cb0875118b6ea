/**
 * The ingest core behind both telemetry consumers: validate, keep rejections, write state
 * transitions, merge counts and process values into per-minute aggregates (one read and one
 * conditional write per touched bucket per batch). Every step is idempotent, so a retried
 * batch, a redelivered message or a late one changes nothing twice. Returns the ids of the
 * records that could not be stored, for the partial batch response. Talks to the ingest port
 * (shared/domain/telemetry/repository.ts); functions/lib/telemetry-services.ts wires it.
 */
import { mergeCountSamples } from '../domain/telemetry/counters.ts';
import { mergeProcessSamples } from '../domain/telemetry/process.ts';
import type {
  BucketKey,
  MinuteBucket,
  StoredConnectionEvent,
  StoredDeclaredPresence,
  StoredStateTransition,
  TelemetryIngestRepository,
} from '../domain/telemetry/repository.ts';
import { parseThingName } from './device-identity.ts';
import { groupOf, minuteOf } from './groups.ts';
import { type PresenceChange, parseLifecycleRecord } from './lifecycle.ts';
import type { CountsSample, PresenceSample, ProcessSample, StateSample } from './messages.ts';
import { type Validated, validateRecord } from './validate.ts';
import type { ProcessLimits } from '../domain/telemetry/process.ts';
import type { GatewaySource } from './gateways.ts';
import { minuteExpiresAt } from '../domain/telemetry/retention.ts';
import type { TenantTelemetrySource } from './retention.ts';

export interface IngestRecord {
  id: string;
  body: string;
}

export interface IngestLog {
  warn(message: string, details?: Record<string, unknown>): void;
}

/** The process limits in force at a unit in a minute (ProcessLimitsLookup). */
export interface LimitsSource {
  at(tenantId: string, equipmentId: string, minute: number): Promise<Record<string, ProcessLimits> | undefined>;
}

interface UnitAdditions {
  counts: CountsSample[];
  process: ProcessSample[];
  firstSeen: number;
  lastSeen: number;
  records: Set<string>;
  limits?: Record<string, ProcessLimits> | undefined;
}
type BucketAdditions = Map<string, UnitAdditions>;

/** What one batch did: the records that could not be stored, and whose presence changed (stored). */
export interface IngestResult {
  failed: Set<string>;
  presence: PresenceChange[];
}

/** What the ingest tells others, and asks them, beside storing. */
export interface IngestHooks {
  /** Hears, per batch, whose presence changed (the live view's hook); must not throw. */
  onPresence?: (changes: PresenceChange[]) => void | Promise<void>;
  /** Each tenant's retention, and the registry of tenants the rollup job visits. */
  tenants?: TenantTelemetrySource | undefined;
  /** The plant's live view, which follows the state messages stored. */
  live?: LiveStates | undefined;
}

/** The plant's live view, which follows the state messages stored (shared/telemetry/live-view.ts). */
export interface LiveStates {
  applyStates(tenantId: string, transitions: readonly StoredStateTransition[]): Promise<void>;
}

export class TelemetryIngest {
  constructor(
    private readonly repository: TelemetryIngestRepository,
    private readonly limits: LimitsSource,
    private readonly gateways: GatewaySource,
    private readonly hooks: IngestHooks = {},
  ) {}

  async ingest(records: IngestRecord[], log: IngestLog = console): Promise<Set<string>> {
    return (await this.ingestBatch(records, log)).failed;
  }

  /** As `ingest`, and says whose presence changed in the batch (only what was stored). */
  async ingestBatch(records: IngestRecord[], log: IngestLog = console): Promise<IngestResult> {
    const result = await ingestEnvelopes(this.repository, this.limits, this.gateways, records, log, this.hooks);
    if (result.presence.length && this.hooks.onPresence) {
      try {
        await this.hooks.onPresence(result.presence);
      } catch (error) {
        log.warn('presence listener failed', { error: String(error) });
      }
    }
    return result;
  }
}

async function ingestEnvelopes(
  repository: TelemetryIngestRepository,
  limits: LimitsSource,
  gateways: GatewaySource,
  records: IngestRecord[],
  log: IngestLog,
  hooks: IngestHooks,
): Promise<IngestResult> {
  const { tenants, live } = hooks;
  const validated: Validated = { samples: [], rejections: [], unattributable: [] };
  const recordOf = new Map<object, string>();
  // Lifecycle events (the lifecycle rule) are presence of a client id, not a unit's samples.
  const connections = new Map<string, { records: Set<string>; items: StoredConnectionEvent[] }>();
  for (const record of records) {
    const lifecycle = lifecycleOf(record.body);
    if (lifecycle) {
      const parsed = parseLifecycleRecord(lifecycle);
      if ('ignored' in parsed) {
        log.warn('lifecycle event ignored', { recordId: record.id, reason: parsed.ignored });
        continue;
      }
      const entry = connections.get(parsed.tenantId) ?? { records: new Set(), items: [] };
      entry.records.add(record.id);
      entry.items.push(parsed.event);
      connections.set(parsed.tenantId, entry);
      continue;
    }
    const before = validated.samples.length;
    validateRecord(record.id, record.body, validated);
    for (const s of validated.samples.slice(before)) recordOf.set(s, record.id);
  }
  for (const u of validated.unattributable) log.warn('telemetry record dropped', u);

  const failed = new Set<string>();
  await refuseForeignSamples(gateways, validated, failed, log);
  const presence: PresenceChange[] = [];
  const declared = new Map<string, { records: Set<string>; items: StoredDeclaredPresence[] }>();
  const states = new Map<string, { records: Set<string>; items: StoredStateTransition[] }>();
  const buckets = new Map<string, { tenantId: string; group: number; minute: number; add: BucketAdditions; expiresAt?: number }>();
  for (const v of validated.samples) {
    const recordId = recordOf.get(v) as string;
    if (v.type === 'state') {
      const s = v.sample as StateSample;
      const entry = states.get(v.tenantId) ?? { records: new Set(), items: [] };
      entry.records.add(recordId);
      entry.items.push({
        equipmentId: v.equipmentId,
        ts: s.ts,
        msgId: s.msgId,
        state: s.state,
        receivedAt: v.receivedAt,
        ...(s.reasonCode ? { reasonCode: s.reasonCode } : {}),
      });
      states.set(v.tenantId, entry);
      continue;
    }
    if (v.type === 'presence') {
      const p = v.sample as PresenceSample;
      const entry = declared.get(v.tenantId) ?? { records: new Set(), items: [] };
      entry.records.add(recordId);
      entry.items.push({
        equipmentId: v.equipmentId,
        ts: p.ts,
        msgId: p.msgId,
        online: p.online,
        receivedAt: v.receivedAt,
        ...(p.reason ? { reason: p.reason } : {}),
      });
      declared.set(v.tenantId, entry);
      continue;
    }
    // Counts and process samples go into their minute's item; state changes have their own
    // items, which the timeline also reads as data seen, so they need no copy here.
    const group = groupOf(v.equipmentId);
    const minute = minuteOf(v.sample.ts);
    const key = `${v.tenantId}|${group}|${minute}`;
    const bucket = buckets.get(key) ?? { tenantId: v.tenantId, group, minute, add: new Map() };
    buckets.set(key, bucket);
    const unit = bucket.add.get(v.equipmentId) ?? { counts: [], process: [], firstSeen: Number.POSITIVE_INFINITY, lastSeen: 0, records: new Set() };
    bucket.add.set(v.equipmentId, unit);
    if (v.type === 'counts') unit.counts.push(v.sample as CountsSample);
    if (v.type === 'process') unit.process.push(v.sample as ProcessSample);
    unit.firstSeen = Math.min(unit.firstSeen, v.sample.ts);
    unit.lastSeen = Math.max(unit.lastSeen, v.sample.ts);
    unit.records.add(recordId);
  }

  // Process values are checked against the running operation's limits as they are merged.
  await Promise.all(
    [...buckets.values()].flatMap((bucket) =>
      [...bucket.add]
        .filter(([, unit]) => unit.process.length > 0)
        .map(async ([equipmentId, unit]) => {
          unit.limits = await limits.at(bucket.tenantId, equipmentId, bucket.minute).catch(() => undefined);
        }),
    ),
  );

  // Each minute item carries its expiry (the tenant's minute retention), and the rollup learns of the tenant.
  if (tenants) {
    await Promise.all(
      [...new Set([...buckets.values()].map((b) => b.tenantId))].map(async (tenantId) => {
        const [retention] = await Promise.all([
          tenants.retention(tenantId),
          tenants.seen(tenantId).catch((error) => log.warn('could not register the tenant for rollups', { tenantId, error: String(error) })),
        ]);
        for (const b of buckets.values()) if (b.tenantId === tenantId) b.expiresAt = minuteExpiresAt(b.minute, retention);
      }),
    );
  }

  const rejectedByRecord = new Set(validated.rejections.map((r) => r.recordId));
  await Promise.all([
    repository.putRejections(validated.rejections).catch((error) => {
      log.warn('could not keep rejected telemetry', { error: String(error) });
      for (const id of rejectedByRecord) failed.add(id);
    }),
    ...[...connections].map(([tenantId, entry]) =>
      repository
        .putConnectionEvents(tenantId, entry.items)
        .then(() => presence.push(...connectionChanges(tenantId, entry.items)))
        .catch((error) => {
          log.warn('could not store lifecycle events', { tenantId, error: String(error) });
          for (const id of entry.records) failed.add(id);
        }),
    ),
    ...[...declared].map(([tenantId, entry]) =>
      repository
        .putDeclaredPresence(tenantId, entry.items)
        .then(() => presence.push(...declaredChanges(tenantId, entry.items)))
        .catch((error) => {
          log.warn('could not store declared presence', { tenantId, error: String(error) });
          for (const id of entry.records) failed.add(id);
        }),
    ),
    ...[...states].map(([tenantId, entry]) =>
      // Then the live view: a record it missed fails and comes back, and both writes are idempotent.
      (async () => {
        await repository.putStateTransitions(tenantId, entry.items);
        await live?.applyStates(tenantId, entry.items);
      })().catch((error) => {
        log.warn('could not store state transitions', { tenantId, error: String(error) });
        for (const id of entry.records) failed.add(id);
      }),
    ),
    repository
      .mergeBuckets([...buckets.values()], mergeBucket)
      .then((left) => {
        for (const b of left) {
          const bucket = buckets.get(`${b.tenantId}|${b.group}|${b.minute}`);
          for (const unit of bucket?.add.values() ?? []) for (const id of unit.records) failed.add(id);
        }
      })
      .catch((error) => {
        log.warn('could not merge telemetry buckets', { error: String(error) });
        for (const bucket of buckets.values()) for (const unit of bucket.add.values()) for (const id of unit.records) failed.add(id);
      }),
  ]);
  return { failed, presence };
}

/** The body as a lifecycle record (what the lifecycle rule sends), or undefined. */
function lifecycleOf(body: string): unknown {
  try {
    const parsed = JSON.parse(body) as unknown;
    return parsed && typeof parsed === 'object' && (parsed as { type?: unknown }).type === 'lifecycle' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Per client id, the batch's last event (by version, then time): the change to tell. */
function connectionChanges(tenantId: string, events: readonly StoredConnectionEvent[]): PresenceChange[] {
  const last = new Map<string, StoredConnectionEvent>();
  for (const e of events) {
    const seen = last.get(e.clientId);
    if (!seen || e.version > seen.version || (e.version === seen.version && (e.ts > seen.ts || (e.ts === seen.ts && !e.connected))))
      last.set(e.clientId, e);
  }
  return [...last.values()].map((e) => ({
    kind: 'connection',
    tenantId,
    clientId: e.clientId,
    // The unit's or the gateway's id (parseLifecycleRecord kept only thing names).
    id: parseThingName(e.clientId)?.equipmentId ?? e.clientId,
    online: e.connected,
    at: e.ts,
    version: e.version,
  }));
}

/** Per unit, the batch's latest declared presence. */
function declaredChanges(tenantId: string, samples: readonly StoredDeclaredPresence[]): PresenceChange[] {
  const last = new Map<string, StoredDeclaredPresence>();
  for (const p of samples) if ((last.get(p.equipmentId)?.ts ?? Number.NEGATIVE_INFINITY) <= p.ts) last.set(p.equipmentId, p);
  return [...last.values()].map((p) => ({ kind: 'declared', tenantId, equipmentId: p.equipmentId, online: p.online, at: p.ts }));
}

/**
 * A sample for a unit other than its topic's is taken only from that unit's gateway (its
 * master data's `gatewayId` is the publisher). The others are refused before anything is
 * written: one rejected-message record per message, naming the samples and why, and nothing
 * in the unit's states, minute items or status. When the master data cannot be read, the
 * messages that need it are failed for a retry, and none of their foreign samples is kept.
 */
async function refuseForeignSamples(gateways: GatewaySource, validated: Validated, failed: Set<string>, log: IngestLog): Promise<void> {
  const foreign = validated.samples.filter((v) => v.equipmentId !== v.publisherId);
  if (foreign.length === 0) return;
  const byTenant = new Map<string, string[]>();
  for (const v of foreign) byTenant.set(v.tenantId, [...(byTenant.get(v.tenantId) ?? []), v.equipmentId]);
  const gatewayOf = new Map<string, string | null>();
  const unread = new Set<string>();
  await Promise.all(
    [...byTenant].map(([tenantId, units]) =>
      gateways.gatewaysOf(tenantId, units).then(
        (found) => {
          for (const [unit, gatewayId] of found) gatewayOf.set(`${tenantId}|${unit}`, gatewayId);
        },
        (error) => {
          log.warn('could not read which units report through which gateway', { tenantId, error: String(error) });
          unread.add(tenantId);
        },
      ),
    ),
  );
  const refused = new Map<string, { first: (typeof foreign)[number]; lines: string[] }>();
  const drop = new Set<object>();
  for (const v of foreign) {
    if (unread.has(v.tenantId)) {
      failed.add(v.recordId);
      drop.add(v);
      continue;
    }
    const gatewayId = gatewayOf.get(`${v.tenantId}|${v.equipmentId}`);
    if (gatewayId === v.publisherId) continue;
    drop.add(v);
    const entry = refused.get(v.recordId) ?? { first: v, lines: [] };
    const why = gatewayId === undefined || gatewayId === null ? 'names no gateway (or is not known)' : `reports through gateway ${gatewayId}`;
    entry.lines.push(`samples/${v.index}: unit ${v.equipmentId} ${why}, not through ${v.publisherId}`);
    refused.set(v.recordId, entry);
  }
  validated.samples = validated.samples.filter((v) => !drop.has(v));
  for (const [recordId, { first, lines }] of refused) {
    validated.rejections.push({
      tenantId: first.tenantId,
      equipmentId: first.publisherId,
      type: first.type,
      receivedAt: first.receivedAt,
      recordId,
      reason: `${lines.length} sample(s) for units ${first.publisherId} may not publish for (their master data's gatewayId): ${lines.slice(0, 20).join('; ')}${lines.length > 20 ? '; ...' : ''}`,
      raw: first.raw,
    });
  }
}

/** Pure: the bucket after merging one batch's additions into what was stored. */
export function mergeBucket(existing: MinuteBucket | undefined, add: BucketAdditions, at: BucketKey): MinuteBucket {
  const units: MinuteBucket['units'] = { ...(existing?.units ?? {}) };
  for (const [equipmentId, a] of add) {
    const old = units[equipmentId];
    const counts = a.counts.length
      ? mergeCountSamples(
          old?.counts ?? [],
          a.counts.map(({ ts, good, reject }) => ({ ts, good, reject })),
        )
      : (old?.counts ?? []);
    const process = a.process.length
      ? mergeProcessSamples(
          old?.process,
          at.minute,
          a.process.map(({ ts, values }) => ({ ts, values })),
          a.limits,
        )
      : (old?.process ?? {});
    units[equipmentId] = {
      counts,
      process,
      firstSeen: Math.min(old?.firstSeen ?? Number.POSITIVE_INFINITY, a.firstSeen),
      lastSeen: Math.max(old?.lastSeen ?? 0, a.lastSeen),
    };
  }
  return { tenantId: at.tenantId, group: at.group, minute: at.minute, version: existing?.version ?? 0, units };
}

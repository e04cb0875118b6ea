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
import type { BucketKey, MinuteBucket, StoredStateTransition, TelemetryIngestRepository } from '../domain/telemetry/repository.ts';
import { groupOf, minuteOf } from './groups.ts';
import type { CountsSample, ProcessSample, StateSample } from './messages.ts';
import { type Validated, validateRecord } from './validate.ts';
import type { ProcessLimits } from '../domain/telemetry/process.ts';

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

/** The plant's live view, which follows the state messages stored (shared/telemetry/live-view.ts). */
export interface LiveStates {
  applyStates(tenantId: string, transitions: readonly StoredStateTransition[]): Promise<void>;
}

export class TelemetryIngest {
  constructor(
    private readonly repository: TelemetryIngestRepository,
    private readonly limits: LimitsSource,
    private readonly live?: LiveStates,
  ) {}

  ingest(records: IngestRecord[], log: IngestLog = console): Promise<Set<string>> {
    return ingestEnvelopes(this.repository, this.limits, records, log, this.live);
  }
}

async function ingestEnvelopes(
  repository: TelemetryIngestRepository,
  limits: LimitsSource,
  records: IngestRecord[],
  log: IngestLog,
  live: LiveStates | undefined,
): Promise<Set<string>> {
  const validated: Validated = { samples: [], rejections: [], unattributable: [] };
  const recordOf = new Map<object, string>();
  for (const record of records) {
    const before = validated.samples.length;
    validateRecord(record.id, record.body, validated);
    for (const s of validated.samples.slice(before)) recordOf.set(s, record.id);
  }
  for (const u of validated.unattributable) log.warn('telemetry record dropped', u);

  const failed = new Set<string>();
  const states = new Map<string, { records: Set<string>; items: StoredStateTransition[] }>();
  const buckets = new Map<string, { tenantId: string; group: number; minute: number; add: BucketAdditions }>();
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

  const rejectedByRecord = new Set(validated.rejections.map((r) => r.recordId));
  await Promise.all([
    repository.putRejections(validated.rejections).catch((error) => {
      log.warn('could not keep rejected telemetry', { error: String(error) });
      for (const id of rejectedByRecord) failed.add(id);
    }),
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
  return failed;
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

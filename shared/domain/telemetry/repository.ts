/**
 * The ports the telemetry services talk to; shared/db/telemetry-repository.ts implements them on
 * DynamoDB and decodes its storage format (compact minute items, key attributes) inside itself,
 * so what comes through here is the domain's shapes.
 */
import type { CounterSegment } from './counters.ts';
import type { ProcessAggregates } from './process.ts';
import type { DayBucket } from './rollup.ts';
import type { ReportedState } from './states.ts';
import type { DowntimeState } from './timeline.ts';

/** A state message as kept: idempotent by unit, time and message id. */
export interface StoredStateTransition {
  equipmentId: string;
  ts: number;
  msgId: string;
  state: ReportedState;
  reasonCode?: string | undefined;
  /** When it arrived: the change feed's order. */
  receivedAt?: number;
}

/** A lifecycle event as kept: idempotent by client id, time, version and kind. */
export interface StoredConnectionEvent {
  /** The MQTT client id: a unit's or a gateway's thing name. */
  clientId: string;
  ts: number;
  version: number;
  connected: boolean;
  /** IoT Core's disconnectReason (CONNECTION_LOST, MQTT_KEEP_ALIVE_TIMEOUT, ...). */
  reason?: string | undefined;
  sessionId?: string | undefined;
  receivedAt?: number;
}

/** A declared presence sample as kept: idempotent by unit, time and message id. */
export interface StoredDeclaredPresence {
  equipmentId: string;
  ts: number;
  msgId: string;
  online: boolean;
  reason?: string | undefined;
  /** Who declared it: the gateway's or the unit's own client id. */
  by?: string | undefined;
  receivedAt?: number;
}

/** One unit's minute: its counter segments, process aggregates and when it was first and last heard of. */
export interface UnitMinute {
  counts: CounterSegment[];
  process: ProcessAggregates;
  firstSeen: number;
  lastSeen: number;
}

/** The minute of a group of units (shared/telemetry/groups.ts): one item, merged under a version. */
export interface MinuteBucket {
  tenantId: string;
  group: number;
  minute: number;
  version: number;
  units: Record<string, UnitMinute>;
}
export interface BucketKey {
  tenantId: string;
  group: number;
  minute: number;
}

/**
 * A reason a person assigned to a stop, under the stop's identity (`DowntimeEvent.stopStart`)
 * and with its state. Records without `state` are older: stored under the start of a stretch
 * of the stop as one time range showed it (oee.ts `reasonsForEvents` still reads them).
 */
export interface DowntimeReasonRecord {
  equipmentId: string;
  start: number;
  state?: DowntimeState | undefined;
  reasonCode: string;
  comment?: string | undefined;
  assignedBy: string;
  assignedAt: string;
  version: number;
}

/** What an operation command records at its work center: the order, operation and operator running there from `at`. */
export interface OperationContextRecord {
  at: string;
  workOrderId: string;
  seq: number;
  materialId: string;
  status: string;
  operator?: string | undefined;
}

/** A message that failed validation, kept for the tenant to see. */
export interface RejectedMessage {
  tenantId: string;
  equipmentId: string;
  type: string;
  receivedAt: number;
  recordId: string;
  reason: string;
  raw: string;
}

export interface OperationContextRepository {
  /** Operation contexts of a work center written in [fromIso, toIso]. */
  operationContexts(tenantId: string, workCenterId: string, fromIso: string, toIso: string): Promise<OperationContextRecord[]>;
}

export interface TelemetryReadRepository extends OperationContextRepository {
  /** State transitions of a unit in [from, to), plus the run of the same state and reason in force at `from`, from its first. */
  stateTransitions(tenantId: string, equipmentId: string, from: number, to: number): Promise<StoredStateTransition[]>;
  /** A unit's first state transition ever (its first data, for commissioning). */
  firstState(tenantId: string, equipmentId: string): Promise<StoredStateTransition | undefined>;
  latestState(tenantId: string, equipmentId: string): Promise<StoredStateTransition | undefined>;
  /** A unit's last `limit` state transitions, newest first. */
  latestStates(tenantId: string, equipmentId: string, limit: number): Promise<StoredStateTransition[]>;
  /** Lifecycle events of a client id with times in [from, to], plus the latest few before `from` (those in force at it). */
  connectionEvents(tenantId: string, clientId: string, from: number, to: number): Promise<StoredConnectionEvent[]>;
  /** A unit's declared presence in [from, to], plus the latest few before `from`. */
  declaredPresence(tenantId: string, equipmentId: string, from: number, to: number): Promise<StoredDeclaredPresence[]>;
  /** A group's minute buckets in [from, to). */
  buckets(tenantId: string, group: number, from: number, to: number): Promise<MinuteBucket[]>;
  /** A group's day items (shared/domain/telemetry/rollup.ts) for the UTC days in [fromDay, toDay). */
  dayBuckets(tenantId: string, group: number, fromDay: number, toDay: number): Promise<DayBucket[]>;
  /** State changes of every unit that arrived after `since` (an ISO time or a returned cursor), oldest first. */
  stateChangesSince(tenantId: string, since: string, limit: number): Promise<(StoredStateTransition & { cursor: string })[]>;
  /** Reasons assigned to downtime events that started in [from, to]; `consistent` when a conditional write follows. */
  downtimeReasons(tenantId: string, equipmentId: string, from: number, to: number, consistent?: boolean): Promise<DowntimeReasonRecord[]>;
  /** Assigns a reason and writes its audit record at once, conditioned on the version read. */
  putDowntimeReason(tenantId: string, equipmentId: string, next: DowntimeReasonRecord, before: DowntimeReasonRecord | undefined): Promise<void>;
}

export interface TelemetryIngestRepository {
  putStateTransitions(tenantId: string, transitions: StoredStateTransition[]): Promise<void>;
  putConnectionEvents(tenantId: string, events: StoredConnectionEvent[]): Promise<void>;
  putDeclaredPresence(tenantId: string, samples: StoredDeclaredPresence[]): Promise<void>;
  putRejections(rejections: RejectedMessage[]): Promise<void>;
  /**
   * Merges additions into minute buckets (read, merge, conditional write; a conflicting writer
   * makes that bucket start over). Returns the buckets that still failed.
   */
  mergeBuckets<A>(
    /** `expiresAt` (epoch s): when the minute item may go (the plant's minute retention). */
    additions: (BucketKey & { add: A; expiresAt?: number | undefined })[],
    merge: (existing: MinuteBucket | undefined, add: A, bucket: BucketKey) => MinuteBucket,
  ): Promise<BucketKey[]>;
}

export interface TelemetryRepository extends TelemetryReadRepository, TelemetryIngestRepository {}

/** The port the work order service talks to; shared/db implements it on DynamoDB. */
import type { SpcWrites } from '../quality/spc-repository.ts';
import type { SerialWrite } from '../tracking/consume.ts';
import type { CounterAdvance } from '../tracking/lot-repository.ts';
import type { LotCommandResult } from '../tracking/lots.ts';
import type { GenealogyEdge, SerialUnit } from '../tracking/model.ts';
import type { WorkOrderStatus } from './status.ts';
import type { AuditRecord, CommandResult, DispatchEntry, WorkOrder, WorkOrderAggregate } from './model.ts';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  /** The response first given for this key. */
  response: unknown;
}

/**
 * An idempotency record of some scope (an inbound ERP delivery, say), written in the same
 * transaction as the changes it answers for, and kept for `ttlSeconds`.
 */
export interface Receipt extends IdempotencyRecord {
  scope: string;
  ttlSeconds: number;
}

/** What a work order command did to lots and serials, written in its transaction. */
export interface TrackedWrites {
  lots?: LotCommandResult | undefined;
  serials?: readonly SerialWrite[] | undefined;
  edges?: readonly GenealogyEdge[] | undefined;
  counters?: readonly CounterAdvance[] | undefined;
  /** Recorded values as SPC samples, with the monitors' states and violation events (issue 15). */
  spc?: SpcWrites | undefined;
}

export interface WorkOrderRepository {
  /** One strongly consistent Query: header and operations. */
  get(tenantId: string, id: string): Promise<WorkOrderAggregate | undefined>;
  /**
   * One TransactWriteItems: the new or changed items (conditioned on the versions read),
   * the audit record and the outbox events; with `idempotency`, also the idempotency record.
   * Throws StaleVersionError when the order changed meanwhile, AlreadyExistsError when a new
   * order's id is taken, and returns the earlier record when the idempotency key was used.
   */
  commit(tenantId: string, result: CommandResult, idempotency?: IdempotencyRecord): Promise<{ replay?: IdempotencyRecord }>;
  /**
   * An order's command result and what it did to lots and serials (consumed, produced; issue 14)
   * in ONE TransactWriteItems: the lots' changes, the serials (a new one must not exist: it is
   * made once; a changed one at the version read), their movements, the serials' places in the
   * order, the genealogy edges and the number counters moved. Throws AlreadyExistsError when a
   * new serial's number is taken, VersionConflictError when anything read changed meanwhile, and
   * RecordTooLargeError when it would not fit one transaction.
   */
  commitTracked(tenantId: string, result: CommandResult, tracked: TrackedWrites): Promise<void>;
  /** The serials an order made with ordinals in [from, to), in that order (one strongly consistent Query). */
  serialsMade(tenantId: string, workOrderId: string, from: number, to: number): Promise<string[]>;
  /** A serial, strongly consistent. */
  getSerial(tenantId: string, id: string): Promise<SerialUnit | undefined>;
  /**
   * Several command results (of different orders) and a receipt in ONE TransactWriteItems: all
   * or nothing. With no results, only the receipt is written. Returns the earlier receipt when
   * its key was used; throws like commit otherwise.
   */
  commitAll(tenantId: string, results: readonly CommandResult[], receipt?: Receipt): Promise<{ replay?: IdempotencyRecord }>;
  list(
    tenantId: string,
    filter: { status?: WorkOrderStatus | undefined; workCenterId?: string | undefined },
    page: PageRequest,
  ): Promise<Page<WorkOrder>>;
  history(tenantId: string, id: string, page: PageRequest): Promise<Page<AuditRecord>>;
  dispatchList(tenantId: string, workCenterId: string, page: PageRequest): Promise<Page<DispatchEntry>>;
  /** Reads a stored idempotency record, if any (strongly consistent: it decides replays). */
  getIdempotency(tenantId: string, scope: string, key: string): Promise<IdempotencyRecord | undefined>;
}

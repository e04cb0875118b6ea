/** The port the nonconformance service talks to; shared/db/nonconformance-repository.ts implements it on DynamoDB. */
import type { Signature } from '../signatures/model.ts';
import type { AuditRecord } from '../work-order/model.ts';
import type { IdempotencyRecord, Page, PageRequest, Receipt } from '../work-order/repository.ts';
import type { HeldKind, Nonconformance, NonconformanceAggregate, NonconformanceStatus } from './nonconformance-model.ts';
import type { HoldRegister, NonconformanceWrite } from './nonconformance.ts';

export interface NonconformanceRepository {
  /** One strongly consistent GetItem. */
  get(tenantId: string, id: string): Promise<NonconformanceAggregate | undefined>;
  /** The hold registers of these things that exist, strongly consistent (one BatchGetItem). */
  registers(tenantId: string, things: readonly { kind: HeldKind; id: string }[]): Promise<HoldRegister[]>;
  /** The last number the year's counter gave (0: none yet), strongly consistent. */
  counter(tenantId: string, year: string): Promise<number>;
  /**
   * ONE TransactWriteItems: the nonconformance (new: must not exist; changed: at the version
   * read), its audit record and events, the lots', serials' and order's changes (each at the
   * version read), the hold registers, the counter moved and the receipt. Returns the earlier
   * record when the receipt's key was used; throws VersionConflictError when anything read
   * changed meanwhile (the service reads and decides again).
   */
  commit(tenantId: string, write: NonconformanceWrite, receipt?: Receipt): Promise<{ replay?: IdempotencyRecord }>;
  /** Newest first, of one status or all. */
  list(tenantId: string, status: NonconformanceStatus | undefined, page: PageRequest): Promise<Page<Nonconformance>>;
  /** Its electronic signatures, oldest first (issue 16). */
  signatures(tenantId: string, id: string): Promise<Signature[]>;
  /** The audit trail, oldest first. */
  history(tenantId: string, id: string): Promise<AuditRecord[]>;
}

/** The port for master data: records of one kind, each versioned and audited. */
import type { MasterDataKind } from '../../db/keys.ts';
import type { IdempotencyRecord, Page, PageRequest, Receipt } from '../work-order/repository.ts';

export interface StoredRecord {
  id: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
  [field: string]: unknown;
}

export interface MasterDataRepository {
  /** `consistent` when a conditional write follows the read: eventually consistent reads may lag it. */
  get(tenantId: string, kind: MasterDataKind, id: string, options?: { consistent?: boolean }): Promise<StoredRecord | undefined>;
  /** The records of these ids that exist (fewer round trips than one get each). */
  getMany(tenantId: string, kind: MasterDataKind, ids: readonly string[]): Promise<StoredRecord[]>;
  /**
   * Creates or replaces the record and writes its audit record, in one transaction; with a
   * receipt, that too, and the earlier receipt comes back when its key was used already.
   */
  put(tenantId: string, kind: MasterDataKind, next: StoredRecord, before: StoredRecord | undefined, receipt?: Receipt): Promise<{ replay?: IdempotencyRecord }>;
  list(tenantId: string, kind: MasterDataKind, page: PageRequest): Promise<Page<StoredRecord>>;
}

/** The port for master data: records of one kind, each versioned and audited, typed by kind. */
import type { IdempotencyRecord, Page, PageRequest, Receipt } from '../work-order/repository.ts';
import type { MasterDataKind, StoredRecord } from './model.ts';

export type { StoredRecord } from './model.ts';

export interface MasterDataRepository {
  /** `consistent` when a conditional write follows the read: eventually consistent reads may lag it. */
  get<K extends MasterDataKind>(tenantId: string, kind: K, id: string, options?: { consistent?: boolean }): Promise<StoredRecord<K> | undefined>;
  /** The records of these ids that exist (fewer round trips than one get each). */
  getMany<K extends MasterDataKind>(tenantId: string, kind: K, ids: readonly string[]): Promise<StoredRecord<K>[]>;
  /**
   * Creates or replaces the record and writes its audit record, in one transaction; with a
   * receipt, that too, and the earlier receipt comes back when its key was used already.
   */
  put<K extends MasterDataKind>(
    tenantId: string,
    kind: K,
    next: StoredRecord<K>,
    before: StoredRecord<K> | undefined,
    receipt?: Receipt,
  ): Promise<{ replay?: IdempotencyRecord }>;
  list<K extends MasterDataKind>(tenantId: string, kind: K, page: PageRequest): Promise<Page<StoredRecord<K>>>;
  /** Every record of the kind: one Query while they fit in 1 MB (a thousand units do), more only past that. */
  listAll<K extends MasterDataKind>(tenantId: string, kind: K): Promise<StoredRecord<K>[]>;
}

/** The port for master data: records of one kind, each versioned and audited. */
import type { MasterDataKind } from '../../db/keys.ts';
import type { Page, PageRequest } from '../work-order/repository.ts';

export interface StoredRecord {
  id: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
  [field: string]: unknown;
}

export interface MasterDataRepository {
  get(tenantId: string, kind: MasterDataKind, id: string): Promise<StoredRecord | undefined>;
  /** Creates or replaces the record and writes its audit record, in one transaction. */
  put(tenantId: string, kind: MasterDataKind, next: StoredRecord, before: StoredRecord | undefined): Promise<void>;
  list(tenantId: string, kind: MasterDataKind, page: PageRequest): Promise<Page<StoredRecord>>;
}

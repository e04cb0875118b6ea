/** The port the document service talks to; shared/db/document-repository.ts implements it on DynamoDB. */
import type { Signature } from '../signatures/model.ts';
import type { AuditRecord } from '../work-order/model.ts';
import type { Page, PageRequest } from '../work-order/repository.ts';
import type { DocumentAggregate, DocumentWrite } from './documents.ts';
import type { ControlledDocument, DocumentVersionRecord } from './model.ts';

export interface DocumentRepository {
  /** The head, one GetItem (strongly consistent when a write follows). */
  get(tenantId: string, id: string, options?: { consistent?: boolean }): Promise<DocumentAggregate | undefined>;
  /** The heads of these documents that exist (one BatchGetItem per 100): what a release reads. */
  heads(tenantId: string, ids: readonly string[]): Promise<ControlledDocument[]>;
  /** One version, one GetItem. */
  version(tenantId: string, id: string, version: number, options?: { consistent?: boolean }): Promise<DocumentVersionRecord | undefined>;
  /** Every version, oldest first (one Query of `VER#`). */
  versions(tenantId: string, id: string): Promise<DocumentVersionRecord[]>;
  /** The audit trail, oldest first. */
  history(tenantId: string, id: string): Promise<AuditRecord[]>;
  /** The signatures of every version, oldest first. */
  signatures(tenantId: string, id: string): Promise<Signature[]>;
  list(tenantId: string, page: PageRequest): Promise<Page<ControlledDocument>>;
  /**
   * ONE TransactWriteItems: the head (new: must not exist; else at the version read), the new
   * versions (must not exist) and the moved ones (at the status read), the audit record, the
   * events and the signature. Throws VersionConflictError when anything read changed meanwhile.
   */
  commit(tenantId: string, write: DocumentWrite): Promise<void>;
}

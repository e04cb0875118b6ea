/**
 * Controlled-document use cases (issue 16, section 4; docs/documents.md): read what a command
 * needs, run the pure command (documents.ts), commit its write in ONE transaction; read and
 * decide again when another write came first. Approval is signed: the signer's credentials are
 * checked by the signature service (i16-sign) and the plant's 'document.approve' policy decides
 * when a version is approved. Speaks only to ports.
 */
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import { contentHash } from '../audit/canonical.ts';
import { type Clock, systemClock } from '../clock.ts';
import { ForbiddenError, IllegalTransitionError, NotFoundError, StaleVersionError } from '../errors.ts';
import type { MasterDataRepository } from '../master-data/repository.ts';
import { runCommand } from '../retry.ts';
import { PERMISSIONS } from '../roles.ts';
import type { PolicyStatus, Signature, SignatureView, SignRequest } from '../signatures/model.ts';
import { SignatureNotAllowedError } from '../signatures/errors.ts';
import { acceptSignature, policyFor, policyStatus, type SignatureSettings } from '../signatures/policy.ts';
import type { SignatureService } from '../signatures/service.ts';
import { localToUtc } from '../telemetry/shifts.ts';
import type { Page, PageRequest } from '../work-order/repository.ts';
import { contentOf, type DocumentAggregate, type DocumentContext, draftVersion, signedRecordId, signVersion, submitVersion } from './documents.ts';
import {
  type ApproveDocumentVersion,
  type ControlledDocument,
  type DocumentInput,
  type DocumentVersion,
  type DocumentVersionRecord,
  type DocumentView,
  effectiveAt,
  statusAt,
} from './model.ts';
import type { DocumentRepository } from './repository.ts';

const toDocument = ({ eventSeq: _, ...doc }: DocumentAggregate): ControlledDocument => doc;
const isAuthor = (auth: AuthContext) => auth.roles.some((r) => (PERMISSIONS.authorDocuments as readonly string[]).includes(r));

export interface DocumentSignatures {
  signatures: SignatureView[];
  required: PolicyStatus;
}

export class DocumentService {
  constructor(
    private readonly documents: DocumentRepository,
    private readonly masterData: Pick<MasterDataRepository, 'get'>,
    private readonly signer: Pick<SignatureService, 'authenticate'>,
    private readonly clock: Clock = systemClock,
  ) {}

  private context(auth: AuthContext): DocumentContext {
    return {
      tenantId: auth.tenantId,
      actor: { userId: auth.userId, name: auth.name, roles: auth.roles },
      now: this.clock.now().toISOString(),
      newId: uuidv7,
    };
  }

  private async head(auth: AuthContext, id: string, consistent = false) {
    const doc = await this.documents.get(auth.tenantId, id, { consistent });
    if (!doc) throw new NotFoundError(`document ${id}`);
    return doc;
  }

  private view(doc: ControlledDocument, record: DocumentVersionRecord, at: string): DocumentView {
    const effective = effectiveAt(doc.approved, at);
    return {
      id: doc.id,
      title: doc.title,
      kind: doc.kind,
      latestVersion: doc.latestVersion,
      ...(effective ? { effectiveVersion: effective.version } : {}),
      document: versionAt(record, doc, at),
      version: doc.version,
    };
  }

  list(auth: AuthContext, page: PageRequest): Promise<Page<ControlledDocument>> {
    return this.documents.list(auth.tenantId, page);
  }

  /**
   * The version in force now. Authors (quality, admin, planner) may ask for any version and,
   * while none is in force, get the latest; everyone else only ever sees the one in force.
   */
  async get(auth: AuthContext, id: string, version?: number): Promise<DocumentView> {
    const doc = await this.head(auth, id);
    const now = this.clock.now().toISOString();
    const effective = effectiveAt(doc.approved, now);
    const author = isAuthor(auth);
    if (version !== undefined && version !== effective?.version && !author) {
      throw new ForbiddenError(
        `only authors of documents see versions not in force: leave out version to read the one in force${effective ? ` (version ${effective.version})` : ''}`,
      );
    }
    const wanted = version ?? effective?.version ?? (author ? doc.latestVersion : undefined);
    if (wanted === undefined) throw new NotFoundError(`a version of document ${id} in force`);
    const record = await this.documents.version(auth.tenantId, id, wanted);
    if (!record) throw new NotFoundError(`version ${wanted} of document ${id}`);
    return this.view(doc, record, now);
  }

  /** Every version, newest first, with its status now, and the document's audit trail. */
  async versions(auth: AuthContext, id: string) {
    const [doc, records, history] = await Promise.all([
      this.head(auth, id),
      this.documents.versions(auth.tenantId, id),
      this.documents.history(auth.tenantId, id),
    ]);
    const now = this.clock.now().toISOString();
    const effective = effectiveAt(doc.approved, now);
    return {
      id: doc.id,
      title: doc.title,
      kind: doc.kind,
      latestVersion: doc.latestVersion,
      ...(effective ? { effectiveVersion: effective.version } : {}),
      versions: records.map((r) => versionAt(r, doc, now)).reverse(),
      history,
    };
  }

  /** A new draft version (the document too, the first time). */
  put(auth: AuthContext, id: string, input: DocumentInput, expectedVersion?: number): Promise<DocumentView> {
    return runCommand(auth.tenantId, `document/${id}`, expectedVersion, async () => {
      const doc = await this.documents.get(auth.tenantId, id, { consistent: true });
      assertVersion(id, doc, expectedVersion);
      const latest = doc ? await this.documents.version(auth.tenantId, id, doc.latestVersion, { consistent: true }) : undefined;
      const ctx = this.context(auth);
      const write = draftVersion(ctx, id, doc, latest, input);
      await this.documents.commit(auth.tenantId, write);
      return this.view(write.after, write.versions.at(-1)?.after as DocumentVersionRecord, ctx.now);
    });
  }

  submit(auth: AuthContext, id: string, version: number, expectedVersion?: number): Promise<DocumentView> {
    return runCommand(auth.tenantId, `document/${id}`, expectedVersion, async () => {
      const { doc, record } = await this.read(auth, id, version, expectedVersion);
      const ctx = this.context(auth);
      const write = submitVersion(ctx, doc, record);
      await this.documents.commit(auth.tenantId, write);
      return this.view(write.after, write.versions[0]?.after as DocumentVersionRecord, ctx.now);
    });
  }

  /**
   * Signs a version in review and, once the plant's 'document.approve' policy has every
   * signature it needs, approves it, in force from `effectiveFrom`. Refused before the password
   * is checked when the version is not in review or the policy has no place for this signer
   * (the author, with distinct signers; a second signature by the same person; a wrong role).
   */
  async approve(auth: AuthContext, id: string, version: number, input: ApproveDocumentVersion, expectedVersion?: number): Promise<DocumentView> {
    return this.signAndMaybeApprove(auth, id, version, input, { effectiveFrom: input.effectiveFrom }, expectedVersion);
  }

  /** Signs a version without approving it (a review, say): the signature, its audit record, nothing else. */
  async sign(auth: AuthContext, id: string, version: number, request: SignRequest): Promise<DocumentSignatures> {
    await this.signAndMaybeApprove(auth, id, version, request, undefined);
    return this.signatures(auth, id, version);
  }

  private async signAndMaybeApprove(
    auth: AuthContext,
    id: string,
    version: number,
    request: SignRequest,
    approval: { effectiveFrom?: string | undefined } | undefined,
    expectedVersion?: number,
  ): Promise<DocumentView> {
    const first = await this.read(auth, id, version, expectedVersion);
    const [settings, calendar] = await Promise.all([
      this.masterData.get(auth.tenantId, 'settings', 'settings'),
      approval?.effectiveFrom && /^\d{4}-\d{2}-\d{2}$/.test(approval.effectiveFrom)
        ? this.masterData.get(auth.tenantId, 'shift-calendar', 'shift-calendar')
        : undefined,
    ]);
    const policy = policyFor(settings as SignatureSettings | undefined, 'document.approve');
    const check = async (doc: DocumentAggregate, record: DocumentVersionRecord) => {
      if (approval && record.status !== 'in-review') {
        throw new IllegalTransitionError(
          `version ${version} of document ${id} is ${statusAt(record, doc.approved, this.clock.now().toISOString()).status}: only a version in review is approved (submit the draft first)`,
        );
      }
      if (!approval && record.status !== 'in-review') {
        throw new IllegalTransitionError(`version ${version} of document ${id} is ${record.status}: only a version in review is signed`);
      }
      const existing = this.views(await this.documents.signatures(auth.tenantId, id), [record]).filter(
        (s) => s.recordId === signedRecordId(id, version),
      );
      // A signature whose meaning the approval policy asks for counts towards approval, whichever
      // route sent it: the same checks (role, distinct signers, not the author) on both.
      if (approval || policy.required.some((r) => r.meaning === request.meaning)) {
        // The author does not approve their own version when the policy asks for distinct signers.
        acceptSignature(
          policy,
          existing,
          { userId: auth.userId, roles: auth.roles },
          request.meaning,
          policy.distinctSigners ? [record.createdBy] : [],
        );
      } else if (existing.some((s) => s.valid && s.signerId === auth.userId && s.meaning === request.meaning)) {
        throw new SignatureNotAllowedError(`you have signed version ${version} with this meaning already`);
      }
      return existing;
    };
    await check(first.doc, first.record);
    // The credentials once (a wrong password counts towards the lock-out); the content they sign does not change.
    const signature = await this.signer.authenticate(auth, request, {
      type: 'document',
      id: signedRecordId(id, version),
      content: contentOf(first.record),
    });
    return runCommand(auth.tenantId, `document/${id}`, expectedVersion, async () => {
      const { doc, record } = await this.read(auth, id, version, expectedVersion);
      const existing = await check(doc, record);
      const ctx = this.context(auth);
      const all: Signature[] = [...existing, signature];
      const status = policyStatus(policy, [...existing, { ...signature, valid: true }]);
      const write = signVersion(
        ctx,
        doc,
        record,
        signature,
        approval
          ? { complete: status.complete, effectiveFrom: this.effectiveFrom(approval.effectiveFrom, calendar?.timeZone, ctx.now), signatures: all }
          : undefined,
      );
      await this.documents.commit(auth.tenantId, write);
      return this.view(write.after, write.versions[0]?.after ?? record, ctx.now);
    });
  }

  /** The signatures of a document's versions (one version, or all), each valid while its version's content hashes to what was signed. */
  async signatures(auth: AuthContext, id: string, version?: number): Promise<DocumentSignatures> {
    const [doc, records, signatures, settings] = await Promise.all([
      this.head(auth, id),
      this.documents.versions(auth.tenantId, id),
      this.documents.signatures(auth.tenantId, id),
      this.masterData.get(auth.tenantId, 'settings', 'settings'),
    ]);
    const views = this.views(signatures, records).filter((s) => version === undefined || s.recordId === signedRecordId(id, version));
    const of = version ?? doc.latestVersion;
    const policy = policyFor(settings as SignatureSettings | undefined, 'document.approve');
    return {
      signatures: views,
      required: policyStatus(
        policy,
        views.filter((s) => s.recordId === signedRecordId(id, of)),
      ),
    };
  }

  /** Validity on read (11.70): the signed version's content, as stored now, hashes to what was signed. */
  private views(signatures: readonly Signature[], records: readonly DocumentVersionRecord[]): SignatureView[] {
    const hashes = new Map(records.map((r) => [signedRecordId(r.documentId, r.version), contentHash(contentOf(r))]));
    return signatures.map((s) => {
      const hash = hashes.get(s.recordId);
      if (s.recordType !== 'document' || hash === undefined) return { ...s, valid: false, invalidReason: 'it names another record' };
      return hash === s.contentHash ? { ...s, valid: true } : { ...s, valid: false, invalidReason: 'the version changed after it was signed' };
    });
  }

  private async read(auth: AuthContext, id: string, version: number, expectedVersion?: number) {
    const doc = await this.head(auth, id, true);
    assertVersion(id, doc, expectedVersion);
    const record = await this.documents.version(auth.tenantId, id, version, { consistent: true });
    if (!record) throw new NotFoundError(`version ${version} of document ${id}`);
    return { doc, record };
  }

  /** A plant date is the start of that day in the plant's time zone; a day already begun takes effect now. */
  private effectiveFrom(given: string | undefined, timeZone: string | undefined, now: string): string {
    if (given === undefined) return now;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(given)) return new Date(given).toISOString();
    const start = new Date(localToUtc(timeZone ?? 'UTC', Date.parse(`${given}T00:00:00Z`))).toISOString();
    const endOfDay = new Date(localToUtc(timeZone ?? 'UTC', Date.parse(`${given}T00:00:00Z`) + 86_400_000)).toISOString();
    return start < now && now < endOfDay ? now : start;
  }
}

function assertVersion(id: string, doc: DocumentAggregate | undefined, expectedVersion: number | undefined) {
  if (expectedVersion !== undefined && (doc?.version ?? 0) !== expectedVersion) {
    throw new StaleVersionError(`document ${id} is at version ${doc?.version ?? 0}, not ${expectedVersion}; reload it and try again`);
  }
}

function versionAt(record: DocumentVersionRecord, doc: ControlledDocument, at: string): DocumentVersion {
  const { status, supersededAt } = statusAt(record, doc.approved, at);
  return { ...record, status, ...(supersededAt ? { supersededAt } : {}) };
}

export { toDocument };

/**
 * The controlled-document commands (issue 16, section 4; docs/documents.md), pure: each takes
 * the document as read and answers its write (the head, the versions it adds or moves on, the
 * audit record, the outbox events, the signature), which the repository commits in ONE
 * transaction conditioned on the head's version. A refused command throws and writes nothing.
 */
import { contentHash } from '../audit/canonical.ts';
import { IllegalTransitionError, ValidationError } from '../errors.ts';
import type { Role } from '../roles.ts';
import type { Signature } from '../signatures/model.ts';
import { signatureAppliedEvent, signatureAudit } from '../signatures/views.ts';
import type { AuditRecord, OutboxEvent } from '../work-order/model.ts';
import {
  type ApprovedVersionEntry,
  type ControlledDocument,
  type DocumentContent,
  type DocumentInput,
  type DocumentVersionRecord,
  effectiveAt,
} from './model.ts';

/** The head as stored: the document and its outbox sequence. */
export interface DocumentAggregate extends ControlledDocument {
  eventSeq: number;
}

export interface DocumentContext {
  tenantId: string;
  actor: { userId: string; name: string; roles: readonly Role[] };
  now: string;
  newId: () => string;
}

/** One transaction's worth of a document change. */
export interface DocumentWrite {
  before: DocumentAggregate | undefined;
  after: DocumentAggregate;
  /** New versions (no `before`) and versions whose status moves on (at the status read). */
  versions: { before?: DocumentVersionRecord | undefined; after: DocumentVersionRecord }[];
  /** One audit record per version the head moves on by (`AUDIT#{version}`). */
  audits: AuditRecord[];
  events: OutboxEvent[];
  signature?: Signature | undefined;
}

/** What a signature binds to: the version's content, nothing of its status or signatures. */
export const contentOf = (v: DocumentContent): DocumentContent => ({
  documentId: v.documentId,
  version: v.version,
  title: v.title,
  kind: v.kind,
  body: v.body,
  attachments: v.attachments,
});

/** The id a signature of a version names: `{documentId}@{version}`. */
export const signedRecordId = (documentId: string, version: number) => `${documentId}@${version}`;

/**
 * A new draft version. A draft or version in review that is the latest is withdrawn by it (its
 * content stays as written); an approved version stays as it is.
 */
export function draftVersion(
  ctx: DocumentContext,
  id: string,
  doc: DocumentAggregate | undefined,
  latest: DocumentVersionRecord | undefined,
  input: DocumentInput,
): DocumentWrite {
  const version = (doc?.latestVersion ?? 0) + 1;
  const content: DocumentContent = {
    documentId: id,
    version,
    title: input.title,
    kind: input.kind,
    body: input.body,
    attachments: input.attachments ?? [],
  };
  const record: DocumentVersionRecord = {
    ...content,
    status: 'draft',
    ...(input.changeNote ? { changeNote: input.changeNote } : {}),
    contentHash: contentHash(content),
    createdAt: ctx.now,
    createdBy: ctx.actor.userId,
    createdByName: ctx.actor.name,
  };
  const withdraw =
    latest && (latest.status === 'draft' || latest.status === 'in-review')
      ? { before: latest, after: { ...latest, status: 'withdrawn' as const, withdrawnAt: ctx.now, withdrawnBy: version } }
      : undefined;
  const after: DocumentAggregate = {
    id,
    title: input.title,
    kind: input.kind,
    latestVersion: version,
    approved: doc?.approved ?? [],
    createdAt: doc?.createdAt ?? ctx.now,
    createdBy: doc?.createdBy ?? ctx.actor.userId,
    updatedAt: ctx.now,
    updatedBy: ctx.actor.userId,
    version: (doc?.version ?? 0) + 1,
    eventSeq: doc?.eventSeq ?? 0,
  };
  return finish(ctx, doc, after, [...(withdraw ? [withdraw] : []), { after: record }], {
    action: doc ? 'document.draft' : 'document.create',
    target: `document/${id}@${version}`,
    comment: input.changeNote,
    changes: [
      { field: `versions/${version}/status`, from: null, to: 'draft' },
      { field: `versions/${version}/contentHash`, from: null, to: record.contentHash },
      ...(withdraw ? [{ field: `versions/${withdraw.before.version}/status`, from: withdraw.before.status, to: 'withdrawn' }] : []),
    ],
    events: [{ type: 'document.drafted', record, extra: withdraw ? { withdrew: withdraw.before.version } : {} }],
  });
}

/** Draft -> in review. */
export function submitVersion(ctx: DocumentContext, doc: DocumentAggregate, record: DocumentVersionRecord): DocumentWrite {
  if (record.status !== 'draft') {
    throw new IllegalTransitionError(`version ${record.version} of document ${doc.id} is ${record.status}: only a draft goes to review`);
  }
  const after: DocumentVersionRecord = { ...record, status: 'in-review', submittedAt: ctx.now, submittedBy: ctx.actor.userId };
  return finish(ctx, doc, bump(ctx, doc), [{ before: record, after }], {
    action: 'document.submit',
    target: `document/${doc.id}@${record.version}`,
    changes: [{ field: `versions/${record.version}/status`, from: 'draft', to: 'in-review' }],
    events: [{ type: 'document.submitted', record: after, extra: {} }],
  });
}

/**
 * A signature on a version: the signature item, its audit record (`signed`) and its
 * `signature.applied` event. With `approve` and the policy now complete, the version is approved
 * too, in force from `approve.effectiveFrom`: a second audit record (`document.approve`) and the
 * `document.approved` event, in the same transaction (the head moves on by two versions). The
 * caller has checked the credentials and that the policy accepts this signer (signatures/policy.ts).
 */
export function signVersion(
  ctx: DocumentContext,
  doc: DocumentAggregate,
  record: DocumentVersionRecord,
  signature: Signature,
  approve?: { complete: boolean; effectiveFrom: string; signatures: readonly Signature[] },
): DocumentWrite {
  const approving = approve?.complete === true;
  if (approve && record.status !== 'in-review') {
    throw new IllegalTransitionError(`version ${record.version} of document ${doc.id} is ${record.status}: only a version in review is approved`);
  }
  const signedHead = bump(ctx, doc);
  const signedStep: DocumentWrite = {
    before: doc,
    after: { ...signedHead, eventSeq: doc.eventSeq + 1 },
    versions: [],
    audits: [signatureAudit(signature, signedHead.version, approving ? `approves version ${record.version}` : undefined)],
    events: [
      signatureAppliedEvent(
        signature,
        ctx.tenantId,
        ctx.newId(),
        doc.eventSeq + 1,
        { documentId: doc.id },
        approving ? 'document.approve' : undefined,
      ),
    ],
    signature,
  };
  if (!approve || !approving) return signedStep;
  const last = doc.approved.reduce<ApprovedVersionEntry | undefined>((m, a) => (!m || a.version > m.version ? a : m), undefined);
  if (approve.effectiveFrom < ctx.now || (last && approve.effectiveFrom < last.effectiveFrom)) {
    throw new ValidationError([
      {
        pointer: '/body/effectiveFrom',
        detail: last
          ? `must not be before now, nor before ${last.effectiveFrom}, when version ${last.version} takes effect`
          : 'must not be in the past',
      },
    ]);
  }
  const after: DocumentVersionRecord = { ...record, status: 'approved', approvedAt: ctx.now, effectiveFrom: approve.effectiveFrom };
  const entry: ApprovedVersionEntry = {
    version: record.version,
    effectiveFrom: approve.effectiveFrom,
    title: record.title,
    contentHash: record.contentHash,
  };
  const head = { ...bump(ctx, signedStep.after), approved: [...doc.approved, entry] };
  const supersedes = effectiveAt(doc.approved, approve.effectiveFrom);
  const approved = finish(ctx, signedStep.after, head, [{ before: record, after }], {
    action: 'document.approve',
    target: `document/${doc.id}@${record.version}`,
    comment: signature.comment,
    changes: [
      { field: `versions/${record.version}/status`, from: 'in-review', to: 'approved' },
      { field: `versions/${record.version}/effectiveFrom`, from: null, to: approve.effectiveFrom },
    ],
    events: [
      {
        type: 'document.approved',
        record: after,
        extra: {
          contentHash: after.contentHash,
          effectiveFrom: approve.effectiveFrom,
          ...(supersedes ? { supersedes: supersedes.version } : {}),
          signatures: approve.signatures.map((s) => ({ signerId: s.signerId, printedName: s.printedName, meaning: s.meaning, signedAt: s.signedAt })),
        },
      },
    ],
  });
  return {
    before: doc,
    after: approved.after,
    versions: approved.versions,
    audits: [...signedStep.audits, ...approved.audits],
    events: [...signedStep.events, ...approved.events],
    signature,
  };
}

const bump = (ctx: DocumentContext, doc: DocumentAggregate): DocumentAggregate => ({
  ...doc,
  updatedAt: ctx.now,
  updatedBy: ctx.actor.userId,
  version: doc.version + 1,
});

interface Step {
  action: string;
  target: string;
  comment?: string | undefined;
  changes: AuditRecord['changes'];
  events: { type: 'document.drafted' | 'document.submitted' | 'document.approved'; record: DocumentVersionRecord; extra: Record<string, unknown> }[];
}

function finish(
  ctx: DocumentContext,
  before: DocumentAggregate | undefined,
  after: DocumentAggregate,
  versions: DocumentWrite['versions'],
  step: Step,
): DocumentWrite {
  const eventSeq = before?.eventSeq ?? 0;
  const head: DocumentAggregate = { ...after, eventSeq: eventSeq + step.events.length };
  return {
    before,
    after: head,
    versions,
    audits: [
      {
        version: head.version,
        at: ctx.now,
        by: ctx.actor.userId,
        action: step.action,
        target: step.target,
        ...(step.comment ? { comment: step.comment } : {}),
        changes: step.changes,
      },
    ],
    events: step.events.map((e, i) => ({
      id: ctx.newId(),
      type: e.type,
      schemaVersion: 1 as const,
      occurredAt: ctx.now,
      tenantId: ctx.tenantId,
      documentId: head.id,
      sequence: eventSeq + i + 1,
      data: {
        documentId: head.id,
        version: e.record.version,
        title: e.record.title,
        kind: e.record.kind,
        status: e.record.status,
        ...e.extra,
        by: ctx.actor.userId,
      },
    })),
  };
}

/**
 * Controlled documents (issue 16, section 4; docs/documents.md): work instructions, SOPs,
 * specifications and forms, each a series of versions. A version's content (title, kind, body,
 * attachments) is written once and never rewritten; its stored status only moves forward:
 * draft -> in-review -> approved (by the signatures the plant's 'document.approve' policy
 * requires), or withdrawn when a newer draft replaces it before approval. "Effective" and
 * "superseded" are not stored: they are computed on read from the approved versions'
 * `effectiveFrom` (the effective version at time T is the highest approved version whose
 * effectiveFrom <= T; every approved version below it is superseded), so a version becomes
 * effective at its date with no job and no write.
 */
/** Outbox events, each to the document's own outbox (`EVT#` in its partition). */
export const DOCUMENT_EVENT_TYPES = ['document.drafted', 'document.submitted', 'document.approved'] as const;
export type DocumentEventType = (typeof DOCUMENT_EVENT_TYPES)[number];
export const isDocumentEventType = (type: string): type is DocumentEventType => (DOCUMENT_EVENT_TYPES as readonly string[]).includes(type);

export const DOCUMENT_KINDS = ['work-instruction', 'sop', 'specification', 'form'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** What is stored on a version. */
export const STORED_VERSION_STATUSES = ['draft', 'in-review', 'approved', 'withdrawn'] as const;
export type StoredVersionStatus = (typeof STORED_VERSION_STATUSES)[number];
/** What a reader sees: an approved version is `approved` before its date, then `effective`, then `superseded`. */
export const VERSION_STATUSES = ['draft', 'in-review', 'approved', 'effective', 'superseded', 'withdrawn'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];
export const isVersionStatus = (value: unknown): value is VersionStatus =>
  typeof value === 'string' && (VERSION_STATUSES as readonly string[]).includes(value);

export interface DocumentAttachment {
  title: string;
  /** An https link (a drawing, a video): the document names it, the MES does not store it. */
  url: string;
}

/** What a PUT takes: the content of a new draft version. */
export interface DocumentInput {
  title: string;
  kind: DocumentKind;
  /** Plain text or Markdown; steps as a numbered list. */
  body: string;
  attachments?: DocumentAttachment[] | undefined;
  /** Why this version (shown in the version list and the audit trail). */
  changeNote?: string | undefined;
}

/**
 * The signable content of a version: what signatures bind to (`contentHash`), and nothing else
 * (not its status, signatures, effective date or the document's version).
 */
export interface DocumentContent {
  documentId: string;
  version: number;
  title: string;
  kind: DocumentKind;
  body: string;
  attachments: DocumentAttachment[];
}

/** One version as stored (the item `VER#{version}` in the document's partition). */
export interface DocumentVersionRecord extends DocumentContent {
  status: StoredVersionStatus;
  changeNote?: string | undefined;
  /** contentHash(DocumentContent): RFC 8785 canonical JSON, SHA-256, hex. */
  contentHash: string;
  createdAt: string;
  createdBy: string;
  createdByName: string;
  submittedAt?: string | undefined;
  submittedBy?: string | undefined;
  approvedAt?: string | undefined;
  /** When the approved version takes effect (ISO instant); it stays in force until a later approved version's. */
  effectiveFrom?: string | undefined;
  withdrawnAt?: string | undefined;
  /** The version that replaced this draft before it was approved. */
  withdrawnBy?: number | undefined;
}

/** A version as read: its status now, and when it stopped being in force. */
export interface DocumentVersion extends Omit<DocumentVersionRecord, 'status'> {
  status: VersionStatus;
  /** A superseded version: when the next one took effect. */
  supersededAt?: string | undefined;
}

/** An approved version, as the document's head keeps it so that the effective one is found with one GetItem. */
export interface ApprovedVersionEntry {
  version: number;
  effectiveFrom: string;
  title: string;
  contentHash: string;
}

/** The document's head (item `DOC`): versioned for optimistic concurrency, every change bumps `version`. */
export interface ControlledDocument {
  id: string;
  /** The latest version's title and kind. */
  title: string;
  kind: DocumentKind;
  latestVersion: number;
  approved: ApprovedVersionEntry[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

/** What GET /v1/documents/{id} answers: the document and one version (the effective one unless asked). */
export interface DocumentView {
  id: string;
  title: string;
  kind: DocumentKind;
  latestVersion: number;
  /** The version in force now, if any. */
  effectiveVersion?: number | undefined;
  document: DocumentVersion;
  /** The document's own version (every change moves it on): what If-Match names. */
  version: number;
}

/**
 * What a work order's operation keeps of a document at release (Operation.documents): the
 * version effective at that moment, and its content hash, so the batch record names exactly
 * what the operator was given even after later versions take effect.
 */
export interface DocumentReference {
  documentId: string;
  version: number;
  title: string;
  kind: DocumentKind;
  contentHash: string;
  effectiveFrom: string;
}

/** Approve a version in review: the signature (re-entered credentials) and when it takes effect. */
export interface ApproveDocumentVersion {
  userId: string;
  password: string;
  meaning: string;
  comment?: string | undefined;
  /** An ISO instant, or a plant date (YYYY-MM-DD: the start of that day in the plant's time zone); absent: now. Not in the past. */
  effectiveFrom?: string | undefined;
}

/** The effective version at `at` among the approved ones: the highest version whose effectiveFrom <= at. */
export function effectiveAt(approved: readonly ApprovedVersionEntry[], at: string): ApprovedVersionEntry | undefined {
  let found: ApprovedVersionEntry | undefined;
  for (const a of approved) if (a.effectiveFrom <= at && (!found || a.version > found.version)) found = a;
  return found;
}

/** A stored version's status as read at `at`. */
export function statusAt(
  record: DocumentVersionRecord,
  approved: readonly ApprovedVersionEntry[],
  at: string,
): { status: VersionStatus; supersededAt?: string } {
  if (record.status !== 'approved') return { status: record.status };
  const effective = effectiveAt(approved, at);
  if (!effective || record.effectiveFrom === undefined || record.effectiveFrom > at) return { status: 'approved' };
  if (effective.version === record.version) return { status: 'effective' };
  // Superseded: by the first approved version after it that took effect.
  const next = approved
    .filter((a) => a.version > record.version && a.effectiveFrom <= at)
    .sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom))[0];
  return next ? { status: 'superseded', supersededAt: next.effectiveFrom } : { status: 'superseded' };
}

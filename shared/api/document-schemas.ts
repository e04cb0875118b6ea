/**
 * The wire contract of controlled documents (issue 16, section 4; docs/documents.md): a document's
 * versions, the request that drafts one, and the ones that submit and approve (sign) one. Each
 * output schema is checked at compile time to parse to exactly its domain type
 * (shared/domain/documents/model.ts).
 */
import * as z from 'zod/mini';
import {
  type ControlledDocument,
  DOCUMENT_KINDS,
  type DocumentReference,
  type DocumentVersion,
  type DocumentView,
  VERSION_STATUSES,
} from '../domain/documents/model.ts';
import { AuditRecordSchema, DateSchema, IdSchema, PageQuerySchema, Text, Timestamp, meta } from './schemas.ts';

const Url = z.string().check(z.maxLength(2000), z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }));
/** Version numbers start at 1. */
const VersionNumber = z.coerce.number().check(z.int(), z.positive(), z.lte(99_999));
/** 200,000 characters of body keep a version item well under DynamoDB's 400 KB. */
export const MAX_DOCUMENT_BODY_CHARS = 200_000;

export const DocumentAttachmentSchema = z.strictObject({ title: Text(200), url: Url });

export const DocumentInputSchema = meta(
  z.strictObject({
    title: Text(200),
    kind: z.enum(DOCUMENT_KINDS),
    body: Text(MAX_DOCUMENT_BODY_CHARS),
    attachments: z.optional(z.array(DocumentAttachmentSchema).check(z.maxLength(20))),
    changeNote: z.optional(Text(2000)),
  }),
  'DocumentInput',
  'The content of a new draft version of a controlled document (a work instruction, SOP, specification or form); the body is plain text or Markdown, steps as a numbered list.',
);

export const DocumentVersionSchema = meta(
  z.object({
    documentId: IdSchema,
    version: z.int(),
    title: z.string(),
    kind: z.enum(DOCUMENT_KINDS),
    body: z.string(),
    attachments: z.array(z.object({ title: z.string(), url: z.string() })),
    status: z.enum(VERSION_STATUSES),
    changeNote: z.optional(z.string()),
    contentHash: z.string(),
    createdAt: Timestamp,
    createdBy: z.string(),
    createdByName: z.string(),
    submittedAt: z.optional(Timestamp),
    submittedBy: z.optional(z.string()),
    approvedAt: z.optional(Timestamp),
    effectiveFrom: z.optional(Timestamp),
    withdrawnAt: z.optional(Timestamp),
    withdrawnBy: z.optional(z.int()),
    supersededAt: z.optional(Timestamp),
  }),
  'DocumentVersion',
  'One version of a controlled document with its status now: draft, in-review, approved (signed, not yet in force), effective, superseded or withdrawn.',
);

export const ControlledDocumentSchema = meta(
  z.object({
    id: IdSchema,
    title: z.string(),
    kind: z.enum(DOCUMENT_KINDS),
    latestVersion: z.int(),
    approved: z.array(z.object({ version: z.int(), effectiveFrom: Timestamp, title: z.string(), contentHash: z.string() })),
    createdAt: Timestamp,
    createdBy: z.string(),
    updatedAt: Timestamp,
    updatedBy: z.string(),
    version: z.int(),
  }),
  'ControlledDocument',
  "A controlled document: its latest version's title and kind, and its approved versions with the date each takes effect.",
);

export const DocumentViewSchema = meta(
  z.object({
    id: IdSchema,
    title: z.string(),
    kind: z.enum(DOCUMENT_KINDS),
    latestVersion: z.int(),
    effectiveVersion: z.optional(z.int()),
    document: DocumentVersionSchema,
  }),
  'DocumentView',
  'A document and one of its versions: the effective one, unless an author asked for another.',
);

export const DocumentVersionsSchema = meta(
  z.object({
    id: IdSchema,
    title: z.string(),
    kind: z.enum(DOCUMENT_KINDS),
    latestVersion: z.int(),
    effectiveVersion: z.optional(z.int()),
    versions: z.array(DocumentVersionSchema),
    history: z.array(AuditRecordSchema),
  }),
  'DocumentVersions',
  'Every version of a document, newest first, with its status and the audit trail of the document.',
);

export const DocumentReferenceSchema = meta(
  z.object({
    documentId: IdSchema,
    version: z.int(),
    title: z.string(),
    kind: z.enum(DOCUMENT_KINDS),
    contentHash: z.string(),
    effectiveFrom: Timestamp,
  }),
  'DocumentReference',
  'The version of a document an operation was released with: the one effective at release, and its content hash.',
);

export const GetDocumentQuerySchema = z.strictObject({
  /** Authors (quality, admin, planner) only: any version; everyone else sees the effective one. */
  version: z.optional(VersionNumber),
});
export const DocumentVersionParamsSchema = z.object({ id: IdSchema, version: VersionNumber });
export const ListDocumentsQuerySchema = z.strictObject({ ...PageQuerySchema.shape });

/** The re-entered signature (21 CFR 11.200(a)): user id and password, never stored, logged or echoed. */
const signatureFields = {
  userId: Text(128),
  password: z.string().check(z.minLength(1), z.maxLength(256)),
  meaning: Text(64),
  comment: z.optional(z.string().check(z.maxLength(2000))),
};

export const ApproveDocumentVersionSchema = meta(
  z.strictObject({
    ...signatureFields,
    /** An ISO instant or a plant date (YYYY-MM-DD, from the start of that day in the plant's time zone); absent: now. */
    effectiveFrom: z.optional(z.union([Timestamp, DateSchema])),
  }),
  'ApproveDocumentVersion',
  "Approve a version in review with an electronic signature (user id and password re-entered, the signature's meaning); it takes effect from effectiveFrom once the plant's 'document.approve' policy has every signature it needs.",
);

export const SignDocumentVersionSchema = meta(
  z.strictObject({ version: VersionNumber, ...signatureFields }),
  'SignDocumentVersion',
  'Sign a version of a document (a review, say) without approving it.',
);

/**
 * The signatures of a document's versions and what the 'document.approve' policy still needs.
 * UNTIL i16-sign LANDS: its SignaturesSchema (shared/api/signature-schemas.ts) replaces this.
 */
export const DocumentSignaturesSchema = z.object({
  signatures: z.array(
    z.object({
      id: z.string(),
      recordType: z.string(),
      recordId: z.string(),
      contentHash: z.string(),
      meaning: z.string(),
      meaningText: z.string(),
      signerId: z.string(),
      printedName: z.string(),
      signedAt: Timestamp,
      method: z.string(),
      comment: z.optional(z.string()),
      valid: z.boolean(),
      invalidReason: z.optional(z.string()),
    }),
  ),
  required: z.object({ complete: z.boolean(), missing: z.array(z.object({ meaning: z.string(), roles: z.array(z.string()) })) }),
});

export const ListDocumentSignaturesQuerySchema = z.strictObject({ version: z.optional(VersionNumber) });

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Matches<S extends z.ZodMiniType, Model extends Same<z.output<S>, Model> extends true ? unknown : never> = [S, Model];
/** Each wire schema against the domain type it carries. */
export type DocumentModelMatchesWire = [
  Matches<typeof DocumentVersionSchema, DocumentVersion>,
  Matches<typeof ControlledDocumentSchema, ControlledDocument>,
  Matches<typeof DocumentViewSchema, DocumentView>,
  Matches<typeof DocumentReferenceSchema, DocumentReference>,
];

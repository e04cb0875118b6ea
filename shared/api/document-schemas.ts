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
import { SignRequestSchema } from './signature-schemas.ts';
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
    /** The document's own version (every change moves it on): what If-Match names. */
    version: z.int(),
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

export const ApproveDocumentVersionSchema = meta(
  z.strictObject({
    ...SignRequestSchema.shape,
    /** An ISO instant or a plant date (YYYY-MM-DD, from the start of that day in the plant's time zone); absent: now. */
    effectiveFrom: z.optional(z.union([Timestamp, DateSchema])),
  }),
  'ApproveDocumentVersion',
  "Approve a version in review with an electronic signature (user id and password re-entered, the signature's meaning); it takes effect from effectiveFrom once the plant's 'document.approve' policy has every signature it needs.",
);

export const SignDocumentVersionSchema = meta(
  z.strictObject({ version: VersionNumber, ...SignRequestSchema.shape }),
  'SignDocumentVersion',
  'Sign a version of a document (a review, say) without approving it.',
);

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

/**
 * The wire contract of qualifications (issue 18; docs/qualifications.md): definitions (master
 * data), a person's set, and the expiring view.
 */
import * as z from 'zod/mini';
import {
  type PersonQualifications,
  QUALIFICATION_KINDS,
  type ExpiringQualification,
  type PersonQualificationsInput,
  type QualificationInput,
} from '../domain/qualifications/model.ts';
import { IdSchema, meta, RecordMeta, Text, Timestamp } from './schemas.ts';

export { MissingQualificationSchema, QualificationOverrideSchema, QualificationRequirementSchema } from './schemas.ts';

export const QualificationInputSchema = meta(
  z.strictObject({
    name: Text(200),
    kind: z.enum(QUALIFICATION_KINDS),
    description: z.optional(z.string().check(z.maxLength(2000))),
    /** Named levels, lowest first; without levels a qualification is held or not (level 1). */
    levels: z.optional(
      z.array(z.strictObject({ level: z.int().check(z.gte(1), z.lte(10)), name: Text(100) })).check(
        z.minLength(1),
        z.maxLength(10),
        z.refine((ls) => ls.every((l, i) => l.level === i + 1), 'levels are numbered 1, 2, 3 ... in order'),
      ),
    ),
    /** Months a grant stays valid: the default expiry of a grant that names none. */
    validityMonths: z.optional(z.int().check(z.gte(1), z.lte(240))),
    /** For a training: the controlled document it trains on (operations using the document require it). */
    documentId: z.optional(IdSchema),
  }),
  'QualificationInput',
  'A skill, training or certification the plant requires for some work: its levels, how long a grant is valid, and for a training the controlled document it trains on.',
);
export const QualificationSchema = meta(
  z.object({ id: IdSchema, ...QualificationInputSchema.shape, ...RecordMeta }),
  'Qualification',
  'A stored qualification definition (versioned, audited master data).',
);

export const HeldQualificationSchema = z.strictObject({
  qualificationId: IdSchema,
  level: z.optional(z.int().check(z.gte(1), z.lte(10))),
  grantedAt: Timestamp,
  /** Absent: the qualification's validity from grantedAt, or none. */
  expiresAt: z.optional(Timestamp),
  /** For a training on a document: the document version trained on. */
  documentVersion: z.optional(z.int().check(z.gte(1))),
  evidence: z.optional(z.string().check(z.maxLength(2000))),
});

export const PersonQualificationsInputSchema = meta(
  z.strictObject({
    qualifications: z.array(HeldQualificationSchema).check(
      z.maxLength(100),
      z.refine((qs) => new Set(qs.map((q) => q.qualificationId)).size === qs.length, 'name each qualification once'),
    ),
  }),
  'PersonQualificationsInput',
  "A person's whole qualification set (replaces the one before; audited): each qualification held, at a level, granted and expiring when, with evidence.",
);
export const PersonQualificationsSchema = meta(
  z.object({
    personnelId: z.string(),
    personName: z.string(),
    qualifications: z.array(
      z.object({
        qualificationId: z.string(),
        level: z.optional(z.int()),
        grantedAt: z.string(),
        expiresAt: z.optional(z.string()),
        documentVersion: z.optional(z.int()),
        evidence: z.optional(z.string()),
      }),
    ),
    version: z.int(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  }),
  'PersonQualifications',
  "A person's qualifications (version 0: none recorded yet).",
);

export const ExpiringQuerySchema = z.strictObject({
  withinDays: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(366)), 30),
});
export const ExpiringQualificationsSchema = meta(
  z.object({
    asOf: z.string(),
    withinDays: z.int(),
    items: z.array(
      z.object({
        personnelId: z.string(),
        personName: z.string(),
        qualificationId: z.string(),
        qualificationName: z.string(),
        level: z.optional(z.int()),
        expiresAt: z.string(),
        expired: z.boolean(),
      }),
    ),
  }),
  'ExpiringQualifications',
  'Who holds what expiring within the days asked, or expired already, soonest first.',
);

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export type QualificationWireMatches = [
  Same<z.output<typeof QualificationInputSchema>, QualificationInput>,
  Same<z.output<typeof PersonQualificationsInputSchema>, PersonQualificationsInput>,
  Same<z.output<typeof PersonQualificationsSchema>, PersonQualifications>,
  Same<z.output<typeof ExpiringQualificationsSchema>['items'][number], ExpiringQualification>,
];
/** Fails to compile when a wire schema and its domain type drift apart. */
export const QUALIFICATION_WIRE_MATCHES: QualificationWireMatches = [true, true, true, true];

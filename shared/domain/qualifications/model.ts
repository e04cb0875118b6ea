/**
 * Qualifications (issue 18; docs/qualifications.md): what a plant counts as a skill, a training
 * or a certification (master data kind `qualification`), what each person holds (one item per
 * person, audited), and what an operation requires (copied onto the order's operation at release
 * from its routing operation, its work center or unit, and the training on its documents).
 */
import type { MissingQualification } from './gate.ts';

export const QUALIFICATION_KINDS = ['skill', 'training', 'certification'] as const;
export type QualificationKind = (typeof QUALIFICATION_KINDS)[number];

export interface QualificationLevel {
  level: number;
  name: string;
}

export interface QualificationInput {
  name: string;
  kind: QualificationKind;
  description?: string | undefined;
  /** Named levels, lowest first (1 "Trainee" .. 4 "Trainer"); without levels a qualification is held or not (level 1). */
  levels?: QualificationLevel[] | undefined;
  /** How long it is valid once granted, in months: the default expiry of a grant that names none. */
  validityMonths?: number | undefined;
  /** A training on a controlled document (issue 16): operations that use the document require it, for the version they were released with. */
  documentId?: string | undefined;
}

/** What a routing operation or a unit requires: a qualification, at least at a level (default 1). */
export interface QualificationRequirement {
  qualificationId: string;
  minLevel?: number | undefined;
}

/** A requirement as the order's operation carries it (copied at release), with where it comes from. */
export interface OperationRequirement {
  qualificationId: string;
  qualificationName: string;
  minLevel?: number | undefined;
  /** `operation` (the routing), `equipment {id}` (the work center or unit), or `document {id}` (its training). */
  source: string;
  /** A training on a document: held for at least this version. */
  documentId?: string | undefined;
  documentVersion?: number | undefined;
}

/** One qualification a person holds. */
export interface HeldQualification {
  qualificationId: string;
  /** Default 1. */
  level?: number | undefined;
  grantedAt: string;
  /** Absent: does not expire (or, on a put, the qualification's validity from grantedAt). */
  expiresAt?: string | undefined;
  /** For a training on a document: the version trained on. */
  documentVersion?: number | undefined;
  evidence?: string | undefined;
}

export interface PersonQualificationsInput {
  qualifications: HeldQualification[];
}

/** A person's qualification set: one item per person, versioned, each change a chained audit record. */
export interface PersonQualifications extends PersonQualificationsInput {
  personnelId: string;
  /** The person's name, copied from the personnel record at each put (the gate names people without another read). */
  personName: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** A supervisor's accepted override, kept on the started operation and in its audit record. */
export interface QualificationOverrideRecord {
  at: string;
  /** The supervisor who signed (user id) and their printed name. */
  by: string;
  byName: string;
  reason: string;
  signatureId: string;
  meaning: string;
  missing: MissingQualification[];
}

/** One held qualification expiring within the window asked, or expired. */
export interface ExpiringQualification {
  personnelId: string;
  personName: string;
  qualificationId: string;
  qualificationName: string;
  level?: number | undefined;
  expiresAt: string;
  expired: boolean;
}

export const MONTH_MS = 30.4375 * 24 * 3600_000;

/** The expiry a grant gets: its own, else grantedAt plus the qualification's validity (calendar months), else none. */
export function expiryOf(held: HeldQualification, validityMonths: number | undefined): string | undefined {
  if (held.expiresAt) return held.expiresAt;
  if (!validityMonths) return undefined;
  const d = new Date(held.grantedAt);
  d.setUTCMonth(d.getUTCMonth() + validityMonths);
  return d.toISOString();
}

/** Who of `person` lacks what of `requirements` at `now`: each reason named. */
export function missingFor(
  requirements: readonly OperationRequirement[],
  person: { personnelId: string; personName: string; qualifications: readonly HeldQualification[] },
  now: string,
): MissingQualification[] {
  const missing: MissingQualification[] = [];
  for (const r of requirements) {
    const held = person.qualifications.find((q) => q.qualificationId === r.qualificationId);
    const base = {
      personnelId: person.personnelId,
      personName: person.personName,
      qualificationId: r.qualificationId,
      qualificationName: r.qualificationName,
      ...(r.minLevel !== undefined ? { requiredLevel: r.minLevel } : {}),
    };
    if (!held) {
      missing.push({
        ...base,
        reason: r.documentVersion !== undefined ? 'training-required' : 'missing',
        ...docOf(r),
      });
    } else if (held.expiresAt && held.expiresAt <= now) {
      missing.push({ ...base, reason: 'expired', expiredAt: held.expiresAt, heldLevel: held.level ?? 1 });
    } else if ((held.level ?? 1) < (r.minLevel ?? 1)) {
      missing.push({ ...base, reason: 'level-too-low', heldLevel: held.level ?? 1 });
    } else if (r.documentVersion !== undefined && (held.documentVersion ?? 0) < r.documentVersion) {
      missing.push({ ...base, reason: 'training-required', ...docOf(r) });
    }
  }
  return missing;
}

const docOf = (r: OperationRequirement) =>
  r.documentId !== undefined && r.documentVersion !== undefined ? { documentId: r.documentId, documentVersion: r.documentVersion } : {};

/** A qualification required twice (by the routing, the unit, a document) counts once: at the higher level, for the later document version. */
export function mergeRequirements(requirements: readonly OperationRequirement[]): OperationRequirement[] {
  const by = new Map<string, OperationRequirement>();
  for (const r of requirements) {
    const seen = by.get(r.qualificationId);
    if (!seen) {
      by.set(r.qualificationId, r);
      continue;
    }
    const minLevel = Math.max(seen.minLevel ?? 1, r.minLevel ?? 1);
    const doc = (r.documentVersion ?? 0) > (seen.documentVersion ?? 0) ? r : seen;
    by.set(r.qualificationId, {
      ...seen,
      ...(minLevel > 1 ? { minLevel } : {}),
      ...(doc.documentId !== undefined && doc.documentVersion !== undefined
        ? { documentId: doc.documentId, documentVersion: doc.documentVersion }
        : {}),
    });
  }
  return [...by.values()];
}

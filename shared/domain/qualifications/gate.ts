/**
 * The qualification gate (issue 18; docs/qualifications.md): starting an operation, or clocking
 * on one, is refused with a 409 naming every qualification a person lacks (missing, expired,
 * level too low, training on a document version required), unless a supervisor overrides it
 * with a reason and a signature (re-entered user id and password).
 */
import type { AuthContext } from '../../auth/claims.ts';
import { MesError } from '../errors.ts';
import type { Signature } from '../signatures/model.ts';
import type { OperationRequirement } from './model.ts';

export interface GateSubject {
  workOrderId: string;
  seq: number;
  /** The unit the operation runs on, when the command knows it (its requirements are checked too). */
  equipmentId?: string;
  /** The people who will do the work (personnel ids, master data `personnel`). */
  personnelIds: string[];
  /**
   * The caller (auth.userId) is the person: resolved to a personnel id through the user's link
   * and read with the person's qualifications in one GetItem (operation start). `personnelIds`
   * may then be empty.
   */
  self?: boolean;
  /** The operation's requirements when the caller has read the order already (saves the gate reading it). */
  requirements?: readonly OperationRequirement[];
}

export type MissingReason = 'missing' | 'expired' | 'level-too-low' | 'training-required';

export interface MissingQualification {
  personnelId: string;
  personName: string;
  qualificationId: string;
  qualificationName: string;
  reason: MissingReason;
  requiredLevel?: number;
  heldLevel?: number;
  expiredAt?: string;
  /** A training on a controlled document: the document and the version it must be held for. */
  documentId?: string;
  documentVersion?: number;
}

export interface QualificationOverride {
  reason: string;
  signature: { userId: string; password: string };
}

export interface GateResult {
  /** The supervisor who overrode the refusal (their user id), when one did. */
  overriddenBy?: string;
  overrideReason?: string;
  /** What was missing (empty when nothing was). */
  missing: MissingQualification[];
  /** The supervisor's signature of an accepted override (not written by the gate: the command keeps it). */
  signature?: Signature;
}

export interface QualificationGate {
  /** Throws QualificationMissingError (409, names every missing one) unless an override is given and accepted; returns the audit facts of an accepted override to store with the command. */
  check(auth: AuthContext, subject: GateSubject, override?: QualificationOverride): Promise<GateResult>;
}

/** A gate that lets everything through: the default until the real gate is wired. */
export const passAllGate: QualificationGate = {
  check: async () => ({ missing: [] }),
};

/** One missing qualification in plain words: "Olivia Bakker: Torque wrench (level 2) expired on 2026-11-03". */
export function describeMissing(m: MissingQualification): string {
  const what = `${m.qualificationName}${m.requiredLevel !== undefined ? ` (level ${m.requiredLevel})` : ''}`;
  switch (m.reason) {
    case 'expired':
      return `${m.personName}: ${what} expired on ${(m.expiredAt ?? '').slice(0, 10)}`;
    case 'level-too-low':
      return `${m.personName}: ${what} needed, holds level ${m.heldLevel ?? 0}`;
    case 'training-required':
      return `${m.personName}: ${what} training on document ${m.documentId ?? '?'} version ${m.documentVersion ?? '?'} required`;
    default:
      return `${m.personName}: ${what} missing`;
  }
}

/** Refused: someone lacks a required qualification. The problem's `missing` member names each. */
export class QualificationMissingError extends MesError {
  override readonly name = 'QualificationMissingError';
  readonly status = 409;
  readonly type = 'urn:mes:problem:qualification-missing';
  readonly title = 'Qualification missing';
  readonly missing: MissingQualification[];
  constructor(
    missing: MissingQualification[],
    detail = `not qualified: ${missing.map(describeMissing).join('; ')}; a supervisor may override with a reason and a signature`,
  ) {
    super(detail);
    this.missing = missing;
    this.members = { missing };
  }
}

/**
 * Electronic signatures (issue 16 section 2, 21 CFR Part 11 subpart C; docs/part-11.md
 * "Electronic signatures"). A signature is an act of its own: the signer re-enters user id and
 * password (11.200(a)), it records printed name, time and meaning (11.50) and it is bound to the
 * hash of the signed record's canonical content and to the record's id (11.70): a change to the
 * record, or the signature shown beside another record, reads as `valid: false`.
 *
 * The owner of a signable record (work orders, nonconformances, lots, documents) writes the
 * signature item with its audit record and `signature.applied` event in ITS transaction.
 */
import type { PlantRole as Role } from '../roles.ts';

export const SIGNATURE_MEANINGS = ['review', 'approval', 'responsibility', 'authorship'] as const;
export type SignatureMeaning = (typeof SIGNATURE_MEANINGS)[number];

export const SIGNABLE_TYPES = ['work-order', 'nonconformance', 'lot', 'document'] as const;
export type SignableType = (typeof SIGNABLE_TYPES)[number];

export const SIGNATURE_METHODS = ['password', 'passkey'] as const;

export interface Signature {
  /** uuidv7 */
  id: string;
  recordType: SignableType;
  /** e.g. 'WO-1002', 'NC-2026-00001', a lot id, '{documentId}@{version}' */
  recordId: string;
  /** contentHash(the record's signable content) at signing */
  contentHash: string;
  /** One of SIGNATURE_MEANINGS or a plant-defined meaning code. */
  meaning: string;
  /** The words printed with the signature ("Approval", "Reviewed by production"). */
  meaningText: string;
  /** User id (re-entered, must equal the caller's). */
  signerId: string;
  /** Full printed name (11.50(a)(1)). */
  printedName: string;
  /** ISO 8601 */
  signedAt: string;
  method: 'password' | 'passkey';
  comment?: string | undefined;
}

export interface SignatureView extends Signature {
  valid: boolean;
  invalidReason?: string | undefined;
}

/** What a signer sends: both components of the signature (11.200(a)(1)) and what it means. */
export interface SignRequest {
  userId: string;
  /** Checked, then forgotten: never stored, logged or echoed. */
  password: string;
  meaning: string;
  comment?: string | undefined;
}

/** The actions a plant's signature policies govern. */
export const SIGNED_ACTIONS = ['work-order.release-record', 'nonconformance.use-as-is', 'lot.release', 'document.approve'] as const;
export type SignedAction = (typeof SIGNED_ACTIONS)[number];

export interface SignaturePolicy {
  action: string;
  required: { meaning: string; roles: Role[] }[];
  /** Each required signature by a different person (the two-person rule). */
  distinctSigners: boolean;
}

export interface PolicyStatus {
  complete: boolean;
  missing: { meaning: string; roles: Role[] }[];
}

/** A plant-defined meaning: its code and the words printed with it. */
export interface SignatureMeaningDef {
  code: string;
  text: string;
}

/** The words printed with the standard meanings (a plant may add its own in its settings). */
export const STANDARD_MEANING_TEXT: Record<SignatureMeaning, string> = {
  review: 'Review',
  approval: 'Approval',
  responsibility: 'Responsibility',
  authorship: 'Authorship',
};

/** Signing is locked for a user after this many failed attempts within the window (11.300(d)). */
export const SIGNING_LOCKOUT = { maxFailures: 3, windowMinutes: 15, lockMinutes: 30 } as const;

/** A user's signing state: the recent failed attempts and any lock. Kept per user in the tenant's partition. */
export interface SigningState {
  userId: string;
  /** Times of the failed attempts inside the window, oldest first. */
  failures: string[];
  lockedUntil?: string | undefined;
  version: number;
  updatedAt: string;
}

/**
 * Events of signatures: `signature.applied` on the signed record's own outbox (written by its
 * owner, in its transaction); `security.signing-locked`, the lock-out alert (11.300(d)), on the
 * signer's signing partition.
 */
export const SIGNATURE_EVENT_TYPES = ['signature.applied', 'security.signing-locked'] as const;

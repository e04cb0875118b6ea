/**
 * The wire contract of electronic signatures (issue 16 section 2, docs/part-11.md): the sign
 * request (both components re-entered, 11.200(a)) and the signatures of a record with what its
 * policy still asks for. The password is read, checked and forgotten: never stored, logged or echoed.
 */
import * as z from 'zod/mini';
import { ROLES } from '../domain/roles.ts';
import {
  SIGNABLE_TYPES,
  SIGNATURE_METHODS,
  type PolicyStatus,
  type Signature,
  type SignatureView,
  type SignRequest,
} from '../domain/signatures/model.ts';
import { IdSchema, MeaningCodeSchema, meta, Timestamp } from './schemas.ts';

export const SignRequestSchema = meta(
  z.strictObject({
    userId: IdSchema,
    password: z.string().check(z.minLength(1, 'must be given: a signature needs your password'), z.maxLength(256)),
    meaning: MeaningCodeSchema,
    comment: z.optional(z.string().check(z.maxLength(2000))),
  }),
  'SignRequest',
  'A signature: your user id and password, re-entered at the moment of signing, and what the signature means.',
);

const SignatureShape = {
  id: z.string(),
  recordType: z.enum(SIGNABLE_TYPES),
  recordId: z.string(),
  contentHash: z.string(),
  meaning: z.string(),
  meaningText: z.string(),
  signerId: z.string(),
  printedName: z.string(),
  signedAt: Timestamp,
  method: z.enum(SIGNATURE_METHODS),
  comment: z.optional(z.string()),
};

export const SignatureSchema = meta(
  z.object({ ...SignatureShape, valid: z.boolean(), invalidReason: z.optional(z.string()) }),
  'Signature',
  'An electronic signature (21 CFR 11.50): printed name, date and time, meaning; bound to the hash of the signed content (11.70): `valid` is false when the record changed since or the signature names another record.',
);

export const PolicyStatusSchema = meta(
  z.object({
    complete: z.boolean(),
    missing: z.array(z.object({ meaning: z.string(), roles: z.array(z.enum(ROLES)) })),
  }),
  'PolicyStatus',
  "Whether the plant's policy for the record's action has all its signatures, and which are missing.",
);

export const SignaturesSchema = meta(
  z.object({ signatures: z.array(SignatureSchema), required: PolicyStatusSchema }),
  'Signatures',
  "A record's signatures, oldest first, and what its signature policy still needs.",
);

export { MeaningCodeSchema, SignatureMeaningSchema, SignaturePolicySchema } from './schemas.ts';

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Matches<S extends z.ZodMiniType, Model extends Same<z.output<S>, Model> extends true ? unknown : never> = [S, Model];
/** Each wire schema against the domain type it carries. */
export type SignatureModelMatchesWire = [Matches<typeof SignatureSchema, SignatureView>, Matches<typeof PolicyStatusSchema, PolicyStatus>];
export type SignRequestMatches = Same<z.output<typeof SignRequestSchema>, SignRequest>;
export type { Signature };
export { IdSchema as SignedRecordIdSchema };

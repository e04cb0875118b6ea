/**
 * The wire contract of the audit trail (issue 16, docs/part-11.md "Audit trail (11.10(e))"):
 * the records as exported (what the command-line verifier reads) and the verification's answer.
 */
import * as z from 'zod/mini';
import { AUDIT_ENTITIES } from '../domain/audit/entities.ts';
import { meta, Timestamp } from './schemas.ts';

const Hash = z.string().check(z.regex(/^[0-9a-f]{64}$/));

export const AuditQuerySchema = z
  .strictObject({
    entity: z.optional(z.enum(AUDIT_ENTITIES)),
    id: z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
    from: z.optional(Timestamp),
    to: z.optional(Timestamp),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 100),
    cursor: z.optional(z.string().check(z.maxLength(4096))),
  })
  .check(
    z.refine((q) => (q.entity === undefined) === (q.id === undefined), { message: 'entity and id go together', path: ['id'] }),
    z.refine((q) => q.entity !== undefined || q.from !== undefined, { message: 'is required without entity and id', path: ['from'] }),
  );

export const AuditVerifyQuerySchema = z.strictObject({ from: Timestamp, to: z.optional(Timestamp) });

export const AuditEntrySchema = meta(
  z.looseObject({
    chain: z.string(),
    seq: z.int(),
    prevHash: Hash,
    hash: Hash,
    /** The record's place in its partition (the number in its key): not hashed. */
    position: z.number(),
    at: Timestamp,
    by: z.optional(z.string()),
    action: z.optional(z.string()),
    target: z.optional(z.string()),
  }),
  'AuditEntry',
  'One audit record as stored, with its chain fields (docs/part-11.md says how to recompute its hash): every other member is the record’s own (version, changes, reason, ...).',
);

export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), nextCursor: z.optional(z.string()) });

export const BrokenLinkSchema = z.object({
  chain: z.string(),
  entity: z.string(),
  id: z.string(),
  seq: z.int(),
  at: z.string(),
  problem: z.string(),
});

export const AuditVerificationSchema = meta(
  z.object({
    ok: z.boolean(),
    from: Timestamp,
    to: Timestamp,
    chains: z.int(),
    records: z.int(),
    /** How many chains were also compared with the latest checkpoint naming them. */
    checkpointed: z.int(),
    broken: z.optional(BrokenLinkSchema),
  }),
  'AuditVerification',
  'Whether every chain written to in the window is intact, linked to its record’s head and to its latest checkpoint; else the first broken link.',
);

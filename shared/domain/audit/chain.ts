/**
 * The tamper-evident audit trail (issue 16, docs/part-11.md "Audit trail (11.10(e))"), pure.
 *
 * Every audit record belongs to a chain (the partition of the record it audits, without the
 * tenant: `WO#WO-1002`, `MDAUDIT#material#M-1`, ...), its number in that chain (`seq`, 1, 2,
 * 3, ... with no gap; stored in the order of its key) and links to the previous record of its chain:
 *
 *   hash = SHA-256( prevHash + "\n" + canonicalJson(content) )     (hex, lowercase)
 *
 * where content is the record as exported (every attribute but `hash` and `position`; the
 * store's keys and `entity` are never part of it) and prevHash is the previous record's hash, or 64 zeros for
 * seq 1. The record it audits carries the chain's head (`auditHead: {seq, hash}`), written in the
 * same transaction, so a deleted tail is seen too.
 */
import { canonicalJson, GENESIS_HASH, sha256Hex } from './canonical.ts';
import type { AuditEntity } from './entities.ts';

/** The last record of a chain: what the audited record carries and a checkpoint publishes. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** The chain fields every audit record carries, beside its own (version, at, by, action, ...). */
export interface ChainFields {
  chain: string;
  seq: number;
  prevHash: string;
  hash: string;
}

/** An audit record as `GET /v1/audit` returns it and the command-line verifier reads it. */
export type ChainedRecord = ChainFields & { at: string } & Record<string, unknown>;

export { GENESIS_HASH };

/** Attributes of a stored item that are the store's, never the record's (not hashed). */
export const STORE_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity', 'expiresAt'] as const;

/**
 * The hashed content of a record: everything but its hash, the store's attributes and the
 * `position` an export adds (the record's place in the store, from its key).
 */
export function auditContent(record: Record<string, unknown>): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (k === 'hash' || k === 'position' || (STORE_ATTRIBUTES as readonly string[]).includes(k)) continue;
    content[k] = v;
  }
  return content;
}

/** The hash that links a record (its content, which includes prevHash) to its chain. */
export const linkHash = (prevHash: string, content: Record<string, unknown>): string => sha256Hex(`${prevHash}\n${canonicalJson(content)}`);

/**
 * Links audit records into a chain after `previous` (undefined: the chain starts, seq 1 links to
 * GENESIS_HASH). seq counts the chain's records: 1, 2, 3, ... It equals the audited record's
 * version where every version writes one audit record (work orders, lots, nonconformances,
 * master data), not where a version also moves without one (a serial made or consumed by
 * production, an SPC monitor's state judging values). Returns the records with their chain fields
 * and the chain's new head.
 */
export function linkRecords<T extends object>(
  chain: string,
  previous: AuditHead | undefined,
  records: readonly T[],
): { records: (T & ChainFields)[]; head: AuditHead | undefined } {
  let prev = previous;
  const out: (T & ChainFields)[] = [];
  for (const record of records) {
    const prevHash = prev?.hash ?? GENESIS_HASH;
    const seq = (prev?.seq ?? 0) + 1;
    const withLink = { ...record, chain, seq, prevHash };
    const hash = linkHash(prevHash, auditContent(withLink));
    out.push({ ...withLink, hash });
    prev = { seq, hash };
  }
  return { records: out, head: prev };
}

// ---------- Chains and the records they audit ----------

export { AUDIT_ENTITIES, type AuditEntity, MASTER_DATA_AUDIT_KINDS } from './entities.ts';

const SIMPLE: Record<string, AuditEntity> = {
  WO: 'work-order',
  LOT: 'lot',
  SN: 'serial',
  RECALL: 'recall',
  NC: 'nonconformance',
  SPC: 'characteristic',
  SIGNING: 'signing',
  DOC: 'document',
  USER: 'user',
  PLANT: 'plant',
  MR: 'maintenance-request',
  MPLAN: 'maintenance-plan',
  LABOR: 'labor',
  PQUAL: 'person-qualifications',
  DEVICE: 'device',
};
const SIMPLE_PREFIX = Object.fromEntries(Object.entries(SIMPLE).map(([p, e]) => [e, p])) as Record<string, string>;

/** The chain of the tenant's checkpoints (checkpoints.ts). */
export const CHECKPOINT_CHAIN = 'CHECKPOINT';

/** The chain of an audited record: the inverse of describeChain. */
export function chainOf(entity: AuditEntity, id: string): string {
  const simple = SIMPLE_PREFIX[entity];
  if (simple) return `${simple}#${id}`;
  if (entity === 'integration-credential') return `INTEGAUDIT#credential#${id}`;
  if (entity === 'webhook-endpoint') return `INTEGAUDIT#webhook-endpoint#${id}`;
  if (entity === 'checkpoint') return CHECKPOINT_CHAIN;
  if (entity === 'downtime') {
    const at = id.lastIndexOf('@');
    return `EQ#${id.slice(0, at)}#DOWNTIME#${id.slice(at + 1)}`;
  }
  return `MDAUDIT#${entity}#${id}`;
}

/** Which record a chain audits, in the API's words. */
export function describeChain(chain: string): { entity: AuditEntity | 'unknown'; id: string } {
  const [head = '', ...rest] = chain.split('#');
  const simple = SIMPLE[head];
  if (simple) return { entity: simple, id: rest.join('#') };
  if (head === 'MDAUDIT') return { entity: (rest[0] ?? 'unknown') as AuditEntity, id: rest.slice(1).join('#') };
  if (head === 'INTEGAUDIT') return { entity: rest[0] === 'credential' ? 'integration-credential' : 'webhook-endpoint', id: rest.slice(1).join('#') };
  if (head === 'EQ' && rest.includes('DOWNTIME')) {
    const d = rest.indexOf('DOWNTIME');
    return { entity: 'downtime', id: `${rest.slice(0, d).join('#')}@${rest.slice(d + 1).join('#')}` };
  }
  if (chain === CHECKPOINT_CHAIN) return { entity: 'checkpoint', id: 'checkpoints' };
  return { entity: 'unknown', id: chain };
}

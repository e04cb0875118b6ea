/**
 * Verifies audit records (chain.ts), pure: what `GET /v1/audit/verify` runs on the store and
 * `npm run audit:verify` on an export. Records are grouped by chain and taken in the order they
 * are stored (`position`, the sequence number in the store's key, when the export has it; else
 * `seq`). In each chain:
 *   1. the record's hash is the hash of its content linked to its prevHash (not changed);
 *   2. seq is its position and follows the previous record's by one (none deleted, none
 *      inserted, none moved);
 *   3. prevHash is the previous record's hash (seq 1: 64 zeros; the first record of a window:
 *      the hash of the record before it, when given);
 *   4. the last record is the chain's head, when the head is known (no tail deleted or added);
 *   5. a record a checkpoint published has the hash the checkpoint says (not re-hashed since).
 * Of all broken links it names the first: the earliest `at`, then chain, then seq.
 */
import { type AuditHead, auditContent, type ChainedRecord, describeChain, GENESIS_HASH, linkHash } from './chain.ts';

export interface BrokenLink {
  chain: string;
  /** The audited record, in the API's words (chain.ts describeChain). */
  entity: string;
  id: string;
  /** The sequence number where the chain breaks. */
  seq: number;
  /** When the record where the break shows was written (the previous one's for a deleted tail). */
  at: string;
  /** What is wrong, in words. */
  problem: string;
}

export interface VerifyOptions {
  /** Chains' current heads (what each audited record carries); null: the record carries none. */
  heads?: ReadonlyMap<string, AuditHead | null>;
  /** The record just before a window's first record of a chain, when the window starts mid-chain. */
  before?: ReadonlyMap<string, AuditHead>;
  /** Heads published by checkpoints: the record with that seq must have that hash. */
  checkpoints?: ReadonlyMap<string, AuditHead>;
  /** Records may start mid-chain (an export of a time window): a chain's first link is then not checked. */
  partial?: boolean;
}

export type VerifyResult = { ok: true; chains: number; records: number } | { ok: false; chains: number; records: number; broken: BrokenLink };

type Input = ChainedRecord & { position?: number };

export function verifyAudit(records: readonly Input[], options: VerifyOptions = {}): VerifyResult {
  const chains = new Map<string, Input[]>();
  for (const r of records) {
    const list = chains.get(String(r.chain));
    if (list) list.push(r);
    else chains.set(String(r.chain), [r]);
  }
  for (const chain of options.heads?.keys() ?? []) if (!chains.has(chain)) chains.set(chain, []);
  const broken: BrokenLink[] = [];
  for (const [chain, list] of chains) {
    const found = verifyChain(chain, list, options);
    if (found) broken.push(found);
  }
  const summary = { chains: chains.size, records: records.length };
  if (broken.length === 0) return { ok: true, ...summary };
  broken.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : a.seq - b.seq));
  return { ok: false, ...summary, broken: broken[0] as BrokenLink };
}

const positionOf = (r: Input) => (r.position !== undefined ? r.position : Number(r.seq));

function verifyChain(chain: string, unsorted: readonly Input[], options: VerifyOptions): BrokenLink | undefined {
  const list = [...unsorted].sort((a, b) => positionOf(a) - positionOf(b));
  const { entity, id } = describeChain(chain);
  const broken = (seq: number, at: unknown, problem: string): BrokenLink => ({ chain, entity, id, seq, at: String(at ?? ''), problem });
  const checkpoint = options.checkpoints?.get(chain);
  let previous: Input | undefined;
  for (const [index, record] of list.entries()) {
    const seq = Number(record.seq);
    const position = positionOf(record);
    if (!Number.isFinite(position)) return broken(seq, record.at, `record ${seq} is stored where no audit record belongs (inserted)`);
    if (typeof record.hash !== 'string' || typeof record.prevHash !== 'string')
      return broken(seq, record.at, `record ${seq} carries no hash (not chained)`);
    if (linkHash(record.prevHash, auditContent(record)) !== record.hash) {
      return broken(seq, record.at, `record ${seq}'s content does not match its hash (changed after it was written)`);
    }
    const expected = previous ? Number(previous.seq) + 1 : undefined;
    if (expected !== undefined && seq !== expected) {
      if (seq < expected) return broken(seq, record.at, `record ${seq} is stored after record ${expected - 1} (reordered or inserted)`);
      if (list.slice(index + 1).some((r) => Number(r.seq) < seq)) {
        return broken(expected, record.at, `record ${seq} is stored where record ${expected} belongs (reordered)`);
      }
      const missing = seq - 1 === expected ? `record ${expected} is` : `records ${expected} to ${seq - 1} are`;
      return broken(expected, previous?.at, `${missing} missing (deleted)`);
    }
    if (previous) {
      if (record.prevHash !== previous.hash) {
        return broken(seq, record.at, `record ${seq} does not link to record ${seq - 1} (reordered, inserted or rewritten)`);
      }
    } else if (seq === 1) {
      if (record.prevHash !== GENESIS_HASH)
        return broken(seq, record.at, 'the first record does not start the chain (something was inserted before it)');
    } else {
      const before = options.before?.get(chain);
      if (before) {
        if (before.seq !== seq - 1) return broken(before.seq + 1, record.at, `records ${before.seq + 1} to ${seq - 1} are missing (deleted)`);
        if (record.prevHash !== before.hash)
          return broken(seq, record.at, `record ${seq} does not link to record ${seq - 1} (reordered, inserted or rewritten)`);
      } else if (!options.partial) {
        return broken(1, record.at, seq === 2 ? 'record 1 is missing (deleted)' : `records 1 to ${seq - 1} are missing (deleted)`);
      }
    }
    if (checkpoint && checkpoint.seq === seq && checkpoint.hash !== record.hash) {
      return broken(seq, record.at, `record ${seq} is not the record the checkpoint published (the chain was rewritten and re-hashed)`);
    }
    previous = record;
  }
  const head = options.heads?.get(chain);
  const last = previous;
  if (head === null) {
    if (last)
      return broken(
        Number(last.seq),
        last.at,
        `the audited record carries no audit head, yet record ${String(last.seq)} exists (head removed, or the record inserted)`,
      );
  } else if (head) {
    const lastSeq = last ? Number(last.seq) : 0;
    if (head.seq > lastSeq) {
      const missing = head.seq === lastSeq + 1 ? `record ${head.seq} is` : `records ${lastSeq + 1} to ${head.seq} are`;
      return broken(lastSeq + 1, last?.at ?? '', `${missing} missing at the end (deleted)`);
    }
    if (head.seq < lastSeq) return broken(head.seq + 1, last?.at ?? '', `record ${head.seq + 1} is past the audited record's head (inserted)`);
    if (last && head.hash !== last.hash)
      return broken(lastSeq, last.at, `the last record is not the one the audited record names as its head (rewritten)`);
  }
  // A window's export may hold none of a chain's records; one that holds some holds all up to a checkpoint in it.
  if (checkpoint && (last ? Number(last.seq) : 0) < checkpoint.seq && (head || last || !options.partial)) {
    return broken(checkpoint.seq, last?.at ?? '', `record ${checkpoint.seq}, published by a checkpoint, is missing (deleted)`);
  }
  return undefined;
}

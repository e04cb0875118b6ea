/**
 * Checkpoints of the audit trail (issue 16, docs/part-11.md "Checkpoints"): a scheduled job
 * writes, per tenant, the heads of the chains changed since the last checkpoint as a record of
 * the tenant's own checkpoint chain (`CHECKPOINT`, hash-chained as any other) AND publishes it
 * to an anchor store the MES cannot rewrite (S3 Object Lock in compliance mode on AWS, files
 * written once locally). `GET /v1/audit/verify` compares each chain with the latest checkpoint
 * naming it, and the checkpoints with their published copies: a record rewritten and its chain
 * re-hashed to the end (and its head item rewritten too) is caught there.
 */
import { canonicalJson } from './canonical.ts';
import { type AuditHead, CHECKPOINT_CHAIN, describeChain } from './chain.ts';
import type { AuditReader, CheckpointHeads, ExportedRecord } from './service.ts';
import type { BrokenLink } from './verify.ts';

/** Where checkpoints are published, once each: nobody, the MES included, can change or delete them. */
export interface AnchorStore {
  /** Writes the checkpoint's copy; a second write of the same seq is refused by the store. */
  put(tenantId: string, seq: number, body: string): Promise<void>;
  get(tenantId: string, seq: number): Promise<string | undefined>;
}

export interface CheckpointState {
  version: number;
  /** The time up to which the index was read for the last checkpoint. */
  through: string;
  auditHead?: AuditHead;
}

export interface CheckpointStore {
  /** Tenants that wrote audit records on these UTC days. */
  tenants(days: readonly string[]): Promise<string[]>;
  state(tenantId: string): Promise<CheckpointState | undefined>;
  /** The checkpoint record and the new state, in one transaction conditioned on the state read. Returns the record as exported. */
  write(tenantId: string, record: CheckpointRecord, before: CheckpointState | undefined): Promise<ExportedRecord>;
}

export interface CheckpointRecord {
  version: number;
  at: string;
  by: string;
  action: 'audit.checkpoint';
  target: 'checkpoints';
  through: string;
  heads: { chain: string; seq: number; hash: string }[];
}

/** How long the time index may lag behind a write (GSIs are eventually consistent): the job reads up to now minus this. */
const INDEX_LAG_MS = 60_000;

export class CheckpointService implements CheckpointHeads {
  constructor(
    private readonly reader: AuditReader,
    private readonly store: CheckpointStore,
    /** None: checkpoints are kept in the table only (no copy published, none compared). */
    private readonly anchor: AnchorStore | undefined,
  ) {}

  /** One run: a checkpoint for every tenant that changed a chain since its last one. */
  async run(now: Date): Promise<{ tenants: number; checkpoints: number; failed?: string[] }> {
    const day = now.toISOString().slice(0, 10);
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const tenants = await this.store.tenants([yesterday, day]);
    let checkpoints = 0;
    const failed: string[] = [];
    for (const tenantId of tenants) {
      // One tenant's failure (a conflict with an overlapping run, the anchor store) stops only its checkpoint: the next run tries again.
      try {
        if (await this.checkpoint(tenantId, now)) checkpoints++;
      } catch (error) {
        failed.push(tenantId);
        console.error('audit checkpoint failed', tenantId, (error as Error).name, (error as Error).message);
      }
    }
    if (failed.length && failed.length === tenants.length) throw new Error(`no audit checkpoint could be written (${failed.length} tenants)`);
    return { tenants: tenants.length, checkpoints, ...(failed.length ? { failed } : {}) };
  }

  /** A checkpoint of one tenant, when a chain changed since the last; published to the anchor store. */
  async checkpoint(tenantId: string, now: Date): Promise<ExportedRecord | undefined> {
    const before = await this.store.state(tenantId);
    if (before && this.anchor) await this.republish(tenantId, before.auditHead);
    const until = new Date(now.getTime() - INDEX_LAG_MS).toISOString();
    const from = before?.through ?? new Date(now.getTime() - 2 * 86_400_000).toISOString();
    if (from >= until) return undefined;
    const changed = (await this.reader.allByTime(tenantId, from, until)).filter((r) => r.chain !== CHECKPOINT_CHAIN);
    const chains = [...new Set(changed.map((r) => r.chain))].sort();
    if (chains.length === 0) return undefined;
    const heads = await this.reader.heads(tenantId, chains);
    const record: CheckpointRecord = {
      version: (before?.version ?? 0) + 1,
      at: now.toISOString(),
      by: 'mes',
      action: 'audit.checkpoint',
      target: 'checkpoints',
      through: until,
      heads: chains.flatMap((chain) => {
        const head = heads.get(chain);
        return head ? [{ chain, seq: head.seq, hash: head.hash }] : [];
      }),
    };
    const written = await this.store.write(tenantId, record, before);
    await this.anchor?.put(tenantId, written.seq, canonicalJson(written));
    return written;
  }

  /**
   * The last checkpoint's copy, when a run wrote it to the table and stopped before the anchor
   * store had it (a timeout, a failed put): put now, before the next, so every checkpoint has one.
   */
  private async republish(tenantId: string, head: AuditHead | undefined): Promise<void> {
    if (!head || (await this.anchor?.get(tenantId, head.seq)) !== undefined) return;
    const last = (await this.reader.chain(tenantId, CHECKPOINT_CHAIN)).find((r) => r.seq === head.seq);
    if (last && last.hash === head.hash) await this.anchor?.put(tenantId, last.seq, canonicalJson(last));
  }

  /**
   * The latest published head of every chain, from the tenant's checkpoint chain; each checkpoint
   * used is compared with its copy in the anchor store (a checkpoint without a copy, or another
   * one, is a broken link).
   */
  async latest(tenantId: string): Promise<{ heads: Map<string, AuditHead & { publishedAt: string }>; broken?: BrokenLink }> {
    const records = await this.reader.chain(tenantId, CHECKPOINT_CHAIN);
    const heads = new Map<string, AuditHead & { publishedAt: string; checkpoint: ExportedRecord }>();
    for (const record of records) {
      for (const h of (record.heads as CheckpointRecord['heads'] | undefined) ?? []) {
        heads.set(h.chain, { seq: h.seq, hash: h.hash, publishedAt: record.at, checkpoint: record });
      }
    }
    const used = new Set([...heads.values()].map((h) => h.checkpoint));
    const last = records.at(-1);
    if (last) used.add(last);
    let broken: BrokenLink | undefined;
    for (const record of this.anchor ? [...used].sort((a, b) => a.seq - b.seq) : []) {
      const copy = await this.anchor?.get(tenantId, record.seq);
      const published = copy ? (JSON.parse(copy) as { hash?: string }) : undefined;
      if (published?.hash !== record.hash) {
        const { entity, id } = describeChain(CHECKPOINT_CHAIN);
        broken = {
          chain: CHECKPOINT_CHAIN,
          entity,
          id,
          seq: record.seq,
          at: record.at,
          problem: copy
            ? `checkpoint ${record.seq} is not the one published to the anchor store (rewritten)`
            : `checkpoint ${record.seq} was never published to the anchor store`,
        };
        break;
      }
    }
    const out = new Map([...heads].map(([chain, { checkpoint: _, ...head }]) => [chain, head]));
    return broken ? { heads: out, broken } : { heads: out };
  }
}

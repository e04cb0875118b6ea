/**
 * The audit trail read and verified (issue 16): `GET /v1/audit` and `GET /v1/audit/verify`.
 * Read-only; the tenant is the caller's, so another tenant's record is a 404.
 */
import type { AuthContext } from '../../auth/claims.ts';
import type { Clock } from '../clock.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import type { Page } from '../work-order/repository.ts';
import { type AuditEntity, type AuditHead, CHECKPOINT_CHAIN, type ChainedRecord, chainOf } from './chain.ts';
import { type BrokenLink, verifyAudit } from './verify.ts';

/** An audit record as exported: its stored attributes and its place in the store. */
export type ExportedRecord = ChainedRecord & { position: number };

export interface AuditReader {
  chainPage(
    tenantId: string,
    chain: string,
    range: { from?: string; to?: string },
    page: { cursor?: string; limit: number },
  ): Promise<Page<ExportedRecord>>;
  chain(tenantId: string, chain: string): Promise<ExportedRecord[]>;
  byTime(tenantId: string, from: string, to: string, page: { cursor?: string; limit: number }): Promise<Page<ExportedRecord>>;
  allByTime(tenantId: string, from: string, to: string): Promise<ExportedRecord[]>;
  heads(tenantId: string, chains: readonly string[]): Promise<Map<string, AuditHead | null>>;
}

/** The heads the tenant's checkpoints published (checkpoints.ts), each chain's latest, after checking them against the anchor store. */
export interface CheckpointHeads {
  latest(tenantId: string): Promise<{ heads: Map<string, AuditHead & { publishedAt: string }>; broken?: BrokenLink }>;
}

/** The longest window one request reads: a quarter. */
const MAX_WINDOW_MS = 92 * 86_400_000;
/** Chains read at once. */
const CONCURRENCY = 8;

export interface AuditQuery {
  entity?: AuditEntity | undefined;
  id?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export class AuditService {
  constructor(
    private readonly reader: AuditReader,
    private readonly clock: Clock,
    private readonly checkpoints?: CheckpointHeads,
  ) {}

  /** One record's trail (entity and id), or the tenant's by time. */
  async trail(auth: AuthContext, query: AuditQuery): Promise<Page<ExportedRecord>> {
    const page = { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
    if (query.entity && query.id) {
      const chain = chainOf(query.entity, query.id);
      const range = { ...(query.from ? { from: iso(query.from) } : {}), ...(query.to ? { to: iso(query.to) } : {}) };
      const found = await this.reader.chainPage(auth.tenantId, chain, range, page);
      if (found.items.length === 0 && !query.cursor && !found.nextCursor) {
        const heads = await this.reader.heads(auth.tenantId, [chain]);
        if (!heads.has(chain)) throw new NotFoundError(`${query.entity} ${query.id}`);
      }
      return found;
    }
    const { from, to } = this.window(query.from, query.to);
    return this.reader.byTime(auth.tenantId, from, to, page);
  }

  /**
   * Verifies every chain written to in [from, to] (found by the time index), whole, from its
   * first record (so each chain's link into the window is checked), against the head its
   * record carries and the latest checkpoint naming it; also the chains a checkpoint published
   * in the window names (so a chain whose records in the window were all deleted is still
   * read), and the checkpoint chain itself.
   */
  async verify(auth: AuthContext, query: { from: string; to?: string | undefined }) {
    const { from, to } = this.window(query.from, query.to);
    // Heads are read before the chains, so a command writing in between shows as a chain one
    // record past its head (or a new chain whose record carries none yet): such a break is read
    // again, up to twice, before it is reported; a real one stays.
    let result = await this.verifyOnce(auth.tenantId, from, to);
    for (let retry = 0; retry < 2 && !result.ok && /head/.test(result.broken.problem); retry++) {
      result = await this.verifyOnce(auth.tenantId, from, to);
    }
    return { ...result, from, to };
  }

  private async verifyOnce(tenantId: string, from: string, to: string) {
    const touched = await this.reader.allByTime(tenantId, from, to);
    const chains = new Set(touched.map((r) => r.chain));
    const published = this.checkpoints ? await this.checkpoints.latest(tenantId) : { heads: new Map<string, AuditHead & { publishedAt: string }>() };
    for (const [chain, head] of published.heads) if (head.publishedAt >= from) chains.add(chain);
    if (published.heads.size > 0) chains.add(CHECKPOINT_CHAIN);
    const list = [...chains].sort();
    const heads = await this.reader.heads(tenantId, list);
    const records: ExportedRecord[] = [];
    for (let i = 0; i < list.length; i += CONCURRENCY) {
      const read = await Promise.all(list.slice(i, i + CONCURRENCY).map((chain) => this.reader.chain(tenantId, chain)));
      for (const r of read) records.push(...r);
    }
    const checkpoints = new Map([...published.heads].filter(([chain]) => chains.has(chain)));
    const result = verifyAudit(records, { heads, checkpoints });
    const checkpointed = checkpoints.size;
    if (published.broken && (result.ok || published.broken.at < result.broken.at)) {
      return { ok: false as const, chains: result.chains, records: result.records, checkpointed, broken: published.broken };
    }
    return { ...result, checkpointed };
  }

  private window(fromText: string | undefined, toText: string | undefined) {
    const to = toText ? iso(toText) : this.clock.now().toISOString();
    const from = fromText ? iso(fromText) : new Date(Date.parse(to) - 86_400_000).toISOString();
    if (from > to) throw new ValidationError([{ pointer: '/query/from', detail: 'must not be after to' }]);
    if (Date.parse(to) - Date.parse(from) > MAX_WINDOW_MS) {
      throw new ValidationError([{ pointer: '/query/from', detail: 'the window is at most 92 days: ask for a quarter at a time' }]);
    }
    return { from, to };
  }
}

const iso = (text: string) => new Date(text).toISOString();

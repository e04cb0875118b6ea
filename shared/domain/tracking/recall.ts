/**
 * The recall (issue 14, docs/tracking.md "Trace and recall"): a forward trace put on hold.
 *
 * From a lot or serial (the root) the recall walks the WHOLE forward trace (every page of
 * traceGenealogy) and holds every lot that is available and every serial that is made, the
 * root too, each as its own hold: its movement, audit record and `lot.held` / `serial.held`
 * event (with the recall's id), written in transactions of RECALL_GROUP nodes (at most 5 items
 * a node, so under DynamoDB's 100). What it does not hold it counts: held already (by someone
 * else), consumed, scrapped, shipped; the shipped lots and serials are listed with their
 * shipments (the customers to tell).
 *
 * The recall is a record of its own (`GET /v1/recalls/{id}`): written first (`in-progress`,
 * event `recall.started`), completed last with its counts (`recall.completed`). Re-running it
 * is harmless: a node the recall held before is counted as held by it (its hold reason names
 * the recall), one held by anyone else as held already, and nothing is held twice. A recall
 * that fails half way (a lost connection, a timeout) is resumed by sending the same request
 * with the same `id` again: the nodes it held stay held and count as its own, and it goes on.
 */
import { v7 as uuidv7 } from 'uuid';
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { AlreadyExistsError, UnknownReferenceError } from '../errors.ts';
import { currentDeadline, retryOnConflict } from '../retry.ts';
import { diff } from '../work-order/diff.ts';
import type { AuditRecord, OutboxEvent } from '../work-order/model.ts';
import { type GenealogyReader, type TraceCursor, type TraceNode, traceGenealogy } from './genealogy.ts';
import type { LotRepository } from './lot-repository.ts';
import { holdLot, type LotAggregate, type LotChange, type LotContext } from './lots.ts';
import { type Movement, type NodeRef, nodeKey, type Recall, type RecallCounts, type ShippedNode } from './model.ts';
import type { RecallEventType } from './recall-events.ts';
import { holdSerial, type SerialAggregate, type SerialChange, type SerialRepository } from './serials.ts';

/** Nodes held in one transaction: each is up to 5 items (record, movement, audit, event, shipped entry). */
export const RECALL_GROUP = 16;
/** Transactions of one recall in flight at once. */
const PARALLEL_GROUPS = 4;
/** A recall stops starting groups this long before the request's deadline, to answer how far it got. */
export const RECALL_RESERVE_MS = 3_000;
/** The shipped nodes a `recall.completed` event lists at most (the recall itself lists all). */
export const RECALL_EVENT_SHIPPED_MAX = 500;

/** The recall as stored: without its shipped list (items of their own), with its outbox counter. */
export interface RecallAggregate extends Omit<Recall, 'shipped'> {
  eventSeq: number;
}

export interface RecallChange {
  before: RecallAggregate | undefined;
  after: RecallAggregate;
  audit: AuditRecord;
  events: OutboxEvent[];
}

/** The port the recall writes through (shared/db/recall-repository.ts). */
export interface RecallRepository {
  get(tenantId: string, id: string): Promise<{ recall: RecallAggregate; shipped: ShippedNode[] } | undefined>;
  /** The recall (new: must not exist, AlreadyExistsError; changed: at the version read), its audit record and events. */
  commitRecall(tenantId: string, change: RecallChange): Promise<void>;
  /** One transaction: the nodes' holds and the recall's shipped entries. VersionConflictError when a node changed meanwhile. */
  commitNodes(tenantId: string, recallId: string, write: { lots: LotChange[]; serials: SerialChange[]; shipped: ShippedNode[] }): Promise<void>;
  /** A lot's or serial's `ship` movements, oldest first. */
  shipments(tenantId: string, node: NodeRef): Promise<Movement[]>;
}

export interface StartRecall {
  root: NodeRef;
  reason: string;
  /** The recall's id; a recall of that id (of the same root) is resumed. Absent: a new id. */
  id?: string | undefined;
}

const ZERO: RecallCounts = { nodes: 0, held: 0, alreadyHeld: 0, consumed: 0, scrapped: 0, shipped: 0 };
const add = (a: RecallCounts, b: RecallCounts): RecallCounts => ({
  nodes: a.nodes + b.nodes,
  held: a.held + b.held,
  alreadyHeld: a.alreadyHeld + b.alreadyHeld,
  consumed: a.consumed + b.consumed,
  scrapped: a.scrapped + b.scrapped,
  shipped: a.shipped + b.shipped,
});

/** The hold reason a recall writes: it names the recall, so a re-run knows its own holds. */
export const recallHoldReason = (recallId: string, reason: string) => `Recall ${recallId}: ${reason}`;
const heldBy = (holdReason: string | undefined, recallId: string) => holdReason?.startsWith(`Recall ${recallId}: `) ?? false;

export class RecallService {
  constructor(
    private readonly recalls: RecallRepository,
    private readonly lots: LotRepository,
    private readonly serials: SerialRepository,
    private readonly reader: GenealogyReader,
    private readonly clock: Clock = systemClock,
  ) {}

  private context(auth: AuthContext) {
    return {
      tenantId: auth.tenantId,
      actor: { userId: auth.userId, name: auth.name, roles: auth.roles },
      now: this.clock.now().toISOString(),
      newId: uuidv7,
    };
  }

  /** The recall with its shipped list, or undefined. */
  async find(auth: AuthContext, id: string): Promise<Recall | undefined> {
    const found = await this.recalls.get(auth.tenantId, id);
    return found ? toRecall(found.recall, found.shipped) : undefined;
  }

  /**
   * Starts (or resumes, with the same id) a recall; `created` false when it existed. When the
   * request's deadline comes before the walk is done, it stops between groups and answers the
   * recall `in-progress` with the counts so far (`finished` false): the same request resumes it.
   */
  async run(auth: AuthContext, input: StartRecall): Promise<{ recall: Recall; created: boolean; finished: boolean }> {
    const { tenantId } = auth;
    const pointer = input.root.kind === 'lot' ? '/body/lotId' : '/body/serialId';
    const rootRecord = input.root.kind === 'lot' ? await this.lots.get(tenantId, input.root.id) : await this.serials.get(tenantId, input.root.id);
    if (!rootRecord) {
      throw new UnknownReferenceError([
        { pointer, detail: `${input.root.kind === 'lot' ? 'lot' : 'serial number'} ${input.root.id} does not exist` },
      ]);
    }
    const existing = input.id ? await this.recalls.get(tenantId, input.id) : undefined;
    if (existing && nodeKey(existing.recall.root) !== nodeKey(input.root)) {
      throw new AlreadyExistsError(`recall ${input.id} exists already, of ${existing.recall.root.kind} ${existing.recall.root.id}`);
    }
    let recall: RecallAggregate;
    if (existing) recall = existing.recall;
    else {
      const ctx = this.context(auth);
      recall = {
        id: input.id ?? ctx.newId(),
        root: { kind: input.root.kind, id: input.root.id },
        materialId: rootRecord.materialId,
        ...(rootRecord.materialName !== undefined ? { materialName: rootRecord.materialName } : {}),
        reason: input.reason,
        status: 'in-progress',
        startedAt: ctx.now,
        startedBy: ctx.actor.userId,
        counts: ZERO,
        version: 1,
        eventSeq: 1,
      };
      await this.recalls.commitRecall(tenantId, {
        before: undefined,
        after: recall,
        audit: {
          version: 1,
          at: ctx.now,
          by: ctx.actor.userId,
          action: 'recall.start',
          target: 'recall',
          reason: input.reason,
          changes: diff({}, recall, IGNORED),
        },
        events: [event(ctx, recall, 1, 'recall.started', { ...summary(recall), by: ctx.actor.userId })],
      });
    }

    const { counts, shipped, finished } = await this.walk(auth, recall);
    if (!finished) return { recall: toRecall({ ...recall, counts }, shipped), created: !existing, finished: false };
    const completed = await retryOnConflict(undefined, async () => {
      const now = (await this.recalls.get(tenantId, recall.id))?.recall ?? recall;
      const ctx = this.context(auth);
      const after: RecallAggregate = {
        ...now,
        status: 'completed',
        completedAt: ctx.now,
        counts,
        version: now.version + 1,
        eventSeq: now.eventSeq + 1,
      };
      await this.recalls.commitRecall(tenantId, {
        before: now,
        after,
        audit: {
          version: after.version,
          at: ctx.now,
          by: ctx.actor.userId,
          action: 'recall.complete',
          target: 'recall',
          changes: diff(now, after, IGNORED),
        },
        events: [
          event(ctx, after, after.eventSeq, 'recall.completed', {
            ...summary(after),
            counts,
            shipped: shipped.slice(0, RECALL_EVENT_SHIPPED_MAX).map(({ shipments, ...node }) => ({
              ...node,
              references: [...new Set(shipments.flatMap((s) => (s.reference ? [s.reference] : [])))],
            })),
            shippedListed: Math.min(shipped.length, RECALL_EVENT_SHIPPED_MAX),
            by: ctx.actor.userId,
          }),
        ],
      });
      return after;
    });
    return { recall: toRecall(completed, shipped), created: !existing, finished: true };
  }

  /** Every page of the forward trace; each page's nodes held in groups, a few transactions at once. */
  private async walk(auth: AuthContext, recall: RecallAggregate) {
    let counts = ZERO;
    const shipped: ShippedNode[] = [];
    let cursor: TraceCursor | undefined;
    const deadline = currentDeadline();
    const late = () => deadline !== undefined && Date.now() > deadline - RECALL_RESERVE_MS;
    let finished = true;
    do {
      if (late()) {
        finished = false;
        break;
      }
      const page = await traceGenealogy(this.reader, auth.tenantId, recall.root, 'forward', { cursor });
      if (!page) break;
      counts = add(counts, { ...ZERO, nodes: page.nodes.length });
      const groups: TraceNode[][] = [];
      const found = page.nodes.filter((n) => n.found);
      for (let i = 0; i < found.length; i += RECALL_GROUP) groups.push(found.slice(i, i + RECALL_GROUP));
      let next = 0;
      const worker = async () => {
        while (next < groups.length) {
          if (late()) {
            finished = false;
            return;
          }
          const group = groups[next++] as TraceNode[];
          // Decided again on the records as they are now when another write came first.
          const result = await retryOnConflict(undefined, () => this.holdGroup(auth, recall, group));
          counts = add(counts, result.counts);
          shipped.push(...result.shipped);
        }
      };
      await Promise.all(Array.from({ length: Math.min(PARALLEL_GROUPS, groups.length) }, worker));
      cursor = page.nextCursor;
    } while (cursor && finished);
    shipped.sort((a, b) => (nodeKey(a) < nodeKey(b) ? -1 : 1));
    return { counts, shipped, finished };
  }

  /** Reads a group's records (strongly), holds what may be held, counts the rest, in one transaction. */
  private async holdGroup(auth: AuthContext, recall: RecallAggregate, group: readonly TraceNode[]) {
    const { tenantId } = auth;
    const lotIds = group.filter((n) => n.kind === 'lot').map((n) => n.id);
    const serialIds = group.filter((n) => n.kind === 'serial').map((n) => n.id);
    const [lots, serials] = await Promise.all([
      lotIds.length ? this.lots.getMany(tenantId, lotIds) : ([] as LotAggregate[]),
      serialIds.length ? this.serials.getMany(tenantId, serialIds) : ([] as SerialAggregate[]),
    ]);
    const ctx = this.context(auth) as LotContext;
    const reason = recallHoldReason(recall.id, recall.reason);
    const counts = { ...ZERO };
    const lotChanges: LotChange[] = [];
    const serialChanges: SerialChange[] = [];
    const leftPlant: { node: NodeRef; materialId: string; materialName?: string | undefined; quantity: number; uom?: string | undefined }[] = [];
    const tally = (status: string, holdReason: string | undefined) => {
      if (status === 'on-hold') counts[heldBy(holdReason, recall.id) ? 'held' : 'alreadyHeld'] += 1;
      else if (status === 'consumed') counts.consumed += 1;
      else if (status === 'scrapped') counts.scrapped += 1;
    };
    for (const lot of lots) {
      if (lot.status === 'available') {
        lotChanges.push(...holdLot(ctx, lot, reason, recall.id).changes);
        counts.held += 1;
      } else tally(lot.status, lot.holdReason);
      if (lot.status === 'shipped' || (lot.shippedQty ?? 0) > 0) {
        leftPlant.push({
          node: { kind: 'lot', id: lot.id },
          materialId: lot.materialId,
          materialName: lot.materialName,
          quantity: lot.shippedQty ?? 0,
          uom: lot.uom,
        });
      }
    }
    for (const serial of serials) {
      if (serial.status === 'made') {
        serialChanges.push(holdSerial(ctx, serial, reason, recall.id));
        counts.held += 1;
      } else tally(serial.status, serial.holdReason);
      if (serial.status === 'shipped')
        leftPlant.push({ node: { kind: 'serial', id: serial.id }, materialId: serial.materialId, materialName: serial.materialName, quantity: 1 });
    }
    counts.shipped = leftPlant.length;
    const shipped: ShippedNode[] = await Promise.all(
      leftPlant.map(async (l) => {
        const moves = await this.recalls.shipments(tenantId, l.node);
        const shipments = moves.map((m) => ({ at: m.at, by: m.by, quantity: -m.quantityChange, ...(m.reference ? { reference: m.reference } : {}) }));
        return {
          kind: l.node.kind,
          id: l.node.id,
          materialId: l.materialId,
          ...(l.materialName !== undefined ? { materialName: l.materialName } : {}),
          // A lot shipped before shippedQty was kept: what its ship movements say.
          quantity: l.quantity || shipments.reduce((sum, s) => sum + s.quantity, 0),
          ...(l.uom !== undefined ? { uom: l.uom } : {}),
          shipments,
        };
      }),
    );
    if (lotChanges.length || serialChanges.length || shipped.length) {
      await this.recalls.commitNodes(tenantId, recall.id, { lots: lotChanges, serials: serialChanges, shipped });
    }
    return { counts, shipped };
  }
}

const IGNORED = new Set(['version', 'eventSeq']);

const summary = (r: RecallAggregate) => ({
  recallId: r.id,
  root: r.root,
  materialId: r.materialId,
  reason: r.reason,
  status: r.status,
});

function event(
  ctx: { tenantId: string; now: string; newId: () => string },
  recall: RecallAggregate,
  sequence: number,
  type: RecallEventType,
  data: Record<string, unknown>,
): OutboxEvent {
  return { id: ctx.newId(), type, schemaVersion: 1, occurredAt: ctx.now, tenantId: ctx.tenantId, recallId: recall.id, sequence, data };
}

export const toRecall = ({ eventSeq: _, ...recall }: RecallAggregate, shipped: ShippedNode[]): Recall => ({ ...recall, shipped });

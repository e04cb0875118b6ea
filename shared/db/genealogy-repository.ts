/**
 * Genealogy in DynamoDB: the edge writer every command that links lots and serials uses
 * (consume into a produced lot or serial, split, merge), and the trace's reader.
 *
 * Storage, in the node's partition `{t}#GEN#{nodeKey}` (keys.ts):
 * - one item per edge and direction, `OUT#{to}` under `from` and `IN#{from}` under `to`, with
 *   the GenealogyEdge fields (the same pair linked again adds its quantity);
 * - the adjacency, in chunks of GENEALOGY_CHUNK edges: `ADJ#OUT#{chunk}` and `ADJ#IN#{chunk}`,
 *   each edge an attribute `e{slot}`; the first chunk holds `n`, the slots handed out. A trace
 *   reads a level's first chunks with BatchGetItem (100 nodes a call) and only the nodes with
 *   more than one chunk of edges need a second round, so a level costs a bounded number of
 *   calls per 100 nodes, never one Query per node. A chunk stays small (about 4 KB), so
 *   writing an edge costs the same on a node with 10 edges or 100,000.
 *
 * Writing an edge: `genealogyEdgeWrites` first reserves the slots (one UpdateItem `ADD n` per
 * node and direction, outside the transaction: a slot whose transaction then fails stays an
 * empty hole, which a trace skips), then returns the TransactWriteItems entries (edge items
 * and chunk updates) for the caller's own transaction, beside its lot changes, audit records
 * and outbox events.
 */
import { BatchGetCommand, type BatchGetCommandOutput, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { GenealogyReader, GenealogyReadRequest, GenealogyReadResult, TraceDirection, TraceNodeFacts } from '../domain/tracking/genealogy.ts';
import { VersionConflictError } from '../domain/errors.ts';
import { type GenealogyEdge, type NodeRef, nodeKey, parseNodeKey } from '../domain/tracking/model.ts';
import { ddb, tableName } from './client.ts';
import { keys } from './keys.ts';
import { type TransactItem, transact } from './transactions.ts';

/** Edges per adjacency chunk: about 150 bytes each, so a chunk reads as one 4 KB unit. */
export const GENEALOGY_CHUNK = 24;
/** BatchGetItem calls of one round in flight at once. */
const PARALLEL_BATCHES = 16;

type Side = 'IN' | 'OUT';
/** A stored adjacency entry: the other node and the edge's facts, short names (it is stored per edge, twice). */
interface AdjacencyEntry {
  k: string;
  q: number;
  u: string;
  v: GenealogyEdge['via'];
  w?: string | undefined;
  s?: number | undefined;
  a: string;
  b: string;
}

const sideOf = (direction: TraceDirection): Side => (direction === 'backward' ? 'IN' : 'OUT');

/** The node's own record: a lot's `LOT` item, a serial's `SN` item. */
export const nodeRecordKey = (tenantId: string, node: NodeRef) =>
  node.kind === 'lot' ? keys.lot(tenantId, node.id) : keys.serial(tenantId, node.id);

/**
 * The TransactWriteItems entries that record `edges`: per edge its two items and its slots in
 * both nodes' adjacency. Reserves the slots first (one UpdateItem per node and side, in
 * parallel). Edges of one call that share a pair or a chunk are combined, since a transaction
 * may name an item once. Up to 2 + 2 entries per edge: mind the transaction's 100 items.
 */
export async function genealogyEdgeWrites(tenantId: string, edges: readonly GenealogyEdge[]): Promise<TransactItem[]> {
  const table = tableName();
  for (const e of edges) {
    if (nodeKey(e.from) === nodeKey(e.to)) throw new Error(`a genealogy edge from ${nodeKey(e.from)} to itself`);
  }
  // Slots: how many each node and side needs, reserved at once.
  const wanted = new Map<string, { node: string; side: Side; count: number; next: number }>();
  const want = (node: string, side: Side) => {
    const id = `${side}|${node}`;
    const entry = wanted.get(id) ?? { node, side, count: 0, next: 0 };
    entry.count += 1;
    wanted.set(id, entry);
  };
  for (const e of edges) {
    want(nodeKey(e.from), 'OUT');
    want(nodeKey(e.to), 'IN');
  }
  await Promise.all(
    [...wanted.values()].map(async (w) => {
      const { Attributes } = await ddb().send(
        new UpdateCommand({
          TableName: table,
          Key: keys.genealogyAdjacency(tenantId, w.node, w.side, 0),
          UpdateExpression: 'SET entity = :entity ADD n :count',
          ExpressionAttributeValues: { ':entity': 'GenealogyAdjacency', ':count': w.count },
          ReturnValues: 'UPDATED_NEW',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      w.next = Number(Attributes?.n) - w.count;
    }),
  );

  const chunks = new Map<string, { key: Record<string, string>; set: Map<string, AdjacencyEntry> }>();
  const place = (node: string, side: Side, entry: AdjacencyEntry) => {
    const w = wanted.get(`${side}|${node}`) as { next: number };
    const slot = w.next++;
    const chunk = Math.floor(slot / GENEALOGY_CHUNK);
    const id = `${side}|${node}|${chunk}`;
    const c = chunks.get(id) ?? { key: keys.genealogyAdjacency(tenantId, node, side, chunk), set: new Map() };
    c.set.set(`e${slot}`, entry);
    chunks.set(id, c);
  };
  const pairs = new Map<string, GenealogyEdge>();
  for (const e of edges) {
    const facts = { q: e.quantity, u: e.uom, v: e.via, w: e.workOrderId, s: e.seq, a: e.at, b: e.by };
    place(nodeKey(e.from), 'OUT', { k: nodeKey(e.to), ...facts });
    place(nodeKey(e.to), 'IN', { k: nodeKey(e.from), ...facts });
    const pair = `${nodeKey(e.from)}>${nodeKey(e.to)}`;
    const before = pairs.get(pair);
    pairs.set(pair, before ? { ...before, quantity: before.quantity + e.quantity } : e);
  }

  const edgeItems: TransactItem[] = [...pairs.values()].flatMap((e) => {
    const from = nodeKey(e.from);
    const to = nodeKey(e.to);
    const update = (key: Record<string, string>): TransactItem => ({
      Update: {
        TableName: table,
        Key: key,
        UpdateExpression:
          'SET entity = :entity, #from = :from, #to = :to, uom = :uom, via = :via, #at = if_not_exists(#at, :at), #by = if_not_exists(#by, :by), lastAt = :at' +
          (e.workOrderId !== undefined ? ', workOrderId = if_not_exists(workOrderId, :wo)' : '') +
          (e.seq !== undefined ? ', seq = if_not_exists(seq, :seq)' : '') +
          ' ADD quantity :q',
        ExpressionAttributeNames: { '#from': 'from', '#to': 'to', '#at': 'at', '#by': 'by' },
        ExpressionAttributeValues: {
          ':entity': 'GenealogyEdge',
          ':from': { kind: e.from.kind, id: e.from.id },
          ':to': { kind: e.to.kind, id: e.to.id },
          ':uom': e.uom,
          ':via': e.via,
          ':at': e.at,
          ':by': e.by,
          ':q': e.quantity,
          ...(e.workOrderId !== undefined ? { ':wo': e.workOrderId } : {}),
          ...(e.seq !== undefined ? { ':seq': e.seq } : {}),
        },
      },
    });
    return [update(keys.genealogyOut(tenantId, from, to)), update(keys.genealogyIn(tenantId, to, from))];
  });
  const chunkItems: TransactItem[] = [...chunks.values()].map(({ key, set }) => {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':entity': 'GenealogyAdjacency' };
    const sets = ['entity = :entity'];
    for (const [attribute, entry] of set) {
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = entry;
      sets.push(`#${attribute} = :${attribute}`);
    }
    return {
      Update: {
        TableName: table,
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
  return [...edgeItems, ...chunkItems];
}

/**
 * Records edges in a transaction of their own (tests, the bench, a backfill). A transaction
 * that meets another on the same chunk is tried again with new slots (the old ones stay holes).
 */
export async function writeGenealogyEdges(tenantId: string, edges: readonly GenealogyEdge[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const cancelled = await transact(await genealogyEdgeWrites(tenantId, edges));
      if (cancelled) throw new Error('genealogy edges were not written');
      return;
    } catch (error) {
      const conflict = error instanceof VersionConflictError || (error as Error).name === 'TransactionConflictException';
      if (!conflict || attempt >= 8) throw error;
      await new Promise((r) => setTimeout(r, 10 * 2 ** attempt * Math.random()));
    }
  }
}

export class DynamoDbGenealogyRepository implements GenealogyReader {
  /** One round of BatchGetItem for the nodes' records and first chunks, a second only for nodes with more chunks. */
  async read(tenantId: string, request: GenealogyReadRequest): Promise<GenealogyReadResult> {
    const side = sideOf(request.direction);
    const adjacencyKey = (node: string, chunk: number) => keys.genealogyAdjacency(tenantId, node, side, chunk);
    const first = await batchGetAll([
      ...request.nodes.map((n) => nodeRecordKey(tenantId, n)),
      ...request.adjacency.map((n) => adjacencyKey(nodeKey(n), 0)),
    ]);
    const nodes = new Map<string, TraceNodeFacts>();
    const chunksByNode = new Map<string, Record<string, unknown>[]>();
    const more: Record<string, string>[] = [];
    const partitionPrefix = `${tenantId}#`;
    for (const item of first) {
      const pk = String(item.pk).slice(partitionPrefix.length);
      if (item.sk === 'LOT' || item.sk === 'SN') {
        const kind = item.sk === 'LOT' ? 'lot' : 'serial';
        const id = pk.slice(kind === 'lot' ? 'LOT#'.length : 'SN#'.length);
        nodes.set(nodeKey({ kind, id }), factsOf(item));
        continue;
      }
      const node = pk.slice('GEN#'.length);
      chunksByNode.set(node, [item]);
      const count = Number(item.n ?? 0);
      for (let c = 1; c * GENEALOGY_CHUNK < count; c++) more.push(adjacencyKey(node, c));
    }
    for (const item of await batchGetAll(more)) {
      const node = String(item.pk).slice(partitionPrefix.length + 'GEN#'.length);
      chunksByNode.get(node)?.push(item);
    }
    const adjacency = new Map<string, GenealogyEdge[]>();
    for (const [node, chunks] of chunksByNode) adjacency.set(node, edgesOf(node, side, chunks));
    return { nodes, adjacency };
  }
}

/** A node's edges from its chunks, in slot order (the order they were written). */
function edgesOf(node: string, side: Side, chunks: Record<string, unknown>[]): GenealogyEdge[] {
  const self = parseNodeKey(node);
  if (!self) return [];
  const slots: [number, AdjacencyEntry][] = [];
  for (const chunk of chunks) {
    for (const [attribute, value] of Object.entries(chunk)) {
      const m = /^e(\d+)$/.exec(attribute);
      if (m) slots.push([Number(m[1]), value as AdjacencyEntry]);
    }
  }
  slots.sort((a, b) => a[0] - b[0]);
  return slots.flatMap(([, e]) => {
    const other = parseNodeKey(e.k);
    if (!other) return [];
    return [
      {
        from: side === 'OUT' ? self : other,
        to: side === 'OUT' ? other : self,
        quantity: Number(e.q),
        uom: e.u,
        via: e.v,
        ...(e.w !== undefined ? { workOrderId: e.w } : {}),
        ...(e.s !== undefined ? { seq: Number(e.s) } : {}),
        at: e.a,
        by: e.b,
      },
    ];
  });
}

const FACTS = [
  'status',
  'materialId',
  'materialName',
  'uom',
  'workOrderId',
  'seq',
  'supplierId',
  'supplierLot',
  'expiresAt',
  'holdReason',
  'lotId',
] as const;

/** What a trace shows of a lot or serial record. */
function factsOf(item: Record<string, unknown>): TraceNodeFacts {
  const facts: Record<string, unknown> = { quantity: item.sk === 'SN' ? 1 : Number(item.quantity ?? 0) };
  for (const f of FACTS) if (item[f] !== undefined && item[f] !== null) facts[f] = item[f];
  return facts as unknown as TraceNodeFacts;
}

/** BatchGetItem of any number of keys: 100 a call, PARALLEL_BATCHES calls in flight, unprocessed keys asked again. */
export async function batchGetAll(all: readonly Record<string, string>[]): Promise<Record<string, unknown>[]> {
  const table = tableName();
  const batches: Record<string, string>[][] = [];
  for (let i = 0; i < all.length; i += 100) batches.push(all.slice(i, i + 100));
  const found: Record<string, unknown>[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let keysLeft: Record<string, unknown>[] | undefined = batches[next++];
      for (let attempt = 0; keysLeft?.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await ddb().send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: keysLeft } }, ReturnConsumedCapacity: 'TOTAL' }),
        );
        found.push(...(Responses?.[table] ?? []));
        keysLeft = UnprocessedKeys?.[table]?.Keys;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_BATCHES, batches.length) }, worker));
  return found;
}

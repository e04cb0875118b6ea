/**
 * The trace: walk the genealogy graph from one lot or serial, backward ("where from": the
 * edges into a node, down to supplier lots) or forward ("where used": the edges out of it, up
 * to finished lots and serials), level by level, the whole graph with no node cap.
 *
 * Each level is ONE read of the port (GenealogyReader.read): the level's node records and its
 * adjacency together; the DynamoDB adapter turns that into BatchGetItem calls of 100 keys, so
 * a trace costs a bounded number of calls per 100 nodes of a level, not one per node.
 *
 * Paging: a page holds up to `pageSize` nodes in walk order (level, then node key), each with
 * its edges in the walk's direction. The cursor is the level and offset the next page starts
 * at: resuming walks the adjacency of the levels before it again (never their node records),
 * so every node appears once in the whole trace, however many pages, with no state kept
 * between requests. A node reached twice (a diamond) appears once, at its first level; its
 * second edge is still listed. The graph has no cycles, and a walk would not loop on one.
 * Pure: no AWS imports.
 */
import { NotFoundError, ValidationError } from '../errors.ts';
import { type GenealogyEdge, type NodeKind, type NodeRef, nodeKey } from './model.ts';

export const TRACE_DIRECTIONS = ['backward', 'forward'] as const;
export type TraceDirection = (typeof TRACE_DIRECTIONS)[number];

/** A page's largest number of nodes, and its default. */
export const TRACE_PAGE_SIZE = 1000;

/** What the trace shows of a node, from its own record (a lot's or a serial's). */
export interface TraceNodeFacts {
  status: string;
  materialId: string;
  materialName?: string | undefined;
  /** What is left of a lot; 1 for a serial. */
  quantity: number;
  uom?: string | undefined;
  /** The order and operation that made it (a produced lot, a serial). */
  workOrderId?: string | undefined;
  seq?: number | undefined;
  supplierId?: string | undefined;
  supplierLot?: string | undefined;
  expiresAt?: string | undefined;
  holdReason?: string | undefined;
  /** A serial's lot, when its material is lot tracked too. */
  lotId?: string | undefined;
}

export interface TraceNode extends NodeRef, Partial<TraceNodeFacts> {
  /** Steps from the traced node (0). */
  level: number;
  /** False when an edge names a node whose record is not there (never, unless data was lost). */
  found: boolean;
}

export interface GenealogyReadRequest {
  /** Nodes whose own records to read. */
  nodes: readonly NodeRef[];
  /** Nodes whose edges in the walk's direction to read. */
  adjacency: readonly NodeRef[];
  direction: TraceDirection;
}

export interface GenealogyReadResult {
  /** By nodeKey; a node without a record is absent. */
  nodes: Map<string, TraceNodeFacts>;
  /** By nodeKey; a node without edges in the direction is absent or empty. */
  adjacency: Map<string, GenealogyEdge[]>;
}

/** The port the DynamoDB adapter implements (shared/db/genealogy-repository.ts). */
export interface GenealogyReader {
  read(tenantId: string, request: GenealogyReadRequest): Promise<GenealogyReadResult>;
}

export interface TraceCursor {
  level: number;
  offset: number;
}

export interface TracePage {
  root: NodeRef;
  direction: TraceDirection;
  nodes: TraceNode[];
  /** The edges of this page's nodes in the walk's direction, each once over the whole trace. */
  edges: GenealogyEdge[];
  nextCursor?: TraceCursor;
}

/** The node an edge leads to, walking in `direction`. */
export const walkTarget = (edge: GenealogyEdge, direction: TraceDirection) => (direction === 'backward' ? edge.from : edge.to);

const byKey = (a: NodeRef, b: NodeRef) => {
  const ka = nodeKey(a);
  const kb = nodeKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/**
 * One page of the trace from `root`, or undefined when the root has no record (unknown, or
 * another tenant's: the keys are the tenant's own).
 */
export async function traceGenealogy(
  reader: GenealogyReader,
  tenantId: string,
  root: NodeRef,
  direction: TraceDirection,
  options: { cursor?: TraceCursor | undefined; pageSize?: number | undefined } = {},
): Promise<TracePage | undefined> {
  const pageSize = Math.max(1, Math.min(options.pageSize ?? TRACE_PAGE_SIZE, TRACE_PAGE_SIZE));
  const start = options.cursor ?? { level: 0, offset: 0 };
  const page: TracePage = { root, direction, nodes: [], edges: [] };
  const visited = new Set([nodeKey(root)]);
  let level: NodeRef[] = [root];

  for (let depth = 0; level.length > 0; depth++) {
    const emitFrom = depth < start.level ? level.length : depth === start.level ? start.offset : 0;
    if (emitFrom > level.length) throw badCursor();
    const emit = level.slice(emitFrom, emitFrom + pageSize - page.nodes.length);
    const endsInLevel = emitFrom + emit.length < level.length;
    // A page that ends inside this level needs only its own nodes' edges (to list them); one
    // that goes on needs the whole level's, to find the next level.
    const read = await reader.read(tenantId, {
      nodes: depth === 0 && emit.length === 0 ? [root] : emit,
      adjacency: endsInLevel ? emit : level,
      direction,
    });
    if (depth === 0 && !read.nodes.has(nodeKey(root))) return undefined;

    for (const node of emit) {
      const facts = read.nodes.get(nodeKey(node));
      page.nodes.push({ kind: node.kind, id: node.id, level: depth, found: facts !== undefined, ...facts });
      page.edges.push(...(read.adjacency.get(nodeKey(node)) ?? []));
    }
    if (endsInLevel) return { ...page, nextCursor: { level: depth, offset: emitFrom + emit.length } };

    const next = new Map<string, NodeRef>();
    for (const node of level) {
      for (const edge of read.adjacency.get(nodeKey(node)) ?? []) {
        const target = walkTarget(edge, direction);
        const key = nodeKey(target);
        if (visited.has(key)) continue;
        visited.add(key);
        next.set(key, { kind: target.kind, id: target.id });
      }
    }
    level = [...next.values()].sort(byKey);
    if (depth >= start.level && page.nodes.length >= pageSize && level.length > 0) {
      return { ...page, nextCursor: { level: depth + 1, offset: 0 } };
    }
  }
  // A cursor this trace returned always starts a page with a node: the walk ended before it.
  if (options.cursor && page.nodes.length === 0) throw badCursor();
  return page;
}

const badCursor = () => new ValidationError([{ pointer: '/query/cursor', detail: 'is not a cursor this trace returned' }]);

/** The cursor on the wire: opaque, bound to the trace it came from. */
export function encodeTraceCursor(root: NodeRef, direction: TraceDirection, cursor: TraceCursor): string {
  return Buffer.from(JSON.stringify({ r: nodeKey(root), d: direction, l: cursor.level, o: cursor.offset })).toString('base64url');
}

export function decodeTraceCursor(root: NodeRef, direction: TraceDirection, cursor: string | undefined): TraceCursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      c &&
      c.r === nodeKey(root) &&
      c.d === direction &&
      Number.isInteger(c.l) &&
      Number.isInteger(c.o) &&
      (c.l as number) >= 0 &&
      (c.o as number) >= 0
    ) {
      return { level: c.l as number, offset: c.o as number };
    }
  } catch {
    // the one error below
  }
  throw badCursor();
}

/** The trace as the API offers it: a lot's or a serial's, in the caller's tenant. */
export class GenealogyService {
  constructor(private readonly reader: GenealogyReader) {}

  async trace(
    tenantId: string,
    kind: NodeKind,
    id: string,
    direction: TraceDirection,
    options: { cursor?: string | undefined; limit?: number | undefined } = {},
  ) {
    const root: NodeRef = { kind, id };
    const cursor = decodeTraceCursor(root, direction, options.cursor);
    const page = await traceGenealogy(this.reader, tenantId, root, direction, { cursor, pageSize: options.limit });
    if (!page) throw new NotFoundError(`${kind === 'lot' ? 'lot' : 'serial number'} ${id}`);
    const { nextCursor, ...rest } = page;
    return { ...rest, ...(nextCursor ? { nextCursor: encodeTraceCursor(root, direction, nextCursor) } : {}) };
  }
}

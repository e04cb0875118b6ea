/**
 * The trace's walk (shared/domain/tracking/genealogy.ts) over an in-memory graph: level by
 * level with one read per level, each node once (diamonds), no loop on a cycle, pages that
 * together give the whole trace exactly once, and refusals of unknown roots and foreign cursors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import {
  GenealogyService,
  type GenealogyReader,
  type GenealogyReadRequest,
  type TraceDirection,
  type TraceNodeFacts,
  type TracePage,
  traceGenealogy,
  walkTarget,
} from '#shared/domain/tracking/genealogy.ts';
import { type GenealogyEdge, type NodeRef, nodeKey, parseNodeKey } from '#shared/domain/tracking/model.ts';

const ref = (key: string) => parseNodeKey(key) as NodeRef;
const edge = (from: string, to: string, quantity = 1, seq = 10): GenealogyEdge => ({
  from: ref(from),
  to: ref(to),
  quantity,
  uom: 'EA',
  via: 'consume',
  workOrderId: 'WO-1',
  seq,
  at: '2026-12-03T10:00:00.000Z',
  by: 'u-op',
});

/** A graph in memory that counts the walk's reads. */
class MemoryGraph implements GenealogyReader {
  readonly reads: GenealogyReadRequest[] = [];
  constructor(
    readonly edges: GenealogyEdge[],
    readonly records: Set<string>,
  ) {}
  async read(_tenantId: string, request: GenealogyReadRequest) {
    this.reads.push(request);
    const nodes = new Map<string, TraceNodeFacts>();
    for (const n of request.nodes) {
      if (this.records.has(nodeKey(n))) nodes.set(nodeKey(n), { status: 'available', materialId: `M-${n.id}`, quantity: 5, uom: 'EA' });
    }
    const adjacency = new Map<string, GenealogyEdge[]>();
    for (const n of request.adjacency) {
      const own = this.edges.filter((e) => nodeKey(request.direction === 'backward' ? e.to : e.from) === nodeKey(n));
      if (own.length) adjacency.set(nodeKey(n), own);
    }
    return { nodes, adjacency };
  }
}

const graphOf = (edges: GenealogyEdge[], extra: string[] = []) =>
  new MemoryGraph(edges, new Set([...edges.flatMap((e) => [nodeKey(e.from), nodeKey(e.to)]), ...extra]));

/** Supplier lots S1, S2 -> intermediate I1 (and S2 straight into the assembly A1: a diamond) -> A1 -> serials X1, X2. */
const plant = () =>
  graphOf([
    edge('lot:S1', 'lot:I1', 4),
    edge('lot:S2', 'lot:I1', 6),
    edge('lot:I1', 'lot:A1', 10, 20),
    edge('lot:S2', 'lot:A1', 2, 30),
    edge('lot:A1', 'serial:X1', 1, 40),
    edge('lot:A1', 'serial:X2', 1, 40),
  ]);

async function allPages(reader: GenealogyReader, root: string, direction: TraceDirection, pageSize: number) {
  const pages: TracePage[] = [];
  let cursor: TracePage['nextCursor'];
  do {
    const page = await traceGenealogy(reader, 't', ref(root), direction, { cursor, pageSize });
    assert.ok(page);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 1000);
  return pages;
}

describe('genealogy walk', () => {
  it('walks backward from a serial to every supplier lot, level by level, one read per level', async () => {
    // Prepare
    const graph = plant();
    // Act
    const page = await traceGenealogy(graph, 't', ref('serial:X1'), 'backward');
    // Assess
    assert.ok(page);
    assert.deepEqual(
      page.nodes.map((n) => [nodeKey(n), n.level]),
      [
        ['serial:X1', 0],
        ['lot:A1', 1],
        ['lot:I1', 2],
        ['lot:S2', 2],
        ['lot:S1', 3],
      ],
    );
    assert.equal(page.nextCursor, undefined);
    assert.equal(graph.reads.length, 4, 'one read per level');
    assert.ok(page.nodes.every((n) => n.found && n.status === 'available'));
  });

  it('shows a node reached twice (a diamond) once, and lists both edges into it', async () => {
    const page = await traceGenealogy(plant(), 't', ref('lot:S2'), 'forward');
    assert.ok(page);
    const keys = page.nodes.map(nodeKey);
    assert.equal(new Set(keys).size, keys.length);
    assert.deepEqual(keys, ['lot:S2', 'lot:A1', 'lot:I1', 'serial:X1', 'serial:X2']);
    assert.equal(page.nodes.find((n) => n.id === 'A1')?.level, 1, 'at its first level');
    const intoA1 = page.edges.filter((e) => e.to.id === 'A1');
    assert.deepEqual(intoA1.map((e) => [e.from.id, e.quantity]).sort(), [
      ['I1', 10],
      ['S2', 2],
    ]);
  });

  it('does not loop on a cycle', async () => {
    const graph = graphOf([edge('lot:A', 'lot:B'), edge('lot:B', 'lot:C'), edge('lot:C', 'lot:A')]);
    const page = await traceGenealogy(graph, 't', ref('lot:A'), 'forward');
    assert.deepEqual(page?.nodes.map(nodeKey), ['lot:A', 'lot:B', 'lot:C']);
    assert.equal(page?.edges.length, 3);
  });

  it('returns nothing for a root without a record, and the service says 404', async () => {
    const graph = plant();
    assert.equal(await traceGenealogy(graph, 't', ref('lot:NOPE'), 'backward'), undefined);
    await assert.rejects(new GenealogyService(graph).trace('t', 'serial', 'NOPE', 'forward'), NotFoundError);
  });

  it('marks a node an edge names but whose record is missing', async () => {
    const graph = new MemoryGraph([edge('lot:A', 'lot:GONE')], new Set(['lot:A']));
    const page = await traceGenealogy(graph, 't', ref('lot:A'), 'forward');
    assert.deepEqual(
      page?.nodes.map((n) => [n.id, n.found]),
      [
        ['A', true],
        ['GONE', false],
      ],
    );
  });

  it('pages by nodes: every node and edge exactly once over the pages, whatever the page size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 14 }), fc.integer({ min: 0, max: 14 })), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom<TraceDirection>('backward', 'forward'),
        async (pairs, pageSize, direction) => {
          // A DAG: edges go from a lower to a higher number.
          const edges = pairs.filter(([a, b]) => a !== b).map(([a, b]) => edge(`lot:N${Math.min(a, b)}`, `lot:N${Math.max(a, b)}`));
          if (edges.length === 0) return;
          const graph = graphOf(edges);
          const root = nodeKey(direction === 'forward' ? (edges[0] as GenealogyEdge).from : (edges[0] as GenealogyEdge).to);
          const whole = await traceGenealogy(graph, 't', ref(root), direction, { pageSize: 1000 });
          const pages = await allPages(graph, root, direction, pageSize);
          const nodes = pages.flatMap((p) => p.nodes.map(nodeKey));
          assert.deepEqual(nodes, whole?.nodes.map(nodeKey));
          assert.equal(pages.flatMap((p) => p.edges).length, whole?.edges.length);
          assert.ok(pages.every((p) => p.nodes.length <= pageSize && p.nodes.length > 0));
          // Every node the edges lead to is in the trace.
          const seen = new Set(nodes);
          for (const e of whole?.edges ?? []) assert.ok(seen.has(nodeKey(walkTarget(e, direction))));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a cursor of another trace, or one past its end', async () => {
    const service = new GenealogyService(plant());
    const first = await service.trace('t', 'serial', 'X1', 'backward', { limit: 2 });
    assert.ok(first.nextCursor);
    const second = await service.trace('t', 'serial', 'X1', 'backward', { limit: 2, cursor: first.nextCursor });
    assert.deepEqual(
      second.nodes.map((n) => n.id),
      ['I1', 'S2'],
    );
    await assert.rejects(service.trace('t', 'serial', 'X2', 'backward', { cursor: first.nextCursor }), ValidationError);
    await assert.rejects(service.trace('t', 'serial', 'X1', 'forward', { cursor: first.nextCursor }), ValidationError);
    await assert.rejects(service.trace('t', 'serial', 'X1', 'backward', { cursor: 'not-a-cursor' }), ValidationError);
    const beyond = Buffer.from(JSON.stringify({ r: 'serial:X1', d: 'backward', l: 9, o: 0 })).toString('base64url');
    await assert.rejects(service.trace('t', 'serial', 'X1', 'backward', { cursor: beyond }), (e: ValidationError) => {
      assert.equal(e.errors[0]?.pointer, '/query/cursor');
      return true;
    });
  });
});

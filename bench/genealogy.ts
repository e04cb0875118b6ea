/**
 * Issue 14's trace figures, section 8 of bench/RESULTS.md. A runtime of its own (DynamoDB Local
 * in memory, no MQTT); a generated genealogy of 5 levels written straight to the table with the
 * edge writer (shared/db/genealogy-repository.ts) and lot and serial records as the lot
 * repository stores them:
 *   supplier lots -> intermediate lots -> sub-assembly lots -> finished lots -> serials,
 * with fan-in (each made lot or serial consumes 2-3 lots) and fan-out (each lot goes into
 * several), and diamonds (sub-assemblies and serials also take lots two levels down).
 * Then, through the real API handler over local HTTP (every page, x-mes-dynamodb header):
 *   a. a full backward trace from a finished serial;
 *   b. a full forward trace from the supplier lot that reaches the most;
 * each: wall time of all pages, DynamoDB calls, RRU, nodes, edges, levels. Beside them, in the
 * same run: the floor, the same number of bare Queries issued level by level (each level's
 * calls in parallel, levels one after another, as the trace does), and the design the issue
 * rules out, one Query per node (its edge items) level by level.
 * Every loop is bounded; all traffic stays on 127.0.0.1.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Log } from '../infra/local/http-server.ts';
import { localClientConfig } from '../infra/local/dynamodb.ts';
import { startRuntime } from '../infra/local/runtime.ts';
import type { Trace } from '../shared/api/genealogy-schemas.ts';
import { DynamoDbGenealogyRepository, GENEALOGY_CHUNK, writeGenealogyEdges } from '../shared/db/genealogy-repository.ts';
import { keys } from '../shared/db/keys.ts';
import { withUsage } from '../shared/db/usage.ts';
import { type GenealogyReader, type TraceCursor, type TraceDirection, traceGenealogy, walkTarget } from '../shared/domain/tracking/genealogy.ts';
import { type GenealogyEdge, type MaterialLot, type NodeRef, nodeKey, type SerialUnit } from '../shared/domain/tracking/model.ts';
import { consumed, lotRecord, putRecords, serialRecord } from '../test/fixtures/genealogy.ts';
import { request } from './http-client.ts';

export const GENEALOGY_TARGETS = { nodes: 10_000, callsPer100Nodes: 4 } as const;
export const GENEALOGY_TARGET_NAMES = {
  genealogySize: `8. Trace bench: a generated genealogy of 5 levels and at least ${GENEALOGY_TARGETS.nodes.toLocaleString('en-US')} lots and serials`,
  genealogyCalls: `8. A trace costs a bounded number of DynamoDB calls per level: at most ${GENEALOGY_TARGETS.callsPer100Nodes} per 100 nodes of a level, not one per node`,
  genealogyComplete: '8. Every trace is whole: every node reachable in memory is in it, once',
} as const;

const TENANT = 'genealogy-bench';
const RUNS = Math.max(1, Number(process.env.BENCH_GENEALOGY_RUNS ?? 5));
/** Counts per level; serials are the fifth. */
const SHAPE = { supplier: 200, intermediate: 400, subAssembly: 800, finished: 400, serials: 10_000 } as const;

export interface TraceFigure {
  label: string;
  direction: TraceDirection;
  root: NodeRef;
  nodes: number;
  edges: number;
  levels: number;
  /** Nodes per level, from the trace. */
  perLevel: number[];
  /** Each read round of the walk (one per level, and per level walked again by a later page): keys asked for and DynamoDB calls made (the service, in-process). */
  rounds: { nodes: number; adjacency: number; calls: number }[];
  pages: number;
  /** Over HTTP, all pages, per run. */
  ms: number[];
  calls: number;
  callNames: Record<string, number>;
  rru: number;
  /** What an AWS table would charge: 0.5 RRU per key read (eventually consistent, items under 4 KB; a missing item too). */
  awsRru: number;
  /** The floor: bare Queries, as many per level as the trace's calls, level by level. */
  floorMs: number[];
  floorRru: number;
  /** The data floor: bare BatchGetItem of the same keys (records and first chunks), the same rounds. */
  batchFloorMs: number[];
  /** One Query per node, level by level (the design the issue rules out). */
  perNode: { ms: number[]; calls: number; rru: number };
  /** Reachable in memory from the generated graph: what the trace must hold. */
  expectedNodes: number;
  complete: boolean;
}

export interface GenealogyResults {
  lots: number;
  serials: number;
  edges: number;
  writeSeconds: number;
  writeCalls: number;
  wru: number;
  traces: TraceFigure[];
  runs: number;
}

/** A seeded PRNG (mulberry32): the same graph every run. */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateGenealogy() {
  const rand = prng(14);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)] as T;
  const picks = <T>(list: readonly T[], n: number) => {
    const out = new Set<T>();
    while (out.size < n) out.add(pick(list));
    return [...out];
  };
  const id = (prefix: string, i: number) => `${prefix}-${String(i).padStart(5, '0')}`;
  const lots: MaterialLot[] = [];
  const serials: SerialUnit[] = [];
  const edges: GenealogyEdge[] = [];
  const level = (prefix: string, n: number, material: string, name: string, uom: string, over: Partial<MaterialLot>) => {
    const made = Array.from({ length: n }, (_, i) => lotRecord(id(prefix, i), { materialId: material, materialName: name, uom, ...over }));
    lots.push(...made);
    return made.map((l) => ({ kind: 'lot', id: l.id }) as NodeRef);
  };
  const supplier = level('SUP', SHAPE.supplier, 'RM-RESIN', 'Resin', 'KGM', { supplierId: 'SUP-A', origin: 'received' });
  const intermediate = level('INT', SHAPE.intermediate, 'IM-GRANULATE', 'Granulate', 'KGM', { origin: 'produced', workOrderId: 'WO-INT', seq: 10 });
  const sub = level('SUB', SHAPE.subAssembly, 'SA-HOUSING', 'Housing', 'EA', { origin: 'produced', workOrderId: 'WO-SUB', seq: 20 });
  const finished = level('FIN', SHAPE.finished, 'FG-PUMP-KIT', 'Pump kit', 'EA', { origin: 'produced', workOrderId: 'WO-FIN', seq: 30 });
  const link = (from: NodeRef, to: NodeRef, quantity: number, uom: string, workOrderId: string, seq: number) =>
    edges.push(consumed(from, to, quantity, { uom, workOrderId, seq }));
  for (const to of intermediate) for (const from of picks(supplier, 2 + Math.floor(rand() * 2))) link(from, to, 5, 'KGM', 'WO-INT', 10);
  for (const to of sub) {
    for (const from of picks(intermediate, 2)) link(from, to, 2, 'KGM', 'WO-SUB', 20);
    link(pick(supplier), to, 1, 'KGM', 'WO-SUB', 10); // a diamond: supplier lots also go straight into housings
  }
  for (const to of finished) for (const from of picks(sub, 2 + Math.floor(rand() * 2))) link(from, to, 10, 'EA', 'WO-FIN', 30);
  for (let i = 0; i < SHAPE.serials; i++) {
    const s = serialRecord(id('SN', i), { materialId: 'FG-PUMP', materialName: 'Pump', workOrderId: 'WO-SN', seq: 40 });
    serials.push(s);
    const to: NodeRef = { kind: 'serial', id: s.id };
    link(finished[Math.floor(i / (SHAPE.serials / SHAPE.finished))] as NodeRef, to, 1, 'EA', 'WO-SN', 40);
    link(pick(sub), to, 1, 'EA', 'WO-SN', 50); // and a second housing straight from the sub-assembly lots
  }
  return { lots, serials, edges, supplier, finishedSerial: { kind: 'serial', id: id('SN', 0) } as NodeRef };
}

/** What a full trace must hold: a breadth-first walk of the generated edges in memory. */
function reachable(edges: readonly GenealogyEdge[], root: NodeRef, direction: TraceDirection): number {
  const out = new Map<string, GenealogyEdge[]>();
  for (const e of edges) {
    const k = nodeKey(direction === 'backward' ? e.to : e.from);
    out.set(k, [...(out.get(k) ?? []), e]);
  }
  const seen = new Set([nodeKey(root)]);
  let level = [nodeKey(root)];
  while (level.length) {
    const next: string[] = [];
    for (const k of level) {
      for (const e of out.get(k) ?? []) {
        const t = nodeKey(walkTarget(e, direction));
        if (!seen.has(t)) {
          seen.add(t);
          next.push(t);
        }
      }
    }
    level = next;
  }
  return seen.size;
}

/** Wraps the reader to meter each level's read (one read = one level of the walk). */
class MeteredReader implements GenealogyReader {
  readonly calls: number[] = [];
  readonly levels: NodeRef[][] = [];
  readonly records: NodeRef[][] = [];
  readonly rounds: { nodes: number; adjacency: number; calls: number }[] = [];
  /** Keys read (records, first chunks, further chunks), for the RRU an AWS table would charge. */
  keys = 0;
  constructor(private readonly inner: GenealogyReader) {}
  async read(tenantId: string, request: Parameters<GenealogyReader['read']>[1]) {
    const [result, usage] = await withUsage(() => this.inner.read(tenantId, request));
    this.calls.push(usage.calls.length);
    this.levels.push([...request.adjacency]);
    this.records.push([...request.nodes]);
    this.rounds.push({ nodes: request.nodes.length, adjacency: request.adjacency.length, calls: usage.calls.length });
    this.keys += request.nodes.length + request.adjacency.length;
    for (const edges of result.adjacency.values()) this.keys += Math.max(0, Math.ceil(edges.length / GENEALOGY_CHUNK) - 1);
    return result;
  }
}

const median = (list: number[]) => {
  const s = [...list].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : Number.NaN;
};
export { median as genealogyMedian };

export async function measureGenealogy(options: { step: (m: string) => void; log: Log }): Promise<GenealogyResults> {
  const { step } = options;
  process.env.MES_EXPOSE_DDB_USAGE = '1';
  const runtime = await startRuntime({ port: 0, inMemory: true, seed: false, log: options.log, schedules: false, web: false });
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(localClientConfig(runtime.dynamoDbEndpoint)));
  try {
    const graph = generateGenealogy();
    step(
      `8. writing a genealogy of ${graph.lots.length.toLocaleString('en-US')} lots, ${graph.serials.length.toLocaleString('en-US')} serials and ${graph.edges.length.toLocaleString('en-US')} edges`,
    );
    const t0 = performance.now();
    const [, writeUsage] = await withUsage(async () => {
      await putRecords(TENANT, { lots: graph.lots, serials: graph.serials });
      // A made lot's inputs in one transaction, as a command would write them; serials five at a
      // time (a completion of five units), each five of one finished lot. Groups in a shuffled
      // order, so parallel writers rarely meet on a chunk.
      const byTarget = new Map<string, GenealogyEdge[]>();
      for (const e of graph.edges) byTarget.set(nodeKey(e.to), [...(byTarget.get(nodeKey(e.to)) ?? []), e]);
      const groups: GenealogyEdge[][] = [];
      let serialGroup: GenealogyEdge[] = [];
      for (const [target, edges] of byTarget) {
        if (!target.startsWith('serial:')) groups.push(edges);
        else {
          serialGroup.push(...edges);
          if (serialGroup.length >= 10) [groups[groups.length], serialGroup] = [serialGroup, []];
        }
      }
      if (serialGroup.length) groups.push(serialGroup);
      const rand = prng(7);
      for (let i = groups.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [groups[i], groups[j]] = [groups[j] as GenealogyEdge[], groups[i] as GenealogyEdge[]];
      }
      await putEdgeGroups(TENANT, groups);
    });
    const writeSeconds = (performance.now() - t0) / 1000;

    // The supplier lot that reaches the most, found in memory.
    let widest = graph.supplier[0] as NodeRef;
    let widestCount = 0;
    for (const s of graph.supplier.slice(0, 40)) {
      const n = reachable(graph.edges, s, 'forward');
      if (n > widestCount) [widest, widestCount] = [s, n];
    }
    const token = await runtime.issueToken({ tenantId: TENANT, userId: 'bench-quality', roles: ['quality'] });
    const traces: TraceFigure[] = [];
    for (const [label, root, direction] of [
      ['Backward from a finished serial', graph.finishedSerial, 'backward'],
      ['Forward from a supplier lot', widest, 'forward'],
    ] as const) {
      step(`8. ${label.toLowerCase()} (${nodeKey(root)}), ${RUNS} runs over HTTP, beside the floor and one Query per node`);
      traces.push(await measureTrace(runtime.baseUrl, token, db, runtime.tableName, label, root, direction, reachable(graph.edges, root, direction)));
    }
    return {
      lots: graph.lots.length,
      serials: graph.serials.length,
      edges: graph.edges.length,
      writeSeconds,
      writeCalls: writeUsage.calls.length,
      wru: writeUsage.writeUnits,
      traces,
      runs: RUNS,
    };
  } finally {
    db.destroy();
    await runtime.stop();
  }
}

/** Each group in one transaction, 8 transactions in flight. */
async function putEdgeGroups(tenantId: string, groups: GenealogyEdge[][]) {
  let next = 0;
  const worker = async () => {
    while (next < groups.length) await writeGenealogyEdges(tenantId, groups[next++] as GenealogyEdge[]);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

async function measureTrace(
  baseUrl: string,
  token: string,
  db: DynamoDBDocumentClient,
  table: string,
  label: string,
  root: NodeRef,
  direction: TraceDirection,
  expectedNodes: number,
): Promise<TraceFigure> {
  const path = `/v1/${root.kind === 'lot' ? 'lots' : 'serials'}/${root.id}/genealogy?direction=${direction}`;
  // In-process, to see the calls of each level (the walk's one read per level).
  const metered = new MeteredReader(new DynamoDbGenealogyRepository());
  let cursor: TraceCursor | undefined;
  const perLevel: number[] = [];
  const nodesByLevel: NodeRef[][] = [];
  for (let pages = 0; pages < 1000; pages++) {
    const page = await traceGenealogy(metered, TENANT, root, direction, { cursor });
    if (!page) throw new Error(`${nodeKey(root)} has no record`);
    for (const n of page.nodes) {
      perLevel[n.level] = (perLevel[n.level] ?? 0) + 1;
      (nodesByLevel[n.level] ??= []).push({ kind: n.kind, id: n.id });
    }
    cursor = page.nextCursor;
    if (!cursor) break;
  }

  const ms: number[] = [];
  const floorMs: number[] = [];
  const batchFloorMs: number[] = [];
  const perNodeMs: number[] = [];
  let last = { calls: 0, callNames: {} as Record<string, number>, rru: 0, nodes: new Set<string>(), duplicate: false, edges: 0, pages: 0 };
  let floorRru = 0;
  let perNode = { calls: 0, rru: 0 };
  // A first request loads the route's module (a cold start): not measured.
  const warm = await request(baseUrl, 'GET', path, token);
  if (warm.status !== 200) throw new Error(`${path} answered ${warm.status}: ${warm.body}`);
  for (let run = 0; run < RUNS; run++) {
    // Trace over HTTP, every page.
    const seen = { calls: 0, callNames: {} as Record<string, number>, rru: 0, nodes: new Set<string>(), duplicate: false, edges: 0, pages: 0 };
    const start = performance.now();
    let next: string | undefined;
    do {
      const res = await request(baseUrl, 'GET', `${path}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`, token);
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${res.body}`);
      const body = JSON.parse(res.body) as Trace;
      const usage = /calls=([^;]*);rru=([\d.]+)/.exec(String(res.headers['x-mes-dynamodb'] ?? ''));
      for (const c of (usage?.[1] ?? '').split(',').filter(Boolean)) {
        seen.calls++;
        seen.callNames[c] = (seen.callNames[c] ?? 0) + 1;
      }
      seen.rru += Number(usage?.[2] ?? 0);
      for (const n of body.nodes) {
        if (seen.nodes.has(nodeKey(n))) seen.duplicate = true;
        seen.nodes.add(nodeKey(n));
      }
      seen.edges += body.edges.length;
      seen.pages++;
      next = body.nextCursor;
    } while (next && seen.pages < 1000);
    ms.push(performance.now() - start);
    last = seen;

    // The floor: per level, as many bare Queries as the trace's calls of that level, in parallel.
    const floorStart = performance.now();
    let rru = 0;
    for (const [i, calls] of metered.calls.entries()) {
      const nodes = metered.levels[i] ?? [root];
      const results = await Promise.all(
        Array.from({ length: calls }, (_, j) =>
          db.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': keys.genealogyPartition(TENANT, nodeKey(nodes[j % Math.max(1, nodes.length)] ?? root)) },
              Limit: 1,
              ReturnConsumedCapacity: 'TOTAL',
            }),
          ),
        ),
      );
      rru += results.reduce((sum, r) => sum + (r.ConsumedCapacity?.CapacityUnits ?? 0), 0);
    }
    floorMs.push(performance.now() - floorStart);
    floorRru = rru;

    // The data floor: the same keys by bare BatchGetItem, 100 a call, 16 in flight, round by round.
    const batchStart = performance.now();
    for (const [i, adjacency] of metered.levels.entries()) {
      const side = direction === 'backward' ? 'IN' : 'OUT';
      const all = [
        ...(metered.records[i] ?? []).map((n) => (n.kind === 'lot' ? keys.lot(TENANT, n.id) : keys.serial(TENANT, n.id))),
        ...adjacency.map((n) => keys.genealogyAdjacency(TENANT, nodeKey(n), side, 0)),
      ];
      const batches: Record<string, string>[][] = [];
      for (let b = 0; b < all.length; b += 100) batches.push(all.slice(b, b + 100));
      let k = 0;
      const worker = async () => {
        while (k < batches.length) await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: batches[k++] } } }));
      };
      await Promise.all(Array.from({ length: Math.min(16, batches.length) }, worker));
    }
    batchFloorMs.push(performance.now() - batchStart);

    // One Query per node of its edge items, level by level, 16 in flight: what the adjacency spares.
    const naiveStart = performance.now();
    perNode = { calls: 0, rru: 0 };
    const prefix = direction === 'backward' ? 'IN#' : 'OUT#';
    for (const level of nodesByLevel) {
      let k = 0;
      const worker = async () => {
        while (k < level.length) {
          const node = level[k++] as NodeRef;
          let startKey: Record<string, unknown> | undefined;
          do {
            const r = await db.send(
              new QueryCommand({
                TableName: table,
                KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
                ExpressionAttributeValues: { ':pk': keys.genealogyPartition(TENANT, nodeKey(node)), ':p': prefix },
                ExclusiveStartKey: startKey,
                ReturnConsumedCapacity: 'TOTAL',
              }),
            );
            perNode.calls++;
            perNode.rru += r.ConsumedCapacity?.CapacityUnits ?? 0;
            startKey = r.LastEvaluatedKey;
          } while (startKey);
        }
      };
      await Promise.all(Array.from({ length: Math.min(16, level.length) }, worker));
    }
    perNodeMs.push(performance.now() - naiveStart);
  }
  // The metered walk's reads: the last page's walk (each page re-walks the levels before it).
  const levels = perLevel.length;
  return {
    label,
    direction,
    root,
    nodes: last.nodes.size,
    edges: last.edges,
    levels,
    perLevel,
    rounds: metered.rounds,
    pages: last.pages,
    ms,
    calls: last.calls,
    callNames: last.callNames,
    rru: last.rru,
    awsRru: metered.keys / 2,
    floorMs,
    floorRru,
    batchFloorMs,
    perNode: { ms: perNodeMs, calls: perNode.calls, rru: perNode.rru },
    expectedNodes,
    complete: !last.duplicate && last.nodes.size === expectedNodes,
  };
}

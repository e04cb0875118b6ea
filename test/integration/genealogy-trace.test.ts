/**
 * The trace over HTTP (GET /v1/lots/{id}/genealogy, /v1/serials/{id}/genealogy) on DynamoDB
 * Local: backward from a serial to both supplier lots and forward from a supplier lot to every
 * serial, through consume edges written as a work order's commands write them, a split and a
 * merge; a node reached twice shown once; pages that add up to the whole trace; 404 for an
 * unknown lot or serial and for another tenant's; 400 naming the query field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Trace } from '#shared/api/genealogy-schemas.ts';
import { GENEALOGY_CHUNK } from '#shared/db/genealogy-repository.ts';
import { keys } from '#shared/db/keys.ts';
import { nodeKey } from '#shared/domain/tracking/model.ts';
import { type Mes, PROBLEM, type Staff, assertProblem, newTenant, partitionItems, staff, startMes } from '../e2e/support/mes.ts';
import { consumed, lot, lotRecord, putEdges, putRecords, serial, serialRecord } from '../fixtures/genealogy.ts';

const key = (n: { kind: string; id: string }) => `${n.kind}:${n.id}`;

/**
 * Supplier lots RESIN-1 and SCREW-1. RESIN-1 is split (RESIN-1A); WO-10 op 10 moulds RESIN-1
 * into HOUSING-1 and RESIN-1A into HOUSING-2; the two housing lots are merged into HOUSING-M;
 * WO-20 consumes HOUSING-M at op 10 and SCREW-1 at op 20 into serials PUMP-1..3.
 */
async function buildGenealogy(tenant: string) {
  await putRecords(tenant, {
    lots: [
      lotRecord('RESIN-1', { materialId: 'RM-RESIN', materialName: 'Resin', supplierId: 'SUP-A', supplierLot: 'A-778', quantity: 40 }),
      lotRecord('RESIN-1A', { materialId: 'RM-RESIN', materialName: 'Resin', origin: 'split', quantity: 0, status: 'consumed' }),
      lotRecord('SCREW-1', { materialId: 'RM-SCREW', materialName: 'Screw M4', uom: 'EA', quantity: 988, initialQuantity: 1000 }),
      lotRecord('HOUSING-1', {
        materialId: 'SA-HOUSING',
        materialName: 'Housing',
        uom: 'EA',
        origin: 'produced',
        workOrderId: 'WO-10',
        seq: 10,
        quantity: 0,
        status: 'consumed',
      }),
      lotRecord('HOUSING-2', {
        materialId: 'SA-HOUSING',
        materialName: 'Housing',
        uom: 'EA',
        origin: 'produced',
        workOrderId: 'WO-10',
        seq: 10,
        quantity: 0,
        status: 'consumed',
      }),
      lotRecord('HOUSING-M', {
        materialId: 'SA-HOUSING',
        materialName: 'Housing',
        uom: 'EA',
        origin: 'merged',
        quantity: 17,
        status: 'on-hold',
        holdReason: 'QA',
      }),
    ],
    serials: ['PUMP-1', 'PUMP-2', 'PUMP-3'].map((id) => serialRecord(id, { workOrderId: 'WO-20', seq: 20 })),
  });
  await putEdges(tenant, [
    consumed(lot('RESIN-1'), lot('RESIN-1A'), 20, { via: 'split', workOrderId: undefined, seq: undefined }),
    consumed(lot('RESIN-1'), lot('HOUSING-1'), 40, { workOrderId: 'WO-10', seq: 10 }),
    consumed(lot('RESIN-1A'), lot('HOUSING-2'), 20, { workOrderId: 'WO-10', seq: 10 }),
  ]);
  // A merge: both edges into one lot in one transaction.
  await putEdges(
    tenant,
    [
      consumed(lot('HOUSING-1'), lot('HOUSING-M'), 10, { via: 'merge', uom: 'EA', workOrderId: undefined, seq: undefined }),
      consumed(lot('HOUSING-2'), lot('HOUSING-M'), 10, { via: 'merge', uom: 'EA', workOrderId: undefined, seq: undefined }),
    ],
    2,
  );
  for (const id of ['PUMP-1', 'PUMP-2', 'PUMP-3']) {
    // One consume transaction per serial at each operation, as the order's commands would write them.
    await putEdges(tenant, [consumed(lot('HOUSING-M'), serial(id), 1, { uom: 'EA', workOrderId: 'WO-20', seq: 10 })]);
    await putEdges(tenant, [consumed(lot('SCREW-1'), serial(id), 4, { uom: 'EA', workOrderId: 'WO-20', seq: 20 })]);
  }
}

async function allTracePages(api: Staff['operator'], path: string, limit: number) {
  const pages: Trace[] = [];
  let cursor: string | undefined;
  do {
    const reply = await api.get<Trace>(`${path}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(reply.status, 200, reply.text);
    pages.push(reply.body);
    cursor = reply.body.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

describe('genealogy trace', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildGenealogy(tenant);
  });
  after(async () => {
    await mes?.stop();
  });

  it('traces a serial backward to both supplier lots, through the merge and the split, with statuses, quantities, orders and operations', async () => {
    const trace = await people.operator.ok<Trace>('GET', '/v1/serials/PUMP-1/genealogy?direction=backward');
    assert.equal(trace.nextCursor, undefined);
    assert.deepEqual(
      trace.nodes.map((n) => [key(n), n.level]),
      [
        ['serial:PUMP-1', 0],
        ['lot:HOUSING-M', 1],
        ['lot:SCREW-1', 1],
        ['lot:HOUSING-1', 2],
        ['lot:HOUSING-2', 2],
        ['lot:RESIN-1', 3],
        ['lot:RESIN-1A', 3],
      ],
    );
    const byKey = new Map(trace.nodes.map((n) => [key(n), n]));
    assert.deepEqual(
      { ...byKey.get('lot:HOUSING-M') },
      {
        kind: 'lot',
        id: 'HOUSING-M',
        level: 1,
        found: true,
        status: 'on-hold',
        materialId: 'SA-HOUSING',
        materialName: 'Housing',
        quantity: 17,
        uom: 'EA',
        holdReason: 'QA',
      },
    );
    assert.equal(byKey.get('lot:RESIN-1')?.supplierLot, 'A-778');
    assert.equal(byKey.get('serial:PUMP-1')?.workOrderId, 'WO-20');
    assert.equal(byKey.get('serial:PUMP-1')?.quantity, 1);
    assert.equal(byKey.get('lot:HOUSING-1')?.workOrderId, 'WO-10');

    const edges = trace.edges
      .map((e) => `${key(e.from)}>${key(e.to)} ${e.quantity} ${e.uom} ${e.via} ${e.workOrderId ?? '-'}/${e.seq ?? '-'}`)
      .sort();
    assert.deepEqual(edges, [
      'lot:HOUSING-1>lot:HOUSING-M 10 EA merge -/-',
      'lot:HOUSING-2>lot:HOUSING-M 10 EA merge -/-',
      'lot:HOUSING-M>serial:PUMP-1 1 EA consume WO-20/10',
      'lot:RESIN-1>lot:HOUSING-1 40 KGM consume WO-10/10',
      // RESIN-1 also reaches RESIN-1A (the split), a diamond: listed, not walked twice.
      'lot:RESIN-1>lot:RESIN-1A 20 KGM split -/-',
      'lot:RESIN-1A>lot:HOUSING-2 20 KGM consume WO-10/10',
      'lot:SCREW-1>serial:PUMP-1 4 EA consume WO-20/20',
    ]);
  });

  it('traces a supplier lot forward to every serial made from it, each node once', async () => {
    const trace = await people.quality.ok<Trace>('GET', '/v1/lots/RESIN-1/genealogy?direction=forward');
    const nodes = trace.nodes.map(key);
    assert.equal(new Set(nodes).size, nodes.length, 'no node twice');
    assert.deepEqual(nodes, [
      'lot:RESIN-1',
      'lot:HOUSING-1',
      'lot:RESIN-1A',
      'lot:HOUSING-2',
      'lot:HOUSING-M',
      'serial:PUMP-1',
      'serial:PUMP-2',
      'serial:PUMP-3',
    ]);
    assert.equal(trace.nodes.find((n) => n.id === 'HOUSING-M')?.level, 2, 'at its first level, though reached twice');
    assert.equal(trace.edges.length, 8);
    const screws = await people.quality.ok<Trace>('GET', '/v1/lots/SCREW-1/genealogy?direction=forward');
    assert.deepEqual(screws.nodes.map(key), ['lot:SCREW-1', 'serial:PUMP-1', 'serial:PUMP-2', 'serial:PUMP-3']);
    assert.deepEqual(
      screws.edges.map((e) => [e.quantity, e.seq]),
      [
        [4, 20],
        [4, 20],
        [4, 20],
      ],
    );
  });

  it('pages by nodes: the pages together are the whole trace, each node once', async () => {
    const whole = await people.operator.ok<Trace>('GET', '/v1/lots/RESIN-1/genealogy?direction=forward');
    for (const limit of [1, 2, 3, 5]) {
      const pages = await allTracePages(people.operator, '/v1/lots/RESIN-1/genealogy?direction=forward', limit);
      assert.ok(pages.every((p) => p.nodes.length <= limit));
      assert.deepEqual(
        pages.flatMap((p) => p.nodes),
        whole.nodes,
        `limit ${limit}`,
      );
      assert.deepEqual(
        pages.flatMap((p) => p.edges).map((e) => `${key(e.from)}>${key(e.to)}`),
        whole.edges.map((e) => `${key(e.from)}>${key(e.to)}`),
      );
    }
  });

  it('keeps each edge as one item per direction with its fields, and adds a second consumption of the same lot to the edge', async () => {
    const t = newTenant();
    await putRecords(t, { lots: [lotRecord('L-A'), lotRecord('L-B', { origin: 'produced' })] });
    await putEdges(t, [consumed(lot('L-A'), lot('L-B'), 3, { seq: 10 })]);
    await putEdges(t, [consumed(lot('L-A'), lot('L-B'), 2, { seq: 20 })]);
    const [out] = await partitionItems(keys.genealogyPartition(t, 'lot:L-A'), 'OUT#');
    const [into] = await partitionItems(keys.genealogyPartition(t, 'lot:L-B'), 'IN#');
    for (const item of [out, into]) {
      assert.ok(item);
      assert.equal(item.entity, 'GenealogyEdge');
      assert.deepEqual(
        [item.from, item.to, item.quantity, item.uom, item.via, item.workOrderId, item.seq],
        [{ kind: 'lot', id: 'L-A' }, { kind: 'lot', id: 'L-B' }, 5, 'KGM', 'consume', 'WO-1', 10],
      );
    }
    assert.equal(out?.sk, keys.genealogyOut(t, 'lot:L-A', 'lot:L-B').sk);
    assert.equal(into?.sk, keys.genealogyIn(t, 'lot:L-B', 'lot:L-A').sk);
    const api = (await staff(mes, t)).operator;
    const trace = await api.ok<Trace>('GET', '/v1/lots/L-B/genealogy?direction=backward');
    assert.deepEqual(
      trace.edges.map((e) => [e.quantity, e.seq]),
      [
        [3, 10],
        [2, 20],
      ],
      'each consumption listed with its operation',
    );
  });

  it('reads a node with more edges than one adjacency chunk holds', async () => {
    const t = newTenant();
    const count = GENEALOGY_CHUNK * 3 + 5;
    const ids = Array.from({ length: count }, (_, i) => `SN-${String(i).padStart(4, '0')}`);
    await putRecords(t, { lots: [lotRecord('BIG')], serials: ids.map((id) => serialRecord(id)) });
    await putEdges(
      t,
      ids.map((id) => consumed(lot('BIG'), serial(id), 1)),
      5,
    );
    const api = (await staff(mes, t)).operator;
    const trace = await api.ok<Trace>('GET', '/v1/lots/BIG/genealogy?direction=forward');
    assert.equal(trace.nodes.length, count + 1);
    assert.deepEqual(
      trace.nodes.slice(1).map((n) => n.id),
      ids,
    );
    assert.equal(trace.edges.length, count);
    assert.ok(trace.nodes.every((n) => n.found));
  });

  it('answers 404 for an unknown lot or serial, and for another tenant’s', async () => {
    assertProblem(await people.operator.get('/v1/lots/NOPE/genealogy?direction=backward'), 404, { type: PROBLEM.notFound });
    assertProblem(await people.operator.get('/v1/serials/NOPE/genealogy?direction=forward'), 404, { type: PROBLEM.notFound });
    // A lot id is not a serial id.
    assertProblem(await people.operator.get('/v1/serials/RESIN-1/genealogy?direction=forward'), 404);
    const other = await staff(mes, newTenant());
    assertProblem(await other.supervisor.get('/v1/lots/RESIN-1/genealogy?direction=forward'), 404, { type: PROBLEM.notFound });
    assertProblem(await other.supervisor.get('/v1/serials/PUMP-1/genealogy?direction=backward'), 404, { type: PROBLEM.notFound });
  });

  it('refuses a missing or unknown direction, a bad limit and a foreign cursor, naming the field', async () => {
    assertProblem(await people.operator.get('/v1/lots/RESIN-1/genealogy'), 400, { pointers: ['/query/direction'] });
    assertProblem(await people.operator.get('/v1/lots/RESIN-1/genealogy?direction=up'), 400, { pointers: ['/query/direction'] });
    assertProblem(await people.operator.get('/v1/lots/RESIN-1/genealogy?direction=forward&limit=0'), 400, { pointers: ['/query/limit'] });
    assertProblem(await people.operator.get('/v1/lots/RESIN-1/genealogy?direction=forward&limit=1001'), 400, { pointers: ['/query/limit'] });
    const first = await people.operator.ok<Trace>('GET', '/v1/lots/RESIN-1/genealogy?direction=forward&limit=2');
    assert.ok(first.nextCursor);
    const cursor = encodeURIComponent(first.nextCursor);
    assertProblem(await people.operator.get(`/v1/lots/SCREW-1/genealogy?direction=forward&cursor=${cursor}`), 400, { pointers: ['/query/cursor'] });
    assertProblem(await people.operator.get(`/v1/lots/RESIN-1/genealogy?direction=backward&cursor=${cursor}`), 400, { pointers: ['/query/cursor'] });
    assertProblem(await people.anonymous.get('/v1/lots/RESIN-1/genealogy?direction=forward'), 401);
  });

  it('lets every role read a trace', async () => {
    for (const api of [people.operator, people.supervisor, people.quality, people.planner, people.admin, people.integration]) {
      const trace = await api.ok<Trace>('GET', '/v1/serials/PUMP-2/genealogy?direction=backward');
      assert.ok(trace.nodes.some((n) => nodeKey(n as never) === 'lot:RESIN-1'));
    }
  });
});

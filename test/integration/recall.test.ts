/**
 * The recall over HTTP (issue 14): POST /v1/recalls walks the whole forward trace of a lot or
 * serial and holds every available lot and made serial in it, the root too, each with its own
 * movement, audit record and event; counts what it leaves (held already, consumed, scrapped,
 * shipped) and lists what had left the plant with its shipment references. Re-running it
 * holds nothing twice; the same id resumes a recall that stopped half way; every refusal
 * writes nothing; after it, nothing made from the root can be consumed or shipped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keys } from '#shared/db/keys.ts';
import { DynamoDbRecallRepository } from '#shared/db/recall-repository.ts';
import type { Recall } from '#shared/domain/tracking/model.ts';
import { DynamoDbGenealogyRepository } from '#shared/db/genealogy-repository.ts';
import { DynamoDbLotRepository } from '#shared/db/lot-repository.ts';
import { DynamoDbSerialRepository } from '#shared/db/serial-repository.ts';
import { withDeadline } from '#shared/domain/retry.ts';
import { RecallService, recallHoldReason } from '#shared/domain/tracking/recall.ts';
import {
  type Mes,
  PLANT,
  PROBLEM,
  type Reply,
  type Staff,
  assertProblem,
  buildPlant,
  newTenant,
  orderAt,
  partitionItems,
  staff,
  startMes,
} from '../e2e/support/mes.ts';
import { consumed, lot, lotRecord, putEdges, putRecords, serial, serialRecord } from '../fixtures/genealogy.ts';

const HSG = PLANT.components[0];
const PUMPS = Array.from({ length: 40 }, (_, i) => `PUMP-${String(i + 1).padStart(3, '0')}`);

describe('recall: a forward trace put on hold', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let outsider: Staff;

  /**
   * RESIN-1 (supplier lot) -> HOUSING-1 (available), HOUSING-2 (on hold by QA already),
   * HOUSING-C (consumed) and the split RESIN-1A (shipped in part); HOUSING-1 -> 40 pumps (made),
   * HOUSING-C -> PUMP-S (shipped, DN-77) and PUMP-X (scrapped); PUMP-001 -> KIT-1 (a kit lot).
   */
  async function buildTrace(prefix: string) {
    const id = (s: string) => `${prefix}${s}`;
    await putRecords(tenant, {
      lots: [
        lotRecord(id('RESIN-1'), { materialId: HSG, materialName: 'Pump housing', uom: 'EA', supplierId: 'SUP-A', supplierLot: 'A-778' }),
        lotRecord(id('RESIN-1A'), { materialId: HSG, materialName: 'Pump housing', uom: 'EA', origin: 'split', quantity: 20, initialQuantity: 20 }),
        lotRecord(id('HOUSING-1'), {
          materialId: 'SA-HOUSING',
          materialName: 'Housing',
          uom: 'EA',
          origin: 'produced',
          workOrderId: 'WO-10',
          seq: 10,
        }),
        lotRecord(id('HOUSING-2'), { materialId: 'SA-HOUSING', materialName: 'Housing', uom: 'EA', status: 'on-hold', holdReason: 'QA check' }),
        lotRecord(id('HOUSING-C'), { materialId: 'SA-HOUSING', materialName: 'Housing', uom: 'EA', status: 'consumed', quantity: 0 }),
        lotRecord(id('KIT-1'), { materialId: 'FG-KIT', materialName: 'Pump kit', uom: 'EA', origin: 'produced', workOrderId: 'WO-30', seq: 10 }),
      ],
      serials: [
        ...PUMPS.map((p) => serialRecord(id(p), { workOrderId: 'WO-20', seq: 20 })),
        serialRecord(id('PUMP-S'), { workOrderId: 'WO-20', seq: 20 }),
        serialRecord(id('PUMP-X'), { workOrderId: 'WO-20', seq: 20, status: 'scrapped' }),
      ],
    });
    await putEdges(tenant, [
      consumed(lot(id('RESIN-1')), lot(id('HOUSING-1')), 40, { uom: 'EA', workOrderId: 'WO-10', seq: 10 }),
      consumed(lot(id('RESIN-1')), lot(id('HOUSING-2')), 10, { uom: 'EA', workOrderId: 'WO-10', seq: 10 }),
      consumed(lot(id('RESIN-1')), lot(id('HOUSING-C')), 2, { uom: 'EA', workOrderId: 'WO-10', seq: 10 }),
      consumed(lot(id('RESIN-1')), lot(id('RESIN-1A')), 20, { uom: 'EA', via: 'split', workOrderId: undefined, seq: undefined }),
      ...PUMPS.map((p) => consumed(lot(id('HOUSING-1')), serial(id(p)), 1, { uom: 'EA', workOrderId: 'WO-20', seq: 10 })),
      consumed(lot(id('HOUSING-C')), serial(id('PUMP-S')), 1, { uom: 'EA', workOrderId: 'WO-20', seq: 10 }),
      consumed(lot(id('HOUSING-C')), serial(id('PUMP-X')), 1, { uom: 'EA', workOrderId: 'WO-20', seq: 10 }),
      consumed(serial(id('PUMP-001')), lot(id('KIT-1')), 1, { uom: 'EA', workOrderId: 'WO-30', seq: 10 }),
    ]);
    // What left the plant, through the API: a pump and part of the split lot.
    await people.supervisor.ok('POST', `/v1/serials/${id('PUMP-S')}/ship`, { reference: 'DN-77' });
    await people.supervisor.ok('POST', `/v1/lots/${id('RESIN-1A')}/ship`, { quantity: 5, reference: 'DN-78' });
    return id;
  }
  const lotOf = (id: string) => people.admin.ok('GET', `/v1/lots/${id}`);
  const serialItem = async (id: string) => (await partitionItems(keys.serialPartition(tenant, id))).find((i) => i.sk === 'SN');

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    await people.planner.ok('PUT', `/v1/materials/${HSG}`, { name: 'Pump housing', uom: 'ea', materialType: 'raw', tracking: 'lot' });
    await people.planner.ok('PUT', `/v1/boms/${PLANT.bom}`, {
      materialId: PLANT.product,
      components: [{ materialId: HSG, quantityPer: 1, operationSeq: 10 }],
    });
    outsider = await staff(mes, newTenant());
  });
  after(async () => {
    await mes?.stop();
  });

  it('holds every available lot and made serial of the forward trace, the root too, and counts the rest', async () => {
    // Prepare
    const id = await buildTrace('A-');

    // Act
    const reply = await people.quality.post<Recall>('/v1/recalls', { lotId: id('RESIN-1'), reason: 'Supplier A resin contaminated', id: 'RC-1' });

    // Assess
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.headers.get('location'), '/v1/recalls/RC-1');
    const recall = reply.body;
    assert.deepEqual(
      [recall.status, recall.root, recall.reason, recall.startedBy],
      ['completed', { kind: 'lot', id: id('RESIN-1') }, 'Supplier A resin contaminated', people.quality.userId],
    );
    // 6 lots + 42 serials; held: RESIN-1, RESIN-1A (the rest of it), HOUSING-1, KIT-1 and 40 pumps.
    assert.deepEqual(recall.counts, { nodes: 48, held: 44, alreadyHeld: 1, consumed: 1, scrapped: 1, shipped: 2 });
    assert.deepEqual(
      recall.shipped.map((s) => [s.kind, s.id, s.quantity, s.shipments.map((x) => x.reference)]),
      [
        ['lot', id('RESIN-1A'), 5, ['DN-78']],
        ['serial', id('PUMP-S'), 1, ['DN-77']],
      ],
    );
    for (const lotId of ['RESIN-1', 'RESIN-1A', 'HOUSING-1', 'KIT-1']) {
      const l = await lotOf(id(lotId));
      assert.deepEqual([l.status, l.holdReason], ['on-hold', recallHoldReason('RC-1', 'Supplier A resin contaminated')], lotId);
    }
    assert.equal((await lotOf(id('HOUSING-2'))).holdReason, 'QA check', "someone else's hold stays as it was");
    for (const p of PUMPS) assert.equal((await serialItem(id(p)))?.status, 'on-hold', p);
    assert.equal((await serialItem(id('PUMP-S')))?.status, 'shipped');
    assert.equal((await serialItem(id('PUMP-X')))?.status, 'scrapped');
    // Each hold is its own movement, audit record and event naming the recall.
    const pump = await partitionItems(keys.serialPartition(tenant, id('PUMP-007')));
    assert.deepEqual(
      pump.filter((i) => i.entity === 'OutboxEvent').map((e) => [e.type, (e.data as { recallId?: string }).recallId]),
      [['serial.held', 'RC-1']],
    );
    assert.ok(pump.some((i) => String(i.sk).startsWith('MOV#') && i.type === 'hold'));
    assert.ok(pump.some((i) => String(i.sk).startsWith('AUDIT#') && i.action === 'serial.hold' && i.by === people.quality.userId));
    const resin = await partitionItems(keys.lotPartition(tenant, id('RESIN-1')));
    assert.ok(resin.some((e) => e.type === 'lot.held' && (e.data as { recallId?: string }).recallId === 'RC-1'));
    // The recall's own record and events.
    const got = await people.operator.get<Recall>('/v1/recalls/RC-1');
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(got.body, recall);
    const own = await partitionItems(keys.recallPartition(tenant, 'RC-1'));
    assert.deepEqual(
      own.filter((i) => i.entity === 'OutboxEvent').map((e) => [e.type, e.recallId, e.sequence]),
      [
        ['recall.started', 'RC-1', 1],
        ['recall.completed', 'RC-1', 2],
      ],
    );
    const completed = own.find((e) => e.type === 'recall.completed')?.data as {
      counts: Recall['counts'];
      shipped: { id: string; references: string[] }[];
    };
    assert.deepEqual(completed.counts, recall.counts);
    assert.deepEqual(
      completed.shipped.map((s) => [s.id, s.references]),
      [
        [id('RESIN-1A'), ['DN-78']],
        [id('PUMP-S'), ['DN-77']],
      ],
    );
  });

  it('leaves nothing made from the root to consume or ship', async () => {
    const id = await buildTrace('B-');
    await people.quality.ok('POST', '/v1/recalls', { lotId: id('RESIN-1'), reason: 'contaminated' });
    const order = await orderAt(people, 'RUNNING', { quantity: 5 });
    const consume = await people.operator.post(`/v1/work-orders/${order.id}/operations/10/consume`, { lotId: id('RESIN-1'), quantity: 1 });
    assertProblem(consume, 409, { type: 'urn:mes:problem:lot-not-consumable' });
    assert.match(String(consume.body.detail), /on hold/);
    for (const lotId of ['RESIN-1', 'HOUSING-1', 'KIT-1', 'RESIN-1A']) {
      assertProblem(await people.supervisor.post(`/v1/lots/${id(lotId)}/ship`, {}), 409, { type: PROBLEM.illegalTransition });
    }
    for (const p of [PUMPS[0], PUMPS[39]] as string[]) {
      assertProblem(await people.supervisor.post(`/v1/serials/${id(p)}/ship`, {}), 409, { type: PROBLEM.illegalTransition });
    }
  });

  it('is harmless to run again: nothing is held twice', async () => {
    // Prepare
    const id = await buildTrace('C-');
    const first = await people.quality.ok<Recall>('POST', '/v1/recalls', { serialId: id('PUMP-001'), reason: 'loose screw', id: 'RC-C' });
    const pumpBefore = await partitionItems(keys.serialPartition(tenant, id('PUMP-001')));

    // Act
    const again = await people.quality.post<Recall>('/v1/recalls', { serialId: id('PUMP-001'), reason: 'loose screw', id: 'RC-C' });
    const other = await people.admin.post<Recall>('/v1/recalls', { serialId: id('PUMP-001'), reason: 'loose screw' });

    // Assess
    assert.deepEqual(first.counts, { nodes: 2, held: 2, alreadyHeld: 0, consumed: 0, scrapped: 0, shipped: 0 });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body.counts, first.counts, 'the same recall counts its own holds as held');
    assert.equal(again.body.version, 3);
    assert.equal(other.status, 201, other.text);
    assert.notEqual(other.body.id, 'RC-C');
    assert.deepEqual(other.body.counts, { nodes: 2, held: 0, alreadyHeld: 2, consumed: 0, scrapped: 0, shipped: 0 });
    assert.deepEqual(await partitionItems(keys.serialPartition(tenant, id('PUMP-001'))), pumpBefore, 'held once');
  });

  it('resumes a recall that stopped half way when the same request comes again', async () => {
    // Prepare: a recall that wrote its record and held two nodes before it stopped.
    const id = await buildTrace('D-');
    const reason = 'supplier notice 12';
    await new DynamoDbRecallRepository().commitRecall(tenant, {
      before: undefined,
      after: {
        id: 'RC-D',
        root: { kind: 'lot', id: id('HOUSING-1') },
        materialId: 'SA-HOUSING',
        reason,
        status: 'in-progress',
        startedAt: '2026-12-03T08:00:00.000Z',
        startedBy: people.quality.userId as string,
        counts: { nodes: 0, held: 0, alreadyHeld: 0, consumed: 0, scrapped: 0, shipped: 0 },
        version: 1,
        eventSeq: 0,
      },
      audit: { version: 1, at: '2026-12-03T08:00:00.000Z', by: 'u-quality', action: 'recall.start', target: 'recall', changes: [] },
      events: [],
    });
    await people.quality.ok('POST', `/v1/lots/${id('HOUSING-1')}/hold`, { reason: recallHoldReason('RC-D', reason) });
    await people.quality.ok('POST', `/v1/serials/${id('PUMP-002')}/hold`, { reason: recallHoldReason('RC-D', reason) });

    // Act
    const reply = await people.quality.post<Recall>('/v1/recalls', { lotId: id('HOUSING-1'), reason, id: 'RC-D' });

    // Assess: HOUSING-1, 40 pumps, KIT-1, all its own.
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(
      [reply.body.status, reply.body.counts],
      ['completed', { nodes: 42, held: 42, alreadyHeld: 0, consumed: 0, scrapped: 0, shipped: 0 }],
    );
    for (const p of PUMPS) assert.equal((await serialItem(id(p)))?.status, 'on-hold', p);
  });

  it('stops in time when the request runs out of it, and the same request finishes the recall', async () => {
    // Prepare: a request whose deadline has come (as a Lambda's would, with a trace too large for it).
    const id = await buildTrace('F-');
    const service = new RecallService(
      new DynamoDbRecallRepository(),
      new DynamoDbLotRepository(),
      new DynamoDbSerialRepository(),
      new DynamoDbGenealogyRepository(),
    );
    const auth = { tenantId: tenant, userId: 'u-quality', name: 'Quality', roles: ['quality'] as const };

    // Act
    const cut = await withDeadline(Date.now(), () => service.run(auth, { root: { kind: 'lot', id: id('RESIN-1') }, reason: 'notice', id: 'RC-F' }));
    const stored = await people.quality.get<Recall>('/v1/recalls/RC-F');
    const finished = await people.quality.post<Recall>('/v1/recalls', { lotId: id('RESIN-1'), reason: 'notice', id: 'RC-F' });

    // Assess
    assert.deepEqual([cut.finished, cut.created, cut.recall.status], [false, true, 'in-progress']);
    assert.equal(stored.body.status, 'in-progress');
    assert.equal(finished.status, 200, finished.text);
    assert.deepEqual([finished.body.status, finished.body.counts.held], ['completed', 44]);
  });

  it('refuses, naming the field, and writes nothing', async () => {
    const id = await buildTrace('E-');
    const snapshot = async () => ({
      lot: await partitionItems(keys.lotPartition(tenant, id('RESIN-1'))),
      pump: await partitionItems(keys.serialPartition(tenant, id('PUMP-001'))),
      recall: await partitionItems(keys.recallPartition(tenant, 'RC-E')),
    });
    const refused = async (send: () => Promise<Reply>, status: number, type: string, pointers?: string[]) => {
      const before = await snapshot();
      assertProblem(await send(), status, { type, ...(pointers ? { pointers } : {}) });
      assert.deepEqual(await snapshot(), before, 'the refusal wrote something');
    };
    const body = { lotId: id('RESIN-1'), reason: 'x', id: 'RC-E' };
    await refused(() => people.supervisor.post('/v1/recalls', body), 403, PROBLEM.forbidden);
    await refused(() => people.operator.post('/v1/recalls', body), 403, PROBLEM.forbidden);
    await refused(() => people.quality.post('/v1/recalls', { ...body, reason: undefined }), 400, PROBLEM.invalidInput, ['/body/reason']);
    await refused(() => people.quality.post('/v1/recalls', { reason: 'x', id: 'RC-E' }), 400, PROBLEM.invalidInput, ['/body/lotId']);
    await refused(() => people.quality.post('/v1/recalls', { ...body, serialId: id('PUMP-001') }), 400, PROBLEM.invalidInput, ['/body/lotId']);
    await refused(() => people.quality.post('/v1/recalls', { ...body, lotId: 'NO-SUCH' }), 422, PROBLEM.unknownReference, ['/body/lotId']);
    await refused(() => people.quality.post('/v1/recalls', { serialId: 'NO-SUCH', reason: 'x', id: 'RC-E' }), 422, PROBLEM.unknownReference, [
      '/body/serialId',
    ]);
    await refused(() => outsider.quality.post('/v1/recalls', body), 422, PROBLEM.unknownReference, ['/body/lotId']);
    // A recall id taken by a recall of another root.
    await people.quality.ok('POST', '/v1/recalls', { lotId: id('KIT-1'), reason: 'kit', id: 'RC-E' });
    const before = await partitionItems(keys.lotPartition(tenant, id('RESIN-1')));
    assertProblem(await people.quality.post('/v1/recalls', body), 409, { type: PROBLEM.alreadyExists });
    assert.deepEqual(await partitionItems(keys.lotPartition(tenant, id('RESIN-1'))), before);
    assertProblem(await people.quality.get('/v1/recalls/NO-SUCH'), 404, { type: PROBLEM.notFound });
    assertProblem(await outsider.quality.get('/v1/recalls/RC-E'), 404, { type: PROBLEM.notFound });
  });
});

/**
 * What an order makes, as the system of record (issue 14): the good units its last operation
 * reports become serials (one per unit, numbered by the material's pattern unless given, each
 * made once) or go into a produced lot; each is linked to the lots and serials its operations
 * consumed, first in first out, whichever came second (the consumption or the report); a serial's
 * record names its order, operations and components; every refusal writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import type { MaterialLot } from '#shared/domain/tracking/model.ts';
import { type Mes, type Staff, assertProblem, buildPlant, newTenant, snapshot, staff, startMes, storedItems } from '../e2e/support/mes.ts';

const ROUTING = 'RT-TRACE';
interface Trace {
  nodes: { kind: string; id: string; level: number; status?: string }[];
  edges: { from: { id: string }; to: { id: string }; quantity: number; seq?: number }[];
}

describe('tracked production: serials and produced lots with their genealogy', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    const put = (path: string, body: unknown) => people.planner.ok('PUT', path, body);
    await Promise.all([
      put('/v1/materials/HSG', { name: 'Pump housing', uom: 'ea', materialType: 'raw', tracking: 'lot' }),
      put('/v1/materials/IMP', { name: 'Impeller', uom: 'ea', materialType: 'raw', tracking: 'lot' }),
      put('/v1/materials/MOTOR', { name: 'Motor', uom: 'ea', materialType: 'intermediate', tracking: 'serial' }),
      put('/v1/materials/PUMP-S', {
        name: 'Serialized pump',
        uom: 'ea',
        materialType: 'finished',
        tracking: 'serial',
        serialNumberPattern: 'P{YY}-{SEQ:5}',
      }),
      put('/v1/materials/PUMP-L', { name: 'Pump by the lot', uom: 'ea', materialType: 'finished', tracking: 'lot' }),
    ]);
    const operations = [
      { seq: 10, name: 'Assemble', workCenterId: 'wc-assembly' },
      { seq: 20, name: 'Fit impeller', workCenterId: 'wc-test' },
    ];
    await Promise.all(['PUMP-S', 'PUMP-L'].map((m) => put(`/v1/routings/${ROUTING}-${m}`, { materialId: m, name: 'Pump', operations })));
    const components = [
      { materialId: 'HSG', quantityPer: 1, operationSeq: 10 },
      { materialId: 'IMP', quantityPer: 1, operationSeq: 20 },
    ];
    await put('/v1/boms/BOM-S', { materialId: 'PUMP-S', components: [...components, { materialId: 'MOTOR', quantityPer: 1, operationSeq: 10 }] });
    await put('/v1/boms/BOM-L', { materialId: 'PUMP-L', components });
    // The impeller backflushed at operation 20 from the lots staged at its work center.
    await put('/v1/boms/BOM-BF', {
      materialId: 'PUMP-L',
      components: [components[0], { materialId: 'IMP', quantityPer: 2, operationSeq: 20, issue: 'backflush' }],
    });
  });
  after(async () => {
    await mes?.stop();
  });

  const receive = (materialId: string, quantity: number, supplierLot = 'S') =>
    people.supervisor.ok<MaterialLot>('POST', '/v1/lots', { materialId, quantity, supplierLot });
  const path = (o: WorkOrderDetail, rest: string) => `/v1/work-orders/${o.id}/${rest}`;
  const act = (o: WorkOrderDetail, rest: string, body: unknown = {}) => people.operator.ok<WorkOrderDetail>('POST', path(o, rest), body);
  const trace = (kind: 'lots' | 'serials', id: string, direction: 'backward' | 'forward') =>
    people.supervisor.ok<Trace>('GET', `/v1/${kind}/${id}/genealogy?direction=${direction}`);
  /** An order of `product`, released, with operation 10 running. */
  async function running(product: 'PUMP-S' | 'PUMP-L', quantity: number, bomId = product === 'PUMP-S' ? 'BOM-S' : 'BOM-L') {
    const order = await people.planner.ok<WorkOrderDetail>('POST', '/v1/work-orders', {
      materialId: product,
      quantity,
      routingId: `${ROUTING}-${product}`,
      bomId,
      dueDate: '2030-01-01T00:00:00Z',
    });
    await people.supervisor.ok('POST', path(order, 'release'), {});
    return act(order, 'operations/10/start');
  }
  /** Two motors made as serials by their own order (a serialized component). */
  async function motors(n: number): Promise<string[]> {
    await people.planner.ok('PUT', '/v1/routings/RT-MOTOR', {
      materialId: 'MOTOR',
      operations: [{ seq: 10, name: 'Wind', workCenterId: 'wc-assembly' }],
    });
    const order = await people.planner.ok<WorkOrderDetail>('POST', '/v1/work-orders', {
      materialId: 'MOTOR',
      quantity: n,
      routingId: 'RT-MOTOR',
      dueDate: '2030-01-01T00:00:00Z',
    });
    await people.supervisor.ok('POST', path(order, 'release'), {});
    await act(order, 'operations/10/start');
    const done = await act(order, 'operations/10/complete', { goodQty: n });
    assert.equal(done.output?.serials, n);
    const { serials } = await serialsOf(done);
    return serials;
  }
  /** The serials an order made, from its stored material.produced events (the webhook outbox). */
  async function serialsOf(order: WorkOrderDetail) {
    const items = await storedItems(tenant, order.id);
    const serials = items
      .filter((e) => e.entity === 'OutboxEvent' && e.type === 'material.produced')
      .sort((a, b) => Number(a.sequence) - Number(b.sequence))
      .flatMap((e) => (e.data as { serials?: string[] }).serials ?? []);
    return { serials };
  }

  it('gives each good unit of a serialized product its own number and links it to the lots that went into it, first in first out', async () => {
    // Prepare: housings from two supplier lots (3 + 1), impellers from two (2 + 2), and motors.
    const [h1, h2, i1, i2] = [
      await receive('HSG', 3, 'H-A'),
      await receive('HSG', 5, 'H-B'),
      await receive('IMP', 2, 'I-A'),
      await receive('IMP', 5, 'I-B'),
    ];
    const m = await motors(4);
    let order = await running('PUMP-S', 4);
    await act(order, 'operations/10/consume', { lotId: h1.id, quantity: 3 });
    await act(order, 'operations/10/consume', { lotId: h2.id, quantity: 1 });
    for (const id of m) await act(order, 'operations/10/consume', { serialId: id });
    await act(order, 'operations/10/complete', { goodQty: 4 });
    await act(order, 'operations/20/start');
    await act(order, 'operations/20/consume', { lotId: i1.id, quantity: 2 });

    // Act: two numbered by the pattern, then two given; the second pair's impellers come after them.
    const first = await act(order, 'operations/20/report', { goodQty: 2 });
    order = await act(order, 'operations/20/report', { goodQty: 2, serials: ['PS-GIVEN-1', 'PS-GIVEN-2'] });
    await act(order, 'operations/20/consume', { lotId: i2.id, quantity: 2 });
    order = await act(order, 'operations/20/complete', {});

    // Assess: four serials, made once each, numbered by the pattern where not given.
    assert.equal(first.output?.serials, 2);
    assert.equal(order.tracking, 'serial', 'the order copied how its material is tracked at create');
    assert.deepEqual(order.output, { lots: [], serials: 4 });
    const { serials } = await serialsOf(order);
    assert.equal(serials.length, 4);
    assert.match(serials[0] as string, /^P\d{2}-\d{5}$/);
    assert.deepEqual(serials.slice(2), ['PS-GIVEN-1', 'PS-GIVEN-2']);
    // Backward from each serial: its housing lot (FIFO: units 0-2 from H-A, unit 3 from H-B), its motor, its impeller lot.
    const inputs = async (sn: string) => {
      const t = await trace('serials', sn, 'backward');
      return t.nodes
        .filter((n) => n.level === 1)
        .map((n) => n.id)
        .sort();
    };
    assert.deepEqual(await inputs(serials[0] as string), [h1.id, i1.id, m[0]].sort());
    assert.deepEqual(await inputs(serials[3] as string), [h2.id, i2.id, m[3]].sort(), 'the impeller consumed after the unit was made is linked too');
    // Forward from the first housing lot: the first three serials, and no other.
    const forward = await trace('lots', h1.id, 'forward');
    assert.deepEqual(
      forward.nodes
        .filter((n) => n.kind === 'serial')
        .map((n) => n.id)
        .sort(),
      serials.slice(0, 3).sort(),
    );
    // The motors are consumed now; the serial record shows its components per operation and its operations.
    const record = await people.supervisor.ok<{
      serial: { id: string; status: string; ordinal: number };
      order: { id: string };
      operations: {
        seq: number;
        startedBy?: string;
        completedBy?: string;
        components: { node: { id: string }; supplierLot?: string; materialName?: string }[];
      }[];
    }>('GET', `/v1/serials/${serials[3]}`);
    assert.deepEqual([record.serial.status, record.serial.ordinal, record.order.id], ['made', 3, order.id]);
    assert.deepEqual(
      record.operations.map((o) => [o.seq, o.completedBy, o.components.map((c) => c.node.id).sort()]),
      [
        [10, 'u-operator', [h2.id, m[3]].sort()],
        [20, 'u-operator', [i2.id]],
      ],
    );
    assert.equal(record.operations[0]?.components.find((c) => c.node.id === h2.id)?.supplierLot, 'H-B');
    const motor = await people.supervisor.get(`/v1/serials/${m[0]}`);
    assert.equal((motor.body as { serial: { status: string } }).serial.status, 'consumed');
  });

  it('puts the good of a lot-tracked product into the order lot, numbered, and links what was consumed', async () => {
    const [h, i] = [await receive('HSG', 10, 'H-L'), await receive('IMP', 10, 'I-L')];
    let order = await running('PUMP-L', 5);
    await act(order, 'operations/10/consume', { lotId: h.id, quantity: 5 });
    await act(order, 'operations/10/complete', { goodQty: 5 });
    await act(order, 'operations/20/start');
    await act(order, 'operations/20/consume', { lotId: i.id, quantity: 3 });
    order = await act(order, 'operations/20/report', { goodQty: 3 });
    const lotId = order.output?.lots[0]?.id as string;
    await act(order, 'operations/20/consume', { lotId: i.id, quantity: 2 });
    order = await act(order, 'operations/20/complete', { goodQty: 2 });

    assert.deepEqual(order.output, { lots: [{ id: lotId, fromUnit: 0 }], serials: 0 });
    const lot = await people.supervisor.ok<MaterialLot>('GET', `/v1/lots/${lotId}`);
    assert.deepEqual(
      [lot.materialId, lot.quantity, lot.origin, lot.workOrderId, lot.seq, lot.status],
      ['PUMP-L', 5, 'produced', order.id, 20, 'available'],
    );
    const back = await trace('lots', lotId, 'backward');
    assert.deepEqual(
      back.nodes
        .filter((n) => n.level === 1)
        .map((n) => n.id)
        .sort(),
      [h.id, i.id].sort(),
    );
    const fromImpeller = back.edges.filter((e) => e.from.id === i.id).reduce((n, e) => n + e.quantity, 0);
    assert.equal(fromImpeller, 5, 'the impeller lot gave 3 before and 2 after the first report');
  });

  it('backflushes a line from the lots staged at the work center, first expiring first, and refuses a report they cannot cover', async () => {
    // Prepare: two impeller lots staged at the test bench, the later-expiring one received first; one not staged.
    const later = await people.supervisor.ok<MaterialLot>('POST', '/v1/lots', { materialId: 'IMP', quantity: 10, expiresAt: '2031-01-01T00:00:00Z' });
    const sooner = await people.supervisor.ok<MaterialLot>('POST', '/v1/lots', { materialId: 'IMP', quantity: 3, expiresAt: '2030-06-01T00:00:00Z' });
    await receive('IMP', 50);
    for (const lot of [later, sooner]) await people.supervisor.ok('POST', `/v1/lots/${lot.id}/stage`, { workCenterId: 'wc-test' });
    const h = await receive('HSG', 10);
    let order = await running('PUMP-L', 6, 'BOM-BF');
    await act(order, 'operations/10/consume', { lotId: h.id, quantity: 6 });
    await act(order, 'operations/10/complete', { goodQty: 6 });
    await act(order, 'operations/20/start');

    // Act: 2 good and 1 scrap take 6 impellers: the 3 expiring sooner, then 3 of the other.
    order = await act(order, 'operations/20/report', { goodQty: 2, scrapQty: 1, scrapReasonCode: 'DIM' });

    // Assess
    const op = order.operations.find((o) => o.seq === 20);
    assert.deepEqual(
      op?.consumed?.map((c) => [c.node.id, c.quantity, c.backflush]),
      [
        [sooner.id, 3, true],
        [later.id, 3, true],
      ],
    );
    const [s1, l1] = await Promise.all([sooner, later].map((l) => people.supervisor.ok<MaterialLot>('GET', `/v1/lots/${l.id}`)));
    assert.deepEqual([s1?.quantity, s1?.status, l1?.quantity], [0, 'consumed', 7]);
    const produced = order.output?.lots[0]?.id as string;
    const back = await trace('lots', produced, 'backward');
    assert.deepEqual(
      back.nodes
        .filter((n) => n.level === 1)
        .map((n) => n.id)
        .sort(),
      [h.id, sooner.id, later.id].sort(),
    );
    // 3 good more need 6: only 7 - 6 = 1 staged lot left with 7: fine; then 4 more need 8 of 1 left: refused, nothing written.
    order = await act(order, 'operations/20/report', { goodQty: 3 });
    const before = await snapshot(people.supervisor, tenant, order.id);
    const short = await people.operator.post(path(order, 'operations/20/report'), { goodQty: 1 });
    assertProblem(short, 409);
    assert.match((short.body as { detail: string }).detail, /backflush of Impeller is 1 ea short at wc-test/i);
    assert.deepEqual(await snapshot(people.supervisor, tenant, order.id), before);
    assert.equal((await people.supervisor.ok<MaterialLot>('GET', `/v1/lots/${later.id}`)).quantity, 1);
  });

  it('refuses what cannot be made, says why, and writes nothing', async () => {
    const h = await receive('HSG', 10);
    const m = await motors(2);
    const order = await running('PUMP-S', 2);
    await act(order, 'operations/10/consume', { lotId: h.id, quantity: 2 });
    for (const id of m) await act(order, 'operations/10/consume', { serialId: id });
    const taken = await motors(1);
    const cases: [string, unknown, number, string][] = [
      ['operations/10/report', { goodQty: 1, serials: ['X-1'] }, 400, '/body/serials'],
      ['operations/10/report', { goodQty: 1, lotId: 'L-1' }, 400, '/body/lotId'],
    ];
    for (const [action, body, status, pointer] of cases) {
      const before = await snapshot(people.supervisor, tenant, order.id);
      assertProblem(await people.operator.post(path(order, action), body), status, { pointers: [pointer] });
      assert.deepEqual(await snapshot(people.supervisor, tenant, order.id), before);
    }
    await act(order, 'operations/10/complete', { goodQty: 2 });
    // Completing it again is the order's own refusal, which says who changed it last and how.
    const twice = await people.supervisor.post(path(order, 'operations/10/complete'), {});
    assertProblem(twice, 409);
    assert.deepEqual(
      [(twice.body as { changedBy?: string }).changedBy, (twice.body as { lastChange?: string }).lastChange],
      ['u-operator', 'completed operation 10 (Assemble)'],
    );
    await act(order, 'operations/20/start');
    const cases20: [unknown, number, string | undefined][] = [
      [{ goodQty: 2, serials: ['ONLY-ONE'] }, 400, '/body/serials'],
      [{ goodQty: 2, serials: ['SAME', 'SAME'] }, 400, '/body/serials'],
      [{ goodQty: 1, lotId: 'L-1' }, 400, '/body/lotId'],
      [{ goodQty: 1, serials: [taken[0]] }, 409, undefined],
    ];
    for (const [body, status, pointer] of cases20) {
      const before = await snapshot(people.supervisor, tenant, order.id);
      const reply = await people.operator.post(path(order, 'operations/20/report'), body);
      assertProblem(reply, status, pointer ? { pointers: [pointer] } : {});
      assert.deepEqual(await snapshot(people.supervisor, tenant, order.id), before, JSON.stringify(body));
    }
    // A motor consumed already, or another's, cannot be consumed again.
    const again = await people.operator.post(path(order, 'operations/20/consume'), { serialId: m[0] });
    assertProblem(again, 409, { pointers: ['/body/serialId'] });
  });
});

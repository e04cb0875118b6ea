/**
 * Serial and shipping commands over HTTP (issue 14): hold, release and ship a serial, ship a
 * lot. Each change is one transaction with its movement, audit record and outbox event; every
 * refusal (held, consumed, scrapped or shipped already; the wrong role; another tenant's)
 * writes nothing: the item collections read straight from the table are as they were. A held
 * lot cannot be consumed (the existing consume route) or shipped.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keys } from '#shared/db/keys.ts';
import type { MaterialLot, SerialUnit } from '#shared/domain/tracking/model.ts';
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
import { putRecords, serialRecord } from '../fixtures/genealogy.ts';

const HSG = PLANT.components[0];

describe('serial and shipping commands', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let outsider: Staff;
  let count = 0;

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

  /** A serial as the work-order commands store it (version 1, made). */
  const newSerial = async (over: Partial<SerialUnit> = {}) => {
    const id = `PUMP-${++count}`;
    await putRecords(tenant, { serials: [serialRecord(id, { materialName: 'Pump', ...over })] });
    return id;
  };
  const newLot = (quantity = 10) => people.supervisor.ok<MaterialLot>('POST', '/v1/lots', { materialId: HSG, quantity, supplierLot: 'S-1' });
  const serialItems = (id: string) => partitionItems(keys.serialPartition(tenant, id));
  const lotItems = (id: string) => partitionItems(keys.lotPartition(tenant, id));
  const refused = async (items: () => Promise<unknown>, send: () => Promise<Reply>, status: number, type: string, detail?: RegExp) => {
    const before = await items();
    const reply = await send();
    const problem = assertProblem(reply, status, { type });
    if (detail) assert.match(String(problem.detail), detail);
    assert.deepEqual(await items(), before, 'the refusal wrote something');
  };

  it('holds, releases and ships a serial, each with its movement, audit record and event', async () => {
    // Prepare
    const id = await newSerial();

    // Act
    const held = await people.supervisor.post<SerialUnit>(`/v1/serials/${id}/hold`, { reason: 'scratched housing' });
    const released = await people.quality.post<SerialUnit>(`/v1/serials/${id}/release`, { comment: 'polished out' });
    const shipped = await people.supervisor.post<SerialUnit>(`/v1/serials/${id}/ship`, { reference: 'DN-4711' });

    // Assess
    assert.equal(held.status, 200, held.text);
    assert.deepEqual([held.body.status, held.body.holdReason, held.body.version], ['on-hold', 'scratched housing', 2]);
    assert.equal(released.status, 200, released.text);
    assert.deepEqual([released.body.status, released.body.holdReason, released.body.version], ['made', undefined, 3]);
    assert.equal(shipped.status, 200, shipped.text);
    assert.deepEqual([shipped.body.status, shipped.body.version], ['shipped', 4]);
    const items = await serialItems(id);
    const moves = items.filter((i) => String(i.sk).startsWith('MOV#'));
    assert.deepEqual(
      moves.map((m) => [m.type, m.version, m.reference]),
      [
        ['hold', 2, undefined],
        ['release', 3, undefined],
        ['ship', 4, 'DN-4711'],
      ],
    );
    const audit = items.filter((i) => String(i.sk).startsWith('AUDIT#'));
    assert.deepEqual(
      audit.map((a) => [a.action, a.by]),
      [
        ['serial.hold', people.supervisor.userId],
        ['serial.release', people.quality.userId],
        ['serial.ship', people.supervisor.userId],
      ],
    );
    const events = items.filter((i) => i.entity === 'OutboxEvent');
    assert.deepEqual(
      events.map((e) => [e.type, e.serialId, e.sequence]),
      [
        ['serial.held', id, 1],
        ['serial.released', id, 2],
        ['serial.shipped', id, 3],
      ],
    );
    // What the maker stored stays: the serial is updated, not replaced.
    const record = items.find((i) => i.sk === 'SN');
    assert.deepEqual([record?.workOrderId, record?.madeBy, record?.status], ['WO-1', 'u-operator', 'shipped']);
  });

  it('refuses to ship a held, consumed, scrapped or shipped serial, naming why, and writes nothing', async () => {
    const held = await newSerial();
    await people.supervisor.ok('POST', `/v1/serials/${held}/hold`, { reason: 'recall' });
    const cases: [string, RegExp][] = [
      [held, /is on hold \(recall\): quality must release it before it ships/],
      [await newSerial({ status: 'consumed' }), /it is consumed/],
      [await newSerial({ status: 'scrapped' }), /it is scrapped/],
      [await newSerial({ status: 'shipped' }), /it is shipped/],
    ];
    for (const [id, why] of cases) {
      await refused(
        () => serialItems(id),
        () => people.supervisor.post(`/v1/serials/${id}/ship`, {}),
        409,
        PROBLEM.illegalTransition,
        why,
      );
    }
  });

  it('refuses the other serial changes that make no sense, the wrong role, another tenant and bad input; nothing written', async () => {
    const id = await newSerial();
    const items = () => serialItems(id);
    await refused(items, () => people.quality.post(`/v1/serials/${id}/release`, {}), 409, PROBLEM.illegalTransition, /is not on hold/);
    await refused(items, () => people.operator.post(`/v1/serials/${id}/hold`, { reason: 'x' }), 403, PROBLEM.forbidden);
    await refused(items, () => people.quality.post(`/v1/serials/${id}/ship`, {}), 403, PROBLEM.forbidden);
    await refused(items, () => outsider.supervisor.post(`/v1/serials/${id}/hold`, { reason: 'x' }), 404, PROBLEM.notFound);
    await refused(items, () => people.supervisor.post(`/v1/serials/${id}/hold`, {}), 400, PROBLEM.invalidInput);
    await refused(items, () => people.supervisor.post(`/v1/serials/${id}/hold`, { reason: 'x' }, { 'if-match': '"7"' }), 409, PROBLEM.staleVersion);
    await people.supervisor.ok('POST', `/v1/serials/${id}/hold`, { reason: 'QA' });
    await refused(
      items,
      () => people.supervisor.post(`/v1/serials/${id}/hold`, { reason: 'again' }),
      409,
      PROBLEM.illegalTransition,
      /on hold already/,
    );
    await refused(items, () => people.supervisor.post(`/v1/serials/${id}/release`, {}), 403, PROBLEM.forbidden);
    await refused(items, () => people.supervisor.post(`/v1/serials/${id}/ship`, {}), 409, PROBLEM.illegalTransition);
    const missing = await people.supervisor.post('/v1/serials/NO-SUCH/hold', { reason: 'x' });
    assertProblem(missing, 404, { type: PROBLEM.notFound });
  });

  it('ships a lot in part and then the rest, and keeps the total shipped', async () => {
    // Prepare
    const lot = await newLot(10);

    // Act
    const part = await people.supervisor.post<MaterialLot>(`/v1/lots/${lot.id}/ship`, { quantity: 4, reference: 'DN-1' });
    const rest = await people.supervisor.post<MaterialLot>(`/v1/lots/${lot.id}/ship`, { reference: 'DN-2' });

    // Assess
    assert.equal(part.status, 200, part.text);
    assert.deepEqual([part.body.status, part.body.quantity, part.body.shippedQty], ['available', 6, 4]);
    assert.deepEqual([rest.body.status, rest.body.quantity, rest.body.shippedQty], ['shipped', 0, 10]);
    const items = await lotItems(lot.id);
    const ships = items.filter((i) => String(i.sk).startsWith('MOV#') && i.type === 'ship');
    assert.deepEqual(
      ships.map((m) => [m.quantityChange, m.quantityAfter, m.reference]),
      [
        [-4, 6, 'DN-1'],
        [-6, 0, 'DN-2'],
      ],
    );
    const events = items.filter((i) => i.entity === 'OutboxEvent' && i.type === 'lot.shipped');
    assert.deepEqual(
      events.map((e) => [(e.data as { shippedQty: number }).shippedQty, (e.data as { reference?: string }).reference]),
      [
        [4, 'DN-1'],
        [6, 'DN-2'],
      ],
    );
  });

  it('refuses to ship a held, shipped or scrapped lot or more than is left; a held lot cannot be consumed either', async () => {
    const held = await newLot();
    await people.quality.ok('POST', `/v1/lots/${held.id}/hold`, { reason: 'supplier recall' });
    await refused(
      () => lotItems(held.id),
      () => people.supervisor.post(`/v1/lots/${held.id}/ship`, {}),
      409,
      PROBLEM.illegalTransition,
      /on hold \(supplier recall\): quality must release it before it ships/,
    );
    const order = await orderAt(people, 'RUNNING', { quantity: 5 });
    await refused(
      () => lotItems(held.id),
      () => people.operator.post(`/v1/work-orders/${order.id}/operations/10/consume`, { lotId: held.id, quantity: 1 }),
      409,
      'urn:mes:problem:lot-not-consumable',
    );

    const small = await newLot(3);
    await refused(
      () => lotItems(small.id),
      () => people.supervisor.post(`/v1/lots/${small.id}/ship`, { quantity: 4 }),
      409,
      PROBLEM.quantityRule,
      /too little to ship/,
    );
    await refused(
      () => lotItems(small.id),
      () => people.operator.post(`/v1/lots/${small.id}/ship`, {}),
      403,
      PROBLEM.forbidden,
    );
    await refused(
      () => lotItems(small.id),
      () => outsider.supervisor.post(`/v1/lots/${small.id}/ship`, {}),
      404,
      PROBLEM.notFound,
    );
    const bad = await people.supervisor.post(`/v1/lots/${small.id}/ship`, { quantity: -1 });
    assertProblem(bad, 400, { type: PROBLEM.invalidInput, pointers: ['/body/quantity'] });
    await people.supervisor.ok('POST', `/v1/lots/${small.id}/ship`, {});
    await refused(
      () => lotItems(small.id),
      () => people.supervisor.post(`/v1/lots/${small.id}/ship`, {}),
      409,
      PROBLEM.illegalTransition,
      /it is shipped/,
    );
  });
});

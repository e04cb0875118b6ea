/**
 * Nonconformances over HTTP (issue 15, docs/quality.md "Nonconformances"): opening one holds
 * what it names (a lot, a serial, an order by a quality hold) in the same transaction; each
 * disposition (scrap, rework, use as is with a second person's signed approval, return to supplier)
 * writes its effects and lifts the holds in one transaction, and only the holds no other open
 * nonconformance still needs. Every refusal writes nothing: the item collections read straight
 * from the table are as they were.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { webhookPayloadSchema } from '#shared/api/integration-schemas.ts';
import { keys } from '#shared/db/keys.ts';
import type { Nonconformance, NonconformanceDetail } from '#shared/domain/quality/nonconformance-model.ts';
import type { MaterialLot, SerialUnit } from '#shared/domain/tracking/model.ts';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import {
  type Api,
  type Mes,
  PLANT,
  PROBLEM,
  type Reply,
  type Staff,
  as,
  assertProblem,
  buildPlant,
  newTenant,
  orderAt,
  partitionItems,
  staff,
  startMes,
} from '../e2e/support/mes.ts';
import { putRecords, serialRecord } from '../fixtures/genealogy.ts';
import { sign, withPassword } from '../e2e/support/signing.ts';

process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');

const HSG = PLANT.components[0];

describe('nonconformances', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let outsider: Staff;
  let count = 0;
  let receiver: Server;
  const received: { headers: Record<string, string>; body: string }[] = [];
  let endpoint: { id: string; secret: string };

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req
        .on('data', (c) => (body += c))
        .on('end', () => {
          received.push({ headers: req.headers as Record<string, string>, body });
          res.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    outsider = await staff(mes, newTenant());
    endpoint = await people.admin.ok('POST', '/v1/webhook-endpoints', {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/erp`,
      eventTypes: [
        'nonconformance.opened',
        'nonconformance.dispositioned',
        'nonconformance.closed',
        'lot.returned',
        'operation.added',
        'work-order.held',
      ],
    });
  });
  after(async () => {
    await mes?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const newLot = (quantity = 10) =>
    people.supervisor.ok<MaterialLot>('POST', '/v1/lots', { materialId: HSG, quantity, supplierId: 'ACME', supplierLot: 'S-1' });
  const newSerial = async () => {
    const id = `PUMP-NC-${++count}`;
    await putRecords(tenant, { serials: [serialRecord(id, { materialName: 'Pump' })] });
    return id;
  };
  const report = (body: Record<string, unknown>, who: Api = people.operator, headers?: Record<string, string>) =>
    who.post<Nonconformance>('/v1/nonconformances', { defectCode: 'DIM', description: 'bore 0.2 mm over', ...body }, headers);
  const open = async (body: Record<string, unknown>, who: Api = people.operator) => {
    const reply = await report(body, who);
    assert.equal(reply.status, 201, reply.text);
    return reply.body;
  };
  const disposition = (id: string, body: Record<string, unknown>, who: Api = people.quality) =>
    who.post<Nonconformance>(`/v1/nonconformances/${id}/disposition`, body);
  const decided = async (id: string, body: Record<string, unknown>, who: Api = people.quality) => {
    const reply = await disposition(id, body, who);
    assert.equal(reply.status, 200, reply.text);
    return reply.body;
  };
  const lot = (id: string) => people.quality.ok<MaterialLot>('GET', `/v1/lots/${id}`);
  const order = (id: string) => people.quality.ok<WorkOrderDetail>('GET', `/v1/work-orders/${id}`);
  /** The serial as stored (the fixture's serial has no order to show it with over HTTP). */
  const serialOf = async (id: string) =>
    (await partitionItems(keys.serialPartition(tenant, id))).find((i) => i.sk === 'SN') as SerialUnit | undefined;
  const ncItems = (id: string) => partitionItems(keys.nonconformancePartition(tenant, id));
  /** What a refusal must leave as it was: the NCs, their counters and registers, and the named things' item collections. */
  const state = async (things: { ncs?: string[]; lots?: string[]; serials?: string[]; orders?: string[] }) => ({
    ncs: await Promise.all((things.ncs ?? []).map(ncItems)),
    counters: await partitionItems(`${tenant}#QSEQ`),
    registers: await partitionItems(`${tenant}#NCHOLD`),
    lots: await Promise.all((things.lots ?? []).map((id) => partitionItems(keys.lotPartition(tenant, id)))),
    serials: await Promise.all((things.serials ?? []).map((id) => partitionItems(keys.serialPartition(tenant, id)))),
    orders: await Promise.all((things.orders ?? []).map((id) => partitionItems(keys.workOrderPartition(tenant, id)))),
  });
  const refused = async (things: Parameters<typeof state>[0], send: () => Promise<Reply>, status: number, type?: string, detail?: RegExp) => {
    const before = await state(things);
    const reply = await send();
    const problem = assertProblem(reply, status, type ? { type } : {});
    if (detail) assert.match(String(problem.detail), detail);
    assert.deepEqual(await state(things), before, 'the refusal wrote something');
    return problem;
  };

  describe('opening', () => {
    it('numbers it NC-{YYYY}-{SEQ:5} and holds the lot it names in the same transaction; a retry with its Idempotency-Key is the same one', async () => {
      // Prepare
      const received = await newLot();

      // Act
      const first = await report({ lotId: received.id, quantity: 3 }, people.operator, { 'idempotency-key': `nc-${received.id}` });
      const again = await report({ lotId: received.id, quantity: 3 }, people.operator, { 'idempotency-key': `nc-${received.id}` });

      // Assess
      assert.equal(first.status, 201, first.text);
      const nc = first.body;
      assert.match(nc.id, /^NC-\d{4}-\d{5}$/);
      assert.equal(nc.id.slice(3, 7), nc.reportedAt.slice(0, 4));
      assert.deepEqual(
        [nc.status, nc.quantity, nc.uom, nc.materialId, nc.defectCode, nc.defectName, nc.reportedBy],
        ['open', 3, 'EA', HSG, 'DIM', 'Dimension out of tolerance', 'u-operator'],
      );
      assert.deepEqual(nc.holds, [{ kind: 'lot', id: received.id, outcome: 'placed' }]);
      assert.equal(again.status, 201, again.text);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.body.id, nc.id);
      const held = await lot(received.id);
      assert.equal(held.status, 'on-hold');
      assert.equal(held.holdReason, `Nonconformance ${nc.id}: Dimension out of tolerance`);
      const lotEvents = (await partitionItems(keys.lotPartition(tenant, received.id))).filter((i) => i.entity === 'OutboxEvent');
      assert.deepEqual(
        lotEvents.map((e) => [e.type, (e.data as Record<string, unknown>).nonconformanceId]),
        [
          ['lot.received', undefined],
          ['lot.held', nc.id],
        ],
      );
      const items = await ncItems(nc.id);
      assert.deepEqual(
        items.map((i) => [i.sk, i.type ?? i.action ?? i.status]),
        [
          ['AUDIT#00000001', 'nonconformance.open'],
          ['EVT#00000001#01', 'nonconformance.opened'],
          ['NC', 'open'],
        ],
      );
    });

    it('holds a serial, and puts a running order on a QUALITY hold a supervisor cannot lift but quality can, with a reason', async () => {
      // Prepare
      const serialId = await newSerial();
      const running = await orderAt(people, 'RUNNING');

      // Act
      const onSerial = await open({ serialId, quantity: 1, defectCode: 'SURFACE' });
      const onOrder = await open({ workOrderId: running.id, seq: 10, quantity: 2 });
      const bySupervisor = await people.supervisor.post(`/v1/work-orders/${running.id}/resume`, { comment: 'looks fine to me' });
      const byQuality = await people.quality.post<WorkOrderDetail>(`/v1/work-orders/${running.id}/resume`, {
        comment: 'sorted: bad batch of inserts',
      });

      // Assess
      assert.deepEqual(onSerial.holds, [{ kind: 'serial', id: serialId, outcome: 'placed' }]);
      assert.equal((await serialOf(serialId))?.status, 'on-hold');
      assert.deepEqual(onOrder.holds, [{ kind: 'work-order', id: running.id, outcome: 'placed' }]);
      assertProblem(bySupervisor, 403, { type: PROBLEM.forbidden });
      assert.equal(byQuality.status, 200, byQuality.text);
      assert.equal(byQuality.body.status, 'IN_PROGRESS');
      const history = await people.quality.ok<{ items: { action: string; comment?: string; by: string }[] }>(
        'GET',
        `/v1/work-orders/${running.id}/history`,
      );
      assert.deepEqual(
        history.items.slice(-2).map((a) => [a.action, a.by, a.comment]),
        [
          ['workOrder.hold', 'u-operator', `held by nonconformance ${onOrder.id}`],
          ['workOrder.resume', 'u-quality', 'sorted: bad batch of inserts'],
        ],
      );
    });

    it('records an order on hold already and does not fail; a second nonconformance on a held lot joins the hold', async () => {
      // Prepare
      const held = await orderAt(people, 'ON_HOLD');
      const received = await newLot();
      const first = await open({ lotId: received.id, quantity: 1 });

      // Act
      const onHeldOrder = await open({ workOrderId: held.id, quantity: 1 });
      const second = await open({ lotId: received.id, quantity: 2, defectCode: 'CONTAMINATION' });

      // Assess
      assert.deepEqual(onHeldOrder.holds, [{ kind: 'work-order', id: held.id, outcome: 'already-held' }]);
      const after = await order(held.id);
      assert.deepEqual([after.status, after.holdKind, after.version], ['ON_HOLD', 'production', held.version]);
      assert.deepEqual(first.holds, [{ kind: 'lot', id: received.id, outcome: 'placed' }]);
      assert.deepEqual(second.holds, [{ kind: 'lot', id: received.id, outcome: 'joined' }]);
    });

    it('answers a retry with its Idempotency-Key with the first result, even once what it held is gone', async () => {
      const received = await newLot(2);
      const key = { 'idempotency-key': `gone-${received.id}` };
      const first = await report({ lotId: received.id, quantity: 2 }, people.operator, key);
      assert.equal(first.status, 201, first.text);
      await decided(first.body.id, { disposition: 'scrap' });
      const retry = await report({ lotId: received.id, quantity: 2 }, people.operator, key);
      assert.equal(retry.status, 201, retry.text);
      assert.deepEqual([retry.headers.get('idempotent-replayed'), retry.body.id], ['true', first.body.id]);
    });

    it('refuses an Idempotency-Key used first with another request, writing nothing', async () => {
      const received = await newLot(5);
      await open({ lotId: received.id, quantity: 1 });
      await report({ lotId: received.id, quantity: 1 }, people.operator, { 'idempotency-key': `reuse-${received.id}` });
      await refused(
        { lots: [received.id] },
        () => report({ lotId: received.id, quantity: 2 }, people.operator, { 'idempotency-key': `reuse-${received.id}` }),
        422,
        PROBLEM.idempotencyKeyReused,
      );
    });

    it('refuses bad input with a 4xx naming the field, and writes nothing', async () => {
      const received = await newLot(5);
      const things = { lots: [received.id] };
      await refused(things, () => report({ quantity: 1 }), 400, PROBLEM.invalidInput);
      await refused(things, () => report({ lotId: received.id, quantity: 1, defectCode: 'NOPE' }), 422, PROBLEM.unknownReference, /defect/);
      await refused(things, () => report({ lotId: 'NO-SUCH-LOT', quantity: 1 }), 422, PROBLEM.unknownReference, /lot NO-SUCH-LOT/);
      await refused(things, () => report({ lotId: received.id, quantity: 6 }), 409, PROBLEM.quantityRule, /5 EA left/i);
      await refused(things, () => report({ lotId: received.id, quantity: 1.5 }), 422);
      await refused(things, () => report({ lotId: received.id, quantity: 1 }, people.planner), 403, PROBLEM.forbidden);
    });
  });

  describe('dispositions', () => {
    it('scrap of a lot: its quantity is scrapped and the rest released, with the nonconformance closed, in one transaction', async () => {
      // Prepare
      const received = await newLot(10);
      const nc = await open({ lotId: received.id, quantity: 3 });

      // Act
      const closed = await decided(nc.id, { disposition: 'scrap', comment: 'not worth reworking' });

      // Assess
      assert.deepEqual(
        [closed.status, closed.disposition?.disposition, closed.disposition?.scrapReasonCode, closed.closedBy],
        ['closed', 'scrap', 'DIM', 'u-quality'],
      );
      assert.deepEqual(closed.holds, [{ kind: 'lot', id: received.id, outcome: 'placed', ending: 'lifted' }]);
      const after = await lot(received.id);
      assert.deepEqual([after.status, after.quantity, after.holdReason], ['available', 7, undefined]);
      const moves = (await partitionItems(keys.lotPartition(tenant, received.id), 'MOV#')).map((m) => [m.type, m.quantityChange]);
      assert.deepEqual(moves, [
        ['receive', 10],
        ['hold', 0],
        ['scrap', -3],
        ['release', 0],
      ]);
      const events = (await ncItems(nc.id)).filter((i) => i.entity === 'OutboxEvent').map((e) => [e.type, e.sequence]);
      assert.deepEqual(events, [
        ['nonconformance.opened', 1],
        ['nonconformance.dispositioned', 2],
        ['nonconformance.closed', 3],
      ]);
      const detail = await people.operator.ok<NonconformanceDetail>('GET', `/v1/nonconformances/${nc.id}`);
      assert.deepEqual(
        detail.history.map((a) => [a.action, a.by]),
        [
          ['nonconformance.open', 'u-operator'],
          ['nonconformance.decide', 'u-quality'],
        ],
      );
    });

    it('lifts only the hold no other open nonconformance needs: the lot stays held until the last one closes', async () => {
      // Prepare
      const received = await newLot(10);
      const first = await open({ lotId: received.id, quantity: 1 });
      const second = await open({ lotId: received.id, quantity: 1, defectCode: 'LEAK' });

      // Act
      const closedFirst = await decided(first.id, { disposition: 'scrap' });
      const stillHeld = await lot(received.id);
      const closedSecond = await decided(second.id, { disposition: 'scrap' });

      // Assess
      assert.equal(closedFirst.holds[0]?.ending, 'kept-for-others');
      assert.deepEqual([stillHeld.status, stillHeld.quantity], ['on-hold', 9]);
      assert.equal(closedSecond.holds[0]?.ending, 'lifted');
      const after = await lot(received.id);
      assert.deepEqual([after.status, after.quantity], ['available', 8]);
    });

    it('scrap of a serial: scrapped, its hold gone with it', async () => {
      const serialId = await newSerial();
      const nc = await open({ serialId, quantity: 1 });
      const closed = await decided(nc.id, { disposition: 'scrap', scrapReasonCode: 'HANDLING' });
      assert.deepEqual(closed.holds, [{ kind: 'serial', id: serialId, outcome: 'placed', ending: 'gone' }]);
      assert.equal((await serialOf(serialId))?.status, 'scrapped');
      const events = (await partitionItems(keys.serialPartition(tenant, serialId))).filter((i) => i.entity === 'OutboxEvent');
      assert.deepEqual(
        events.map((e) => e.type),
        ['serial.held', 'serial.scrapped'],
      );
    });

    it("scrap of an order's units: moved from the operation's good to its scrap, and the quality hold lifted", async () => {
      // Prepare
      const running = await orderAt(people, 'RUNNING');
      await people.operator.ok('POST', `/v1/work-orders/${running.id}/operations/10/report`, { goodQty: 5, scrapQty: 0 });
      const nc = await open({ workOrderId: running.id, seq: 10, quantity: 2 });

      // Act
      await decided(nc.id, { disposition: 'scrap' });

      // Assess
      const after = await order(running.id);
      const op = after.operations[0];
      assert.deepEqual([after.status, op?.goodQty, op?.scrapQty, op?.scrapByReason], ['IN_PROGRESS', 3, 2, { DIM: 2 }]);
      assert.deepEqual([after.producedQty, after.scrappedQty], [3, 2]);
      const events = (await partitionItems(keys.workOrderPartition(tenant, running.id), 'EVT#')).map((e) => e.type);
      assert.deepEqual(events.slice(-2), ['production.scrapped', 'work-order.resumed']);
    });

    it('rework: adds a READY rework operation after the nonconforming one and lifts the hold; the order completes only once it is done', async () => {
      // Prepare
      const running = await orderAt(people, 'RUNNING');
      const nc = await open({ workOrderId: running.id, seq: 10, quantity: 2 });

      // Act
      const closed = await decided(nc.id, { disposition: 'rework', instructions: 'Re-ream the bore to 12H7.', workCenterId: 'wc-assembly' });
      const path = `/v1/work-orders/${running.id}`;
      const early = await people.operator.post(`${path}/operations/10/complete`, { goodQty: 10 });
      await people.operator.ok('POST', `${path}/operations/11/start`, {});
      await people.operator.ok('POST', `${path}/operations/11/complete`, { goodQty: 2 });
      const done = await people.operator.ok<WorkOrderDetail>('POST', `${path}/operations/10/complete`, { goodQty: 10 });

      // Assess
      assert.deepEqual(closed.disposition?.rework, {
        seq: 11,
        name: `Rework ${nc.id}`,
        workCenterId: 'wc-assembly',
        instructions: 'Re-ream the bore to 12H7.',
      });
      assert.equal(closed.holds[0]?.ending, 'lifted');
      assertProblem(early, 409, { type: PROBLEM.illegalTransition });
      assert.match(String((early.body as { detail: string }).detail), /rework operation 11/);
      assert.deepEqual([done.status, done.producedQty], ['COMPLETED', 10]);
      assert.deepEqual(
        done.operations.map((o) => [o.seq, o.status, o.rework?.nonconformanceId]),
        [
          [10, 'DONE', undefined],
          [11, 'DONE', nc.id],
        ],
      );
    });

    it('use as is: decided by one quality person, approved by a second; the same person approving is refused and writes nothing; only the approval lifts the hold', async () => {
      // Prepare
      const received = await newLot(10);
      const nc = await open({ lotId: received.id, quantity: 2 });
      const secondQuality = await as(mes, tenant, 'u-quality-2', ['quality']);

      // Act
      const awaiting = await decided(nc.id, { disposition: 'use-as-is', comment: 'within the customer deviation D-12' });
      const heldMeanwhile = await lot(received.id);
      const self = await refused(
        { ncs: [nc.id], lots: [received.id] },
        () => disposition(nc.id, { approve: true }),
        403,
        PROBLEM.forbidden,
        /second, different person/,
      );
      const redecide = await disposition(nc.id, { disposition: 'scrap' });
      // The approval is the second person's electronic signature (issue 16, signatures.test.ts).
      await withPassword(mes, tenant, 'u-quality-2', 'second-person');
      const unsigned = await refused({ ncs: [nc.id], lots: [received.id] }, () => disposition(nc.id, { approve: true }, secondQuality), 409);
      assert.equal((await sign(secondQuality, `/v1/nonconformances/${nc.id}/signatures`, 'second-person', 'approval')).status, 201);
      const approved = await people.quality.ok<Nonconformance>('GET', `/v1/nonconformances/${nc.id}`);

      // Assess
      assert.equal(awaiting.status, 'awaiting-approval');
      assert.equal(heldMeanwhile.status, 'on-hold');
      assert.ok(self);
      assert.equal(unsigned.type, 'urn:mes:problem:signature-required');
      assertProblem(redecide, 409, { type: PROBLEM.illegalTransition });
      assert.deepEqual(
        [approved.status, approved.disposition?.decidedBy, approved.disposition?.approvedBy, approved.holds[0]?.ending],
        ['closed', 'u-quality', 'u-quality-2', 'lifted'],
      );
      assert.equal((await lot(received.id)).status, 'available');
    });

    it('a rejected use-as-is decision opens the nonconformance again, the lot still held', async () => {
      const received = await newLot(10);
      const nc = await open({ lotId: received.id, quantity: 2 });
      await decided(nc.id, { disposition: 'use-as-is' });
      const rejected = await decided(nc.id, { approve: false, comment: 'deviation not covered' }, people.admin);
      assert.deepEqual([rejected.status, rejected.disposition], ['open', undefined]);
      assert.equal((await lot(received.id)).status, 'on-hold');
      const closed = await decided(nc.id, { disposition: 'scrap' });
      assert.equal(closed.status, 'closed');
    });

    it('return to supplier: the quantity leaves the received lot by a return movement, the rest is released', async () => {
      const received = await newLot(10);
      const nc = await open({ lotId: received.id, quantity: 4, defectCode: 'WRONG-PART' });
      await decided(nc.id, { disposition: 'return-to-supplier', comment: 'RMA 5531' });
      const after = await lot(received.id);
      assert.deepEqual([after.status, after.quantity], ['available', 6]);
      const items = await partitionItems(keys.lotPartition(tenant, received.id));
      const moves = items.filter((i) => String(i.sk).startsWith('MOV#')).map((m) => [m.type, m.quantityChange]);
      assert.deepEqual(moves.slice(-2), [
        ['return', -4],
        ['release', 0],
      ]);
      assert.ok(items.some((i) => i.entity === 'OutboxEvent' && i.type === 'lot.returned'));
    });

    it('refuses an operator, a closed nonconformance, a disposition that does not fit, and another tenant, writing nothing', async () => {
      // Prepare
      const received = await newLot(10);
      const nc = await open({ lotId: received.id, quantity: 1 });
      const things = { ncs: [nc.id], lots: [received.id] };

      // Act, Assess
      await refused(things, () => disposition(nc.id, { disposition: 'scrap' }, people.operator), 403, PROBLEM.forbidden);
      await refused(things, () => disposition(nc.id, { disposition: 'rework', instructions: 'x' }), 400, PROBLEM.invalidInput, /operation/);
      await refused(things, () => disposition(nc.id, { disposition: 'scrap', approve: true }), 400, PROBLEM.invalidInput);
      await refused(things, () => disposition(nc.id, { approve: true }), 409, PROBLEM.illegalTransition);
      await refused(things, () => disposition(nc.id, { disposition: 'scrap', scrapReasonCode: 'NOPE' }), 422, PROBLEM.unknownReference);
      await refused(things, () => disposition(nc.id, { disposition: 'scrap' }, outsider.quality), 404, PROBLEM.notFound);
      assertProblem(await outsider.quality.get(`/v1/nonconformances/${nc.id}`), 404, { type: PROBLEM.notFound });
      await decided(nc.id, { disposition: 'scrap' });
      await refused(things, () => disposition(nc.id, { disposition: 'scrap' }), 409, PROBLEM.illegalTransition, /closed/);
    });
  });

  it('lists by status, newest first; another tenant sees none', async () => {
    const received = await newLot(10);
    const older = await open({ lotId: received.id, quantity: 1 });
    const newer = await open({ lotId: received.id, quantity: 1 });
    await decided(older.id, { disposition: 'scrap' });
    const openOnes = await people.operator.ok<{ items: Nonconformance[] }>('GET', '/v1/nonconformances?status=open&limit=100');
    const closedOnes = await people.operator.ok<{ items: Nonconformance[] }>('GET', '/v1/nonconformances?status=closed&limit=100');
    const all = await people.operator.ok<{ items: Nonconformance[] }>('GET', '/v1/nonconformances?limit=100');
    assert.ok(openOnes.items.every((n) => n.status === 'open'));
    assert.ok(openOnes.items.some((n) => n.id === newer.id));
    assert.ok(closedOnes.items.some((n) => n.id === older.id));
    const ids = all.items.map((n) => n.id);
    assert.ok(ids.indexOf(newer.id) < ids.indexOf(older.id), 'newest first');
    assert.deepEqual([...ids].sort().reverse(), ids);
    const theirs = await outsider.admin.ok<{ items: Nonconformance[] }>('GET', '/v1/nonconformances');
    assert.deepEqual(theirs.items, []);
  });

  it('delivers its events to subscribers, signed, with the documented body: the envelope names the nonconformance', async () => {
    // Prepare
    const received0 = await newLot(10);
    const running = await orderAt(people, 'RUNNING');

    // Act
    const onLot = await open({ lotId: received0.id, quantity: 2 });
    await decided(onLot.id, { disposition: 'return-to-supplier' });
    const onOrder = await open({ workOrderId: running.id, seq: 10, quantity: 1 });
    await decided(onOrder.id, { disposition: 'rework', instructions: 'Deburr the flange.' });

    // Assess
    const about = (b: Record<string, unknown>) => [onLot.id, onOrder.id, received0.id, running.id].some((id) => Object.values(b).includes(id));
    const mine = () => received.map((r) => ({ r, body: JSON.parse(r.body) })).filter(({ body }) => about(body));
    for (let waited = 0; mine().length < 9 && waited < 20_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    const bodies = mine().map(({ r, body }) => {
      new Webhook(endpoint.secret).verify(r.body, r.headers);
      return webhookPayloadSchema(body.type).parse(body) as {
        type: string;
        nonconformanceId?: string;
        sequence: number;
        data: Record<string, unknown>;
      };
    });
    const ofNc = (id: string) =>
      bodies
        .filter((b) => b.nonconformanceId === id)
        .map((b) => [b.type, b.sequence])
        .sort((x, y) => Number(x[1]) - Number(y[1]));
    assert.deepEqual(ofNc(onLot.id), [
      ['nonconformance.opened', 1],
      ['nonconformance.dispositioned', 2],
      ['nonconformance.closed', 3],
    ]);
    assert.deepEqual(ofNc(onOrder.id).length, 3);
    const types = bodies.map((b) => b.type).sort();
    for (const type of ['lot.returned', 'operation.added', 'work-order.held']) assert.ok(types.includes(type), `${type} in ${types}`);
    const held = bodies.find((b) => b.type === 'work-order.held');
    assert.equal(held?.data.nonconformanceId, onOrder.id);
  });
});

/**
 * Mistakes are corrected, never erased: over HTTP, a completion that would pass nothing on is
 * confirmed on purpose, a supervisor reopens a done operation, and a supervisor or quality
 * person corrects a report by a new audited record naming it. Every refusal writes nothing
 * (the order, its history and its stored items are the same); every success leaves the
 * original record as it was, and its outbox event carries what the ERP books.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditRecord, DispatchEntry, WorkOrderDetail } from '#shared/api/schemas.ts';
import {
  type Api,
  type Mes,
  PLANT,
  PROBLEM,
  type ProblemExpectation,
  type Staff,
  allPages,
  as,
  assertProblem,
  buildPlant,
  newTenant,
  orderAt,
  snapshot,
  staff,
  startMes,
  storedItems,
} from '../e2e/support/mes.ts';

const CONFIRMATION = 'urn:mes:problem:confirmation-required';
const CORRECTION = 'urn:mes:problem:correction-rule';

describe('corrections and reopen', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
  });
  after(async () => {
    await mes?.stop();
  });

  async function refused(orderId: string, who: Api, action: string, body: unknown, status: number, expected: ProblemExpectation = {}) {
    const beforeAct = await snapshot(people.supervisor, tenant, orderId);
    const path = `/v1/work-orders/${orderId}/${action}`;
    const reply = await who.post(path, body);
    assertProblem(reply, status, { instance: path, ...expected });
    assert.deepEqual(await snapshot(people.supervisor, tenant, orderId), beforeAct, `${action} wrote something`);
    return reply;
  }
  const history = (id: string) => allPages<AuditRecord>(people.supervisor, `/v1/work-orders/${id}/history`);
  const outbox = async (id: string) =>
    (await storedItems(tenant, id)).filter((i) => i.entity === 'OutboxEvent').sort((a, b) => Number(a.sequence) - Number(b.sequence)) as unknown as {
      type: string;
      data: Record<string, unknown>;
    }[];
  const dispatch = async (workCenterId: string, orderId: string) =>
    (await allPages<DispatchEntry>(people.operator, `/v1/work-centers/${workCenterId}/dispatch-list`)).filter((d) => d.workOrderId === orderId);
  const op = (o: WorkOrderDetail, seq: number) => o.operations.find((x) => x.seq === seq)!;

  describe('completing with 0 good, and the way out', () => {
    it('refuses a completion that passes nothing on unless confirmed, then a supervisor reopens it', async () => {
      const order = await orderAt(people, 'RUNNING', { routingId: PLANT.routing, quantity: 4 });
      const path = `/v1/work-orders/${order.id}`;
      const reply = await refused(
        order.id,
        people.operator,
        'operations/10/complete',
        { scrapQty: 1, scrapReasonCode: 'DIM', data: { screwTorque: 4 } },
        422,
        {
          type: CONFIRMATION,
          pointers: ['/body/confirmNoOutput'],
        },
      );
      assert.match(reply.body.detail, /operation 10 has 0 good: nothing would pass to operation 20/);
      const done = await people.operator.ok<WorkOrderDetail>('POST', `${path}/operations/10/complete`, {
        scrapQty: 1,
        scrapReasonCode: 'DIM',
        data: { screwTorque: 4 },
        confirmNoOutput: true,
      });
      assert.equal(op(done, 20).status, 'READY');

      // Who may not, and what is missing: refused, nothing written.
      await refused(order.id, people.operator, 'operations/10/reopen', { reason: 'mistake' }, 403, { type: PROBLEM.forbidden });
      await refused(order.id, people.quality, 'operations/10/reopen', { reason: 'mistake' }, 403, { type: PROBLEM.forbidden });
      await refused(order.id, people.supervisor, 'operations/10/reopen', {}, 400, { pointers: ['/body/reason'] });
      await refused(order.id, people.supervisor, 'operations/20/reopen', { reason: 'x' }, 409, { type: PROBLEM.illegalTransition });
      await refused(order.id, people.supervisor, 'operations/99/reopen', { reason: 'x' }, 404);

      const reopened = await people.supervisor.ok<WorkOrderDetail>('POST', `${path}/operations/10/reopen`, { reason: 'completed by mistake' });
      assert.equal(op(reopened, 10).status, 'READY');
      assert.equal(op(reopened, 20).status, 'PENDING', 'an unstarted successor waits again');
      assert.deepEqual(
        (await dispatch('wc-assembly', order.id)).map((d) => `${d.seq}:${d.status}`),
        ['10:READY'],
      );
      assert.deepEqual(await dispatch('wc-test', order.id), []);
      const record = (await history(order.id)).at(-1);
      assert.equal(record?.action, 'operation.reopen');
      assert.equal(record?.reason, 'completed by mistake');
      assert.equal(record?.by, 'u-supervisor');
      const event = (await outbox(order.id)).at(-1);
      assert.equal(event?.type, 'operation.reopened');
      assert.deepEqual([event?.data.seq, event?.data.reason, event?.data.pendingAgain], [10, 'completed by mistake', [20]]);

      // The order goes on: op 10 runs again and passes good on.
      await people.operator.ok('POST', `${path}/operations/10/start`, {});
      await people.operator.ok('POST', `${path}/operations/10/complete`, { goodQty: 4 });
      await people.operator.ok('POST', `${path}/operations/20/start`, {});
      const reported = await people.operator.ok<WorkOrderDetail>('POST', `${path}/operations/20/report`, { goodQty: 4 });
      assert.equal(op(reported, 20).goodQty, 4);
    });

    it('takes a completed order back to IN_PROGRESS, and refuses a closed one', async () => {
      const completed = await orderAt(people, 'COMPLETED');
      const reopened = await people.supervisor.ok<WorkOrderDetail>('POST', `/v1/work-orders/${completed.id}/operations/10/reopen`, {
        reason: 'count was short',
      });
      assert.equal(reopened.status, 'IN_PROGRESS');
      assert.equal(reopened.completedAt, undefined);
      const closed = await orderAt(people, 'CLOSED');
      await refused(closed.id, people.supervisor, 'operations/10/reopen', { reason: 'x' }, 409, { type: PROBLEM.illegalTransition });
    });
  });

  describe('correcting a report', () => {
    /** An order with one report on op 10: 6 good, 2 scrap (DIM), torque 4.1; returns the report's version. */
    async function reported(quantity = 10) {
      const order = await orderAt(people, 'RUNNING', { routingId: PLANT.routing, quantity });
      await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, {
        goodQty: 6,
        scrapQty: 2,
        scrapReasonCode: 'DIM',
        data: { screwTorque: 4.1 },
      });
      const version = (await history(order.id)).at(-1)?.version as number;
      return { id: order.id, version };
    }

    it('is a new record naming the original; totals, dispatch list and the ERP event follow', async () => {
      const { id, version } = await reported();
      const before = await history(id);
      const original = before.find((r) => r.version === version);
      const corrected = await people.supervisor.ok<WorkOrderDetail>('POST', `/v1/work-orders/${id}/corrections`, {
        corrects: version,
        goodQty: 5,
        scrapQty: 3,
        scrapReasonCode: 'SURF',
        reason: 'recounted at shift end',
      });
      assert.deepEqual([op(corrected, 10).goodQty, op(corrected, 10).scrapQty, op(corrected, 10).scrapByReason], [5, 3, { SURF: 3 }]);
      assert.deepEqual([corrected.scrappedQty, corrected.producedQty, corrected.remainingQty], [3, 0, 10]);

      const after = await history(id);
      assert.deepEqual(
        after.find((r) => r.version === version),
        original,
        'the original record is untouched',
      );
      assert.equal(after.length, before.length + 1);
      const correction = after.at(-1) as AuditRecord;
      assert.equal(correction.action, 'operation.correct');
      assert.equal(correction.corrects, version);
      assert.equal(correction.reason, 'recounted at shift end');
      assert.equal(correction.by, 'u-supervisor');
      assert.deepEqual(
        correction.changes.find((c) => c.field === 'operations/10/goodQty'),
        { field: 'operations/10/goodQty', from: 6, to: 5 },
      );
      assert.deepEqual(
        (await dispatch('wc-assembly', id)).map((d) => [d.goodQty, d.scrapQty]),
        [[5, 3]],
      );
      const events = await outbox(id);
      const reportEvent = events.find((e) => e.type === 'production.reported');
      assert.equal(reportEvent?.data.recordVersion, version, 'the report event names its record, for the ERP to match');
      const event = events.at(-1);
      assert.equal(event?.type, 'production.corrected');
      assert.deepEqual(
        [event?.data.corrects, event?.data.goodQtyDelta, event?.data.scrapQtyDelta, event?.data.scrapByReasonDelta, event?.data.scrappedQty],
        [version, -1, 1, { DIM: -2, SURF: 3 }, 3],
      );
      assert.equal(event?.data.reason, 'recounted at shift end');
      // OEE's quality comes from machine counters; where the order's reported figures show beside them, they are the corrected ones.
      const machine = await people.supervisor.ok<{ operations: { seq: number; reportedGoodQty: number; reportedScrapQty: number }[] }>(
        'GET',
        `/v1/work-orders/${id}/machine-data`,
      );
      assert.deepEqual(
        machine.operations.filter((o) => o.seq === 10).map((o) => [o.reportedGoodQty, o.reportedScrapQty]),
        [[5, 3]],
      );
    });

    it('lets quality correct a recorded value, which clears the out-of-limits flag when it is within', async () => {
      const order = await orderAt(people, 'RUNNING', { routingId: PLANT.routing, quantity: 10 });
      await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, { data: { screwTorque: 41 } });
      const version = (await history(order.id)).at(-1)?.version as number;
      const corrected = await people.quality.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/corrections`, {
        corrects: version,
        data: { screwTorque: 4.1 },
        reason: 'decimal point missed',
      });
      assert.deepEqual([op(corrected, 10).recordedData.screwTorque?.value, op(corrected, 10).recordedData.screwTorque?.outOfLimits], [4.1, false]);
      assert.equal((await outbox(order.id)).at(-1)?.type, 'operation.started', 'a recorded value is not an ERP booking');
    });

    it('refuses: the wrong record, overrun, a successor left short, nothing to correct, no reason, the wrong role, a closed order, another tenant', async () => {
      const { id, version } = await reported();
      const c = 'corrections';
      await refused(id, people.operator, c, { corrects: version, goodQty: 5, reason: 'r' }, 403, { type: PROBLEM.forbidden });
      await refused(id, people.planner, c, { corrects: version, goodQty: 5, reason: 'r' }, 403, { type: PROBLEM.forbidden });
      await refused(id, people.supervisor, c, { corrects: version, goodQty: 5 }, 400, { pointers: ['/body/reason'] });
      await refused(id, people.supervisor, c, { corrects: version, goodQty: -1, reason: 'r' }, 400, { pointers: ['/body/goodQty'] });
      await refused(id, people.supervisor, c, { corrects: version, reason: 'r' }, 400, { pointers: ['/body/goodQty'] });
      await refused(id, people.supervisor, c, { corrects: 2, goodQty: 5, reason: 'r' }, 422, { type: CORRECTION, pointers: ['/body/corrects'] });
      // A correction is a quantity like any other: whole pumps only, and a scrap reason from the plant's list.
      await refused(id, people.supervisor, c, { corrects: version, goodQty: 5.5, reason: 'r' }, 422, {
        type: 'urn:mes:problem:unit-of-measure',
        pointers: ['/body/goodQty'],
      });
      await refused(id, people.supervisor, c, { corrects: version, scrapQty: 3, scrapReasonCode: 'XYZ', reason: 'r' }, 422, {
        type: PROBLEM.unknownReference,
        pointers: ['/body/scrapReasonCode'],
      });
      await refused(id, people.supervisor, c, { corrects: 999, goodQty: 5, reason: 'r' }, 422, { type: CORRECTION, pointers: ['/body/corrects'] });
      await refused(id, people.supervisor, c, { corrects: version, goodQty: 11, reason: 'r' }, 422, {
        type: CORRECTION,
        pointers: ['/body/goodQty'],
      });
      await refused(id, people.supervisor, c, { corrects: version, goodQty: 6, reason: 'r' }, 422, { type: CORRECTION, pointers: ['/body'] });
      await refused(id, people.supervisor, c, { corrects: version, data: { leakRate: 1 }, reason: 'r' }, 422, {
        type: CORRECTION,
        pointers: ['/body/data/leakRate'],
      });
      // Op 20 was given 6 and made 6: op 10's report cannot drop below that.
      await people.operator.ok('POST', `/v1/work-orders/${id}/operations/10/complete`, {});
      await people.operator.ok('POST', `/v1/work-orders/${id}/operations/20/start`, {});
      await people.operator.ok('POST', `/v1/work-orders/${id}/operations/20/report`, { goodQty: 6 });
      await refused(id, people.supervisor, c, { corrects: version, goodQty: 5, reason: 'r' }, 422, { type: CORRECTION, pointers: ['/body/goodQty'] });
      const other = await as(mes, newTenant(), 'u-supervisor', ['supervisor']);
      await refused(id, other, c, { corrects: version, goodQty: 5, reason: 'r' }, 404, { type: PROBLEM.notFound });

      const closed = await orderAt(people, 'CLOSED');
      await refused(closed.id, people.supervisor, c, { corrects: 4, goodQty: 9, reason: 'r' }, 409, { type: PROBLEM.illegalTransition });
    });
  });
});

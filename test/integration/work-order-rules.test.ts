/**
 * The rules a work order enforces over HTTP, and the promise behind each refusal: a refused
 * request writes nothing. "Nothing" is checked three ways: the order as read (version and
 * all), its audit trail, and every item of its DynamoDB partition read straight from the table.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkOrder, WorkOrderDetail } from '#shared/api/schemas.ts';
import {
  type Api,
  type Mes,
  PLANT,
  PROBLEM,
  type ProblemExpectation,
  ROUTING_OPERATIONS,
  type Stage,
  type Staff,
  allPages,
  assertProblem,
  buildPlant,
  createOrder,
  inDays,
  newTenant,
  orderAt,
  snapshot,
  staff,
  startMes,
} from '../e2e/support/mes.ts';

describe('work order rules', () => {
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

  /** Sends a request that must be refused with `status`, and proves the order is untouched. */
  async function refused(
    orderId: string,
    who: Api,
    action: string,
    body: unknown,
    status: number,
    expected: ProblemExpectation = {},
    headers?: Record<string, string>,
  ) {
    const beforeAct = await snapshot(people.supervisor, tenant, orderId);
    const path = `/v1/work-orders/${orderId}/${action}`;
    const reply = await who.post(path, body, headers);
    assertProblem(reply, status, { instance: path, ...expected });
    assert.deepEqual(await snapshot(people.supervisor, tenant, orderId), beforeAct, `${action} wrote something`);
    return reply;
  }

  describe('illegal transitions are refused with 409 and write nothing', () => {
    /** Per stage, the actions the state machines do not allow there (who asks has the role). */
    const illegal: Record<Stage | 'CANCELLED', string[]> = {
      PLANNED: ['hold', 'resume', 'close'],
      RELEASED: [
        'release',
        'resume',
        'close',
        'operations/10/pause',
        'operations/10/resume',
        'operations/10/report',
        'operations/10/complete',
        'operations/20/start',
      ],
      RUNNING: ['release', 'resume', 'cancel', 'close', 'operations/10/start', 'operations/10/resume'],
      PAUSED: ['operations/10/pause', 'operations/10/start', 'close'],
      ON_HOLD: ['hold', 'release', 'close', 'operations/10/start'],
      COMPLETED: ['release', 'hold', 'resume', 'cancel', 'operations/10/start', 'operations/10/report', 'operations/10/complete'],
      CLOSED: ['release', 'hold', 'resume', 'cancel', 'close', 'operations/10/report', 'operations/10/pause'],
      CANCELLED: ['release', 'hold', 'resume', 'cancel', 'close'],
    };
    const bodyFor = (action: string) =>
      action.endsWith('hold')
        ? { reasonCode: 'MACHINE-DOWN' }
        : action.endsWith('pause')
          ? { reasonCode: 'BREAK' }
          : action.endsWith('cancel')
            ? { reason: 'because' }
            : action.endsWith('report')
              ? { goodQty: 1 }
              : {};
    const actorFor = (action: string) => (action.startsWith('operations/') ? people.operator : people.supervisor);

    for (const [stage, actions] of Object.entries(illegal)) {
      it(`refuses ${actions.join(', ')} on a ${stage} order`, async () => {
        // Prepare: one order per stage; each refusal leaves it as it was for the next.
        const order =
          stage === 'CANCELLED'
            ? await (async () => {
                const planned = await orderAt(people, 'PLANNED');
                return people.supervisor.ok<WorkOrderDetail>('POST', `/v1/work-orders/${planned.id}/cancel`, { reason: 'duplicate' });
              })()
            : await orderAt(people, stage as Stage, stage === 'RELEASED' ? { routingId: PLANT.routing } : {});
        for (const action of actions) {
          // Act + Assess
          await refused(order.id, actorFor(action), action, bodyFor(action), 409, { type: PROBLEM.illegalTransition });
        }
      });
    }

    it('refuses start, resume and complete while the order is on hold, but lets the operator pause and report', async () => {
      const order = await orderAt(people, 'RUNNING', { quantity: 10 });
      await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/hold`, { reasonCode: 'QUALITY-SUSPECT' });

      await refused(order.id, people.operator, 'operations/10/complete', { goodQty: 1 }, 409, { type: PROBLEM.illegalTransition });
      await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 2 });
      await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/pause`, { reasonCode: 'QUALITY-CHECK' });
      await refused(order.id, people.operator, 'operations/10/resume', {}, 409, { type: PROBLEM.illegalTransition });
      const resumed = await people.supervisor.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/resume`, {});
      assert.equal(resumed.status, 'IN_PROGRESS', 'back to where the hold came from');
    });

    it('answers 404 for an operation the order does not have, and writes nothing', async () => {
      const planned = await orderAt(people, 'PLANNED');
      const running = await orderAt(people, 'RUNNING');
      // A PLANNED order has no operations yet: the routing is copied at release.
      await refused(planned.id, people.operator, 'operations/10/start', {}, 404, { type: PROBLEM.notFound });
      await refused(running.id, people.operator, 'operations/99/report', { goodQty: 1 }, 404, { type: PROBLEM.notFound });
    });
  });

  describe('invalid requests are refused with 400 naming each bad field, and write nothing', () => {
    it('names every bad field of a create, and creates nothing', async () => {
      const known = (await allPages<WorkOrder>(people.planner, '/v1/work-orders')).map((o) => o.id);

      const reply = await people.planner.post('/v1/work-orders', {
        id: '-starts-with-a-dash',
        materialId: '',
        quantity: 0,
        dueDate: 'next tuesday',
        priority: 1000,
        workCenterId: 'has space',
      });

      assertProblem(reply, 400, {
        type: PROBLEM.invalidInput,
        pointers: ['/body/id', '/body/materialId', '/body/quantity', '/body/routingId', '/body/dueDate', '/body/priority', '/body/workCenterId'],
      });
      assert.equal(reply.body.errors.length, 7, reply.text);
      assert.deepEqual(
        (await allPages<WorkOrder>(people.planner, '/v1/work-orders')).map((o) => o.id),
        known,
      );
    });

    it('refuses references that do not exist with 422 naming them, and creates nothing', async () => {
      const known = (await allPages<WorkOrder>(people.planner, '/v1/work-orders')).map((o) => o.id);

      const reply = await people.planner.post('/v1/work-orders', {
        materialId: 'NOPE',
        quantity: 1,
        routingId: PLANT.routing,
        bomId: 'NO-BOM',
        workCenterId: 'no-wc',
        dueDate: inDays(1),
      });

      assertProblem(reply, 422, {
        type: PROBLEM.unknownReference,
        pointers: ['/body/materialId', '/body/routingId', '/body/bomId', '/body/workCenterId'],
      });
      assert.deepEqual(
        (await allPages<WorkOrder>(people.planner, '/v1/work-orders')).map((o) => o.id),
        known,
      );
    });

    it('names bad quantities, a missing scrap reason, bad data names and an empty report', async () => {
      const order = await orderAt(people, 'RUNNING', { routingId: PLANT.routing });

      await refused(order.id, people.operator, 'operations/10/report', { goodQty: -1, scrapQty: 2 }, 400, {
        type: PROBLEM.invalidInput,
        pointers: ['/body/goodQty', '/body/scrapReasonCode'],
      });
      await refused(order.id, people.operator, 'operations/10/report', { goodQty: '3' }, 400, { pointers: ['/body/goodQty'] });
      await refused(order.id, people.operator, 'operations/10/report', {}, 400, { pointers: ['/body/goodQty'] });
      await refused(order.id, people.operator, 'operations/10/report', { scrapQty: 1, scrapReasonCode: 'has space' }, 400, {
        pointers: ['/body/scrapReasonCode'],
      });
      await refused(order.id, people.operator, 'operations/10/complete', { scrapQty: 1 }, 400, { pointers: ['/body/scrapReasonCode'] });
      await refused(order.id, people.operator, 'operations/10/report', { data: { '1bad': 1 } }, 400, { pointers: ['/body/data/1bad'] });
    });

    it('names recorded data the operation does not ask for, or of the wrong type', async () => {
      const order = await orderAt(people, 'RUNNING', { routingId: PLANT.routing });

      await refused(order.id, people.operator, 'operations/10/report', { data: { leakRate: 0.1, screwTorque: 'tight' } }, 400, {
        type: PROBLEM.invalidInput,
        pointers: ['/body/data/leakRate', '/body/data/screwTorque'],
      });
      // One bad value refuses the whole report, quantities included.
      await refused(order.id, people.operator, 'operations/10/report', { goodQty: 2, data: { screwTorque: true } }, 400, {
        pointers: ['/body/data/screwTorque'],
      });
    });

    it('names a missing reason, a bad path and a bad If-Match', async () => {
      const order = await orderAt(people, 'RUNNING');

      await refused(order.id, people.supervisor, 'hold', {}, 400, { pointers: ['/body/reasonCode'] });
      await refused(order.id, people.operator, 'operations/10/pause', { reason: '' }, 400, { pointers: ['/body/reason'] });
      await refused(order.id, people.operator, 'operations/10/pause', { reasonCode: 'has space' }, 400, { pointers: ['/body/reasonCode'] });
      await refused(order.id, people.operator, 'operations/abc/pause', { reasonCode: 'BREAK' }, 400, { pointers: ['/path/seq'] });
      await refused(order.id, people.operator, 'operations/0/pause', { reasonCode: 'BREAK' }, 400, { pointers: ['/path/seq'] });
      await refused(
        order.id,
        people.supervisor,
        'hold',
        { reasonCode: 'MACHINE-DOWN' },
        400,
        { pointers: ['/headers/if-match'] },
        { 'if-match': 'yesterday' },
      );
      const badId = await people.supervisor.post('/v1/work-orders/.dot-first/hold', { reasonCode: 'MACHINE-DOWN' });
      assertProblem(badId, 400, { pointers: ['/path/id'] });
    });

    it('refuses to complete an operation before its required data is recorded, naming each missing value', async () => {
      const order = await orderAt(people, 'RUNNING', { routingId: PLANT.routing, quantity: 4 });
      const path = `/v1/work-orders/${order.id}`;

      await refused(order.id, people.operator, 'operations/10/complete', { goodQty: 4 }, 400, {
        type: PROBLEM.invalidInput,
        pointers: ['/body/data/screwTorque'],
      });
      await people.operator.ok('POST', `${path}/operations/10/complete`, { goodQty: 4, data: { screwTorque: 4 } });
      await people.operator.ok('POST', `${path}/operations/20/start`, {});
      await people.operator.ok('POST', `${path}/operations/20/report`, { goodQty: 4, data: { testerNote: 'optional only' } });
      const reply = await refused(order.id, people.operator, 'operations/20/complete', {}, 400, {
        pointers: ['/body/data/leakRate', '/body/data/testPassed'],
      });
      assert.deepEqual(
        reply.body.errors.map((e: { pointer: string }) => e.pointer).sort(),
        ['/body/data/leakRate', '/body/data/testPassed'],
        'optional data is never demanded',
      );
      const done = await people.operator.ok<WorkOrderDetail>('POST', `${path}/operations/20/complete`, {
        data: { leakRate: 0.9, testPassed: false },
      });
      assert.equal(done.operations[1]?.status, 'DONE', 'a value out of limits is recorded, flagged, and does not block');
      assert.equal(done.operations[1]?.recordedData.leakRate?.outOfLimits, true);
    });
  });

  describe('quantities', () => {
    it('caps good quantity at what the predecessor passed on plus the overrun tolerance snapshotted at release', async () => {
      // Prepare: one order released before the plant allows overrun, one after it allows 10 %.
      const strict = await orderAt(people, 'RUNNING', { quantity: 10 });
      const settings = await people.admin.put('/v1/tenant-settings', { overrunTolerancePct: 10 });
      assert.equal(settings.status, 200, settings.text);
      const order = await orderAt(people, 'RUNNING', { quantity: 10, routingId: PLANT.routing });
      assert.equal(strict.overrunTolerancePct, 0);
      assert.equal(order.overrunTolerancePct, 10);
      const path = `/v1/work-orders/${order.id}`;
      const quantityRule = { type: PROBLEM.quantityRule };

      // Act + Assess: the first operation may pass on 10 + 10 %.
      // Pumps are counted in whole units: 10 + 10 % is 11.
      await refused(strict.id, people.operator, 'operations/10/report', { goodQty: 11 }, 409, quantityRule);
      await people.operator.ok('POST', `${path}/operations/10/report`, { goodQty: 6 });
      await refused(order.id, people.operator, 'operations/10/report', { goodQty: 6 }, 409, quantityRule);
      await people.operator.ok('POST', `${path}/operations/10/report`, { goodQty: 5, scrapQty: 3, scrapReasonCode: 'DIM' });
      await refused(order.id, people.operator, 'operations/10/complete', { goodQty: 1, data: { screwTorque: 4 } }, 409, quantityRule);
      await refused(order.id, people.operator, 'operations/10/report', { goodQty: 1 }, 409, quantityRule);
      // Scrap is not capped: scrapped parts were never passed on.
      await people.operator.ok('POST', `${path}/operations/10/complete`, { scrapQty: 1, scrapReasonCode: 'DIM', data: { screwTorque: 4 } });

      // A later change of the plant's tolerance does not change a released order.
      await people.admin.ok('PUT', '/v1/tenant-settings', { overrunTolerancePct: 50 });

      // The second operation may pass on what the first made (11) plus 10 %: 12.1, so 12 whole pumps.
      await people.operator.ok('POST', `${path}/operations/20/start`, {});
      await refused(order.id, people.operator, 'operations/20/report', { goodQty: 13 }, 409, quantityRule);
      const reported = await people.operator.ok<WorkOrderDetail>('POST', `${path}/operations/20/report`, { goodQty: 12 });
      assert.equal(reported.operations[1]?.goodQty, 12);
      assert.equal(reported.overrunTolerancePct, 10);
    });
  });

  describe('release', () => {
    // DynamoDB items stop at 400 KB: the schema caps a routing's operations at 200,000
    // characters of JSON, and the release audit record names the routing version instead of
    // copying instructions, so whatever PUT accepted can be released.
    it('releases any routing the API accepted, and refuses one too big to store with 4xx, never 500', async () => {
      const ops = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ seq: i + 1, name: `op ${i}`, workCenterId: 'wc-pack', instructions: 'x'.repeat(8_000) }));
      const big = await people.planner.put('/v1/routings/RT-BIG', { materialId: PLANT.product, operations: ops(24) });
      assert.equal(big.status, 200, big.text);
      const order = await createOrder(people.planner, { routingId: 'RT-BIG' });

      const release = await people.supervisor.post(`/v1/work-orders/${order.id}/release`, {});
      const biggest = await people.planner.put('/v1/routings/RT-BIGGEST', { materialId: PLANT.product, operations: ops(50) });

      assert.equal(release.status, 200, release.text);
      assert.equal(biggest.status, 400, `PUT answered ${biggest.status}`);
    });

    it('copies the routing: a later PUT of the routing does not change the released order’s operations', async () => {
      // Prepare
      const routingPath = '/v1/routings/RT-COPY';
      await people.planner.ok('PUT', routingPath, { materialId: PLANT.product, operations: ROUTING_OPERATIONS });
      const order = await orderAt(people, 'RELEASED', { routingId: 'RT-COPY' });
      const planned = await createOrder(people.planner, { routingId: 'RT-COPY' });

      // Act
      await people.planner.ok('PUT', routingPath, {
        materialId: PLANT.product,
        operations: [
          { seq: 5, name: 'Inspect first', workCenterId: 'wc-test' },
          { seq: 10, name: 'Assemble v2', workCenterId: 'wc-pack', dataToRecord: [] },
        ],
      });

      // Assess
      const read = await people.operator.get<WorkOrderDetail>(`/v1/work-orders/${order.id}`);
      assert.deepEqual(read.body, order, 'the released order is untouched');
      assert.deepEqual(
        read.body.operations.map((o) => [o.seq, o.name, o.workCenterId, o.dataToRecord.length]),
        ROUTING_OPERATIONS.map((o) => [o.seq, o.name, o.workCenterId, 'dataToRecord' in o ? o.dataToRecord.length : 0]),
      );
      const laterRelease = await people.supervisor.ok<WorkOrderDetail>('POST', `/v1/work-orders/${planned.id}/release`, {});
      assert.deepEqual(
        laterRelease.operations.map((o) => [o.seq, o.name, o.status]),
        [
          [5, 'Inspect first', 'READY'],
          [10, 'Assemble v2', 'PENDING'],
        ],
        'an order released later gets the routing as it is then',
      );
    });
  });
});

/**
 * Inspections over HTTP (issue 15): inspection plans as master data (put by quality, versioned,
 * audited, validated), plans copied onto an order at release, what is due, results that pass
 * and fail, re-inspection by quality only, the completion gate, and another tenant's 404.
 * Every refusal is checked to have written nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

// The API says which DynamoDB calls a request made (x-mes-dynamodb); read by the route modules, loaded on first use.
process.env.MES_EXPOSE_DDB_USAGE = '1';
import { EVENT_DATA } from '#shared/api/integration-schemas.ts';
import { keys } from '#shared/db/keys.ts';
import type { Inspection } from '#shared/domain/quality/inspections.ts';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import {
  type Mes,
  PLANT,
  PROBLEM,
  type Staff,
  allPages,
  as,
  assertProblem,
  buildPlant,
  createOrder,
  newTenant,
  partitionItems,
  snapshot,
  staff,
  startMes,
} from '../e2e/support/mes.ts';

const ROUTING = 'RT-INSP';
const torque = { id: 'torque', name: 'Screw torque', kind: 'variable', unit: 'mm', nominal: 4, lsl: 3.5, usl: 4.5 };
const visual = {
  id: 'visual',
  name: 'Visual',
  kind: 'attribute',
  defectCodes: [
    { code: 'SCR', name: 'Scratch' },
    { code: 'DENT', name: 'Dent' },
  ],
};
const everyFive = {
  name: 'Torque every 5',
  materialId: PLANT.product,
  routingId: ROUTING,
  operationSeq: 10,
  characteristics: [torque, visual],
  sampling: { kind: 'every-n', every: 5, sampleSize: 2 },
  onViolation: ['notify', 'hold'],
};
const firstArticle = {
  name: 'First article at packing',
  materialId: PLANT.product,
  operationSeq: 20,
  characteristics: [visual],
  sampling: { kind: 'first-article', sampleSize: 1 },
};

describe('inspections', () => {
  let mes: Mes;
  const tenant = newTenant();
  let people: Staff;

  before(async () => {
    mes = await startMes();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    await people.planner.ok('PUT', `/v1/routings/${ROUTING}`, {
      materialId: PLANT.product,
      operations: [
        { seq: 10, name: 'Assemble', workCenterId: 'wc-assembly' },
        { seq: 20, name: 'Pack', workCenterId: 'wc-pack' },
      ],
    });
    await people.quality.ok('PUT', '/v1/inspection-plans/IP-TORQUE', everyFive);
    await people.quality.ok('PUT', '/v1/inspection-plans/IP-FA', firstArticle);
    // Neither applies to orders on RT-INSP: one is inactive, one is for another routing.
    await people.quality.ok('PUT', '/v1/inspection-plans/IP-OFF', { ...firstArticle, name: 'Retired', active: false });
    await people.quality.ok('PUT', '/v1/inspection-plans/IP-OTHER', { ...everyFive, routingId: PLANT.routing });
  });
  after(async () => {
    await mes?.stop();
  });

  const runningOrder = async (quantity = 10) => {
    const order = await createOrder(people.planner, { routingId: ROUTING, quantity });
    await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/release`, {});
    return people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/operations/10/start`, {});
  };
  const due = async (orderId: string, query = '') =>
    (await people.operator.ok<{ workOrderId: string; inspections: Inspection[] }>('GET', `/v1/work-orders/${orderId}/inspections${query}`))
      .inspections;
  const good = {
    results: [
      { characteristicId: 'torque', values: [4.1, 3.9] },
      { characteristicId: 'visual', defectives: 0 },
    ],
  };
  const bad = {
    results: [
      { characteristicId: 'torque', values: [4.1, 4.7] },
      { characteristicId: 'visual', defectives: 1, defects: [{ code: 'SCR', count: 1 }] },
    ],
  };

  describe('plans as master data', () => {
    it('are put by quality, read back with units as codes and defaults, versioned and audited', async () => {
      const stored = await people.quality.ok('GET', '/v1/inspection-plans/IP-TORQUE');
      assert.equal(stored.version, 1);
      assert.equal(stored.active, true);
      assert.equal(stored.characteristics[0].unit, 'MMT', 'stored as its UN/ECE code');
      assert.deepEqual(stored.onViolation, ['notify', 'hold']);
      assert.deepEqual((await people.operator.ok('GET', '/v1/inspection-plans/IP-FA')).onViolation, ['notify'], 'default: notify');
      const replaced = await people.admin.ok('PUT', '/v1/inspection-plans/IP-TORQUE', everyFive, { 'if-match': '"1"' });
      assert.equal(replaced.version, 2);
      const list = await allPages(people.operator, '/v1/inspection-plans');
      assert.deepEqual(list.map((p) => p.id).sort(), ['IP-FA', 'IP-OFF', 'IP-OTHER', 'IP-TORQUE']);
      const audit = await partitionItems(`${tenant}#MDAUDIT#inspection-plan#IP-TORQUE`);
      assert.deepEqual(
        audit.map((a) => [a.version, a.action, a.by]),
        [
          [1, 'inspection-plan.create', 'u-quality'],
          [2, 'inspection-plan.replace', 'u-admin'],
        ],
      );
    });

    it('are not put by planners or operators', async () => {
      for (const who of [people.planner, people.operator, people.supervisor]) {
        assertProblem(await who.put('/v1/inspection-plans/IP-NEW', everyFive), 403, { type: PROBLEM.forbidden });
      }
      assert.equal((await people.quality.get('/v1/inspection-plans/IP-NEW')).status, 404);
    });

    it('refuses what does not fit, at its field, writing nothing', async () => {
      const refused = async (body: unknown, status: number, pointer: string) => {
        assertProblem(await people.quality.put('/v1/inspection-plans/IP-BAD', body), status, { pointers: [pointer] });
        assert.equal((await people.quality.get('/v1/inspection-plans/IP-BAD')).status, 404);
      };
      await refused({ ...everyFive, characteristics: [{ ...torque, lsl: 5, usl: 4 }] }, 400, '/body/characteristics/0/usl');
      await refused({ ...everyFive, characteristics: [{ ...torque, lsl: undefined, usl: undefined }] }, 400, '/body/characteristics/0/usl');
      await refused({ ...everyFive, characteristics: [{ ...torque, nominal: 9 }] }, 400, '/body/characteristics/0/nominal');
      await refused({ ...everyFive, characteristics: [torque, { ...torque, name: 'again' }] }, 400, '/body/characteristics');
      await refused({ ...everyFive, characteristics: [] }, 400, '/body/characteristics');
      await refused({ ...everyFive, sampling: { kind: 'aql', aql: 0.5 } }, 400, '/body/sampling/aql');
      await refused({ ...everyFive, sampling: { kind: 'every-n', every: 0, sampleSize: 2 } }, 400, '/body/sampling/every');
      await refused({ ...everyFive, onViolation: ['email'] }, 400, '/body/onViolation/0');
      await refused({ ...everyFive, characteristics: [{ ...torque, unit: 'furlong' }] }, 422, '/body/characteristics/0/unit');
      await refused({ ...everyFive, materialId: 'NOPE' }, 422, '/body/materialId');
      await refused({ ...everyFive, routingId: 'NOPE' }, 422, '/body/routingId');
      await refused({ ...everyFive, operationSeq: 30 }, 422, '/body/operationSeq');
    });
  });

  describe('at release', () => {
    it("copies the active plans of the order's material and routing onto the operations they name, with their versions", async () => {
      const order = await runningOrder();
      const ops = order.operations;
      assert.deepEqual(
        ops.map((o) => [o.seq, (o.inspectionPlans ?? []).map((p) => [p.planId, p.planVersion])]),
        [
          [10, [['IP-TORQUE', 2]]],
          [20, [['IP-FA', 1]]],
        ],
      );
      // A later edit of the plan does not change the order.
      await people.quality.ok('PUT', '/v1/inspection-plans/IP-TORQUE', { ...everyFive, name: 'Renamed' });
      const again = await people.operator.ok<WorkOrderDetail>('GET', `/v1/work-orders/${order.id}`);
      assert.equal(again.operations[0]?.inspectionPlans?.[0]?.name, 'Torque every 5');
    });

    it('leaves orders of other routings without them', async () => {
      const order = await createOrder(people.planner, { routingId: PLANT.quickRouting });
      const released = await people.supervisor.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/release`, {});
      assert.equal(released.operations[0]?.inspectionPlans, undefined);
    });
  });

  describe('due, recorded, gated', () => {
    it('lists what is due with spec limits, records a pass, and the list shows who, when and the values', async () => {
      const order = await runningOrder();
      let list = await due(order.id);
      assert.deepEqual(
        list.map((i) => [i.id, i.status, i.dueAtQty]),
        [
          [`${order.id}~10~IP-TORQUE~1`, 'upcoming', 5],
          [`${order.id}~20~IP-FA~1`, 'upcoming', undefined],
        ],
      );
      await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 5 });
      list = await due(order.id, '?seq=10');
      assert.deepEqual(
        list.map((i) => [i.k, i.status]),
        [
          [1, 'due'],
          [2, 'upcoming'],
        ],
      );
      assert.deepEqual(list[0]?.characteristics[0], { ...torque, unit: 'MMT' });
      assert.equal(list[0]?.sampleSize, 2);

      const id = `${order.id}~10~IP-TORQUE~1`;
      const reply = await people.operator.post(`/v1/inspections/${id}/results`, good);
      assert.equal(reply.status, 201, reply.text);
      assert.equal(reply.body.status, 'passed');
      assert.deepEqual(
        reply.body.results[0].characteristics.map((c: { characteristicId: string; passed: boolean }) => [c.characteristicId, c.passed]),
        [
          ['torque', true],
          ['visual', true],
        ],
      );
      const [recorded] = await due(order.id, '?seq=10');
      assert.equal(recorded?.status, 'passed');
      assert.equal(recorded?.attempts, 1);
      assert.equal(recorded?.results?.[0]?.recordedBy, 'u-operator');
      assert.deepEqual(recorded?.results?.[0]?.characteristics[0]?.values, [4.1, 3.9]);
      const [withoutResults] = await due(order.id, '?seq=10&results=false');
      assert.equal(withoutResults?.results, undefined);

      // One transaction: the result, the operation's summary, the audit record and the event.
      const stored = await partitionItems(keys.workOrderPartition(tenant, order.id));
      assert.equal(stored.filter((i) => String(i.sk).startsWith('INSP#')).length, 1);
      const audit = stored.filter((i) => i.action === 'inspection.record');
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.target, `inspection/${id}`);
      const event = stored.find((i) => i.entity === 'OutboxEvent' && i.type === 'inspection.recorded');
      assert.ok(event, 'an inspection.recorded event');
      const data = EVENT_DATA['inspection.recorded'].parse(event.data);
      assert.equal(data.result, 'passed');
      assert.equal(data.inspectionId, id);
    });

    it('fails a value outside its limits; the operation does not complete; only quality inspects again, with a reason', async () => {
      const order = await runningOrder(5);
      await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 5 });
      const id = `${order.id}~10~IP-TORQUE~1`;

      // Due and unrecorded: the completion is refused, naming it, and nothing is written.
      const beforeComplete = await snapshot(people.admin, tenant, order.id);
      const gate = assertProblem(await people.operator.post(`/v1/work-orders/${order.id}/operations/10/complete`, {}), 409, {
        type: 'urn:mes:problem:inspections-outstanding',
      });
      assert.deepEqual(
        (gate.inspections as { id: string; status: string }[]).map((i) => [i.id, i.status]),
        [[id, 'due']],
      );
      assert.deepEqual(await snapshot(people.admin, tenant, order.id), beforeComplete);

      const failed = await people.operator.post(`/v1/inspections/${id}/results`, bad);
      assert.equal(failed.status, 201, failed.text);
      assert.equal(failed.body.status, 'failed');
      assert.deepEqual(
        failed.body.results[0].characteristics.map((c: { passed: boolean; defectives: number }) => [c.passed, c.defectives]),
        [
          [false, 1],
          [false, 1],
        ],
      );
      assertProblem(await people.operator.post(`/v1/work-orders/${order.id}/operations/10/complete`, {}), 409, {
        type: 'urn:mes:problem:inspections-outstanding',
      });

      // The operator cannot test into compliance; quality needs a reason.
      const beforeRetry = await snapshot(people.admin, tenant, order.id);
      assertProblem(await people.operator.post(`/v1/inspections/${id}/results`, good), 403, { type: PROBLEM.forbidden });
      assertProblem(await people.supervisor.post(`/v1/inspections/${id}/results`, { ...good, reason: 'again' }), 403, { type: PROBLEM.forbidden });
      assertProblem(await people.quality.post(`/v1/inspections/${id}/results`, good), 400, { pointers: ['/body/reason'] });
      assert.deepEqual(await snapshot(people.admin, tenant, order.id), beforeRetry);

      const retried = await people.quality.post(`/v1/inspections/${id}/results`, { ...good, reason: 'torque wrench recalibrated' });
      assert.equal(retried.status, 201, retried.text);
      assert.equal(retried.body.status, 'passed');
      assert.equal(retried.body.attempts, 2);
      const [history] = await due(order.id, '?seq=10');
      assert.deepEqual(
        history?.results?.map((r) => [r.attempt, r.passed, r.recordedBy, r.reason]),
        [
          [1, false, 'u-operator', undefined],
          [2, true, 'u-quality', 'torque wrench recalibrated'],
        ],
      );
      const done = await people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/operations/10/complete`, {});
      assert.equal(done.operations[0]?.status, 'DONE');
    });

    it('refuses results that do not fit the plan, or an inspection not due, writing nothing', async () => {
      const order = await runningOrder();
      await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 5 });
      const id = `${order.id}~10~IP-TORQUE~1`;
      const before = await snapshot(people.admin, tenant, order.id);
      assertProblem(
        await people.operator.post(`/v1/inspections/${id}/results`, {
          results: [
            { characteristicId: 'torque', values: [4] },
            { characteristicId: 'visual', defectives: 0 },
          ],
        }),
        400,
        { pointers: ['/body/results/0/values'] },
      );
      assertProblem(
        await people.operator.post(`/v1/inspections/${id}/results`, {
          results: [
            { characteristicId: 'torque', values: [4, 4] },
            { characteristicId: 'visual', defectives: 1, defects: [{ code: 'BURN', count: 1 }] },
          ],
        }),
        400,
        { pointers: ['/body/results/1/defects/0/code'] },
      );
      assertProblem(await people.operator.post(`/v1/inspections/${order.id}~10~IP-TORQUE~2/results`, good), 409, { type: PROBLEM.illegalTransition });
      assertProblem(
        await people.operator.post(`/v1/inspections/${order.id}~20~IP-FA~1/results`, { results: [{ characteristicId: 'visual', defectives: 0 }] }),
        409,
        {
          type: PROBLEM.illegalTransition,
        },
      );
      assertProblem(await people.operator.post(`/v1/inspections/${order.id}~10~IP-NOPE~1/results`, good), 404, { type: PROBLEM.notFound });
      assertProblem(await people.operator.post(`/v1/inspections/not-an-inspection/results`, good), 400, { pointers: ['/path/id'] });
      assertProblem(await people.planner.post(`/v1/inspections/${id}/results`, good), 403, { type: PROBLEM.forbidden });
      assert.deepEqual(await snapshot(people.admin, tenant, order.id), before);
    });

    it("the due list costs the order's Query, and one Query more with the results", async () => {
      const order = await runningOrder();
      const calls = async (query: string) => {
        const reply = await people.operator.get(`/v1/work-orders/${order.id}/inspections${query}`);
        assert.equal(reply.status, 200, reply.text);
        return /^calls=([^;]*);/.exec(reply.headers.get('x-mes-dynamodb') ?? '')?.[1]?.split(',');
      };
      assert.deepEqual(await calls('?results=false'), ['Query']);
      assert.deepEqual(await calls(''), ['Query', 'Query']);
      assert.deepEqual(await calls('?seq=10'), ['Query', 'Query']);
    });

    it("another tenant's order and inspections are not found", async () => {
      const order = await runningOrder();
      await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 5 });
      const other = await as(mes, newTenant(), 'u-admin-b', ['admin']);
      const before = await snapshot(people.admin, tenant, order.id);
      assertProblem(await other.get(`/v1/work-orders/${order.id}/inspections`), 404, { type: PROBLEM.notFound });
      assertProblem(await other.post(`/v1/inspections/${order.id}~10~IP-TORQUE~1/results`, good), 404, { type: PROBLEM.notFound });
      assertProblem(await other.get('/v1/inspection-plans/IP-TORQUE'), 404, { type: PROBLEM.notFound });
      assert.deepEqual(await snapshot(people.admin, tenant, order.id), before);
    });
  });
});

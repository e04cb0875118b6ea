/**
 * What an SPC rule violation does (issue 15, docs/quality.md "What a violation does"): a
 * recorded inspection whose mean breaks a rule against its characteristic's frozen baseline
 * writes the `quality.spc-violation` event and, as the inspection plan's `onViolation` says,
 * opens a nonconformance naming the order, operation and inspection, and puts the order on a
 * quality hold: all in the recording's one transaction. Over real HTTP on DynamoDB Local.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keys } from '#shared/db/keys.ts';
import type { Nonconformance } from '#shared/domain/quality/nonconformance-model.ts';
import type { WorkOrderDetail } from '#shared/domain/work-order/model.ts';
import {
  type Mes,
  PLANT,
  PROBLEM,
  type Staff,
  assertProblem,
  buildPlant,
  newTenant,
  orderAt,
  partitionItems,
  staff,
  startMes,
} from '../e2e/support/mes.ts';
import { putSpcSamples } from '../fixtures/spc.ts';

// Read by functions/lib/http.ts when the runtime first imports a handler: the calls a recording makes.
process.env.MES_EXPOSE_DDB_USAGE = '1';

/** A past window the seeded subgroups lie in. */
const SEED = { from: '2026-01-05T00:00:00.000Z', to: '2026-01-06T00:00:00.000Z' };
/** Subgroups of 3 around 12.000 mm with a range of about 0.02: the X-bar chart's limits are about 12 +- 0.02. */
const SUBGROUPS = [
  [12, 12.01, 11.99],
  [12.005, 11.995, 12],
  [11.99, 12, 12.01],
  [12.01, 12, 11.995],
  [12, 11.99, 12.005],
];
/** Within spec (11.9 to 12.1): the inspection passes, but its mean is far above the upper control limit (rule 1). */
const SHIFTED = [12.08, 12.09, 12.08];

describe('SPC violation reactions from inspection plans', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
  });
  after(() => mes?.stop());

  /** A plan on a routing of its own with a frozen X-bar baseline for its bore, and a running order whose first inspection is due. */
  async function planAndOrder(planId: string, onViolation: string[]) {
    const routingId = `RT-${planId}`;
    await people.planner.ok('PUT', `/v1/routings/${routingId}`, {
      materialId: PLANT.product,
      operations: [{ seq: 10, name: 'Turn', workCenterId: 'wc-assembly' }],
    });
    await people.quality.ok('PUT', `/v1/inspection-plans/${planId}`, {
      name: 'Bore every 5',
      materialId: PLANT.product,
      routingId,
      operationSeq: 10,
      characteristics: [{ id: 'bore', name: 'Bore', kind: 'variable', unit: 'MMT', nominal: 12, lsl: 11.9, usl: 12.1 }],
      sampling: { kind: 'every-n', every: 5, sampleSize: 3 },
      onViolation,
    });
    const characteristicId = `insp:${planId}:bore`;
    await putSpcSamples(
      tenant,
      Array.from({ length: 25 }, (_, i) => ({
        characteristicId,
        subgroupId: `seed-${i + 1}#1`,
        at: new Date(Date.parse(SEED.from) + i * 600_000).toISOString(),
        values: SUBGROUPS[i % SUBGROUPS.length] as number[],
      })),
    );
    await people.quality.ok('POST', `/v1/characteristics/${encodeURIComponent(characteristicId)}/baseline`, {
      ...SEED,
      chart: 'xbar-r',
      subgroupSize: 3,
      reason: 'turning shown stable in January',
    });
    const order = await orderAt(people, 'RUNNING', { routingId });
    await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 5 });
    return { orderId: order.id, inspectionId: `${order.id}~10~${planId}~1`, characteristicId };
  }

  const record = (inspectionId: string, values: number[]) =>
    people.operator.post(`/v1/inspections/${inspectionId}/results`, { results: [{ characteristicId: 'bore', values }] });
  const violationEvents = async (characteristicId: string) =>
    (await partitionItems(keys.spcPartition(tenant, characteristicId), 'EVT#')).filter((e) => e.type === 'quality.spc-violation');
  const orderEvents = async (orderId: string) =>
    (await partitionItems(keys.workOrderPartition(tenant, orderId))).filter((i) => i.entity === 'OutboxEvent') as {
      type: string;
      sequence: number;
      data: Record<string, unknown>;
    }[];
  const ncsOf = async (inspectionId: string) =>
    (await people.quality.ok<{ items: Nonconformance[] }>('GET', '/v1/nonconformances?limit=100')).items.filter(
      (n) => n.inspectionId === inspectionId,
    );
  const transactions = (reply: { headers: Headers }) =>
    (/^calls=([^;]*);/.exec(reply.headers.get('x-mes-dynamodb') ?? '')?.[1]?.split(',') ?? []).filter((c) => c === 'TransactWriteItems').length;

  it('with notify, nonconformance and hold: the result, the event, an open NC naming the order, operation and inspection, the order on a quality hold, in one transaction', async () => {
    // Prepare
    const { orderId, inspectionId, characteristicId } = await planAndOrder('IP-REACT-ALL', ['notify', 'nonconformance', 'hold']);

    // Act
    const reply = await record(inspectionId, SHIFTED);

    // Assess
    assert.equal(reply.status, 201, reply.text);
    assert.equal((reply.body as { status: string }).status, 'passed', 'in spec: the inspection passes, the process is out of control');
    assert.equal(transactions(reply), 1, 'the result, the event, the NC and the hold are one TransactWriteItems');
    const events = await violationEvents(characteristicId);
    assert.equal(events.length, 1);
    const violation = (events[0] as { data: { rules: { rule: number }[]; workOrderId: string; seq: number } }).data;
    assert.deepEqual([violation.rules.map((r) => r.rule), violation.workOrderId, violation.seq], [[1], orderId, 10]);

    const [nc, ...more] = await ncsOf(inspectionId);
    assert.ok(nc, 'a nonconformance is open for the inspection');
    assert.equal(more.length, 0);
    assert.deepEqual(
      [nc.status, nc.workOrderId, nc.seq, nc.quantity, nc.defectCode, nc.reportedBy, nc.materialId],
      ['open', orderId, 10, 3, 'DIM', 'u-operator', PLANT.product],
    );
    assert.match(nc.description, /Bore \(insp:IP-REACT-ALL:bore\): rule 1 .*mean of 3 units 12\.0833 mm, control limits/);
    assert.deepEqual(nc.holds, [{ kind: 'work-order', id: orderId, outcome: 'placed' }]);

    const order = await people.quality.ok<WorkOrderDetail>('GET', `/v1/work-orders/${orderId}`);
    assert.equal(order.status, 'ON_HOLD');
    assert.equal(order.holdKind, 'quality');
    const history = await people.quality.ok<{ items: { action: string; by: string; version: number }[] }>(
      'GET',
      `/v1/work-orders/${orderId}/history?limit=100`,
    );
    assert.deepEqual(
      history.items.slice(-2).map((a) => [a.action, a.by, a.version]),
      [
        ['inspection.record', 'u-operator', order.version - 1],
        ['workOrder.hold', 'u-operator', order.version],
      ],
      'two consecutive changes of the order, written once',
    );
    const [recorded, held] = (await orderEvents(orderId)).sort((a, b) => a.sequence - b.sequence).slice(-2);
    assert.deepEqual(
      [recorded?.type, held?.type, held?.data.kind, held?.data.nonconformanceId],
      ['inspection.recorded', 'work-order.held', 'quality', nc.id],
    );

    // A quality hold: not the supervisor's to lift; quality lifts it with a reason.
    assertProblem(await people.supervisor.post(`/v1/work-orders/${orderId}/resume`, { comment: 'looks fine' }), 403, { type: PROBLEM.forbidden });
    assertProblem(await people.quality.post(`/v1/work-orders/${orderId}/resume`, {}), 400, { pointers: ['/body/comment'] });
    const resumed = await people.quality.ok<WorkOrderDetail>('POST', `/v1/work-orders/${orderId}/resume`, { comment: 'tool offset corrected' });
    assert.equal(resumed.status, 'IN_PROGRESS');
  });

  it('with notify only: the event, no nonconformance, no hold', async () => {
    // Prepare
    const { orderId, inspectionId, characteristicId } = await planAndOrder('IP-REACT-NOTIFY', ['notify']);

    // Act
    const reply = await record(inspectionId, SHIFTED);

    // Assess
    assert.equal(reply.status, 201, reply.text);
    assert.equal((await violationEvents(characteristicId)).length, 1);
    assert.deepEqual(await ncsOf(inspectionId), []);
    const order = await people.quality.ok<WorkOrderDetail>('GET', `/v1/work-orders/${orderId}`);
    assert.equal(order.status, 'IN_PROGRESS');
  });

  it('with hold only: a quality hold with the plant’s quality reason and a comment naming the characteristic and the rule; an order on hold already is left as it is', async () => {
    // Prepare
    const { orderId, inspectionId } = await planAndOrder('IP-REACT-HOLD', ['notify', 'hold']);
    const second = await planAndOrder('IP-REACT-HOLD2', ['hold']);
    await people.supervisor.ok('POST', `/v1/work-orders/${second.orderId}/hold`, { reasonCode: 'MACHINE-DOWN', kind: 'production' });
    const heldBefore = await people.quality.ok<WorkOrderDetail>('GET', `/v1/work-orders/${second.orderId}`);

    // Act
    const reply = await record(inspectionId, SHIFTED);
    const onHeld = await people.quality.post(`/v1/inspections/${second.inspectionId}/results`, {
      results: [{ characteristicId: 'bore', values: SHIFTED }],
    });

    // Assess
    assert.equal(reply.status, 201, reply.text);
    const order = await people.quality.ok<WorkOrderDetail>('GET', `/v1/work-orders/${orderId}`);
    assert.deepEqual([order.status, order.holdKind, order.holdReason], ['ON_HOLD', 'quality', 'QUALITY-SUSPECT']);
    assert.deepEqual(await ncsOf(inspectionId), []);
    const history = await people.quality.ok<{ items: { action: string; reason?: string; comment?: string }[] }>(
      'GET',
      `/v1/work-orders/${orderId}/history?limit=100`,
    );
    const hold = history.items.at(-1);
    assert.equal(hold?.action, 'workOrder.hold');
    assert.equal(hold?.reason, 'QUALITY-SUSPECT');
    assert.match(hold?.comment ?? '', new RegExp(`SPC rule violation at inspection ${inspectionId}: Bore .*rule 1`));

    assert.equal(onHeld.status, 201, onHeld.text);
    const stillHeld = await people.quality.ok<WorkOrderDetail>('GET', `/v1/work-orders/${second.orderId}`);
    assert.deepEqual(
      [stillHeld.status, stillHeld.holdKind, stillHeld.holdReason, stillHeld.version],
      ['ON_HOLD', 'production', heldBefore.holdReason, heldBefore.version + 1],
      'the recording only: nothing more',
    );
  });
});

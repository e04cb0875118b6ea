/**
 * Black box: the local runtime over HTTP, real tokens, DynamoDB Local. One order goes from
 * creation to CLOSED through every person who touches it, while two other orders share its
 * first work center; the dispatch lists, the list filters and the audit trail are checked on
 * the way. The steps depend on each other, so they run in order in one describe.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditRecord, DispatchEntry, WorkOrder, WorkOrderDetail } from '#shared/api/schemas.ts';
import {
  type Api,
  type Mes,
  PLANT,
  ROUTING_OPERATIONS,
  type Staff,
  allPages,
  buildPlant,
  createOrder,
  newTenant,
  staff,
  startMes,
} from './support/mes.ts';

describe('a work order from creation to close, over HTTP', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let order: WorkOrderDetail;
  /** Same priority as `order`, due earlier: before it on the dispatch list. */
  let sooner: WorkOrderDetail;
  /** More urgent than both, due last: first on the dispatch list. */
  let urgent: WorkOrderDetail;
  /** The commands, in order, the history must show: [action, target, by]. */
  const expectedTrail: [string, string, string][] = [];

  const path = () => `/v1/work-orders/${order.id}`;
  const act = async (who: Api, action: string, body: unknown = {}) => {
    const reply = await who.post<WorkOrderDetail>(`${path()}/${action}`, body);
    assert.equal(reply.status, 200, `${action}: ${reply.text}`);
    assert.equal(reply.headers.get('etag'), `"${reply.body.version}"`);
    assert.equal(reply.body.version, order.version + 1, 'each command bumps the version exactly once');
    const [kind, seq] = action.startsWith('operations/') ? ['operation', action.split('/')[1]] : ['workOrder', undefined];
    const verb = action.split('/').at(-1) as string;
    expectedTrail.push([`${kind}.${verb}`, seq ? `operation/${seq}` : 'workOrder', who.userId as string]);
    order = reply.body;
    return order;
  };
  const op = (seq: number) => {
    const found = order.operations.find((o) => o.seq === seq);
    assert.ok(found, `operation ${seq}`);
    return found;
  };
  const dispatch = async (workCenterId: string) => {
    const reply = await people.operator.get<{ items: DispatchEntry[] }>(`/v1/work-centers/${workCenterId}/dispatch-list`);
    assert.equal(reply.status, 200, reply.text);
    return reply.body.items.map((e) => `${e.workOrderId}/${e.seq}:${e.status}`);
  };
  const listed = async (query: string) => (await allPages<WorkOrder>(people.supervisor, `/v1/work-orders?${query}`)).map((o) => o.id);

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
  });
  after(async () => {
    await mes?.stop();
  });

  it('lets a planner build the plant: equipment hierarchy, materials, BOM, routing and the scrap reasons it uses', async () => {
    await buildPlant(people.planner);
    // The plant's own scrap reasons beside the defaults (a list keeps every code it had).
    const defaults = (await people.planner.get('/v1/reason-lists/scrap')).body;
    await people.planner.ok('PUT', '/v1/reason-lists/scrap', {
      reasons: [...defaults.reasons, { code: 'BURR', name: 'Burr' }, { code: 'CRACK', name: 'Crack' }, { code: 'LEAK', name: 'Leak at test' }],
    });

    const unit = await people.operator.get(`/v1/equipment/${PLANT.workUnit}`);
    const workCenter = await people.operator.get(`/v1/equipment/${unit.body.parentId}`);
    const area = await people.operator.get(`/v1/equipment/${workCenter.body.parentId}`);
    const site = await people.operator.get(`/v1/equipment/${area.body.parentId}`);
    assert.deepEqual(
      [unit, workCenter, area, site].map((r) => [r.body.id, r.body.level]),
      [
        [PLANT.workUnit, 'workUnit'],
        ['wc-assembly', 'workCenter'],
        [PLANT.area, 'area'],
        [PLANT.site, 'site'],
      ],
    );
    const routing = await people.operator.get(`/v1/routings/${PLANT.routing}`);
    assert.equal(routing.status, 200);
    assert.deepEqual(
      routing.body.operations.map((o: { seq: number; dataToRecord: { name: string }[] }) => [o.seq, o.dataToRecord.map((d) => d.name)]),
      [
        [10, ['screwTorque']],
        [20, ['leakRate', 'testPassed', 'testerNote']],
        [30, []],
      ],
    );
  });

  it('lets a planner create orders: PLANNED, nothing made, not on any dispatch list', async () => {
    const reply = await people.planner.post<WorkOrderDetail>('/v1/work-orders', {
      materialId: PLANT.product,
      quantity: 10,
      routingId: PLANT.routing,
      bomId: PLANT.bom,
      dueDate: '2030-03-10T12:00:00+01:00',
      priority: 100,
      externalRef: 'ERP-4711',
    });
    assert.equal(reply.status, 201, reply.text);
    order = reply.body;
    expectedTrail.push(['workOrder.create', 'workOrder', 'u-planner']);
    assert.equal(reply.headers.get('location'), path());
    assert.equal(reply.headers.get('etag'), '"1"');
    assert.match(order.id, /^WO-\d{8}-[0-9A-Z]{6}$/);
    assert.equal(order.status, 'PLANNED');
    assert.equal(order.version, 1);
    assert.equal(order.dueDate, '2030-03-10T11:00:00.000Z');
    assert.equal(order.workCenterId, 'wc-assembly', 'the first operation’s work center');
    assert.deepEqual([order.producedQty, order.scrappedQty, order.remainingQty], [0, 0, 10]);
    assert.deepEqual(order.operations, []);
    assert.equal(order.createdBy, 'u-planner');

    sooner = await createOrder(people.planner, { priority: 100, dueInDays: 30 });
    urgent = await createOrder(people.planner, { priority: 50, dueInDays: 200 });
    assert.deepEqual(await dispatch('wc-assembly'), []);
    assert.deepEqual((await listed('status=PLANNED')).sort(), [order.id, sooner.id, urgent.id].sort());
  });

  it('lets a supervisor release: the routing is copied, the first operation READY and dispatched', async () => {
    await act(people.supervisor, 'release', { comment: 'material staged' });
    assert.equal(order.status, 'RELEASED');
    assert.ok(order.releasedAt);
    assert.deepEqual(
      order.operations.map((o) => [o.seq, o.name, o.workCenterId, o.status]),
      ROUTING_OPERATIONS.map((o, i) => [o.seq, o.name, o.workCenterId, i === 0 ? 'READY' : 'PENDING']),
    );
    assert.deepEqual(
      op(20).dataToRecord.map((d) => [d.name, d.type, d.required]),
      [
        ['leakRate', 'number', true],
        ['testPassed', 'boolean', true],
        ['testerNote', 'text', false],
      ],
    );
    await people.supervisor.ok('POST', `/v1/work-orders/${sooner.id}/release`, {});
    await people.supervisor.ok('POST', `/v1/work-orders/${urgent.id}/release`, {});

    // Priority first (urgent is due last but most urgent), then due date (sooner before order).
    assert.deepEqual(await dispatch('wc-assembly'), [`${urgent.id}/10:READY`, `${sooner.id}/10:READY`, `${order.id}/10:READY`]);
    assert.deepEqual(await dispatch('wc-test'), [], 'PENDING operations are not dispatched');
    assert.deepEqual(await listed('status=PLANNED'), []);
    assert.deepEqual((await listed('status=RELEASED')).sort(), [order.id, sooner.id, urgent.id].sort());
  });

  it('lets a supervisor hold and resume the released order, with a reason', async () => {
    await act(people.supervisor, 'hold', { reasonCode: 'QUALITY-SUSPECT', comment: 'quality notice QN-17' });
    assert.equal(order.status, 'ON_HOLD');
    assert.equal(order.heldFrom, 'RELEASED');
    assert.equal(order.holdReason, 'QUALITY-SUSPECT', 'the order keeps the code; the app shows its name');
    assert.deepEqual(await listed('status=ON_HOLD'), [order.id]);
    const held = await people.operator.get<{ items: DispatchEntry[] }>('/v1/work-centers/wc-assembly/dispatch-list');
    assert.equal(held.body.items.find((e) => e.workOrderId === order.id)?.workOrderStatus, 'ON_HOLD', 'the dispatch list tells the order is held');

    await act(people.supervisor, 'resume', { comment: 'QN-17 closed' });
    assert.equal(order.status, 'RELEASED');
    assert.equal(order.heldFrom, undefined);
    assert.equal(order.holdReason, undefined);
    assert.deepEqual(await listed('status=ON_HOLD'), []);
  });

  it('lets an operator start, pause with a reason and resume the first operation', async () => {
    await act(people.operator, 'operations/10/start');
    assert.equal(order.status, 'IN_PROGRESS');
    assert.ok(order.startedAt);
    assert.equal(op(10).status, 'RUNNING');
    assert.equal(op(10).startedBy, 'u-operator');
    assert.deepEqual(await listed('status=IN_PROGRESS'), [order.id]);
    assert.deepEqual(await dispatch('wc-assembly'), [`${urgent.id}/10:READY`, `${sooner.id}/10:READY`, `${order.id}/10:RUNNING`]);

    await act(people.operator, 'operations/10/pause', { reasonCode: 'CHANGEOVER', comment: 'tool change' });
    assert.equal(op(10).status, 'PAUSED');
    assert.equal(op(10).pauseReason, 'CHANGEOVER');
    assert.deepEqual(await dispatch('wc-assembly'), [`${urgent.id}/10:READY`, `${sooner.id}/10:READY`, `${order.id}/10:PAUSED`]);

    await act(people.operator, 'operations/10/resume');
    assert.equal(op(10).status, 'RUNNING');
    assert.equal(op(10).pauseReason, undefined);
  });

  it('adds up good and scrap by reason code over several reports and keeps the recorded data', async () => {
    await act(people.operator, 'operations/10/report', { goodQty: 4, scrapQty: 1, scrapReasonCode: 'BURR', data: { screwTorque: 4.1 } });
    await act(people.operator, 'operations/10/report', { goodQty: 3, scrapQty: 2, scrapReasonCode: 'BURR' });
    await act(people.operator, 'operations/10/report', { goodQty: 2, scrapQty: 1, scrapReasonCode: 'CRACK', data: { screwTorque: 4.9 } });
    assert.deepEqual([op(10).goodQty, op(10).scrapQty, op(10).scrapByReason], [9, 4, { BURR: 3, CRACK: 1 }]);
    const torque = op(10).recordedData.screwTorque;
    assert.equal(torque?.value, 4.9, 'the last value recorded');
    assert.equal(torque?.unit, 'Nm');
    assert.equal(torque?.outOfLimits, true, 'kept, and flagged above the 4.5 Nm limit');
    assert.equal(torque?.recordedBy, 'u-operator');
    // Produced counts only what leaves the last operation; scrap counts every operation.
    assert.deepEqual([order.producedQty, order.scrappedQty, order.remainingQty], [0, 4, 10]);
  });

  it('completes the first operation with a last report; the next one becomes READY at its own work center', async () => {
    await act(people.operator, 'operations/10/complete', { goodQty: 1, comment: 'batch done' });
    assert.equal(op(10).status, 'DONE');
    assert.equal(op(10).goodQty, 10);
    assert.equal(op(10).completedBy, 'u-operator');
    assert.equal(op(20).status, 'READY');
    assert.equal(op(30).status, 'PENDING');
    assert.deepEqual(await dispatch('wc-assembly'), [`${urgent.id}/10:READY`, `${sooner.id}/10:READY`]);
    assert.deepEqual(await dispatch('wc-test'), [`${order.id}/20:READY`]);
  });

  it('records number, boolean and text data at the test operation', async () => {
    await act(people.operator, 'operations/20/start');
    await act(people.operator, 'operations/20/report', {
      goodQty: 9,
      scrapQty: 1,
      scrapReasonCode: 'LEAK',
      data: { leakRate: 0.3, testPassed: true, testerNote: 'one unit leaked at the flange' },
    });
    assert.deepEqual(Object.fromEntries(Object.entries(op(20).recordedData).map(([k, v]) => [k, [v.value, v.outOfLimits]])), {
      leakRate: [0.3, false],
      testPassed: [true, false],
      testerNote: ['one unit leaked at the flange', false],
    });
    await act(people.operator, 'operations/20/complete');
    assert.equal(op(20).status, 'DONE');
    assert.deepEqual(await dispatch('wc-test'), []);
    assert.deepEqual(await dispatch('wc-pack'), [`${order.id}/30:READY`]);
  });

  it('completes the order with the last operation and shows produced, scrapped and remaining', async () => {
    await act(people.operator, 'operations/30/start');
    await act(people.operator, 'operations/30/complete', { goodQty: 9 });
    assert.equal(op(30).status, 'DONE');
    assert.equal(order.status, 'COMPLETED');
    assert.ok(order.completedAt);
    assert.deepEqual([order.producedQty, order.scrappedQty, order.remainingQty], [9, 5, 1]);
    assert.deepEqual(await dispatch('wc-pack'), []);
    assert.deepEqual(await dispatch('wc-assembly'), [`${urgent.id}/10:READY`, `${sooner.id}/10:READY`], 'the other orders wait');
  });

  it('lets a supervisor close the completed order', async () => {
    await act(people.supervisor, 'close', { comment: 'reviewed' });
    assert.equal(order.status, 'CLOSED');
    assert.ok(order.closedAt);
    const read = await people.quality.get<WorkOrderDetail>(path());
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, order, 'GET shows what the last command answered');
    assert.equal(read.headers.get('etag'), `"${order.version}"`);
  });

  it('filters the list by status and by work center, alone and together', async () => {
    assert.deepEqual(await listed('status=CLOSED'), [order.id]);
    assert.deepEqual(await listed('status=RELEASED'), [sooner.id, urgent.id], 'by due date within a status');
    assert.deepEqual((await listed('workCenterId=wc-assembly')).sort(), [order.id, sooner.id, urgent.id].sort());
    assert.deepEqual(await listed('workCenterId=wc-assembly&status=CLOSED'), [order.id]);
    assert.deepEqual(await listed('workCenterId=wc-test'), [], 'an order belongs to its own work center, not its operations’');
    assert.deepEqual(await listed('status=IN_PROGRESS'), []);
  });

  it('lets a supervisor hold and then cancel another order, which leaves the dispatch list', async () => {
    const path = `/v1/work-orders/${sooner.id}`;
    await people.supervisor.ok('POST', `${path}/hold`, { reasonCode: 'AWAITING-INSTRUCTIONS', comment: 'customer call-off' });
    const cancelled = await people.supervisor.ok<WorkOrderDetail>('POST', `${path}/cancel`, { reason: 'order withdrawn by customer' });

    assert.equal(cancelled.status, 'CANCELLED');
    assert.ok(cancelled.cancelledAt);
    assert.equal(cancelled.heldFrom, undefined);
    assert.equal(cancelled.operations[0]?.status, 'READY', 'the operation keeps its state; the order no longer dispatches it');
    assert.deepEqual(await dispatch('wc-assembly'), [`${urgent.id}/10:READY`]);
    assert.deepEqual(await listed('status=CANCELLED'), [sooner.id]);
    const refused = await people.operator.post(`${path}/operations/10/start`, {});
    assert.equal(refused.status, 409, refused.text);
  });

  it('keeps an audit trail: one record per command, in order, with who, when, old and new values and reasons', async () => {
    const history = await allPages<AuditRecord>(people.quality, `${path()}/history`, 5);
    assert.deepEqual(
      history.map((r) => [r.action, r.target, r.by]),
      expectedTrail,
    );
    assert.deepEqual(
      history.map((r) => r.version),
      expectedTrail.map((_, i) => i + 1),
    );
    assert.equal(order.version, history.length);
    const times = history.map((r) => Date.parse(r.at));
    assert.ok(
      times.every((t, i) => !Number.isNaN(t) && (i === 0 || t >= (times[i - 1] as number))),
      'timestamps never go back',
    );

    const change = (r: AuditRecord | undefined, field: string) => r?.changes.find((c) => c.field === field);
    const [create, release, hold, resume] = history;
    assert.deepEqual(change(create, 'status'), { field: 'status', from: null, to: 'PLANNED' });
    assert.deepEqual(change(release, 'status'), { field: 'status', from: 'PLANNED', to: 'RELEASED' });
    assert.deepEqual(change(release, 'operations/10/status'), { field: 'operations/10/status', from: null, to: 'READY' });
    assert.equal(release?.comment, 'material staged');
    assert.equal(hold?.reason, 'QUALITY-SUSPECT');
    assert.equal(hold?.comment, 'quality notice QN-17');
    assert.deepEqual(change(hold, 'status'), { field: 'status', from: 'RELEASED', to: 'ON_HOLD' });
    assert.deepEqual(change(resume, 'status'), { field: 'status', from: 'ON_HOLD', to: 'RELEASED' });
    assert.deepEqual(change(resume, 'holdReason'), { field: 'holdReason', from: 'QUALITY-SUSPECT', to: null });

    const pause = history.find((r) => r.action === 'operation.pause');
    assert.equal(pause?.reason, 'CHANGEOVER');
    assert.equal(pause?.comment, 'tool change');
    assert.deepEqual(change(pause, 'operations/10/status'), { field: 'operations/10/status', from: 'RUNNING', to: 'PAUSED' });

    const reports = history.filter((r) => r.action === 'operation.report' && r.target === 'operation/10');
    assert.deepEqual(
      reports.map((r) => [change(r, 'operations/10/goodQty')?.from, change(r, 'operations/10/goodQty')?.to]),
      [
        [0, 4],
        [4, 7],
        [7, 9],
      ],
    );
    assert.deepEqual(change(reports[1], 'operations/10/scrapByReason'), {
      field: 'operations/10/scrapByReason',
      from: { BURR: 1 },
      to: { BURR: 3 },
    });
    const last = history.at(-1);
    assert.deepEqual(change(last, 'status'), { field: 'status', from: 'COMPLETED', to: 'CLOSED' });
    assert.equal(last?.by, 'u-supervisor');
    for (const record of history) assert.ok(record.changes.length > 0, `${record.action} changed something`);
  });
});

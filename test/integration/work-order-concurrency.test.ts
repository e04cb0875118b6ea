/**
 * Two people at once, retries and stale reads: every command is one conditional transaction,
 * so a race has one winner, a stale If-Match writes nothing, and an Idempotency-Key makes a
 * retried create return the first result instead of a second order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditRecord, WorkOrder, WorkOrderDetail } from '#shared/api/schemas.ts';
import {
  type Mes,
  PLANT,
  PROBLEM,
  type Staff,
  allPages,
  assertProblem,
  buildPlant,
  inDays,
  newTenant,
  orderAt,
  snapshot,
  staff,
  startMes,
} from '../e2e/support/mes.ts';

const statuses = (replies: { status: number }[]) => replies.map((r) => r.status).sort();

describe('work orders under concurrent and repeated requests', () => {
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

  const history = (id: string) => allPages<AuditRecord>(people.supervisor, `/v1/work-orders/${id}/history`);

  it('lets exactly one of two people completing the same operation at once win, and records it once', async () => {
    // Prepare: a few rounds, each with its own order, so the race is really run more than once.
    for (let round = 0; round < 3; round++) {
      const order = await orderAt(people, 'RUNNING', { quantity: 5 });
      const path = `/v1/work-orders/${order.id}/operations/10/complete`;

      // Act
      const replies = await Promise.all([
        people.operator.post<WorkOrderDetail>(path, { goodQty: 5 }),
        people.supervisor.post<WorkOrderDetail>(path, { goodQty: 5 }),
      ]);

      // Assess
      assert.deepEqual(statuses(replies), [200, 409], replies.map((r) => r.text).join('\n'));
      const loser = replies.find((r) => r.status === 409);
      assertProblem(loser!, 409);
      const winner = replies.find((r) => r.status === 200)!;
      const read = await people.supervisor.get<WorkOrderDetail>(`/v1/work-orders/${order.id}`);
      assert.equal(read.body.status, 'COMPLETED');
      assert.equal(read.body.operations[0]?.goodQty, 5, 'counted once, not 10');
      assert.equal(read.body.version, order.version + 1);
      assert.deepEqual(read.body, winner.body);
      const completes = (await history(order.id)).filter((r) => r.action === 'operation.complete');
      assert.equal(completes.length, 1);
      assert.equal(completes[0]?.by, winner === replies[0] ? 'u-operator' : 'u-supervisor');
    }
  });

  it('lets exactly one of two reports made on the same version at once through', async () => {
    // Prepare
    const order = await orderAt(people, 'RUNNING', { quantity: 100 });
    const path = `/v1/work-orders/${order.id}/operations/10/report`;

    // Act
    const replies = await Promise.all([
      people.operator.post(path, { goodQty: 3 }, { 'if-match': `"${order.version}"` }),
      people.operator2.post(path, { goodQty: 4 }, { 'if-match': `"${order.version}"` }),
    ]);

    // Assess
    assert.deepEqual(statuses(replies), [200, 409], replies.map((r) => r.text).join('\n'));
    const read = await people.supervisor.get<WorkOrderDetail>(`/v1/work-orders/${order.id}`);
    const winner = replies.find((r) => r.status === 200)!;
    assert.equal(read.body.operations[0]?.goodQty, winner.body.operations[0].goodQty);
    assert.equal((await history(order.id)).filter((r) => r.action === 'operation.report').length, 1);
  });

  it('lets exactly one of two supervisors releasing the same order at once win', async () => {
    const order = await orderAt(people, 'PLANNED');
    const path = `/v1/work-orders/${order.id}/release`;

    const replies = await Promise.all([people.supervisor.post(path, {}), people.admin.post(path, {})]);

    assert.deepEqual(statuses(replies), [200, 409], replies.map((r) => r.text).join('\n'));
    assert.equal((await history(order.id)).filter((r) => r.action === 'workOrder.release').length, 1);
  });

  it('refuses a command sent with a stale If-Match, and writes nothing', async () => {
    // Prepare: someone else paused the operation after we read the order.
    const seen = await orderAt(people, 'RUNNING');
    await people.operator2.ok('POST', `/v1/work-orders/${seen.id}/operations/10/pause`, { reasonCode: 'MACHINE' });
    const beforeAct = await snapshot(people.supervisor, tenant, seen.id);

    // Act: a report and a hold made on what we saw.
    const report = await people.operator.post(`/v1/work-orders/${seen.id}/operations/10/report`, { goodQty: 1 }, { 'if-match': `"${seen.version}"` });
    const hold = await people.supervisor.post(
      `/v1/work-orders/${seen.id}/hold`,
      { reasonCode: 'MACHINE-DOWN' },
      { 'if-match': `W/"${seen.version}"` },
    );

    // Assess
    assertProblem(report, 409, { type: PROBLEM.staleVersion });
    assertProblem(hold, 409, { type: PROBLEM.staleVersion });
    assert.deepEqual(await snapshot(people.supervisor, tenant, seen.id), beforeAct);
  });

  it('says in a 409 who changed the order last, when, what that was, and what the order is now', async () => {
    // Prepare: someone else paused the operation after we read the order.
    const seen = await orderAt(people, 'RUNNING', { routingId: PLANT.routing });
    const paused = await people.operator2.ok<WorkOrderDetail>('POST', `/v1/work-orders/${seen.id}/operations/10/pause`, { reasonCode: 'MACHINE' });

    // Act: a pause on the stale version (If-Match), and one on the current state (no If-Match: the transition is refused).
    const stale = await people.operator.post(
      `/v1/work-orders/${seen.id}/operations/10/pause`,
      { reasonCode: 'BREAK' },
      { 'if-match': `"${seen.version}"` },
    );
    const illegal = await people.operator.post(`/v1/work-orders/${seen.id}/operations/10/pause`, { reasonCode: 'BREAK' });

    // Assess
    const expected = {
      changedBy: 'u-operator-2',
      changedAt: paused.updatedAt,
      currentStatus: paused.status,
      currentVersion: paused.version,
      lastChange: 'paused operation 10 (Assemble)',
    };
    for (const [reply, type] of [
      [stale, PROBLEM.staleVersion],
      [illegal, PROBLEM.illegalTransition],
    ] as const) {
      const problem = assertProblem(reply, 409, { type });
      assert.deepEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, problem[k]])), expected, `${type}: ${reply.text}`);
    }
    assert.equal((await snapshot(people.supervisor, tenant, seen.id)).order.version, paused.version, 'nothing was written');
  });

  it('accepts a command whose If-Match is the current ETag', async () => {
    const order = await orderAt(people, 'RUNNING');
    const read = await people.operator.get(`/v1/work-orders/${order.id}`);

    const reply = await people.operator.post(
      `/v1/work-orders/${order.id}/operations/10/report`,
      { goodQty: 1 },
      { 'if-match': read.headers.get('etag')! },
    );

    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.headers.get('etag'), `"${order.version + 1}"`);
  });

  describe('creating with an Idempotency-Key', () => {
    const body = (quantity = 10) => ({ materialId: PLANT.product, quantity, routingId: PLANT.routing, dueDate: inDays(5) });
    const ordersOfTenant = async () => (await allPages<WorkOrder>(people.planner, '/v1/work-orders')).map((o) => o.id);

    it('returns the first result to a retry, marked as replayed, and creates one order', async () => {
      // Prepare
      const key = `key-${crypto.randomUUID()}`;
      const known = await ordersOfTenant();

      // Act
      const first = await people.planner.post<WorkOrderDetail>('/v1/work-orders', body(), { 'idempotency-key': key });
      const retry = await people.planner.post<WorkOrderDetail>('/v1/work-orders', body(), { 'idempotency-key': key });

      // Assess
      assert.equal(first.status, 201, first.text);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      assert.equal(retry.status, 201, retry.text);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(retry.body, first.body);
      assert.equal(retry.headers.get('location'), `/v1/work-orders/${first.body.id}`);
      const created = (await ordersOfTenant()).filter((id) => !known.includes(id));
      assert.deepEqual(created, [first.body.id]);
      assert.equal((await history(first.body.id)).length, 1);
    });

    it('gives the same result to two requests with the same key at once, or refuses one; never two orders', async () => {
      const key = `key-${crypto.randomUUID()}`;
      const known = await ordersOfTenant();

      const replies = await Promise.all([
        people.planner.post<WorkOrderDetail>('/v1/work-orders', body(7), { 'idempotency-key': key }),
        people.integration.post<WorkOrderDetail>('/v1/work-orders', body(7), { 'idempotency-key': key }),
      ]);

      const created = (await ordersOfTenant()).filter((id) => !known.includes(id));
      assert.equal(created.length, 1, replies.map((r) => r.text).join('\n'));
      for (const reply of replies) {
        if (reply.status === 201) assert.equal(reply.body.id, created[0]);
        else assertProblem(reply, 409);
      }
      assert.ok(replies.some((r) => r.status === 201));
    });

    it('refuses the same key with a different body (422) and creates nothing', async () => {
      const key = `key-${crypto.randomUUID()}`;
      const first = await people.planner.post<WorkOrderDetail>('/v1/work-orders', body(10), { 'idempotency-key': key });
      assert.equal(first.status, 201, first.text);
      const known = await ordersOfTenant();

      const other = await people.planner.post('/v1/work-orders', body(11), { 'idempotency-key': key });

      assertProblem(other, 422, { type: PROBLEM.idempotencyKeyReused });
      assert.deepEqual(await ordersOfTenant(), known);
    });

    it('keeps keys apart per tenant', async () => {
      const key = `key-${crypto.randomUUID()}`;
      const otherTenant = newTenant();
      const others = await staff(mes, otherTenant);
      await buildPlant(others.planner);

      const mine = await people.planner.post<WorkOrderDetail>('/v1/work-orders', body(), { 'idempotency-key': key });
      const theirs = await others.planner.post<WorkOrderDetail>('/v1/work-orders', body(), { 'idempotency-key': key });

      assert.equal(mine.status, 201, mine.text);
      assert.equal(theirs.status, 201, theirs.text);
      assert.equal(theirs.headers.get('idempotent-replayed'), null, 'another tenant’s key is not a replay');
      assert.notEqual(theirs.body.id, mine.body.id);
    });

    it('refuses a malformed key with 400', async () => {
      const reply = await people.planner.post('/v1/work-orders', body(), { 'idempotency-key': 'x'.repeat(256) });
      assertProblem(reply, 400, { pointers: ['/headers/idempotency-key'] });
    });
  });

  it('creates one order when two clients create the same id at once; the other gets 409', async () => {
    const id = `ERP-${crypto.randomUUID().slice(0, 8)}`;
    const body = (quantity: number) => ({ id, materialId: PLANT.product, quantity, routingId: PLANT.routing, dueDate: inDays(2) });

    const replies = await Promise.all([people.planner.post('/v1/work-orders', body(1)), people.integration.post('/v1/work-orders', body(2))]);

    assert.deepEqual(statuses(replies), [201, 409], replies.map((r) => r.text).join('\n'));
    const winner = replies.find((r) => r.status === 201)!;
    assert.deepEqual((await people.planner.get(`/v1/work-orders/${id}`)).body, winner.body);
    assert.equal((await history(id)).length, 1);
  });

  it('refuses a client-supplied id that exists (409) and leaves that order as it was', async () => {
    // Prepare
    const id = `ERP-${crypto.randomUUID().slice(0, 8)}`;
    const existing = await orderAt(people, 'RELEASED', { id, quantity: 3 });
    const beforeAct = await snapshot(people.supervisor, tenant, id);

    // Act
    const again = await people.planner.post('/v1/work-orders', {
      id,
      materialId: PLANT.product,
      quantity: 99,
      routingId: PLANT.routing,
      dueDate: inDays(1),
    });

    // Assess
    assertProblem(again, 409, { type: PROBLEM.alreadyExists });
    const afterAct = await snapshot(people.supervisor, tenant, id);
    assert.deepEqual(afterAct, beforeAct);
    assert.equal(afterAct.order.quantity, existing.quantity);
  });
});

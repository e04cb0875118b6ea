/**
 * Labor (issue 18, docs/labor.md) over HTTP on DynamoDB Local, with the functions' clock a
 * VirtualClock moved minute by minute, so every split is exact. One plant, two orders; the
 * steps build on each other and run in order.
 *   13:00 operator clocks on order A op 10 for setup (READY), 13:10 starts it, setup off, run on,
 *   13:20 also on order B op 10 (two at once: each minute counts half), 13:40 off B,
 *   14:10 off A (the Early shift ends at 14:00). A crew (Ann, Ben) on A for rework from 14:10;
 *   operator 2 on cleaning, then a meeting; 14:30 A's op 10 completes: the crew is clocked off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VirtualClock } from '../../infra/local/virtual-clock.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { type Api, as, assertProblem, buildPlant, createOrder, newTenant, PLANT, PROBLEM, partitionItems, type Staff, staff } from './support/mes.ts';

const MINUTE = 60_000;
/** A Monday, 13:00 UTC. */
const S = Date.parse('2030-01-07T13:00:00Z');
const at = (m: number) => new Date(S + m * MINUTE).toISOString();

describe('labor: clock on and off, crews, the fair split, indirect time, standard against actual', () => {
  let mes: TestRuntime;
  let clock: VirtualClock;
  let people: Staff;
  let otherTenant: Api;
  const tenant = newTenant();
  let orderA: string;
  let orderB: string;
  const to = (m: number) => clock.advanceTo(S + m * MINUTE);
  const opPath = (id: string, seq = 10) => `/v1/work-orders/${id}/operations/${seq}`;

  before(async () => {
    clock = new VirtualClock(S);
    mes = await startTestRuntime({ clock });
    people = await staff(mes, tenant);
    otherTenant = await as(mes, newTenant(), 'u-admin-b', ['admin']);
    await buildPlant(people.planner);
    await people.admin.ok('PUT', '/v1/shift-calendar', {
      timeZone: 'UTC',
      shifts: [
        { name: 'Early', start: '06:00', end: '14:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
        { name: 'Late', start: '14:00', end: '22:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      ],
    });
    for (const [id, name] of [
      ['u-operator', 'Olivia Operator'],
      ['u-operator-2', 'Otto Second'],
      ['p-ann', 'Ann Fitter'],
      ['p-ben', 'Ben Fitter'],
    ]) {
      await people.planner.ok('PUT', `/v1/personnel/${id}`, { name, roles: ['operator'] });
    }
    orderA = (await createOrder(people.planner, { quantity: 10 })).id;
    orderB = (await createOrder(people.planner, { quantity: 5, routingId: PLANT.quickRouting })).id;
    await people.supervisor.ok('POST', `/v1/work-orders/${orderA}/release`, {});
    await people.supervisor.ok('POST', `/v1/work-orders/${orderB}/release`, {});
    await people.supervisor.ok('POST', `${opPath(orderB)}/start`, {});
  });
  after(() => mes?.stop());

  it('refuses run time on an operation that has not started, takes setup, and refuses a second clock-on', async () => {
    assertProblem(await people.operator.post(`${opPath(orderA)}/clock-on`, { kind: 'run' }), 409, { type: PROBLEM.illegalTransition });
    const on = await people.operator.ok('POST', `${opPath(orderA)}/clock-on`, {});
    assert.equal(on.people[0].personName, 'Olivia Operator');
    assert.equal(on.people[0].open[0].kind, 'setup');
    assert.equal(on.people[0].open[0].operationName, 'Assemble');
    const again = await people.operator.post(`${opPath(orderA)}/clock-on`, {});
    assertProblem(again, 409, { type: PROBLEM.illegalTransition });
    assert.match(again.body.detail, /already on operation 10/);
    assertProblem(await people.operator.post(`${opPath(orderA, 20)}/clock-on`, {}), 409, { type: PROBLEM.illegalTransition });
  });

  it('names the field of bad input, refuses others’ people to an operator, and an unknown person', async () => {
    assertProblem(await people.operator.post(`${opPath(orderA)}/clock-on`, { kind: 'lunch' }), 400, { pointers: ['/body/kind'] });
    assertProblem(await people.operator.post(`${opPath(orderA)}/clock-on`, { personnelIds: [] }), 400, { pointers: ['/body/personnelIds'] });
    assertProblem(await people.operator.post(`${opPath(orderA)}/clock-on`, { personnelIds: ['p-ann'] }), 403, { type: PROBLEM.forbidden });
    assertProblem(await people.supervisor.post(`${opPath(orderA)}/clock-on`, { personnelIds: ['p-ann', 'p-nobody'], kind: 'setup' }), 422, {
      type: PROBLEM.unknownReference,
      pointers: ['/body/personnelIds/1'],
    });
    assertProblem(await people.operator.post('/v1/labor/indirect/clock-on', { reasonCode: 'NAPPING' }), 422, { pointers: ['/body/reasonCode'] });
    // Refused requests wrote nothing: Ann has no labor at all.
    assert.deepEqual(await partitionItems(`${tenant}#LABOR#p-ann`), []);
  });

  it('another tenant’s order is not found', async () => {
    assertProblem(await otherTenant.post(`${opPath(orderA)}/clock-on`, {}), 404, { type: PROBLEM.notFound });
    assertProblem(await otherTenant.get(`/v1/work-orders/${orderA}/labor`), 404, { type: PROBLEM.notFound });
    assertProblem(await otherTenant.get('/v1/personnel/u-operator/labor'), 404, { type: PROBLEM.notFound });
  });

  it('walks the day: setup, run, two operations at once, and off again', async () => {
    await to(10);
    await people.operator.ok('POST', `${opPath(orderA)}/start`, {});
    await people.operator.ok('POST', `${opPath(orderA)}/clock-off`, {});
    const run = await people.operator.ok('POST', `${opPath(orderA)}/clock-on`, {});
    assert.equal(run.people[0].open[0].kind, 'run');
    await to(20);
    const both = await people.operator.ok('POST', `${opPath(orderB)}/clock-on`, {});
    assert.deepEqual(
      both.people[0].open.map((e: { workOrderId: string }) => e.workOrderId),
      [orderA, orderB],
    );
    await to(40);
    await people.operator.ok('POST', `${opPath(orderB)}/clock-off`, {});
    assertProblem(await people.operator.post(`${opPath(orderB)}/clock-off`, {}), 409, { type: PROBLEM.illegalTransition });
    await to(70);
    await people.operator.ok('POST', `${opPath(orderA)}/clock-off`, {});
  });

  it('splits the operator’s time fairly, by order, operation and kind, and by shift', async () => {
    const mine = await people.operator.ok('GET', `/v1/personnel/me/labor?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(70))}`);
    assert.equal(mine.personnelId, 'u-operator');
    assert.equal(mine.totalMinutes, 70);
    const total = (wo: string, kind: string) =>
      mine.operations.find((t: { workOrderId: string; kind: string }) => t.workOrderId === wo && t.kind === kind)?.minutes;
    assert.equal(total(orderA, 'setup'), 10);
    // 13:10-13:20 alone (10), 13:20-13:40 shared with B (20 / 2), 13:40-14:10 alone (30).
    assert.equal(total(orderA, 'run'), 50);
    assert.equal(total(orderB, 'run'), 10);
    assert.deepEqual(
      mine.shifts.map((s: { shift: string; minutes: number }) => [s.shift, s.minutes]),
      [
        ['2030-01-07 Early', 60],
        ['2030-01-07 Late', 10],
      ],
    );
    // A window cuts the entries: 13:30-13:50 is 5 on A (shared) + 5 on B, then 10 on A.
    const cut = await people.supervisor.ok(
      'GET',
      `/v1/personnel/u-operator/labor?from=${encodeURIComponent(at(30))}&to=${encodeURIComponent(at(50))}`,
    );
    assert.equal(cut.totalMinutes, 20);
    assert.equal(cut.operations.find((t: { workOrderId: string }) => t.workOrderId === orderB).minutes, 5);
    // An operator reads only their own.
    assertProblem(await people.operator.get('/v1/personnel/p-ann/labor'), 403, { type: PROBLEM.forbidden });
    assertProblem(await people.operator.get(`/v1/personnel/me/labor?from=${encodeURIComponent(at(50))}&to=${encodeURIComponent(at(10))}`), 400, {
      pointers: ['/query/to'],
    });
  });

  it('clocks a crew on for rework and indirect time with reasons; the supervisor sees who is on what', async () => {
    const crew = await people.supervisor.ok('POST', `${opPath(orderA)}/clock-on`, { personnelIds: ['p-ann', 'p-ben'], kind: 'rework' });
    assert.deepEqual(
      crew.people.map((p: { personName: string }) => p.personName),
      ['Ann Fitter', 'Ben Fitter'],
    );
    await people.operator2.ok('POST', '/v1/labor/indirect/clock-on', { reasonCode: 'CLEANING' });
    await to(85);
    const switched = await people.operator2.ok('POST', '/v1/labor/indirect/clock-on', { reasonCode: 'MEETING' });
    assert.deepEqual(
      switched.people[0].open.map((e: { reasonName: string }) => e.reasonName),
      ['Meeting'],
    );
    const active = await people.supervisor.ok('GET', '/v1/labor/active');
    assert.deepEqual(
      active.people.map((p: { personName: string; on: { operationName?: string; materialName?: string; reasonName?: string; since: string }[] }) => [
        p.personName,
        p.on.map((e) => e.reasonName ?? `${e.operationName} (${e.materialName})`),
        p.on.map((e) => e.since),
      ]),
      [
        ['Ann Fitter', ['Assemble (Pump)'], [at(70)]],
        ['Ben Fitter', ['Assemble (Pump)'], [at(70)]],
        ['Otto Second', ['Meeting'], [at(85)]],
      ],
    );
    assertProblem(await people.operator.get('/v1/labor/active'), 403, { type: PROBLEM.forbidden });
    await to(100);
    await people.operator2.ok('POST', '/v1/labor/indirect/clock-off', {});
    assertProblem(await people.operator2.post('/v1/labor/indirect/clock-off', {}), 409, { type: PROBLEM.illegalTransition });
    const otto = await people.supervisor.ok(
      'GET',
      `/v1/personnel/u-operator-2/labor?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(120))}`,
    );
    assert.deepEqual(
      otto.indirect.map((t: { reasonName: string; minutes: number }) => [t.reasonName, t.minutes]),
      [
        ['Cleaning', 15],
        ['Meeting', 15],
      ],
    );
    assert.deepEqual(
      otto.shifts.map((s: { shift: string; indirectMinutes: number }) => [s.shift, s.indirectMinutes]),
      [['2030-01-07 Late', 30]],
    );
  });

  it('completing the operation clocks everyone still on it off; the order shows labor against standard', async () => {
    await to(90 + 10);
    await people.operator.ok('POST', `${opPath(orderA)}/complete`, { goodQty: 10, data: { screwTorque: 4 } });
    const active = await people.supervisor.ok('GET', '/v1/labor/active');
    assert.deepEqual(active.people, []);
    const ann = await people.supervisor.ok('GET', `/v1/personnel/p-ann/labor?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(120))}`);
    assert.equal(ann.entries[0].endReason, 'operation-completed');
    assert.equal(ann.entries[0].endedAt, at(100));
    assert.deepEqual(ann.open, []);
    assertProblem(await people.operator.post(`${opPath(orderA)}/clock-on`, {}), 409, { type: PROBLEM.illegalTransition });

    const labor = await people.supervisor.ok('GET', `/v1/work-orders/${orderA}/labor`);
    const op10 = labor.operations.find((o: { seq: number }) => o.seq === 10);
    // The routing: setup 600 s, 240 s a unit, 10 units.
    assert.equal(op10.standardSetupMinutes, 10);
    assert.equal(op10.standardRunMinutes, 40);
    assert.equal(op10.actualSetupMinutes, 10);
    assert.equal(op10.actualRunMinutes, 50);
    assert.equal(op10.actualReworkMinutes, 60);
    assert.deepEqual(
      op10.people.map((p: { personName: string; setupMinutes: number; runMinutes: number; reworkMinutes: number }) => [
        p.personName,
        p.setupMinutes,
        p.runMinutes,
        p.reworkMinutes,
      ]),
      [
        ['Olivia Operator', 10, 50, 0],
        ['Ann Fitter', 0, 0, 30],
        ['Ben Fitter', 0, 0, 30],
      ],
    );
    assertProblem(await people.operator.get(`/v1/work-orders/${orderA}/labor`), 403, { type: PROBLEM.forbidden });
  });

  it('cancelling an order clocks off everyone on it', async () => {
    const c = (await createOrder(people.planner, { quantity: 1, routingId: PLANT.quickRouting })).id;
    await people.supervisor.ok('POST', `/v1/work-orders/${c}/release`, {});
    await people.operator2.ok('POST', `${opPath(c)}/clock-on`, {});
    await to(110);
    await people.supervisor.ok('POST', `/v1/work-orders/${c}/cancel`, { reason: 'not needed' });
    assert.deepEqual((await people.supervisor.ok('GET', '/v1/labor/active')).people, []);
    const otto = await people.operator2.ok('GET', '/v1/personnel/me/labor');
    const entry = otto.entries.find((e: { workOrderId?: string }) => e.workOrderId === c);
    assert.deepEqual([entry.kind, entry.endReason, entry.minutes], ['setup', 'order-cancelled', 10]);
  });

  it('writes each change with its chained audit record and its outbox event, in the person’s partition', async () => {
    const items = await partitionItems(`${tenant}#LABOR#p-ann`);
    const audits = items.filter((i) => String(i.sk).startsWith('AUDIT#'));
    const events = items.filter((i) => i.entity === 'OutboxEvent');
    assert.deepEqual(
      audits.map((a) => a.action),
      ['clock-on', 'clock-off'],
    );
    assert.equal(audits[1]?.reason, 'operation-completed');
    assert.deepEqual(
      events.map((e) => [e.type, e.sequence, e.personnelId, e.workOrderId]),
      [
        ['labor.clocked-on', 1, 'p-ann', orderA],
        ['labor.clocked-off', 2, 'p-ann', orderA],
      ],
    );
    const head = items.find((i) => i.sk === 'HEAD') as Record<string, unknown>;
    assert.equal(head.version, 2);
    assert.ok(head.auditHead, 'the head carries the audit chain’s head');
    assert.equal(head.gsi1pk, undefined, 'nobody on anything is out of "who is on what"');
    const verify = await people.admin.ok('GET', `/v1/audit/verify?from=${encodeURIComponent(at(-60))}`);
    assert.equal(verify.ok, true, JSON.stringify(verify));
    assert.ok(verify.records > 0, 'the labor records were verified');
    const trail = await people.admin.ok('GET', '/v1/audit?entity=labor&id=p-ann');
    assert.deepEqual(
      trail.items.map((r: { chain: string; action: string }) => [r.chain, r.action]),
      [
        ['LABOR#p-ann', 'clock-on'],
        ['LABOR#p-ann', 'clock-off'],
      ],
    );
  });
});

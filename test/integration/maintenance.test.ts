/**
 * Maintenance (issue 18, docs/maintenance.md), over HTTP against DynamoDB Local:
 * - a request's state machine (plan, assign, start, complete with parts and labor, cancel), a
 *   wrong step refused with a 409 in plain words, each step's chained audit record and outbox
 *   event in its transaction, If-Match; bad input a 4xx naming the field, writing nothing;
 * - the queue by status and by unit, urgent first; another tenant's request is a 404;
 * - a request raised from a downtime event: the downtime lists it with its status;
 * - planned maintenance in OEE: the planned window of a started planned request is no planned
 *   production time (availability goes up); an unplanned request leaves the stop as downtime;
 * - preventive plans: by calendar (the latest due occurrence, once) and by counter (cycles from
 *   the unit's telemetry, ingested as the IoT rules hand it on), run as the scheduled job runs them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { maintenance, maintenanceTelemetry } from '#functions/lib/maintenance-services.ts';
import { withTenantScope } from '#shared/db/tenant-scope.ts';
import { DynamoDbMaintenanceRepository } from '#shared/db/maintenance-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { MaintenanceService, type MaintenanceTelemetry } from '#shared/domain/maintenance/service.ts';
import { type Api, as, assertProblem, newTenant, PROBLEM, partitionItems, type Staff, staff, startMes, type Mes } from '../e2e/support/mes.ts';
import { HOUR, MINUTE, REASON_TREE, ingestAll, unit } from '../e2e/support/telemetry.ts';

const iso = (ts: number) => new Date(ts).toISOString();
const noTelemetry: MaintenanceTelemetry = { downtimeStopAt: async () => undefined, cycles: async () => 0 };

describe('maintenance requests, their downtime, planned maintenance in OEE, preventive plans', () => {
  let mes: Mes;
  let people: Staff;
  let tech: Api;
  const tenant = newTenant();
  /** The unit's story starts four hours ago, on the minute. */
  const base = Math.floor(Date.now() / MINUTE) * MINUTE - 4 * HOUR;
  const m = (minutes: number) => base + minutes * MINUTE;

  before(async () => {
    mes = await startMes();
    people = await staff(mes, tenant);
    tech = await as(mes, tenant, 'p-tech', ['maintenance']);
    const put = (path: string, body: unknown) => people.planner.ok('PUT', path, body);
    await put('/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter' });
    for (const id of ['wu-a', 'wu-b', 'wu-c', 'wu-d'])
      await put(`/v1/equipment/${id}`, { name: `Press ${id.slice(3).toUpperCase()}`, level: 'workUnit', parentId: 'wc-1' });
    await put('/v1/materials/SEAL-1', { name: 'Ram seal', uom: 'ea', materialType: 'raw' });
    await put('/v1/personnel/p-tech', { name: 'Tess Technician', roles: ['maintenance'] });
    await put('/v1/downtime-reasons', REASON_TREE);
    // wu-a and wu-d: running from 0, down 60-120 (a jam), running again to 180; counting while running.
    for (const id of ['wu-a', 'wu-d']) {
      const u = unit(tenant, id);
      const messages = [
        u.state(m(0), 'running'),
        u.state(m(60), 'down', 'E-7'),
        u.state(m(120), 'running'),
        ...Array.from({ length: 181 }, (_, i) => u.counts(m(i), i < 60 ? i * 10 : i < 120 ? 600 : 600 + (i - 120) * 10, 0)),
      ];
      // In batches, as the rules hand them on.
      for (let i = 0; i < messages.length; i += 60) await ingestAll(messages.slice(i, i + 60));
    }
  });
  after(async () => {
    await mes?.stop();
  });

  const raise = (api: Api, body: Record<string, unknown>) => api.ok('POST', '/v1/maintenance-requests', body);
  const step = (api: Api, id: string, action: string, body: unknown = {}, headers?: Record<string, string>) =>
    api.post(`/v1/maintenance-requests/${id}/${action}`, body, headers);
  const items = (id: string) => partitionItems(`${tenant}#MR#${id}`);

  it('walks a request through plan, assign, start and complete, each step audited (chained) with its event, and refuses wrong steps with a 409', async () => {
    const r = await raise(people.operator, { equipmentId: 'wu-b', problem: 'Oil leak at the ram', priority: 'high' });
    assert.match(r.id, /^MR-\d{4}-\d{5}$/);
    assert.deepEqual([r.status, r.origin, r.equipmentName, r.raisedBy, r.version], ['open', 'person', 'Press B', 'u-operator', 1]);

    // A wrong step: nothing started yet.
    const early = await step(tech, r.id, 'complete', { workDone: 'nothing' });
    assertProblem(early, 409, { type: PROBLEM.illegalTransition });
    assert.match(early.body.detail, /has not started: start it before you complete it/);

    const planned = await step(people.supervisor, r.id, 'plan', { start: '2030-01-02T06:00:00+01:00', end: '2030-01-02T08:00:00+01:00' });
    assert.equal(planned.status, 200, planned.text);
    assert.deepEqual(
      [planned.body.status, planned.body.plannedWindow],
      ['planned', { start: '2030-01-02T05:00:00.000Z', end: '2030-01-02T07:00:00.000Z' }],
    );
    const assigned = await step(people.supervisor, r.id, 'assign', { assigneeId: 'p-tech' });
    assert.deepEqual([assigned.body.status, assigned.body.assigneeName], ['assigned', 'Tess Technician']);
    // Planned again after the assignment: it stays assigned.
    const replanned = await step(people.supervisor, r.id, 'plan', { start: '2030-01-03T06:00:00Z', end: '2030-01-03T07:00:00Z' });
    assert.equal(replanned.body.status, 'assigned');

    // If-Match names the version decided on: a stale one is a 409 and writes nothing.
    const stored = await items(r.id);
    const stale = await step(tech, r.id, 'start', {}, { 'if-match': '"2"' });
    assertProblem(stale, 409, { type: PROBLEM.staleVersion });
    assert.deepEqual(await items(r.id), stored);

    const started = await step(tech, r.id, 'start', {}, { 'if-match': `"${replanned.body.version}"` });
    assert.deepEqual([started.status, started.body.status, started.body.startedBy], [200, 'in-progress', 'p-tech']);
    const again = await step(tech, r.id, 'start');
    assertProblem(again, 409, { type: PROBLEM.illegalTransition });
    assert.match(again.body.detail, /is in progress already/);
    assertProblem(await step(people.supervisor, r.id, 'plan', { start: '2030-01-03T06:00:00Z', end: '2030-01-03T07:00:00Z' }), 409, {
      type: PROBLEM.illegalTransition,
    });

    const done = await step(tech, r.id, 'complete', { workDone: 'Seal replaced', parts: [{ materialId: 'SEAL-1', quantity: 2 }], laborMinutes: 45 });
    assert.equal(done.status, 200, done.text);
    assert.deepEqual(
      [done.body.status, done.body.parts, done.body.laborMinutes, done.body.workDone],
      ['completed', [{ materialId: 'SEAL-1', materialName: 'Ram seal', quantity: 2, uom: 'EA' }], 45, 'Seal replaced'],
    );
    const late = await step(people.supervisor, r.id, 'cancel', { reason: 'too late' });
    assertProblem(late, 409, { type: PROBLEM.illegalTransition });
    assert.match(late.body.detail, /is completed: it cannot be cancelled any more/);

    // The trail: one audit record per step, chained; one event per step, in order, on the request's own outbox.
    const detail = await people.operator.ok('GET', `/v1/maintenance-requests/${r.id}`);
    assert.deepEqual(
      detail.history.map((h: { action: string }) => h.action),
      ['maintenance.raise', 'maintenance.plan', 'maintenance.assign', 'maintenance.plan', 'maintenance.start', 'maintenance.complete'],
    );
    const all = await items(r.id);
    const audits = all.filter((i) => i.entity === 'Audit');
    for (let i = 1; i < audits.length; i++) assert.equal(audits[i]?.prevHash, audits[i - 1]?.hash, 'each audit record links to the one before');
    const events = all.filter((i) => i.entity === 'OutboxEvent');
    assert.deepEqual(
      events.map((e) => [e.type, e.sequence, e.maintenanceRequestId]),
      [
        ['maintenance-request.created', 1, r.id],
        ['maintenance-request.planned', 2, r.id],
        ['maintenance-request.assigned', 3, r.id],
        ['maintenance-request.planned', 4, r.id],
        ['maintenance-request.started', 5, r.id],
        ['maintenance-request.completed', 6, r.id],
      ],
    );
    // The audit trail reads and verifies it as any other record's chain.
    const trail = await people.quality.ok('GET', `/v1/audit?entity=maintenance-request&id=${r.id}`);
    assert.equal(trail.items.length, 6);
    const verified = await people.quality.ok('GET', `/v1/audit/verify?from=${iso(Date.now() - HOUR)}`);
    assert.equal(verified.ok, true, JSON.stringify(verified.broken));
    assert.ok(verified.chains > 0);
    const completed = events.at(-1)?.data as Record<string, unknown>;
    assert.deepEqual([completed.workDone, completed.laborMinutes, (completed.parts as unknown[]).length], ['Seal replaced', 45, 1]);
  });

  it('cancels with a reason, and refuses bad input with a 4xx naming the field, writing nothing', async () => {
    const r = await raise(people.supervisor, { equipmentId: 'wu-b', problem: 'Guard door sensor flickers' });
    const stored = await items(r.id);
    assertProblem(await step(tech, r.id, 'complete', { workDone: 'x', parts: [{ materialId: 'NOPE', quantity: 1 }] }), 409, {
      type: PROBLEM.illegalTransition,
    });
    assertProblem(await step(people.supervisor, r.id, 'plan', { start: '2030-01-02T08:00:00Z', end: '2030-01-02T06:00:00Z' }), 400, {
      type: PROBLEM.invalidInput,
      pointers: ['/body/end'],
    });
    // A window may not start in the past (beyond a few minutes' grace): time gone would become planned maintenance.
    const pastWindow = { start: iso(Date.now() - HOUR), end: iso(Date.now() + HOUR) };
    const past = await step(people.supervisor, r.id, 'plan', pastWindow);
    assertProblem(past, 422, { type: PROBLEM.maintenanceRule, pointers: ['/body/start'] });
    assert.match(past.body.detail, /in the past: plan a window from now on/);
    assertProblem(await step(people.supervisor, r.id, 'assign', { assigneeId: 'p-nobody' }), 422, {
      type: PROBLEM.unknownReference,
      pointers: ['/body/assigneeId'],
    });
    assertProblem(await step(people.supervisor, r.id, 'cancel', {}), 400, { type: PROBLEM.invalidInput, pointers: ['/body/reason'] });
    assert.deepEqual(await items(r.id), stored);
    // Re-planned: the same rule.
    assert.equal((await step(people.supervisor, r.id, 'plan', { start: iso(Date.now() + MINUTE), end: iso(Date.now() + HOUR) })).status, 200);
    const plannedOnce = await items(r.id);
    assertProblem(await step(people.supervisor, r.id, 'plan', pastWindow), 422, { type: PROBLEM.maintenanceRule, pointers: ['/body/start'] });
    assert.deepEqual(await items(r.id), plannedOnce);
    await step(tech, r.id, 'start');
    assertProblem(await step(tech, r.id, 'complete', { workDone: 'x', parts: [{ materialId: 'NOPE', quantity: 1 }] }), 422, {
      type: PROBLEM.unknownReference,
      pointers: ['/body/parts/0/materialId'],
    });
    assertProblem(await step(tech, r.id, 'complete', { workDone: 'x', laborMinutes: -5 }), 400, {
      type: PROBLEM.invalidInput,
      pointers: ['/body/laborMinutes'],
    });
    const cancelled = await step(people.supervisor, r.id, 'cancel', { reason: 'sensor was dirty, cleaned' });
    assert.deepEqual([cancelled.body.status, cancelled.body.cancelReason], ['cancelled', 'sensor was dirty, cleaned']);

    assertProblem(await people.supervisor.post('/v1/maintenance-requests', { equipmentId: 'wu-zz', problem: 'x' }), 422, {
      type: PROBLEM.unknownReference,
      pointers: ['/body/equipmentId'],
    });
    // A work center: OEE and the counters are per unit, so it is refused (a request, a plan).
    const center = await people.supervisor.post('/v1/maintenance-requests', { equipmentId: 'wc-1', problem: 'x' });
    assertProblem(center, 422, { type: PROBLEM.maintenanceRule, pointers: ['/body/equipmentId'] });
    assert.match(center.body.detail, /is a workCenter, not a work unit/);
    assertProblem(
      await tech.put('/v1/maintenance-plans/PM-WC', { equipmentId: 'wc-1', task: 'x', trigger: { kind: 'counter', everyCycles: 10 } }),
      422,
      { type: PROBLEM.maintenanceRule, pointers: ['/body/equipmentId'] },
    );
    assertProblem(await tech.get('/v1/maintenance-plans/PM-WC'), 404, { type: PROBLEM.notFound });
    assertProblem(await people.supervisor.post('/v1/maintenance-requests', { equipmentId: 'wu-b', problem: 'x', priority: 'asap' }), 400, {
      type: PROBLEM.invalidInput,
      pointers: ['/body/priority'],
    });
    // Roles: an operator raises, but does not work the queue; a planner does neither.
    assertProblem(await step(people.operator, r.id, 'start'), 403, { type: PROBLEM.forbidden });
    assertProblem(await people.planner.post('/v1/maintenance-requests', { equipmentId: 'wu-b', problem: 'x' }), 403, { type: PROBLEM.forbidden });
  });

  it('raises once per Idempotency-Key: a retry, or a commit that went through before an SDK retry, answers the first request', async () => {
    const body = { equipmentId: 'wu-b', problem: 'Coolant pump noisy', priority: 'low' as const };
    const key = { 'idempotency-key': `mr-${tenant}-1` };
    const first = await people.operator.post('/v1/maintenance-requests', body, key);
    assert.equal(first.status, 201, first.text);
    const again = await people.operator.post('/v1/maintenance-requests', body, key);
    assert.deepEqual([again.status, again.body, again.headers.get('idempotent-replayed')], [201, first.body, 'true']);
    const mine = (await tech.ok('GET', '/v1/maintenance-requests?equipmentId=wu-b')).items.filter(
      (r: { problem: string }) => r.problem === body.problem,
    );
    assert.deepEqual(
      mine.map((r: { id: string }) => r.id),
      [first.body.id],
      'one request',
    );
    assertProblem(await people.operator.post('/v1/maintenance-requests', { ...body, problem: 'other' }, key), 422, {
      type: PROBLEM.idempotencyKeyReused,
    });

    // The SDK retries a transaction that went through (its answer lost): the retry finds the key taken and answers the first.
    const repository = new DynamoDbMaintenanceRepository();
    const retrying = Object.assign(Object.create(repository) as DynamoDbMaintenanceRepository, {
      commit: async (...args: Parameters<DynamoDbMaintenanceRepository['commit']>) => {
        await repository.commit(...args);
        return repository.commit(...args);
      },
    });
    const service = new MaintenanceService(retrying, new DynamoDbMasterDataRepository(), noTelemetry);
    const operator = { tenantId: tenant, userId: 'u-operator', name: 'Operator', roles: ['operator'] as const };
    const raised = await service.raise(operator, { ...body, problem: 'Belt slips' }, `mr-${tenant}-2`);
    assert.equal(raised.replayed, true);
    const slips = (await tech.ok('GET', '/v1/maintenance-requests?equipmentId=wu-b')).items.filter(
      (r: { problem: string }) => r.problem === 'Belt slips',
    );
    assert.deepEqual(
      slips.map((r: { id: string }) => r.id),
      [raised.request.id],
      'no second request under the next number',
    );
  });

  it('keeps the queue by status and by unit, urgent first then oldest, and shows another tenant nothing', async () => {
    const low = await raise(people.supervisor, { equipmentId: 'wu-c', problem: 'Paint chipped', priority: 'low' });
    const urgent = await raise(people.supervisor, { equipmentId: 'wu-c', problem: 'Hydraulic hose burst', priority: 'urgent' });
    const normal = await raise(people.supervisor, { equipmentId: 'wu-c', problem: 'Lamp out' });
    await step(tech, normal.id, 'start');

    const queue = await tech.ok('GET', '/v1/maintenance-requests?equipmentId=wu-c');
    assert.deepEqual(
      queue.items.map((r: { id: string }) => r.id),
      [urgent.id, normal.id, low.id],
    );
    const open = await tech.ok('GET', '/v1/maintenance-requests?status=open&equipmentId=wu-c');
    assert.deepEqual(
      open.items.map((r: { id: string }) => r.id),
      [urgent.id, low.id],
    );
    const plantQueue = await tech.ok('GET', '/v1/maintenance-requests');
    assert.ok(plantQueue.items.every((r: { status: string }) => ['open', 'planned', 'assigned', 'in-progress'].includes(r.status)));
    assert.equal(plantQueue.items[0].priority, 'urgent');

    const other = await as(mes, newTenant(), 'u-admin', ['admin']);
    assertProblem(await other.get(`/v1/maintenance-requests/${urgent.id}`), 404, { type: PROBLEM.notFound });
    assertProblem(await other.post(`/v1/maintenance-requests/${urgent.id}/start`, {}), 404, { type: PROBLEM.notFound });
    assert.deepEqual((await other.ok('GET', '/v1/maintenance-requests')).items, []);
  });

  it('links a request raised from a downtime event both ways: the downtime shows it with its status', async () => {
    const range = `from=${iso(m(0))}&to=${iso(m(180))}`;
    const [stop] = ((await people.operator.ok('GET', `/v1/equipment/wu-d/downtime?${range}`)).items as { stopStart: string; state: string }[]).filter(
      (e) => e.state === 'down',
    );
    assert.ok(stop);
    const r = await raise(people.operator, { equipmentId: 'wu-d', problem: 'Jams at the feeder', downtimeStart: stop.stopStart });
    assert.deepEqual([r.origin, r.downtimeStart], ['downtime', stop.stopStart]);

    const shown = async () =>
      ((await people.operator.ok('GET', `/v1/equipment/wu-d/downtime?${range}`)).items as Record<string, unknown>[]).find(
        (e) => e.stopStart === stop.stopStart,
      )?.maintenanceRequest;
    assert.deepEqual(await shown(), { id: r.id, status: 'open' });
    await step(tech, r.id, 'start');
    assert.deepEqual(await shown(), { id: r.id, status: 'in-progress' });

    assertProblem(await people.operator.post('/v1/maintenance-requests', { equipmentId: 'wu-d', problem: 'x', downtimeStart: iso(m(30)) }), 422, {
      type: PROBLEM.unknownReference,
      pointers: ['/body/downtimeStart'],
    });
  });

  it('takes a started planned request’s window out of planned production time; an unplanned one leaves the stop as downtime', async () => {
    const range = `from=${iso(m(0))}&to=${iso(m(180))}`;
    const oee = async () =>
      (await people.operator.ok('GET', `/v1/equipment/wu-a/oee?${range}`)) as { availability: number; plannedTimeSeconds: number };
    const before = await oee();
    assert.deepEqual([before.plannedTimeSeconds, before.availability], [3 * 3600, 2 / 3]);

    // Unplanned: the stop stays an availability loss.
    const unplanned = await raise(people.operator, { equipmentId: 'wu-a', problem: 'Jam' });
    await step(tech, unplanned.id, 'start');
    await step(tech, unplanned.id, 'complete', { workDone: 'cleared' });
    assert.equal((await oee()).availability, 2 / 3);

    // Planned for the stop's hour (before it came: a service whose clock reads a minute before), then worked:
    // planned maintenance, not planned production time.
    const planned = await raise(people.supervisor, { equipmentId: 'wu-a', problem: 'Change the ram seal', priority: 'normal' });
    const before59 = new MaintenanceService(new DynamoDbMaintenanceRepository(), new DynamoDbMasterDataRepository(), noTelemetry, {
      now: () => new Date(m(59)),
    });
    const supervisor = { tenantId: tenant, userId: 'u-supervisor', name: 'Supervisor', roles: ['supervisor'] as const };
    await before59.transition(supervisor, planned.id, { action: 'plan', input: { start: iso(m(60)), end: iso(m(120)) } }, undefined);
    assert.equal((await oee()).availability, 2 / 3, 'planned but not started: nothing changes yet');
    await step(tech, planned.id, 'start');
    await step(tech, planned.id, 'complete', { workDone: 'Seal changed', parts: [{ materialId: 'SEAL-1', quantity: 1 }], laborMinutes: 50 });
    const after = await oee();
    assert.deepEqual([after.plannedTimeSeconds, after.availability], [2 * 3600, 1]);
  });

  it('raises one request per due calendar occurrence, the latest when several fell due', async () => {
    const start = iso(Date.now() - 15 * 24 * HOUR);
    const plan = await tech.ok('PUT', '/v1/maintenance-plans/PM-CAL', {
      equipmentId: 'wu-b',
      task: 'Grease the guide rails',
      trigger: { kind: 'calendar', every: 1, unit: 'weeks', start },
    });
    assert.deepEqual([plan.version, plan.lastOccurrence, plan.nextDueAt], [1, 0, new Date(start).toISOString()]);

    const first = await maintenance.evaluatePlans(tenant);
    const mine = first.filter((r) => r.planId === 'PM-CAL');
    assert.deepEqual(
      mine.map((r) => [r.origin, r.occurrence, r.problem, r.equipmentId, r.status]),
      [['plan', 3, 'Grease the guide rails', 'wu-b', 'open']],
    );
    assert.deepEqual(
      (await maintenance.evaluatePlans(tenant)).filter((r) => r.planId === 'PM-CAL'),
      [],
      'an occurrence raises once',
    );
    const read = await tech.ok('GET', '/v1/maintenance-plans/PM-CAL');
    assert.deepEqual(
      [read.lastOccurrence, read.lastRequestId, read.nextDueAt],
      [3, mine[0]?.id, new Date(Date.parse(start) + 21 * 24 * HOUR).toISOString()],
    );
    const events = (await items(mine[0]?.id ?? '')).filter((i) => i.entity === 'OutboxEvent').map((e) => e.type);
    assert.deepEqual(events, ['maintenance-request.created']);
    assert.ok((await tech.ok('GET', '/v1/maintenance-plans')).items.some((p: { id: string }) => p.id === 'PM-CAL'));

    // Made fortnightly: re-based on the new period from the last request (occurrence 2, due on day 14, was taken by it):
    // the next falls due on day 28, not on day 42 (occurrence 3 read against the new period).
    const fortnightly = await tech.ok(
      'PUT',
      '/v1/maintenance-plans/PM-CAL',
      { equipmentId: 'wu-b', task: 'Grease the guide rails', trigger: { kind: 'calendar', every: 2, unit: 'weeks', start } },
      { 'if-match': `"${read.version}"` },
    );
    assert.deepEqual([fortnightly.lastOccurrence, fortnightly.nextDueAt], [2, new Date(Date.parse(start) + 28 * 24 * HOUR).toISOString()]);
    assert.deepEqual(
      (await maintenance.evaluatePlans(tenant)).filter((r) => r.planId === 'PM-CAL'),
      [],
      'the change raises nothing by itself',
    );
    assertProblem(
      await tech.put('/v1/maintenance-plans/PM-BAD', {
        equipmentId: 'wu-b',
        task: 'x',
        trigger: { kind: 'calendar', every: 0, unit: 'weeks', start },
      }),
      400,
      { type: PROBLEM.invalidInput, pointers: ['/body/trigger/every'] },
    );
  });

  it('raises a request when the unit counted the plan’s cycles, from its telemetry', async () => {
    const plan = await tech.ok('PUT', '/v1/maintenance-plans/PM-CNT', {
      equipmentId: 'wu-c',
      task: 'Replace the punch after 100 strokes',
      priority: 'high',
      trigger: { kind: 'counter', everyCycles: 100 },
    });
    const from = Date.parse(plan.countFrom);
    const u = unit(tenant, 'wu-c');
    // 60 strokes since the plan: not due yet.
    await ingestAll([u.counts(from + 100, 1000, 0), u.counts(from + 600, 1060, 0)]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.deepEqual(
      (await maintenance.evaluatePlans(tenant)).filter((r) => r.planId === 'PM-CNT'),
      [],
    );
    assert.equal((await tech.ok('GET', '/v1/maintenance-plans/PM-CNT')).cyclesSinceLast, 60);

    // 50 more (2 of them rejects): 110, due.
    await ingestAll([u.counts(from + 1200, 1108, 2)]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const raised = (await maintenance.evaluatePlans(tenant)).filter((r) => r.planId === 'PM-CNT');
    assert.deepEqual(
      raised.map((r) => [r.origin, r.occurrence, r.priority, r.equipmentId]),
      [['plan', 1, 'high', 'wu-c']],
    );
    assert.deepEqual(
      (await maintenance.evaluatePlans(tenant)).filter((r) => r.planId === 'PM-CNT'),
      [],
      'counting starts again from the request',
    );
    const read = await tech.ok('GET', '/v1/maintenance-plans/PM-CNT');
    // The 10 strokes past the 100 count toward the next request: none is dropped.
    assert.deepEqual([read.lastOccurrence, read.lastRequestId, read.carriedCycles, read.cyclesSinceLast], [1, raised[0]?.id, 10, 10]);

    // A changed count on the same unit counts on from the last request; another unit counts from the change.
    const body = { task: 'Replace the punch', trigger: { kind: 'counter', everyCycles: 200 } };
    const more = await tech.ok('PUT', '/v1/maintenance-plans/PM-CNT', { ...body, equipmentId: 'wu-c' });
    assert.deepEqual([more.countFrom, more.carriedCycles], [read.countFrom, 10]);
    const moved = await tech.ok('PUT', '/v1/maintenance-plans/PM-CNT', { ...body, equipmentId: 'wu-a' });
    assert.ok(Date.parse(moved.countFrom) > Date.parse(read.countFrom), 'counts the new unit from the change');
    assert.equal(moved.carriedCycles, undefined, 'and carries nothing of the old one');
  });

  it('evaluates plan by plan: a plan that fails is logged and left for the next run, the others go on', async () => {
    await tech.ok('PUT', '/v1/maintenance-plans/PM-FAIL', { equipmentId: 'wu-d', task: 'Count fails', trigger: { kind: 'counter', everyCycles: 1 } });
    await tech.ok('PUT', '/v1/maintenance-plans/PM-GO', {
      equipmentId: 'wu-b',
      task: 'Check the light curtain',
      trigger: { kind: 'calendar', every: 1, unit: 'days', start: iso(Date.now() - HOUR) },
    });
    const failing: MaintenanceTelemetry = {
      downtimeStopAt: async () => undefined,
      cycles: async (_auth, equipmentId) => {
        if (equipmentId === 'wu-d') throw new Error('telemetry unreadable');
        return 0;
      },
    };
    const service = new MaintenanceService(new DynamoDbMaintenanceRepository(), new DynamoDbMasterDataRepository(), failing);
    const warnings: Record<string, unknown>[] = [];
    const raised = await service.evaluatePlans(tenant, { warn: (_message, details) => warnings.push(details ?? {}) });
    assert.deepEqual(
      raised.map((r) => r.planId),
      ['PM-GO'],
    );
    assert.deepEqual(warnings, [{ tenantId: tenant, planId: 'PM-FAIL', error: 'telemetry unreadable' }]);
  });

  it('registers the plant for the job before it commits a plan, so a committed plan is never missed', async () => {
    const repository = new DynamoDbMaintenanceRepository();
    const calls: string[] = [];
    const recording = Object.assign(Object.create(repository) as DynamoDbMaintenanceRepository, {
      registerTenant: async (tenantId: string) => {
        calls.push('register');
        return repository.registerTenant(tenantId);
      },
      commitPlan: async (...args: Parameters<DynamoDbMaintenanceRepository['commitPlan']>) => {
        calls.push('commit');
        return repository.commitPlan(...args);
      },
    });
    const service = new MaintenanceService(recording, new DynamoDbMasterDataRepository(), noTelemetry);
    const planner = { tenantId: tenant, userId: 'p-tech', name: 'Tess', roles: ['maintenance'] as const };
    await service.putPlan(planner, 'PM-REG', { equipmentId: 'wu-c', task: 'Oil', trigger: { kind: 'counter', everyCycles: 1000 } }, undefined);
    assert.deepEqual(calls, ['register', 'commit']);
    assert.ok((await repository.tenants()).includes(tenant));
  });

  it('numbers a request by the plant’s year: its date in its time zone, not UTC’s', async () => {
    const masterData = new DynamoDbMasterDataRepository();
    const inAuckland = Object.assign(Object.create(masterData) as DynamoDbMasterDataRepository, {
      get: (async (tenantId: string, kind: string, id: string) =>
        kind === 'shift-calendar'
          ? { timeZone: 'Pacific/Auckland' }
          : masterData.get(tenantId, kind as 'equipment', id)) as DynamoDbMasterDataRepository['get'],
    });
    // 31 December, noon UTC: 1 January, 1 am in Auckland.
    const service = new MaintenanceService(new DynamoDbMaintenanceRepository(), inAuckland, noTelemetry, {
      now: () => new Date('2026-12-31T12:00:00Z'),
    });
    const operator = { tenantId: tenant, userId: 'u-operator', name: 'Operator', roles: ['operator'] as const };
    const { request } = await service.raise(operator, { equipmentId: 'wu-c', problem: 'New year, new leak' });
    assert.equal(request.id, 'MR-2027-00001');
  });

  it('runs each plant’s plans in its tenant scope, as the scheduled job does', async () => {
    await tech.ok('PUT', '/v1/maintenance-plans/PM-SCOPE', {
      equipmentId: 'wu-c',
      task: 'Check the guards',
      trigger: { kind: 'calendar', every: 1, unit: 'days', start: iso(Date.now() - MINUTE) },
    });
    const repository = new DynamoDbMaintenanceRepository();
    const onePlant = Object.assign(Object.create(repository) as DynamoDbMaintenanceRepository, { tenants: async () => [tenant] });
    const service = new MaintenanceService(onePlant, new DynamoDbMasterDataRepository(), maintenanceTelemetry);
    const scopes: string[] = [];
    const warnings: unknown[] = [];
    const result = await service.run({ warn: (message, details) => warnings.push({ message, details }) }, (tenantId, fn) => {
      scopes.push(tenantId);
      return withTenantScope(tenantId, fn);
    });
    // Inside the scope: counter plans read their telemetry, the due plan raises its request, nothing refused.
    assert.deepEqual([scopes, warnings, result.raised], [[tenant], [], 1]);
  });
});

/**
 * The telemetry read side over HTTP, against figures computed by hand:
 * - OEE of a unit, a work center and a work order over a known synthetic morning with a shift
 *   calendar (a break, a planned stop for one unit) and ideal cycle times per material;
 * - live status: state, since, lastSeen, offline after the offlineAfterSeconds of silence of a
 *   unit that declares a heartbeat, and the order and operation running at its work center;
 * - downtime events and their reasons (audited; 422 for a reason outside the tree, 404 for an
 *   event that does not exist), the change feed paged with `next`, and another tenant seeing
 *   none of it.
 * The operations run at chosen times: the handlers run in this process, so the test sets the
 * clock (Date only) for each operation command, and the context items they write say when.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import { keys } from '#shared/db/keys.ts';
import { type Api, type Mes, PROBLEM, type Staff, as, assertProblem, inDays, newTenant, staff, startMes } from '../e2e/support/mes.ts';
import { DAY, HOUR, MINUTE, REASON_TREE, ingestAll, unit } from '../e2e/support/telemetry.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';

const iso = (ts: number) => new Date(ts).toISOString();

/** Runs `act` with the clock (Date only) at `ts`: operation commands and reads happen "then". */
async function at<T>(ts: number, act: () => Promise<T>): Promise<T> {
  mock.timers.enable({ apis: ['Date'], now: ts });
  try {
    return await act();
  } finally {
    mock.timers.reset();
  }
}

function assertClose(actual: number | null | undefined, expected: number, what: string) {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

/** The hand-computed figures of a range, and the OEE they give by the standard definitions. */
interface Expected {
  planned: number;
  run: number;
  down: number;
  setup: number;
  offline?: number;
  good: number;
  reject: number;
  /** Σ ideal cycle time × count, seconds. */
  idealTime: number;
}
function assertOee(oee: Record<string, any>, e: Expected) {
  const total = e.good + e.reject;
  assert.equal(oee.plannedTimeSeconds, e.planned, 'planned time');
  assert.equal(oee.runTimeSeconds, e.run, 'run time');
  assert.deepEqual(oee.downtimeByState, { down: e.down, offline: e.offline ?? 0, setup: e.setup }, 'downtime by state');
  assert.equal(oee.downtimeSeconds, e.down + e.setup + (e.offline ?? 0), 'downtime');
  assert.equal(oee.goodCount, e.good, 'good');
  assert.equal(oee.rejectCount, e.reject, 'reject');
  assert.equal(oee.totalCount, total, 'total');
  assertClose(oee.idealCycleTimeSeconds, e.idealTime / total, 'ideal cycle time');
  assertClose(oee.availability, e.run / e.planned, 'availability');
  assertClose(oee.performance, e.idealTime / e.run, 'performance');
  assertClose(oee.quality, e.good / total, 'quality');
  assertClose(oee.oee, (e.run / e.planned) * (e.idealTime / e.run) * (e.good / total), 'OEE = A × P × Q');
}

describe('telemetry API', () => {
  let mes: Mes;
  let people: Staff;
  let outsider: Api;
  const tenant = newTenant();

  /**
   * The synthetic morning, three days ago (UTC), 06:00-10:00 of the 'early' shift
   * (06:00-14:00, break 09:00-09:30; wu-a has a planned stop 07:00-07:15).
   *
   * wu-a (ideal 10 s; FG-PUMP 6 s, FG-VALVE 4 s): running 06:00, down 06:40-06:50 (E-7),
   * planned-stop 07:00-07:15, setup 08:00-08:20, idle in the break. Order 1 (FG-PUMP) runs
   * 06:00-08:00, order 2 (FG-VALVE) from 08:20. Each 5 running minutes: FG-PUMP 45 good +
   * 1 reject, FG-VALVE 60 good.
   * wu-b (ideal 12 s): running, idle in the break, 20 good each 5 running minutes.
   * Counters are read every 5 minutes, so every boundary is a reading and the counts exact.
   */
  const day = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
  const t = (hhmm: string) => day + Number(hhmm.slice(0, 2)) * HOUR + Number(hhmm.slice(3)) * MINUTE;
  const orders: Record<'pump' | 'valve', WorkOrderDetail> = {} as never;

  /** wu-a over 06:00-10:00. Planned: 4 h − 30 min break − 15 min planned stop = 195 min. */
  const WU_A: Expected = {
    planned: 195 * 60,
    run: 195 * 60 - 600 - 1200,
    down: 600,
    setup: 1200,
    // FG-PUMP: 19 five-minute intervals (06:00-06:40, 06:50-07:00, 07:15-08:00); FG-VALVE: 14 (08:20-09:00, 09:30-10:00).
    good: 19 * 45 + 14 * 60,
    reject: 19,
    idealTime: 19 * 46 * 6 + 14 * 60 * 4,
  };
  /** wu-b over 06:00-10:00: 210 planned minutes, all running; 42 intervals of 20 at 12 s. */
  const WU_B: Expected = { planned: 210 * 60, run: 210 * 60, down: 0, setup: 0, good: 42 * 20, reject: 0, idealTime: 42 * 20 * 12 };

  before(async () => {
    mes = await startMes();
    people = await staff(mes, tenant);
    outsider = await as(mes, newTenant(), 'u-outsider', ['admin']);
    const put = (path: string, body: unknown) => people.planner.ok('PUT', path, body);
    await put('/v1/equipment/site-1', { name: 'Plant', level: 'site' });
    await put('/v1/equipment/wc-oee', { name: 'Line OEE', level: 'workCenter', workCenterType: 'productionLine', parentId: 'site-1' });
    await put('/v1/equipment/wc-live', { name: 'Line live', level: 'workCenter', workCenterType: 'productionLine', parentId: 'site-1' });
    await put('/v1/equipment/wu-a', {
      name: 'Press A',
      level: 'workUnit',
      parentId: 'wc-oee',
      idealCycleTimeSeconds: 10,
      idealCycleTimes: { 'FG-PUMP': 6, 'FG-VALVE': 4 },
      // Both presses declare a heartbeat: silence after their data is offline (without one it would not be).
      heartbeatSeconds: 200,
      offlineAfterSeconds: 600,
    });
    await put('/v1/equipment/wu-b', {
      name: 'Press B',
      level: 'workUnit',
      parentId: 'wc-oee',
      idealCycleTimeSeconds: 12,
      heartbeatSeconds: 200,
      offlineAfterSeconds: 600,
    });
    await put('/v1/equipment/wu-live', {
      name: 'Live press',
      level: 'workUnit',
      parentId: 'wc-live',
      idealCycleTimeSeconds: 6,
      // It declares a heartbeat: then (only then) silence makes it offline, here after 60 s.
      heartbeatSeconds: 20,
      offlineAfterSeconds: 60,
    });
    for (const [id, name] of [
      ['FG-PUMP', 'Pump'],
      ['FG-VALVE', 'Valve'],
    ])
      await put(`/v1/materials/${id}`, { name, uom: 'ea', materialType: 'finished' });
    await put('/v1/routings/RT-PUMP', { materialId: 'FG-PUMP', operations: [{ seq: 10, name: 'Press', workCenterId: 'wc-oee' }] });
    await put('/v1/routings/RT-VALVE', { materialId: 'FG-VALVE', operations: [{ seq: 10, name: 'Press', workCenterId: 'wc-oee' }] });
    await put('/v1/routings/RT-LIVE', { materialId: 'FG-PUMP', operations: [{ seq: 10, name: 'Press', workCenterId: 'wc-live' }] });
    await put('/v1/shift-calendar', {
      timeZone: 'UTC',
      shifts: [
        {
          name: 'early',
          start: '06:00',
          end: '14:00',
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
          breaks: [{ name: 'breakfast', start: '09:00', end: '09:30' }],
        },
      ],
      plannedStops: [{ start: iso(t('07:00')), end: iso(t('07:15')), reason: 'lubrication', equipmentIds: ['wu-a'] }],
    });
    await put('/v1/downtime-reasons', REASON_TREE);

    // The orders, run at the times of the story.
    const release = async (materialId: string, routingId: string) => {
      const created = await people.planner.ok<WorkOrderDetail>('POST', '/v1/work-orders', {
        materialId,
        quantity: 2000,
        routingId,
        dueDate: inDays(5),
      });
      return people.supervisor.ok<WorkOrderDetail>('POST', `/v1/work-orders/${created.id}/release`, {});
    };
    orders.pump = await release('FG-PUMP', 'RT-PUMP');
    orders.valve = await release('FG-VALVE', 'RT-VALVE');
    const op = (order: WorkOrderDetail, action: string, body: unknown = {}) =>
      people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/operations/10/${action}`, body);
    orders.pump = await at(t('06:00'), () => op(orders.pump, 'start'));
    orders.pump = await at(t('08:00'), () => op(orders.pump, 'complete', { goodQty: 855, scrapQty: 19, scrapReasonCode: 'DIM' }));
    orders.valve = await at(t('08:20'), () => op(orders.valve, 'start'));

    // The telemetry, as it arrived then (each message a second after its sample).
    const arrived = <E extends { raw: string }>(e: E): E => ({ ...e, receivedAt: JSON.parse(Buffer.from(e.raw, 'base64').toString()).ts + 1000 });
    const a = unit(tenant, 'wu-a');
    const b = unit(tenant, 'wu-b');
    const messages = [
      a.state(t('06:00'), 'running'),
      a.state(t('06:40'), 'down', 'E-7'),
      a.state(t('06:50'), 'running'),
      a.state(t('07:00'), 'planned-stop'),
      a.state(t('07:15'), 'running'),
      a.state(t('08:00'), 'setup'),
      a.state(t('08:20'), 'running'),
      a.state(t('09:00'), 'idle'),
      a.state(t('09:30'), 'running'),
      b.state(t('06:00'), 'running'),
      b.state(t('09:00'), 'idle'),
      b.state(t('09:30'), 'running'),
    ];
    const within = (ts: number, from: string, to: string) => ts >= t(from) && ts < t(to);
    const counters = { a: { good: 0, reject: 0 }, b: { good: 0, reject: 0 } };
    for (let ts = t('06:00'); ts <= t('10:00'); ts += 5 * MINUTE) {
      messages.push(a.counts(ts, counters.a.good, counters.a.reject), b.counts(ts, counters.b.good, counters.b.reject));
      // What each unit makes in the five minutes from ts.
      if (within(ts, '06:00', '06:40') || within(ts, '06:50', '07:00') || within(ts, '07:15', '08:00')) {
        counters.a.good += 45;
        counters.a.reject += 1;
      } else if (within(ts, '08:20', '09:00') || within(ts, '09:30', '10:00')) counters.a.good += 60;
      if (!within(ts, '09:00', '09:30')) counters.b.good += 20;
    }
    await ingestAll(messages.map(arrived));
  });
  after(async () => {
    mock.timers.reset();
    await mes?.stop();
  });

  const morning = `from=${iso(day + 6 * HOUR)}&to=${iso(day + 10 * HOUR)}`;
  const read = async (api: Api, path: string) => {
    const reply = await api.get(path);
    assert.equal(reply.status, 200, `${path}: ${reply.text}`);
    return reply.body;
  };

  describe('OEE', () => {
    it('of a unit: calendar, planned stop, downtime, counts and ideal cycle time per material', async () => {
      const oee = await read(people.operator, `/v1/equipment/wu-a/oee?${morning}`);
      assert.equal(oee.from, iso(t('06:00')));
      assert.equal(oee.to, iso(t('10:00')));
      assertOee(oee, WU_A);
      // Downtime Pareto: the unreasoned setup, then the stop the machine coded E-7 (in no tree).
      assert.deepEqual(oee.pareto, [
        { reasonCode: '(setup)', seconds: 1200, count: 1, share: 1200 / 1800 },
        { reasonCode: 'E-7', seconds: 600, count: 1, share: 600 / 1800 },
      ]);
    });

    it('of a work center: its units together', async () => {
      const oee = await read(people.operator, `/v1/work-centers/wc-oee/oee?${morning}`);
      const sum = (k: keyof Expected) => (WU_A[k] ?? 0) + (WU_B[k] ?? 0);
      assertOee(oee, {
        planned: sum('planned'),
        run: sum('run'),
        down: sum('down'),
        setup: sum('setup'),
        good: sum('good'),
        reject: sum('reject'),
        idealTime: sum('idealTime'),
      });
    });

    it('of a work order: its work center’s units while it ran, at its material’s ideal cycle time', async () => {
      // Order 1 ran 06:00-08:00: wu-a's planned 105 min (the planned stop out), down 10 min,
      // 19 intervals of FG-PUMP at 6 s; wu-b's 120 min at its own 12 s (no FG-PUMP time set).
      const oee = await read(people.operator, `/v1/work-orders/${orders.pump.id}/oee`);
      assert.equal(oee.from, iso(t('06:00')));
      assert.equal(oee.to, iso(t('08:00')));
      assertOee(oee, {
        planned: 105 * 60 + 120 * 60,
        run: 105 * 60 - 600 + 120 * 60,
        down: 600,
        setup: 0,
        good: 19 * 45 + 24 * 20,
        reject: 19,
        idealTime: 19 * 46 * 6 + 24 * 20 * 12,
      });
      // Order 2, from 08:20 until the end of the morning: wu-a at FG-VALVE's 4 s, wu-b at 12 s.
      const valve = await read(people.operator, `/v1/work-orders/${orders.valve.id}/oee?from=${iso(t('08:20'))}&to=${iso(t('10:00'))}`);
      assertOee(valve, {
        planned: 70 * 60 * 2,
        run: 70 * 60 * 2,
        down: 0,
        setup: 0,
        good: 14 * 60 + 14 * 20,
        reject: 0,
        idealTime: 14 * 60 * 4 + 14 * 20 * 12,
      });
    });

    it('of a shift by name and date, with the silence after the data as offline', async () => {
      const oee = await read(people.operator, `/v1/equipment/wu-a/oee?shift=early&date=${iso(day).slice(0, 10)}`);
      assert.equal(oee.from, iso(t('06:00')));
      assert.equal(oee.to, iso(t('14:00')));
      // 8 h − 30 min break − 15 min planned stop; nothing arrived after 10:00.
      assert.equal(oee.plannedTimeSeconds, 435 * 60);
      assert.equal(oee.runTimeSeconds, WU_A.run);
      assert.deepEqual(oee.downtimeByState, { down: 600, setup: 1200, offline: 4 * 3600 });
      assert.equal(oee.goodCount, WU_A.good);
    });
  });

  describe('downtime and reasons', () => {
    const stop = () => `/v1/equipment/wu-a/downtime/${encodeURIComponent(iso(t('06:40')))}/reason`;

    it('lists the unit’s stops in the range', async () => {
      const { items } = await read(people.operator, `/v1/equipment/wu-a/downtime?${morning}`);
      assert.deepEqual(items, [
        {
          equipmentId: 'wu-a',
          stopStart: iso(t('06:40')),
          start: iso(t('06:40')),
          end: iso(t('06:50')),
          state: 'down',
          seconds: 600,
          machineReasonCode: 'E-7',
        },
        { equipmentId: 'wu-a', stopStart: iso(t('08:00')), start: iso(t('08:00')), end: iso(t('08:20')), state: 'setup', seconds: 1200 },
      ]);
    });

    it('refuses a reason outside the tree (422), an event that does not exist (404) and an unknown unit (404)', async () => {
      assertProblem(await people.supervisor.put(stop(), { reasonCode: 'NOT-A-REASON' }), 422, {
        type: PROBLEM.unknownReference,
        pointers: ['/body/reasonCode'],
      });
      assertProblem(
        await people.supervisor.put(`/v1/equipment/wu-a/downtime/${encodeURIComponent(iso(t('06:41')))}/reason`, { reasonCode: 'BD-JAM' }),
        404,
        { type: PROBLEM.notFound },
      );
      assertProblem(
        await people.supervisor.put(`/v1/equipment/wu-nope/downtime/${encodeURIComponent(iso(t('06:40')))}/reason`, { reasonCode: 'BD-JAM' }),
        404,
        { type: PROBLEM.notFound },
      );
      const { items } = await read(people.operator, `/v1/equipment/wu-a/downtime?${morning}`);
      assert.equal(items[0].reasonCode, undefined, 'nothing was assigned');
    });

    it('assigns a reason, changes it, and audits both; OEE’s Pareto follows', async () => {
      // Act
      const assigned = await people.supervisor.put(stop(), { reasonCode: 'BD-JAM', comment: 'feeder jammed' });
      const changed = await people.admin.put(stop(), { reasonCode: 'BD-MOTOR', comment: 'it was the motor' });

      // Assess: the answers, the list, the Pareto and the audit trail.
      assert.equal(assigned.status, 200, assigned.text);
      assert.deepEqual(
        { ...assigned.body, assignedAt: undefined },
        {
          equipmentId: 'wu-a',
          stopStart: iso(t('06:40')),
          start: iso(t('06:40')),
          end: iso(t('06:50')),
          state: 'down',
          seconds: 600,
          machineReasonCode: 'E-7',
          comment: 'feeder jammed',
          reasonCode: 'BD-JAM',
          reasonName: 'Jam',
          assignedBy: 'u-supervisor',
          assignedAt: undefined,
        },
      );
      assert.equal(changed.status, 200, changed.text);
      const { items } = await read(people.operator, `/v1/equipment/wu-a/downtime?${morning}`);
      assert.deepEqual(
        { ...items[0], assignedAt: undefined },
        {
          equipmentId: 'wu-a',
          stopStart: iso(t('06:40')),
          start: iso(t('06:40')),
          end: iso(t('06:50')),
          state: 'down',
          seconds: 600,
          machineReasonCode: 'E-7',
          reasonCode: 'BD-MOTOR',
          reasonName: 'Motor fault',
          loss: 'equipment-failure',
          comment: 'it was the motor',
          assignedBy: 'u-admin',
          assignedAt: undefined,
        },
      );
      const oee = await read(people.operator, `/v1/equipment/wu-a/oee?${morning}`);
      assert.deepEqual(
        oee.pareto.map((p: Record<string, unknown>) => [p.reasonCode, p.reasonName, p.loss, p.seconds]),
        [
          ['(setup)', undefined, undefined, 1200],
          ['BD-MOTOR', 'Motor fault', 'equipment-failure', 600],
        ],
      );
      const { Items = [] } = await testDocClient().send(
        new QueryCommand({
          TableName: testTableName(),
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.downtimeReasonPartition(tenant, 'wu-a') },
          ConsistentRead: true,
        }),
      );
      const audit = Items.filter((i) => i.entity === 'Audit').map((i) => [i.version, i.action, i.by, i.comment, i.changes]);
      assert.deepEqual(audit, [
        [1, 'downtime.reason.assign', 'u-supervisor', 'feeder jammed', [{ field: 'reasonCode', from: null, to: 'BD-JAM' }]],
        [2, 'downtime.reason.change', 'u-admin', 'it was the motor', [{ field: 'reasonCode', from: 'BD-JAM', to: 'BD-MOTOR' }]],
      ]);
    });

    it('assigns a reason to a stop older than 31 days', async () => {
      // Prepare: a stop five weeks ago, as it arrived then.
      const start = Math.floor(Date.now() / HOUR) * HOUR - 35 * DAY;
      const old = unit(tenant, 'wu-b', () => start + 1000);
      await ingestAll([old.state(start - MINUTE, 'running'), old.state(start, 'down'), old.state(start + MINUTE, 'running')]);
      // Act
      const reply = await people.supervisor.put(`/v1/equipment/wu-b/downtime/${encodeURIComponent(iso(start))}/reason`, { reasonCode: 'MINOR' });
      // Assess
      assert.equal(reply.status, 200, reply.text);
    });
  });

  describe('live status', () => {
    it('shows the state, since when, when last seen, and the order and operation running at its work center', async () => {
      // Prepare: an order running at wc-live, and the unit's latest messages.
      const created = await people.planner.ok<WorkOrderDetail>('POST', '/v1/work-orders', {
        materialId: 'FG-PUMP',
        quantity: 10,
        routingId: 'RT-LIVE',
        dueDate: inDays(5),
      });
      await people.supervisor.ok('POST', `/v1/work-orders/${created.id}/release`, {});
      const running = await people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${created.id}/operations/10/start`, {});
      const now = Date.now();
      const live = unit(tenant, 'wu-live', () => now);
      await ingestAll([
        live.state(now - 40_000, 'running'),
        live.counts(now - 30_000, 10, 0),
        live.state(now - 20_000, 'down', 'E-9'),
        live.counts(now - 10_000, 12, 1),
      ]);

      // Act
      const status = await at(now, () => read(people.operator, '/v1/equipment/wu-live/status'));

      // Assess
      assert.equal(status.equipmentId, 'wu-live');
      assert.equal(status.state, 'down');
      assert.equal(status.reasonCode, 'E-9');
      assert.equal(status.since, iso(now - 20_000));
      assert.equal(status.lastSeen, iso(now - 10_000));
      assert.deepEqual(status.current, {
        workOrderId: created.id,
        seq: 10,
        status: 'RUNNING',
        materialId: 'FG-PUMP',
        operator: 'u-operator',
        since: running.operations[0]?.startedAt,
      });
      assert.equal(status.oeeToday.to, iso(now));
    });

    it('says since when the unit is in its state, when it repeats the state it is in', async () => {
      // Prepare: running since 40 s ago, said again 20 s ago.
      await people.planner.ok('PUT', '/v1/equipment/wu-live-2', {
        name: 'Live press 2',
        level: 'workUnit',
        parentId: 'wc-live',
        offlineAfterSeconds: 60,
      });
      const now = Date.now();
      const live = unit(tenant, 'wu-live-2', () => now);
      await ingestAll([live.state(now - 40_000, 'running'), live.state(now - 20_000, 'running'), live.counts(now - 10_000, 1, 0)]);
      // Act
      const status = await at(now, () => read(people.operator, '/v1/equipment/wu-live-2/status'));
      // Assess
      assert.equal(status.state, 'running');
      assert.equal(status.since, iso(now - 40_000));
    });

    it('goes offline after offlineAfterSeconds of silence when it declares a heartbeat, since the unit was last seen', async () => {
      // Prepare: the unit reported a minute and a half ago (it goes offline after 60 s).
      const now = Date.now();
      const live = unit(tenant, 'wu-live', () => now);
      await ingestAll([live.state(now - 5000, 'running'), live.counts(now - 5000, 20, 1)]);
      assert.equal((await at(now, () => read(people.operator, '/v1/equipment/wu-live/status'))).state, 'running');

      // Act: the same unit, 61 s after it was last heard of, and then 59 s after.
      const silent = await at(now - 5000 + 61_000, () => read(people.operator, '/v1/equipment/wu-live/status'));
      const quiet = await at(now - 5000 + 59_000, () => read(people.operator, '/v1/equipment/wu-live/status'));

      // Assess
      assert.equal(silent.state, 'offline');
      assert.equal(silent.since, iso(now - 5000));
      assert.equal(silent.lastSeen, iso(now - 5000));
      assert.equal(silent.reasonCode, undefined);
      assert.equal(silent.current?.materialId, 'FG-PUMP', 'what runs there does not depend on the data');
      assert.equal(quiet.state, 'running');
    });
  });

  describe('plant status', () => {
    it('says of every work unit in one request what its own status says, grouped by work center, in name order', async () => {
      // Prepare: the units of the tests above; the live press goes down, then gives another reason
      // (a new stop for the timeline, so since the second).
      const now = Date.now();
      const live = unit(tenant, 'wu-live', () => now);
      // The second press says again that it runs: that does not start its state again.
      const second = unit(tenant, 'wu-live-2', () => now);
      await ingestAll([
        live.state(now - 2500, 'down', 'E-2'),
        live.state(now - 1500, 'down', 'E-3'),
        live.counts(now - 1000, 3, 0),
        second.state(now - 500, 'running'),
      ]);

      // Act
      const plant = await at(now, () => read(people.operator, '/v1/plant/status'));
      const statuses = await at(now, () =>
        Promise.all(plant.items.map((u: { equipmentId: string }) => read(people.operator, `/v1/equipment/${u.equipmentId}/status`))),
      );

      // Assess
      assert.equal(plant.asOf, iso(now));
      assert.deepEqual(
        plant.items.map((u: { equipmentId: string; name: string; parentId: string }) => [u.equipmentId, u.name, u.parentId]),
        [
          ['wu-live', 'Live press', 'wc-live'],
          ['wu-live-2', 'Live press 2', 'wc-live'],
          ['wu-a', 'Press A', 'wc-oee'],
          ['wu-b', 'Press B', 'wc-oee'],
        ],
      );
      assert.deepEqual(plant.workCenters, [
        { id: 'wc-live', name: 'Line live' },
        { id: 'wc-oee', name: 'Line OEE' },
      ]);
      // What the live view keeps (issue 13): state, since, reason, what runs there and the stop's reason.
      // `lastSeen` from counts follows with the refresh job. The presses of three days ago are left
      // out: their statuses call the silence offline, which only a declared heartbeat will (presence).
      const shown = (u: Record<string, unknown>) =>
        Object.fromEntries(
          ['equipmentId', 'state', 'since', 'reasonCode', 'current', 'stopReason'].flatMap((k) => (u[k] === undefined ? [] : [[k, u[k]]])),
        );
      plant.items.slice(0, 2).forEach((u: Record<string, unknown>, i: number) => {
        assert.deepEqual(shown(u), shown(statuses[i]), `${u.equipmentId}: the plant status and the unit status agree`);
      });
      const wuLive = plant.items[0];
      assert.equal(wuLive.state, 'down');
      assert.equal(wuLive.reasonCode, 'E-3');
      assert.equal(wuLive.since, iso(now - 1500));
      assert.equal(wuLive.current?.workOrderId !== undefined, true, 'the order running at its work center');
      assert.equal(plant.items[1].state, 'running');
      assert.ok(Date.parse(plant.items[1].since) < now - 500, `running since before the repeat: ${plant.items[1].since}`);
    });

    it('shows one work center on request: 404 for one that does not exist, 400 for an unknown parameter, and none of another tenant’s units', async () => {
      // Act
      const line = await read(people.operator, '/v1/plant/status?workCenterId=wc-oee');
      const unknown = await people.operator.get('/v1/plant/status?workCenterId=wc-nowhere');
      const misspelt = await people.operator.get('/v1/plant/status?workcenter=wc-oee');
      const theirs = await outsider.get('/v1/plant/status');
      const theirLine = await outsider.get('/v1/plant/status?workCenterId=wc-oee');

      // Assess
      assert.deepEqual(
        line.items.map((u: { equipmentId: string }) => u.equipmentId),
        ['wu-a', 'wu-b'],
      );
      assert.equal(line.workCenters.length, 2, 'every line stays listed to choose from');
      assertProblem(unknown, 404, { type: PROBLEM.notFound });
      assertProblem(misspelt, 400);
      assert.equal(theirs.status, 200, theirs.text);
      assert.deepEqual(theirs.body.items, []);
      assert.deepEqual(theirs.body.workCenters, []);
      assertProblem(theirLine, 404, { type: PROBLEM.notFound });
    });
  });

  describe('the change feed', () => {
    it('pages through every state change in the order they arrived, with `next`', async () => {
      // Prepare: a tenant of its own, eleven changes arriving a second apart, two units.
      const own = newTenant();
      const reader = await as(mes, own, 'u-reader', ['operator']);
      const arrival = Date.now() - HOUR;
      const states = ['running', 'idle', 'down', 'running', 'setup', 'running', 'planned-stop', 'running', 'down', 'idle', 'running'];
      const changes = states.map((state, i) => {
        const equipmentId = i % 2 ? 'wu-1' : 'wu-2';
        // Arrival order differs from sample order: each arrives a second after the one before, but the odd ones were sampled earlier.
        const e = unit(own, equipmentId, () => arrival + i * 1000).state(arrival - (i % 2 ? 10 : 0) * MINUTE + i * 1000, state, undefined, `m-${i}`);
        return { e, expected: { equipmentId, ts: iso(arrival - (i % 2 ? 10 : 0) * MINUTE + i * 1000), state } };
      });
      await ingestAll([...changes].reverse().map((c) => c.e));

      // Act
      const pages: Record<string, unknown>[][] = [];
      let since = iso(arrival - 1);
      for (let n = 0; n < 20; n++) {
        const page = await read(reader, `/v1/state-changes?since=${encodeURIComponent(since)}&limit=4`);
        if (page.items.length === 0) {
          assert.equal(page.next, since, 'an empty page leaves the cursor where it was');
          break;
        }
        pages.push(page.items);
        since = page.next;
      }

      // Assess
      assert.deepEqual(
        pages.map((p) => p.length),
        [4, 4, 3],
      );
      assert.deepEqual(
        pages.flat(),
        changes.map((c) => c.expected),
      );
      const outside = await read(outsider, `/v1/state-changes?since=${encodeURIComponent(iso(arrival - 1))}`);
      assert.deepEqual(outside.items, []);
    });
  });

  describe('the change feed, asked with another spelling of the same time', () => {
    it('gives the same changes for `since` with a UTC offset or without milliseconds', async () => {
      // Prepare: three changes arriving at 10:00:00.250, 10:00:00.750 and 10:30:00 (UTC), yesterday.
      const own = newTenant();
      const reader = await as(mes, own, 'u-reader', ['operator']);
      const ten = Math.floor(Date.now() / DAY) * DAY - DAY + 10 * HOUR;
      const arrivals = [ten + 250, ten + 750, ten + 30 * MINUTE];
      await ingestAll(arrivals.map((at, i) => unit(own, 'wu-1', () => at).state(at - 100, i % 2 ? 'idle' : 'running', undefined, `m-${i}`)));
      const feed = async (since: string) => (await read(reader, `/v1/state-changes?since=${encodeURIComponent(since)}`)).items.length;

      // Act: since 10:00:00 UTC, written three ways.
      const spelled = [iso(ten), iso(ten).replace('.000Z', 'Z'), `${iso(ten + HOUR).slice(0, 19)}+01:00`];
      const counts = await Promise.all(spelled.map(feed));

      // Assess
      assert.deepEqual(counts, [3, 3, 3], `changes since ${spelled.join(' / ')}`);
    });
  });

  describe('another tenant', () => {
    it('sees none of it: every by-id read is 404 and its feed is empty', async () => {
      for (const path of [
        '/v1/equipment/wu-a/status',
        `/v1/equipment/wu-a/oee?${morning}`,
        `/v1/work-centers/wc-oee/oee?${morning}`,
        `/v1/work-orders/${orders.pump.id}/oee`,
        `/v1/equipment/wu-a/downtime?${morning}`,
      ]) {
        assertProblem(await outsider.get(path), 404, { type: PROBLEM.notFound });
      }
      assertProblem(await outsider.put(`/v1/equipment/wu-a/downtime/${encodeURIComponent(iso(t('06:40')))}/reason`, { reasonCode: 'BD-JAM' }), 404);
      assert.deepEqual((await read(outsider, `/v1/state-changes?since=${encodeURIComponent(iso(day))}`)).items, []);
    });
  });
});

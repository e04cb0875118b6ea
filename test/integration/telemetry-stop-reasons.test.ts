/**
 * A stop keeps its reason whatever the time range, and a unit's figures start at its
 * commissioning, over HTTP against DynamoDB Local:
 * - a jam the unit repeats, interrupted by 20 minutes of silence (offline: the units declare a
 *   heartbeat, so silence counts): the 24 h list, whose
 *   range starts inside the stop after the silence, and the 7-day list, which sees the silence
 *   and shows the stop as two stretches, name it by the same `stopStart`; a reason (and its
 *   comment) assigned through the 24 h list shows on both stretches in the 7-day list and once
 *   in the OEE Pareto;
 * - a reason stored under the old identity (a stretch's start, no state) still shows;
 * - time before the first data is not offline; a commissioning date set on the unit moves the
 *   start of its figures, a day before it has no figure, and a bad date is a 400 naming the field.
 * No shift calendar: planned time is the whole range asked for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '#shared/db/keys.ts';
import { PROBLEM, type Staff, assertProblem, newTenant, staff, startMes, type Mes } from '../e2e/support/mes.ts';
import { DAY, HOUR, MINUTE, REASON_TREE, ingestAll, unit } from '../e2e/support/telemetry.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';

const iso = (ts: number) => new Date(ts).toISOString();

describe('a stop keeps its reason in every time range; figures start at commissioning', () => {
  let mes: Mes;
  let people: Staff;
  const tenant = newTenant();
  /** The first data: 26 hours and 10 minutes ago, on the minute. */
  const base = Math.floor(Date.now() / MINUTE) * MINUTE - 26 * HOUR - 10 * MINUTE;
  const m = (minutes: number) => base + minutes * MINUTE;
  /** The 24 h view asked 24 hours after 02:10 into the data: it starts inside the stop, after the silence. */
  const day = `from=${iso(m(130))}&to=${iso(m(130) + DAY)}`;
  /** The 7-day view up to the end of the data. */
  const week = `from=${iso(m(240) - 7 * DAY)}&to=${iso(m(240))}`;

  /**
   * Running from 0; down E-7 from 60, repeated every 10 minutes; silent 90-110 (nothing at
   * all, the last reading at 90); down again repeated 110-170; running 180-240. Counts every minute while not silent.
   */
  const story = (equipmentId: string) => {
    const u = unit(tenant, equipmentId, () => Date.now());
    const messages = [u.state(m(0), 'running'), u.state(m(180), 'running')];
    for (const at of [60, 70, 80, 110, 120, 130, 140, 150, 160, 170]) messages.push(u.state(m(at), 'down', 'E-7'));
    for (let at = 0; at < 240; at++) if (at <= 90 || at >= 110) messages.push(u.counts(m(at), at < 60 || at >= 180 ? at * 10 : 600, 0));
    return messages;
  };

  before(async () => {
    mes = await startMes();
    people = await staff(mes, tenant);
    const put = (path: string, body: unknown) => people.planner.ok('PUT', path, body);
    await put('/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter' });
    for (const id of ['wu-s', 'wu-t'])
      await put(`/v1/equipment/${id}`, { name: `Press ${id}`, level: 'workUnit', parentId: 'wc-1', heartbeatSeconds: 40, offlineAfterSeconds: 120 });
    await put('/v1/downtime-reasons', REASON_TREE);
    // As they arrived then, each a second after its sample (older data is outside the late window).
    const arrived = <E extends { raw: string }>(e: E): E => ({ ...e, receivedAt: JSON.parse(Buffer.from(e.raw, 'base64').toString()).ts + 1000 });
    const messages = [...story('wu-s'), ...story('wu-t')].map(arrived);
    for (let i = 0; i < messages.length; i += 60) await ingestAll(messages.slice(i, i + 60));
  });
  after(async () => {
    await mes?.stop();
  });

  const read = async (path: string) => {
    const reply = await people.operator.get(path);
    assert.equal(reply.status, 200, `${path}: ${reply.text}`);
    return reply.body;
  };
  const downs = async (id: string, range: string) =>
    ((await read(`/v1/equipment/${id}/downtime?${range}`)).items as Record<string, unknown>[]).filter((e) => e.state === 'down');

  it('names the stop by its first state message in the 24 h and the 7-day list', async () => {
    const inDay = await downs('wu-s', day);
    const inWeek = await downs('wu-s', week);
    assert.deepEqual(
      inDay.map((e) => [e.stopStart, e.start, e.end, e.seconds]),
      [[iso(m(60)), iso(m(60)), iso(m(180)), 50 * 60]],
    );
    assert.deepEqual(
      inWeek.map((e) => [e.stopStart, e.start, e.end, e.seconds]),
      [
        [iso(m(60)), iso(m(60)), iso(m(90)), 30 * 60],
        [iso(m(60)), iso(m(110)), iso(m(180)), 70 * 60],
      ],
    );
  });

  it('shows a reason assigned through the 24 h list in the 7-day list and in the Pareto, with its comment', async () => {
    // Act: a supervisor codes the stop on the 24 h list.
    const [stop] = await downs('wu-s', day);
    const reply = await people.supervisor.put(`/v1/equipment/wu-s/downtime/${encodeURIComponent(String(stop?.stopStart))}/reason`, {
      reasonCode: 'BD-JAM',
      comment: 'feeder jammed twice',
    });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.comment, 'feeder jammed twice');

    // Assess: both lists, and the Pareto of the 7-day range.
    for (const range of [day, week]) {
      const events = await downs('wu-s', range);
      assert.ok(events.length > 0);
      for (const e of events) assert.deepEqual([e.reasonCode, e.reasonName, e.comment], ['BD-JAM', 'Jam', 'feeder jammed twice'], range);
    }
    const oee = await read(`/v1/equipment/wu-s/oee?${week}`);
    assert.deepEqual(
      oee.pareto.map((p: Record<string, unknown>) => [p.reasonCode, p.reasonName, p.seconds, p.count]),
      [
        ['BD-JAM', 'Jam', 100 * 60, 1],
        ['(offline)', undefined, 20 * 60, 1],
      ],
    );
  });

  it('still shows a reason stored under the old identity, the start of the stretch after the silence', async () => {
    // Prepare: the record as the 7-day list stored it before stops had one identity (no state).
    await testDocClient().send(
      new PutCommand({
        TableName: testTableName(),
        Item: {
          ...keys.downtimeReason(tenant, 'wu-t', m(110)),
          entity: 'DowntimeReason',
          equipmentId: 'wu-t',
          start: m(110),
          reasonCode: 'BD-MOTOR',
          comment: 'old record',
          assignedBy: 'u-supervisor',
          assignedAt: iso(m(200)),
          version: 1,
        },
      }),
    );
    // Assess: the stop shows it in both ranges, on every stretch.
    for (const range of [day, week]) {
      for (const e of await downs('wu-t', range)) assert.deepEqual([e.reasonCode, e.comment], ['BD-MOTOR', 'old record'], range);
    }
  });

  it('counts nothing before the first data: a week that began before it has no offline time then', async () => {
    const oee = await read(`/v1/equipment/wu-t/oee?${week}`);
    assert.equal(oee.commissionedAt, iso(m(0)));
    assert.equal(oee.plannedTimeSeconds, 240 * 60);
    assert.deepEqual(oee.downtimeByState, { down: 100 * 60, offline: 20 * 60, setup: 0 });
    const before = await read(`/v1/equipment/wu-t/oee?from=${iso(m(-DAY / MINUTE))}&to=${iso(m(0))}`);
    assert.deepEqual([before.plannedTimeSeconds, before.downtimeSeconds, before.availability, before.oee], [0, 0, null, null]);
    assert.deepEqual((await read(`/v1/equipment/wu-t/downtime?from=${iso(m(-DAY / MINUTE))}&to=${iso(m(0))}`)).items, []);
  });

  it('shows the reason and comment of the stop a unit is in now on the plant overview and the unit status', async () => {
    // Prepare: wu-now runs, goes down 10 minutes ago and says so again 5 minutes ago; a supervisor codes it.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const live = unit(tenant, 'wu-now', () => Date.now());
    await people.planner.ok('PUT', '/v1/equipment/wu-now', {
      name: 'Press now',
      level: 'workUnit',
      parentId: 'wc-1',
      heartbeatSeconds: 200,
      offlineAfterSeconds: 600,
    });
    const messages = [live.state(now - 30 * MINUTE, 'running'), live.state(now - 10 * MINUTE, 'down'), live.state(now - 5 * MINUTE, 'down')];
    for (let i = 30; i >= 0; i--) messages.push(live.counts(now - i * MINUTE, 0, 0));
    await ingestAll(messages);
    const [stop] = await downs('wu-now', `from=${iso(now - DAY)}&to=${iso(now + MINUTE)}`);
    assert.equal(stop?.stopStart, iso(now - 10 * MINUTE));
    const coded = await people.supervisor.put(`/v1/equipment/wu-now/downtime/${encodeURIComponent(iso(now - 10 * MINUTE))}/reason`, {
      reasonCode: 'BD-MOTOR',
      comment: 'waiting for the electrician',
    });
    assert.equal(coded.status, 200, coded.text);

    // Assess
    const expected = { stopStart: iso(now - 10 * MINUTE), reasonCode: 'BD-MOTOR', reasonName: 'Motor fault', comment: 'waiting for the electrician' };
    const plant = await read('/v1/plant/status?workCenterId=wc-1');
    const card = plant.items.find((u: { equipmentId: string }) => u.equipmentId === 'wu-now');
    assert.equal(card.state, 'down');
    assert.deepEqual(card.stopReason, expected);
    assert.equal(plant.items.filter((u: { stopReason?: unknown }) => u.stopReason).length, 1, 'a unit not in a coded stop has none');
    assert.deepEqual((await read('/v1/equipment/wu-now/status')).stopReason, expected);
  });

  it('starts the figures at a commissioning date set on the unit, and refuses a date that is not one', async () => {
    // Act: the first two hours were trials.
    const unitBody = {
      name: 'Press wu-t',
      level: 'workUnit',
      parentId: 'wc-1',
      heartbeatSeconds: 40,
      offlineAfterSeconds: 120,
    };
    await people.planner.ok('PUT', '/v1/equipment/wu-t', { ...unitBody, commissionedAt: iso(m(120)) });

    // Assess: planned time and downtime from 02:00 on; the stop keeps its identity and reason.
    const oee = await read(`/v1/equipment/wu-t/oee?${week}`);
    assert.equal(oee.commissionedAt, iso(m(120)));
    assert.equal(oee.plannedTimeSeconds, 120 * 60);
    assert.deepEqual(oee.downtimeByState, { down: 60 * 60, offline: 0, setup: 0 });
    assert.deepEqual(
      (await downs('wu-t', week)).map((e) => [e.stopStart, e.start, e.seconds, e.reasonCode]),
      [[iso(m(60)), iso(m(120)), 60 * 60, 'BD-MOTOR']],
    );
    const workCenter = await read(`/v1/work-centers/wc-1/oee?from=${iso(m(0))}&to=${iso(m(120))}`);
    assert.equal(workCenter.plannedTimeSeconds, 120 * 60, 'only wu-s counts before 02:00');

    assertProblem(await people.planner.put('/v1/equipment/wu-t', { ...unitBody, commissionedAt: 'last tuesday' }), 400, {
      type: PROBLEM.invalidInput,
      pointers: ['/body/commissionedAt'],
    });
  });
});

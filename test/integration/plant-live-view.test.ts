/**
 * The plant's live view (issue 13): GET /v1/plant/status reads one entry per unit, kept by its
 * writers, in a bounded number of DynamoDB calls whatever the number of units, and says what
 * each unit's own status (computed from the records) says:
 * - state, since, reason, the order running at its work center and the reason given to its
 *   current stop agree with GET /v1/equipment/{id}/status; a late state message does not move
 *   an entry back, a repeated state keeps its since;
 * - presence events take a unit offline and back to its last reported state;
 * - the refresh job writes OEE today as the unit status computes it, only where it changed, and
 *   fills the view of a tenant whose data came before the live view (backfill).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';

process.env.MES_EXPOSE_DDB_USAGE = '1';

import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { TelemetryIngest } from '#shared/telemetry/ingest.ts';
import { liveView } from '#functions/lib/telemetry-ingest.ts';
import { liveViewRefresh } from '#functions/lib/live-view-refresh.ts';
import { utcDay } from '#shared/telemetry/live-view.ts';
import { type Mes, type Staff, inDays, newTenant, staff, startMes } from '../e2e/support/mes.ts';
import { REASON_TREE, ingestAll, unit } from '../e2e/support/telemetry.ts';

const iso = (ts: number) => new Date(ts).toISOString();
const SHOWN = ['equipmentId', 'state', 'since', 'reasonCode', 'current', 'stopReason'] as const;
const shownOf = (u: Record<string, unknown>) => Object.fromEntries(SHOWN.flatMap((k) => (u[k] === undefined ? [] : [[k, u[k]]])));

/** Runs `act` with the clock (Date only) at `ts`. */
async function at<T>(ts: number, act: () => Promise<T>): Promise<T> {
  mock.timers.enable({ apis: ['Date'], now: ts });
  try {
    return await act();
  } finally {
    mock.timers.reset();
  }
}

/** A plant of `n` units under one line, each with a state message. */
async function plant(mes: Mes, n: number, now: number) {
  const tenant = newTenant();
  const people = await staff(mes, tenant);
  await people.planner.ok('PUT', '/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter', workCenterType: 'productionLine' });
  for (let i = 0; i < n; i++) {
    await people.planner.ok('PUT', `/v1/equipment/wu-${i}`, { name: `Press ${String(i).padStart(3, '0')}`, level: 'workUnit', parentId: 'wc-1' });
  }
  await ingestAll(Array.from({ length: n }, (_, i) => unit(tenant, `wu-${i}`, () => now).state(now - 1000 - i, i % 3 ? 'running' : 'down')));
  return { tenant, people };
}

describe('the plant live view', () => {
  let mes: Mes;
  let people: Staff;
  const tenant = newTenant();
  /** When the story is told: after the order started, so the unit statuses read then see it run. */
  let now: number;
  let order: WorkOrderDetail;

  const read = async (path: string, who = people.operator) => {
    const reply = await who.get(path);
    assert.equal(reply.status, 200, `${path}: ${reply.text}`);
    return reply.body;
  };
  const plantAndStatuses = (ts: number) =>
    at(ts, async () => {
      const plantStatus = await read('/v1/plant/status');
      const statuses = await Promise.all(plantStatus.items.map((u: { equipmentId: string }) => read(`/v1/equipment/${u.equipmentId}/status`)));
      return { plant: plantStatus, statuses };
    });

  before(async () => {
    mes = await startMes();
    people = await staff(mes, tenant);
    const put = (path: string, body: unknown) => people.planner.ok('PUT', path, body);
    await put('/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter', workCenterType: 'productionLine' });
    for (const [id, name] of [
      ['wu-1', 'Press 1'],
      ['wu-2', 'Press 2'],
      ['wu-3', 'Press 3'],
    ])
      await put(`/v1/equipment/${id}`, { name, level: 'workUnit', parentId: 'wc-1', idealCycleTimeSeconds: 6, offlineAfterSeconds: 600 });
    await put('/v1/materials/FG-1', { name: 'Pump', uom: 'ea', materialType: 'finished' });
    await put('/v1/routings/RT-1', { materialId: 'FG-1', operations: [{ seq: 10, name: 'Press', workCenterId: 'wc-1' }] });
    await put('/v1/downtime-reasons', REASON_TREE);
    const created = await people.planner.ok<WorkOrderDetail>('POST', '/v1/work-orders', {
      materialId: 'FG-1',
      quantity: 100,
      routingId: 'RT-1',
      dueDate: inDays(5),
    });
    await people.supervisor.ok('POST', `/v1/work-orders/${created.id}/release`, {});
    order = await people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${created.id}/operations/10/start`, {});
    now = Date.now() + 1;
    const one = unit(tenant, 'wu-1', () => now);
    const two = unit(tenant, 'wu-2', () => now);
    await ingestAll([
      one.state(now - 40_000, 'running'),
      one.counts(now - 35_000, 0, 0),
      one.counts(now - 25_000, 10, 1),
      one.state(now - 20_000, 'down', 'E-2'),
      one.state(now - 10_000, 'down', 'E-3'),
      two.state(now - 30_000, 'running'),
      two.counts(now - 29_000, 0, 0),
      two.counts(now - 6_000, 4, 0),
    ]);
    // The same state again, later and alone: it keeps its since.
    await ingestAll([two.state(now - 5_000, 'running')]);
  });
  after(async () => {
    mock.timers.reset();
    await mes?.stop();
  });

  it('says what each unit status says: state, since, reason, the order running at its line, the reason given to its current stop', async () => {
    // Prepare: a reason for wu-1's current stop (since the second reason's message).
    const assigned = await people.supervisor.put(`/v1/equipment/wu-1/downtime/${encodeURIComponent(iso(now - 10_000))}/reason`, {
      reasonCode: 'BD-JAM',
      comment: 'jammed at the feeder',
    });
    assert.equal(assigned.status, 200, assigned.text);

    // Act
    const { plant, statuses } = await plantAndStatuses(now);

    // Assess
    assert.deepEqual(
      plant.items.map((u: { equipmentId: string }) => u.equipmentId),
      ['wu-1', 'wu-2', 'wu-3'],
    );
    plant.items.forEach((u: Record<string, unknown>, i: number) => {
      assert.deepEqual(shownOf(u), shownOf(statuses[i]), `${u.equipmentId}: the live view and the unit status agree`);
    });
    const [one, two, three] = plant.items;
    assert.equal(one.state, 'down');
    assert.equal(one.reasonCode, 'E-3');
    assert.equal(one.since, iso(now - 10_000));
    assert.deepEqual(one.stopReason, { stopStart: iso(now - 10_000), reasonCode: 'BD-JAM', reasonName: 'Jam', comment: 'jammed at the feeder' });
    assert.equal(one.current?.workOrderId, order.id);
    assert.equal(one.current?.operator, 'u-operator');
    assert.equal(two.state, 'running');
    assert.equal(two.since, iso(now - 30_000), 'a repeated state keeps its since');
    assert.equal(three.state, 'offline', 'a unit without data');
    assert.equal(three.since, null);
    assert.equal(three.current?.workOrderId, order.id, 'what runs at its line does not depend on its data');
  });

  it('ignores a state message older than the one it shows', async () => {
    // Act: a message from before wu-1 went down, arriving late.
    await ingestAll([unit(tenant, 'wu-1', () => now).state(now - 15_000, 'running')]);
    const { plant, statuses } = await plantAndStatuses(now);
    // Assess
    assert.equal(plant.items[0].state, 'down');
    assert.equal(plant.items[0].since, iso(now - 10_000));
    assert.deepEqual(shownOf(plant.items[0]), shownOf(statuses[0]));
  });

  it('follows operation commands: what runs at the line, paused, then nothing once completed', async () => {
    // Act
    const paused = await people.operator.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/operations/10/pause`, { reason: 'BREAK' });
    const afterPause = await plantAndStatuses(Date.now());
    await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/resume`, {});
    const completed = await people.operator.post(`/v1/work-orders/${order.id}/operations/10/complete`, { goodQty: 10, scrapQty: 0 });
    const afterComplete = await plantAndStatuses(Date.now());

    // Assess
    assert.equal(paused.operations[0]?.status, 'PAUSED');
    assert.equal(completed.status, 200, completed.text);
    for (const { plant, statuses } of [afterPause, afterComplete]) {
      plant.items.forEach((u: Record<string, unknown>, i: number) => {
        assert.deepEqual(u.current, statuses[i].current, `${u.equipmentId}: current`);
      });
    }
    assert.equal(afterPause.plant.items[2].current?.status, 'PAUSED');
    assert.equal(afterComplete.plant.items[2].current, null);
  });

  it('goes offline on a presence event and back to the last reported state when the link is back', async () => {
    // Act: wu-2's link goes down; an older event arrives late; the link comes back; the unit repeats its state.
    await liveView.applyPresence(tenant, [{ equipmentId: 'wu-2', online: false, at: now - 3_000 }]);
    await liveView.applyPresence(tenant, [{ equipmentId: 'wu-2', online: true, at: now - 4_000 }]);
    const offline = (await at(now, () => read('/v1/plant/status'))).items[1];
    await liveView.applyPresence(tenant, [{ equipmentId: 'wu-2', online: true, at: now - 2_000 }]);
    const back = (await at(now, () => read('/v1/plant/status'))).items[1];
    await ingestAll([unit(tenant, 'wu-2', () => now).state(now - 1_000, 'running')]);
    const repeated = (await at(now, () => read('/v1/plant/status'))).items[1];

    // Assess
    assert.equal(offline.state, 'offline');
    assert.equal(offline.since, iso(now - 3_000));
    assert.equal(back.state, 'running');
    assert.equal(back.since, iso(now - 2_000), 'running again from when the link came back');
    assert.equal(repeated.since, iso(now - 2_000));
  });

  it('gets OEE today from the refresh job, as the unit status computes it, and writes only what changed', async () => {
    // Act
    const ts = Date.now();
    const first = await at(ts, () => liveViewRefresh.refreshTenant(tenant));
    const again = await at(ts, () => liveViewRefresh.refreshTenant(tenant));
    const { plant, statuses } = await plantAndStatuses(ts);

    // Assess
    assert.equal(first.units, 3);
    assert.ok(first.written >= 3, `each unit got its OEE today: ${first.written}`);
    assert.equal(again.written, 0, 'nothing changed, nothing written');
    plant.items.forEach((u: Record<string, any>, i: number) => {
      const oee = statuses[i].oeeToday;
      const { asOf, ...today } = u.oeeToday;
      assert.equal(asOf, oee.to);
      assert.deepEqual(
        today,
        {
          availability: oee.availability,
          performance: oee.performance,
          quality: oee.quality,
          oee: oee.oee,
          goodCount: oee.goodCount,
          rejectCount: oee.rejectCount,
        },
        `${u.equipmentId}: OEE today`,
      );
    });
    assert.equal(plant.items[0].oeeToday.goodCount, 10);
  });

  it('fills in the view of a tenant whose data came before it, on the refresh job’s first run', async () => {
    // Prepare: telemetry stored by an ingest without the live view (as before this change).
    const old = newTenant();
    const them = await staff(mes, old);
    await them.planner.ok('PUT', '/v1/equipment/wu-old', { name: 'Old press', level: 'workUnit', offlineAfterSeconds: 600 });
    const before = new TelemetryIngest(new DynamoDbTelemetryRepository(), { at: async () => undefined }, { gatewaysOf: async () => new Map() });
    const u = unit(old, 'wu-old', () => now);
    const failed = await before.ingest([
      { id: 'a', body: JSON.stringify(u.state(now - 50_000, 'running')) },
      { id: 'b', body: JSON.stringify(u.state(now - 20_000, 'setup')) },
    ]);
    assert.deepEqual([...failed], []);
    const empty = (await at(now, () => read('/v1/plant/status', them.operator))).items[0];

    // Act: the overview registered the tenant; the job's run finds it.
    const registered = await liveView.repository.tenants([utcDay(Date.now())]);
    await at(now, () => liveViewRefresh.refreshTenant(old));
    const plant = await at(now, () => read('/v1/plant/status', them.operator));
    const status = await at(now, () => read('/v1/equipment/wu-old/status', them.operator));

    // Assess
    assert.equal(empty.state, 'offline');
    assert.equal(empty.since, null);
    assert.ok(registered.includes(old), 'the tenant is in the registry of the day');
    assert.deepEqual(shownOf(plant.items[0]), shownOf(status));
    assert.equal(plant.items[0].state, 'setup');
    assert.equal(plant.items[0].since, iso(now - 20_000));
    assert.equal(typeof plant.items[0].oeeToday?.asOf, 'string');
  });

  describe('what it costs', () => {
    for (const n of [5, 60]) {
      it(`reads ${n} units in at most 5 DynamoDB calls`, async () => {
        // Prepare
        const ts = Date.now();
        const { people: them } = await plant(mes, n, ts);
        // Act
        const reply = await them.operator.get('/v1/plant/status');
        // Assess
        assert.equal(reply.status, 200, reply.text);
        assert.equal(reply.body.items.length, n);
        const calls = /^calls=([^;]*);/.exec(reply.headers.get('x-mes-dynamodb') ?? '')?.[1]?.split(',') ?? [];
        assert.deepEqual(calls, ['Query', 'Query'], `the equipment and the live view, one Query each: ${calls}`);
        assert.equal(reply.body.items.filter((u: { state: string }) => u.state === 'down').length, Math.ceil(n / 3));
      });
    }
  });
});

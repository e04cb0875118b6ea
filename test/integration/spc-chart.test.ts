/**
 * SPC over HTTP (issue 15): values recorded in reports land on their characteristic's chart;
 * the quality role freezes a baseline from a window (too few points: "not enough data"), and a
 * value written afterwards that breaks a Nelson rule writes a `quality.spc-violation` event in
 * the report's own transaction; another tenant's characteristic is a 404.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '#shared/db/client.ts';
import { keys } from '#shared/db/keys.ts';
import type { MasterDataKind } from '#shared/domain/master-data/model.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbSpcRepository } from '#shared/db/spc-repository.ts';
import { setTurnTaking } from '#shared/domain/retry.ts';
import { SpcService } from '#shared/domain/quality/spc-service.ts';
import { attributeValues, type SpcChartView } from '#shared/domain/quality/spc-model.ts';
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
import { MINUTE, ingestAll, unit } from '../e2e/support/telemetry.ts';
import { individuals, putSpcSamples } from '../fixtures/spc.ts';

// Read by functions/lib/http.ts when the runtime first imports a handler: the calls a report makes.
process.env.MES_EXPOSE_DDB_USAGE = '1';

const TORQUE = `data:${PLANT.routing}:10:screwTorque`;
const chartPath = (id: string, query: Record<string, string> = {}) =>
  `/v1/characteristics/${encodeURIComponent(id)}/spc${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ''}`;
const baselinePath = (id: string) => `/v1/characteristics/${encodeURIComponent(id)}/baseline`;
/** A past window the seeded values lie in. */
const SEED = { from: '2026-01-05T00:00:00.000Z', to: '2026-01-06T00:00:00.000Z' };

describe('SPC charts, frozen baselines and violations at write time', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let orderId: string;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    orderId = (await orderAt(people, 'RUNNING', { routingId: PLANT.routing })).id;
  });
  after(() => mes?.stop());

  const report = (screwTorque: number) => people.operator.ok('POST', `/v1/work-orders/${orderId}/operations/10/report`, { data: { screwTorque } });

  it('shows the values recorded in reports, with the routing’s limits as spec, and says when there are too few for limits', async () => {
    const first = await people.operator.post(`/v1/work-orders/${orderId}/operations/10/report`, { data: { screwTorque: 4.01 } });
    await report(3.98);
    await report(4.03);

    assert.equal(first.status, 200, first.text);
    const calls = /^calls=([^;]*);/.exec(first.headers.get('x-mes-dynamodb') ?? '')?.[1]?.split(',') ?? [];
    assert.equal(calls.filter((c) => c === 'TransactWriteItems').length, 1, `${calls}`);
    assert.equal(calls.filter((c) => c === 'BatchGetItem').length, 1, `the report reads its characteristics' monitor states once: ${calls}`);

    const chart = (await people.operator.ok('GET', chartPath(TORQUE))) as unknown as SpcChartView;

    assert.equal(chart.chart, 'i-mr');
    assert.equal(chart.source, 'data');
    assert.deepEqual(
      chart.points.map((p) => p.value),
      [4.01, 3.98, 4.03],
    );
    assert.ok(chart.points.every((p) => p.subgroupId?.startsWith(`${orderId}~10~`)));
    assert.deepEqual(chart.spec, { lsl: 3.5, usl: 4.5, unit: 'Nm', source: 'routing' });
    assert.equal(chart.limits, null);
    assert.equal(chart.notEnoughData?.message, 'not enough data: 3 of 20 values');
    assert.equal(chart.capability, null);
    assert.equal(chart.capabilityNotEnoughData?.need, 30);
  });

  it('keeps each order’s values in items of their own, so reports of two orders never write one item; the chart shows both', async () => {
    const other = (await orderAt(people, 'RUNNING', { routingId: PLANT.routing })).id;
    await people.operator.ok('POST', `/v1/work-orders/${other}/operations/10/report`, { data: { screwTorque: 4.02 } });

    const items = await partitionItems(keys.spcPartition(tenant, TORQUE), 'V#');
    const writer = (sk: unknown) => String(sk).split('#')[2];
    assert.deepEqual(new Set(items.map((i) => writer(i.sk))), new Set([orderId, other]));
    assert.deepEqual(items.filter((i) => writer(i.sk) === other).flatMap((i) => i.v as unknown[]).length, 1);
    assert.equal(
      (await partitionItems(keys.spcPartition(tenant, TORQUE), 'STATE')).length,
      0,
      'without a baseline, a report writes nothing on the state item that writers of other orders would meet on',
    );

    const chart = (await people.operator.ok('GET', chartPath(TORQUE))) as unknown as SpcChartView;
    assert.deepEqual(
      chart.points.map((p) => p.value),
      [4.01, 3.98, 4.03, 4.02],
    );
  });

  it('refuses to freeze a baseline from too few points, writing nothing', async () => {
    const reply = await people.quality.post(baselinePath(TORQUE), { ...SEED, chart: 'imr', reason: 'first look' });

    assertProblem(reply, 422, { type: 'urn:mes:problem:not-enough-data' });
    assert.match(reply.body.detail, /not enough data: 0 of 20 values/);
    assert.deepEqual(await partitionItems(keys.spcPartition(tenant, TORQUE), 'BASE#'), []);
  });

  it('lets quality freeze a baseline (not an operator), audited, with its event; the chart then uses it', async () => {
    await putSpcSamples(tenant, individuals(TORQUE, SEED.from, 40, 4.0, 0.05));
    const body = { ...SEED, chart: 'i-mr', reason: 'process shown stable in January' };

    assertProblem(await people.operator.post(baselinePath(TORQUE), body), 403, { type: PROBLEM.forbidden });
    const baseline = await people.quality.ok('POST', baselinePath(TORQUE), body);

    assert.equal(baseline.version, 1);
    assert.equal(baseline.chart, 'i-mr');
    assert.equal(baseline.points, 40);
    assert.ok(baseline.limits.lcl < 4.0 && 4.0 < baseline.limits.ucl);
    const items = await partitionItems(keys.spcPartition(tenant, TORQUE));
    assert.equal(items.filter((i) => i.entity === 'Audit' && i.action === 'freezeBaseline').length, 1);
    assert.equal(items.filter((i) => i.entity === 'OutboxEvent' && i.type === 'quality.baseline-frozen').length, 1);

    const chart = (await people.supervisor.ok('GET', chartPath(TORQUE, SEED))) as unknown as SpcChartView;
    assert.equal(chart.limitsFrom, 'baseline');
    assert.equal(chart.baselineVersion, 1);
    assert.deepEqual(chart.limits, baseline.limits);
    assert.equal(chart.points.length, 40);
    assert.equal(chart.capability?.count, 40);
    assert.ok((chart.capability?.cpk ?? 0) > 1);

    const again = await people.admin.ok('POST', baselinePath(TORQUE), { ...body, reason: 'again' });
    assert.equal(again.version, 2);
    assert.equal((await partitionItems(keys.spcPartition(tenant, TORQUE), 'BASE#')).length, 2, 'a baseline is never rewritten');
  });

  it('writes a quality.spc-violation event with the value that broke a rule, in the report’s transaction', async () => {
    await report(4.0);
    assert.equal((await partitionItems(keys.spcPartition(tenant, TORQUE), 'EVT#')).filter((e) => e.type === 'quality.spc-violation').length, 0);

    await report(4.4);

    const violations = (await partitionItems(keys.spcPartition(tenant, TORQUE), 'EVT#')).filter((e) => e.type === 'quality.spc-violation');
    assert.equal(violations.length, 1);
    const event = violations[0] as { characteristicId: string; sequence: number; data: Record<string, any> };
    assert.equal(event.characteristicId, TORQUE);
    assert.equal(event.data.point.value, 4.4);
    assert.equal(event.data.workOrderId, orderId);
    assert.equal(event.data.seq, 10);
    assert.equal(event.data.baselineVersion, 2);
    assert.deepEqual(
      event.data.rules.map((r: { rule: number }) => r.rule),
      [1],
    );
    assert.equal(event.sequence, 3, 'after the two baseline-frozen events');
    const state = (await partitionItems(keys.spcPartition(tenant, TORQUE), 'STATE'))[0] as { recent: unknown[] };
    assert.equal(state.recent.length, 2);
  });

  it('lets concurrent writers of one monitored characteristic each judge their point: the state’s version condition makes one retry', async () => {
    const service = new SpcService(new DynamoDbSpcRepository(), new DynamoDbMasterDataRepository(), undefined);
    const before = (await partitionItems(keys.spcPartition(tenant, TORQUE), 'STATE'))[0] as { version: number; recent: unknown[] };
    const at = new Date(Date.now() - 60_000).toISOString();
    setTurnTaking(false);
    try {
      const results = await Promise.all(
        [4.01, 3.99, 4.0].map((v, i) => service.write(tenant, [{ characteristicId: TORQUE, subgroupId: `direct-${i}`, at, values: [v] }])),
      );
      assert.deepEqual(results, [[], [], []]);
    } finally {
      setTurnTaking(true);
    }
    const after = (await partitionItems(keys.spcPartition(tenant, TORQUE), 'STATE'))[0] as { version: number; recent: unknown[] };
    assert.equal(after.version, before.version + 3);
    assert.equal(after.recent.length, before.recent.length + 3);
  });

  it('charts a machine process value as minute means, an individuals chart', async () => {
    const press = unit(tenant, PLANT.workUnit);
    const start = Math.floor((Date.now() - 30 * MINUTE) / MINUTE) * MINUTE;
    await ingestAll([
      press.process(start + 5_000, { meltTemp: 200 }),
      press.process(start + 35_000, { meltTemp: 202 }),
      press.process(start + MINUTE + 10_000, { meltTemp: 205 }),
      press.process(start + 2 * MINUTE + 10_000, { meltTemp: 199 }),
    ]);
    const id = `proc:${PLANT.workUnit}:meltTemp`;

    const chart = (await people.quality.ok(
      'GET',
      chartPath(id, { from: new Date(start).toISOString(), to: new Date(start + 10 * MINUTE).toISOString() }),
    )) as unknown as SpcChartView;

    assert.equal(chart.source, 'proc');
    assert.equal(chart.chart, 'i-mr');
    assert.deepEqual(
      chart.points.map((p) => [p.at, p.value]),
      [
        [new Date(start).toISOString(), 201],
        [new Date(start + MINUTE).toISOString(), 205],
        [new Date(start + 2 * MINUTE).toISOString(), 199],
      ],
    );
    assert.equal(chart.spec.source, 'none');
    assertProblem(await people.quality.get(chartPath(`proc:no-such-unit:meltTemp`)), 404, { type: PROBLEM.notFound });
  });

  it('charts an inspection plan’s characteristics: spec limits from the plan, a p chart for a pass/fail one', async () => {
    // The plan as the inspection context stores it (master data kind `inspection-plan`).
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.masterData(tenant, 'inspection-plan' as MasterDataKind, 'PLAN-BORE'),
          id: 'PLAN-BORE',
          characteristics: [
            { id: 'bore', name: 'Bore', kind: 'variable', unit: 'MMT', nominal: 12, lsl: 11.9, usl: 12.1 },
            { id: 'visual', name: 'Visual', kind: 'attribute', defectCodes: [{ code: 'SCRATCH', name: 'Scratch' }] },
          ],
        },
      }),
    );
    const start = Date.parse('2026-02-01T00:00:00Z');
    const at = (i: number) => new Date(start + i * 3_600_000).toISOString();
    await putSpcSamples(tenant, [
      ...Array.from({ length: 3 }, (_, i) => ({
        characteristicId: 'insp:PLAN-BORE:bore',
        subgroupId: `i${i}#1`,
        at: at(i),
        values: [12, 12.02, 11.99],
      })),
      ...Array.from({ length: 22 }, (_, i) => ({
        characteristicId: 'insp:PLAN-BORE:visual',
        subgroupId: `i${i}#1`,
        at: at(i),
        values: attributeValues(20, i % 3),
      })),
    ]);
    const window = { from: at(0), to: at(30) };

    const bore = (await people.quality.ok('GET', chartPath('insp:PLAN-BORE:bore', window))) as unknown as SpcChartView;
    const visual = (await people.quality.ok('GET', chartPath('insp:PLAN-BORE:visual', window))) as unknown as SpcChartView;

    assert.deepEqual(bore.spec, { lsl: 11.9, usl: 12.1, nominal: 12, unit: 'MMT', source: 'inspection-plan' });
    assert.equal(bore.chart, 'xbar-r');
    assert.equal(bore.subgroupSize, 3);
    assert.equal(visual.chart, 'p');
    assert.equal(visual.limitsFrom, 'data');
    assert.equal(visual.points.length, 22);
    assert.equal(visual.points[1]?.value, 1 / 20);
    assertProblem(await people.quality.get(chartPath('insp:PLAN-BORE:nope', window)), 404, { type: PROBLEM.notFound });
  });

  it('puts a recorded inspection’s values on its characteristics’ charts: a subgroup, and a pass/fail count', async () => {
    await people.planner.ok('PUT', '/v1/routings/RT-SPC-INSP', {
      materialId: PLANT.product,
      operations: [{ seq: 10, name: 'Assemble', workCenterId: 'wc-assembly' }],
    });
    await people.quality.ok('PUT', '/v1/inspection-plans/IP-SPC', {
      name: 'Torque every 5',
      materialId: PLANT.product,
      routingId: 'RT-SPC-INSP',
      operationSeq: 10,
      characteristics: [
        { id: 'torque', name: 'Screw torque', kind: 'variable', unit: 'MMT', nominal: 4, lsl: 3.5, usl: 4.5 },
        { id: 'visual', name: 'Visual', kind: 'attribute', defectCodes: [{ code: 'SCR', name: 'Scratch' }] },
      ],
      sampling: { kind: 'every-n', every: 5, sampleSize: 2 },
    });
    const order = await orderAt(people, 'RUNNING', { routingId: 'RT-SPC-INSP' });
    await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 5 });
    const inspection = `${order.id}~10~IP-SPC~1`;
    await people.operator.ok('POST', `/v1/inspections/${inspection}/results`, {
      results: [
        { characteristicId: 'torque', values: [4.1, 3.9] },
        { characteristicId: 'visual', defectives: 1, defects: [{ code: 'SCR', count: 1 }] },
      ],
    });

    const torque = (await people.quality.ok('GET', chartPath('insp:IP-SPC:torque'))) as unknown as SpcChartView;
    const visual = (await people.quality.ok('GET', chartPath('insp:IP-SPC:visual'))) as unknown as SpcChartView;

    assert.equal(torque.chart, 'xbar-r');
    assert.deepEqual(
      torque.points.map((p) => [p.subgroupId, p.n, p.value, Number(p.spread?.toFixed(6))]),
      [[`${inspection}#1`, 2, 4, 0.2]],
    );
    assert.deepEqual(torque.spec, { lsl: 3.5, usl: 4.5, nominal: 4, unit: 'MMT', source: 'inspection-plan' });
    assert.equal(visual.chart, 'p');
    assert.deepEqual(
      visual.points.map((p) => [p.n, p.value]),
      [[2, 0.5]],
    );
  });

  it('shows another tenant nothing of a characteristic: 404', async () => {
    const outsider = await staff(mes, newTenant());

    assertProblem(await outsider.admin.get(chartPath(TORQUE, SEED)), 404, { type: PROBLEM.notFound });
    assertProblem(await outsider.quality.post(baselinePath(TORQUE), { ...SEED, chart: 'i-mr', reason: 'x' }), 404, { type: PROBLEM.notFound });
  });

  it('refuses a window longer than 92 days, naming the field', async () => {
    const reply = await people.quality.get(chartPath(TORQUE, { from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }));
    assertProblem(reply, 400, { type: PROBLEM.invalidInput, pointers: ['/query/from'] });
  });
});

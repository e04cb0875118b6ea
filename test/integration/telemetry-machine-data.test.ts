import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Api, type Mes, as, newTenant, startMes } from '../e2e/support/mes.ts';
import { ingestAll, unit } from '../e2e/support/telemetry.ts';

describe('machine data of a work order', () => {
  let mes: Mes;
  let tenant: string;
  let admin: Api;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    admin = await as(mes, tenant, 'u-admin', ['admin']);
  });
  after(async () => {
    await mes?.stop();
  });

  it("counts what the machine made and measured while the operation ran, against the order's limits", async () => {
    // Prepare: a press under a line; a routing that records temperature between 70 and 81.
    await admin.ok('PUT', '/v1/equipment/line-1', { name: 'Line 1', level: 'workCenter' });
    await admin.ok('PUT', '/v1/equipment/press-1', { name: 'Press 1', level: 'workUnit', parentId: 'line-1' });
    await admin.ok('PUT', '/v1/materials/FG-1', { name: 'Bracket', uom: 'ea' });
    await admin.ok('PUT', '/v1/routings/RT-1', {
      materialId: 'FG-1',
      operations: [{ seq: 10, name: 'Press', workCenterId: 'line-1', dataToRecord: [{ name: 'temp', type: 'number', min: 70, max: 81 }] }],
    });
    await admin.ok('POST', '/v1/work-orders', {
      id: 'WO-MD-1',
      materialId: 'FG-1',
      quantity: 100,
      routingId: 'RT-1',
      dueDate: '2030-01-01T00:00:00Z',
    });
    await admin.ok('POST', '/v1/work-orders/WO-MD-1/release', {});
    await admin.ok('POST', '/v1/work-orders/WO-MD-1/operations/10/start', {});
    await admin.ok('POST', '/v1/work-orders/WO-MD-1/operations/10/report', { goodQty: 11, scrapQty: 1, scrapReasonCode: 'SURF' });
    const t0 = Date.now();
    const press = unit(tenant, 'press-1', () => t0 + 10_000);
    await ingestAll([
      press.counts(t0 + 100, 1000, 50),
      press.counts(t0 + 1100, 1006, 51),
      press.counts(t0 + 2100, 1012, 53),
      press.process(t0 + 500, { temp: 80 }),
      press.process(t0 + 1500, { temp: 82 }),
      press.process(t0 + 1500, { temp: 82 }, 'dup'),
    ]);
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 2200 - Date.now())));

    // Act
    const data = await admin.ok<{ operations: Record<string, any>[] }>('GET', '/v1/work-orders/WO-MD-1/machine-data');

    // Assess: counts between the first and last reading; the redelivered second counted once.
    const [op] = data.operations;
    assert.deepEqual(
      { good: op?.machineGoodQty, reject: op?.machineRejectQty, reportedGood: op?.reportedGoodQty, reportedScrap: op?.reportedScrapQty },
      { good: 12, reject: 3, reportedGood: 11, reportedScrap: 1 },
    );
    assert.deepEqual(op?.process.temp, { count: 2, min: 80, max: 82, mean: 81, last: 82, outOfLimits: 1 });
  });

  it('is a 404 for an order of another tenant', async () => {
    const other = await as(mes, newTenant(), 'u-admin', ['admin']);
    const reply = await other.get('/v1/work-orders/WO-MD-1/machine-data');
    assert.equal(reply.status, 404);
  });
});

/**
 * Units of measure over HTTP: a material's unit must be one the MES knows (stored as its code),
 * a whole-unit material takes whole quantities only in every input path (create, report,
 * complete, ERP JSON, B2MML, an ERP update), a measured one keeps its unit's decimals, the
 * overrun limit is floored to whole units, and outgoing events say what unit they count.
 * Every refusal is a 422 at the field and writes nothing.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { keys } from '#shared/db/keys.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';
import {
  type Api,
  type Mes,
  PLANT,
  type Reply,
  type Staff,
  assertProblem,
  buildPlant,
  createOrder,
  inDays,
  newTenant,
  orderAt,
  snapshot,
  staff,
  startMes,
  storedItems,
} from '../e2e/support/mes.ts';

process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');

const UNIT = 'urn:mes:problem:unit-of-measure';
const WHOLE_PUMPS = 'must be a whole number of pcs (each, EA)';
const GREASE = 'GREASE-1';
const GREASE_ROUTING = 'RT-GREASE';

describe('units of measure', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let credential: { id: string; secret: string };

  /** A signed delivery to the inbound ERP endpoint, as an ERP sends it. */
  const erp = async (body: string, contentType = 'application/json'): Promise<Reply> => {
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    return people.anonymous.request('POST', `/v1/integrations/erp/events?credential=${credential.id}`, {
      rawBody: body,
      headers: {
        'content-type': contentType,
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(credential.secret).sign(id, now, body),
      },
    });
  };
  const erpOrder = (id: string, changes: Record<string, unknown> = {}) =>
    JSON.stringify({
      type: 'production-order.upserted',
      timestamp: new Date().toISOString(),
      data: {
        id,
        materialDefinitionId: PLANT.product,
        quantity: 10,
        operationsDefinitionId: PLANT.quickRouting,
        latestEndTime: inDays(10),
        ...changes,
      },
    });

  /** A request that must be a 422 unit-of-measure problem at `pointer`, saying `detail`, and change nothing of the order. */
  async function refusedOnOrder(orderId: string, send: () => Promise<Reply>, pointer: string, detail: string | RegExp) {
    const beforeAct = await snapshot(people.supervisor, tenant, orderId);
    const reply = await send();
    const problem = assertProblem(reply, 422, { type: UNIT, pointers: [pointer] });
    const error = (problem.errors as { pointer: string; detail: string }[]).find((e) => e.pointer === pointer);
    if (typeof detail === 'string') assert.equal(error?.detail, detail);
    else assert.match(error?.detail ?? '', detail);
    assert.deepEqual(await snapshot(people.supervisor, tenant, orderId), beforeAct, 'a refused request wrote something');
  }

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    await people.planner.ok('PUT', `/v1/materials/${GREASE}`, { name: 'Bearing grease', uom: 'kg', materialType: 'raw' });
    await people.planner.ok('PUT', `/v1/routings/${GREASE_ROUTING}`, {
      materialId: GREASE,
      operations: [{ seq: 10, name: 'Mix', workCenterId: 'wc-pack' }],
    });
    credential = (await people.admin.post('/v1/integration-credentials', { name: 'ERP' })).body;
  });
  after(async () => {
    await mes?.stop();
  });

  describe('materials', () => {
    it('stores a known unit as its code: an alias in any case is accepted', async () => {
      const stored = await people.planner.ok('PUT', '/v1/materials/M-ALIAS', { name: 'Alias', uom: 'ea' });
      assert.equal(stored.uom, 'EA');
      assert.equal((await people.planner.ok('PUT', '/v1/materials/M-ST', { name: 'SAP piece', uom: 'st' })).uom, 'H87');
      assert.equal((await people.planner.ok('PUT', '/v1/materials/M-LTR', { name: 'Oil', uom: 'LTR' })).uom, 'LTR');
    });

    it('refuses an unknown unit with 422 at /body/uom naming the allowed codes, and writes nothing', async () => {
      const reply = await people.planner.put('/v1/materials/M-BAD', { name: 'Bad', uom: 'pounds' });
      const problem = assertProblem(reply, 422, { type: UNIT, pointers: ['/body/uom'] });
      assert.match(problem.detail as string, /pounds is not a unit of measure.*EA, H87.*KGM.*LTR.*MTR/);
      assertProblem(await people.planner.get('/v1/materials/M-BAD'), 404);
    });

    it('refuses an unknown BOM component unit at its pointer, and stores a known one as its code', async () => {
      const bom = (uom: string) => ({ materialId: PLANT.product, components: [{ materialId: 'HSG-1', quantityPer: 1, uom, operationSeq: 10 }] });
      assertProblem(await people.planner.put('/v1/boms/BOM-BAD-UOM', bom('bananas')), 422, { type: UNIT, pointers: ['/body/components/0/uom'] });
      assertProblem(await people.planner.get('/v1/boms/BOM-BAD-UOM'), 404);
      const stored = await people.planner.ok('PUT', '/v1/boms/BOM-UOM', bom('pcs'));
      assert.equal(stored.components[0].uom, 'H87');
    });

    it('ERP material sync: an unknown unit is 422 at the ERP field; an alias is stored as its code', async () => {
      const material = (unitOfMeasure: string) =>
        JSON.stringify({ type: 'material.upserted', data: { id: 'M-ERP-UOM', description: 'From the ERP', unitOfMeasure } });
      assertProblem(await erp(material('XYZ')), 422, { type: UNIT, pointers: ['/body/data/unitOfMeasure'] });
      assertProblem(await people.planner.get('/v1/materials/M-ERP-UOM'), 404);
      assert.equal((await erp(material('KG'))).status, 200);
      assert.equal((await people.planner.ok('GET', '/v1/materials/M-ERP-UOM')).uom, 'KGM');
      const bom = JSON.stringify({
        type: 'bom.upserted',
        data: {
          id: 'BOM-ERP-UOM',
          materialDefinitionId: PLANT.product,
          components: [{ materialDefinitionId: 'HSG-1', quantity: 1, unitOfMeasure: 'XYZ', operationSequence: 10 }],
        },
      });
      assertProblem(await erp(bom), 422, { type: UNIT, pointers: ['/body/data/components/0/unitOfMeasure'] });
    });
  });

  describe('creating an order', () => {
    it('copies the material name and unit onto the order', async () => {
      const order = await createOrder(people.planner, { quantity: 12 });
      assert.equal(order.materialName, 'Pump');
      assert.equal(order.uom, 'EA');
    });

    it('refuses 2.5 pumps with 422 at /body/quantity in plain words, and writes no order', async () => {
      const id = 'WO-HALF-PUMP';
      const reply = await people.planner.post('/v1/work-orders', {
        id,
        materialId: PLANT.product,
        quantity: 2.5,
        routingId: PLANT.quickRouting,
        dueDate: inDays(3),
        priority: 500,
      });
      const problem = assertProblem(reply, 422, { type: UNIT, pointers: ['/body/quantity'] });
      assert.deepEqual(problem.errors, [{ pointer: '/body/quantity', detail: WHOLE_PUMPS }]);
      assertProblem(await people.planner.get(`/v1/work-orders/${id}`), 404);
      assert.deepEqual(await storedItems(tenant, id), []);
    });

    it('keeps decimals for a measured material up to its unit precision', async () => {
      const create = (quantity: number) =>
        people.planner.post('/v1/work-orders', { materialId: GREASE, quantity, routingId: GREASE_ROUTING, dueDate: inDays(3), priority: 500 });
      const ok = await create(2.5);
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.body.uom, 'KGM');
      assert.equal((await create(1.125)).status, 201);
      const tooFine = await create(1.0005);
      assertProblem(tooFine, 422, { type: UNIT, pointers: ['/body/quantity'] });
      assert.match(tooFine.body.detail, /at most 3 decimal places in kg/);
    });

    it('ERP JSON: a fractional quantity of a whole-unit material is 422 at /body/data/quantity', async () => {
      const reply = await erp(erpOrder('PO-HALF', { quantity: 7.5 }));
      assertProblem(reply, 422, { type: UNIT, pointers: ['/body/data/quantity'] });
      assert.match(reply.body.detail, new RegExp(WHOLE_PUMPS.replace(/[()]/g, '\\$&')));
      assertProblem(await people.planner.get('/v1/work-orders/PO-HALF'), 404);
    });

    it("ERP JSON: an order in the ERP's alias for the material's unit is accepted ('ST' for EA)", async () => {
      const reply = await erp(erpOrder('PO-ST', { unitOfMeasure: 'ST' }));
      assert.equal(reply.status, 200, reply.text);
      assert.equal((await people.planner.ok('GET', '/v1/work-orders/PO-ST')).uom, 'EA');
    });

    it('ERP JSON: an update to a fractional quantity is refused and changes nothing', async () => {
      assert.equal((await erp(erpOrder('PO-UPD'))).status, 200);
      await refusedOnOrder('PO-UPD', () => erp(erpOrder('PO-UPD', { quantity: 12.5 })), '/body/data/quantity', WHOLE_PUMPS);
    });

    it('B2MML: a fractional QuantityString is 422 at its pointer into the document, and writes nothing', async () => {
      const xml =
        '<?xml version="1.0" encoding="UTF-8"?>\n<ProductionSchedule xmlns="http://www.mesa.org/xml/B2MML"><ProductionRequest><ID>PO-B2MML-HALF</ID>' +
        `<ProductProductionRuleID>${PLANT.quickRouting}</ProductProductionRuleID><SegmentRequirement><LatestEndTime>2030-01-11T00:00:00.000Z</LatestEndTime>` +
        `<MaterialProducedRequirement><MaterialDefinitionID>${PLANT.product}</MaterialDefinitionID><Quantity><QuantityString>3.5</QuantityString>` +
        '<UnitOfMeasure>ea</UnitOfMeasure></Quantity></MaterialProducedRequirement></SegmentRequirement></ProductionRequest></ProductionSchedule>';
      const reply = await erp(xml, 'application/xml');
      const pointer = '/body/ProductionSchedule/ProductionRequest/0/SegmentRequirement/0/MaterialProducedRequirement/0/Quantity/0/QuantityString';
      const problem = assertProblem(reply, 422, { type: UNIT, pointers: [pointer] });
      assert.deepEqual(problem.errors, [{ pointer, detail: WHOLE_PUMPS }]);
      assertProblem(await people.planner.get('/v1/work-orders/PO-B2MML-HALF'), 404);
    });
  });

  describe('reporting and completing', () => {
    const report = (api: Api, id: string, action: 'report' | 'complete', body: unknown) => () =>
      api.post(`/v1/work-orders/${id}/operations/10/${action}`, body);

    it('refuses 1.5 good or 0.5 scrap pumps in a report, each at its field', async () => {
      const order = await orderAt(people, 'RUNNING');
      await refusedOnOrder(order.id, report(people.operator, order.id, 'report', { goodQty: 1.5, scrapQty: 0 }), '/body/goodQty', WHOLE_PUMPS);
      await refusedOnOrder(
        order.id,
        report(people.operator, order.id, 'report', { goodQty: 1, scrapQty: 0.5, scrapReasonCode: 'DAMAGED' }),
        '/body/scrapQty',
        WHOLE_PUMPS,
      );
      await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 2, scrapQty: 0 });
    });

    it('refuses a fractional complete', async () => {
      const order = await orderAt(people, 'RUNNING');
      await refusedOnOrder(order.id, report(people.operator, order.id, 'complete', { goodQty: 9.5 }), '/body/goodQty', WHOLE_PUMPS);
    });

    it('accepts decimals of a measured material up to its precision', async () => {
      const created = await people.planner.ok('POST', '/v1/work-orders', {
        materialId: GREASE,
        quantity: 5,
        routingId: GREASE_ROUTING,
        dueDate: inDays(3),
        priority: 500,
      });
      await people.supervisor.ok('POST', `/v1/work-orders/${created.id}/release`);
      await people.operator.ok('POST', `/v1/work-orders/${created.id}/operations/10/start`);
      const after = await people.operator.ok('POST', `/v1/work-orders/${created.id}/operations/10/report`, { goodQty: 1.25, scrapQty: 0 });
      assert.equal(after.operations[0].goodQty, 1.25);
      await refusedOnOrder(
        created.id,
        report(people.operator, created.id, 'report', { goodQty: 0.0001, scrapQty: 0 }),
        '/body/goodQty',
        /at most 3 decimal places in kg/,
      );
    });

    it('an order from before units were copied checks against its material', async () => {
      const order = await orderAt(people, 'RUNNING');
      // As stored before orders copied their unit: no uom on the header.
      await testDocClient().send(
        new UpdateCommand({ TableName: testTableName(), Key: keys.workOrder(tenant, order.id), UpdateExpression: 'REMOVE uom, materialName' }),
      );
      assert.equal((await people.operator.ok('GET', `/v1/work-orders/${order.id}`)).uom, undefined);
      await refusedOnOrder(order.id, report(people.operator, order.id, 'report', { goodQty: 0.5, scrapQty: 0 }), '/body/goodQty', WHOLE_PUMPS);
    });
  });

  describe('the overrun limit', () => {
    it('is floored to whole units: 50 pumps + 5% may pass on 52, not 52.5', async () => {
      await people.admin.ok('PUT', '/v1/tenant-settings', { overrunTolerancePct: 5 });
      try {
        const order = await orderAt(people, 'RUNNING', { quantity: 50 });
        const over = await people.operator.post(`/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 53, scrapQty: 0 });
        const problem = assertProblem(over, 409);
        assert.match(problem.detail as string, /more than the 52 it may pass on/);
        await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/report`, { goodQty: 52, scrapQty: 0 });
      } finally {
        await people.admin.ok('PUT', '/v1/tenant-settings', { overrunTolerancePct: 0 });
      }
    });
  });

  describe('outgoing events', () => {
    it('carry the unit of their quantities', async () => {
      const order = await orderAt(people, 'COMPLETED');
      const events = (await storedItems(tenant, order.id)).filter((i) => String(i.sk).startsWith('EVT#'));
      assert.ok(events.length >= 3, JSON.stringify(events.map((e) => e.sk)));
      for (const event of events) assert.equal((event.data as { uom?: string }).uom, 'EA', JSON.stringify(event));
    });
  });
});

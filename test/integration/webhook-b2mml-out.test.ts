/**
 * B2MML out, through the whole local runtime: an ERP that speaks B2MML subscribes an endpoint
 * with `format: 'b2mml'`; an order consumes a lot and reports; the ERP's receiver gets each
 * production event as a ProductionPerformance document (application/xml), signed with
 * Standard Webhooks over the XML, with the lot as a MaterialActual Consumed. A JSON endpoint of
 * the same plant gets the same event as JSON. A b2mml endpoint cannot subscribe to events with
 * no B2MML form (400, naming each), and an endpoint that says nothing stays JSON.
 *
 * Produced lots and serials (material.produced) are not relied on here: their document is
 * unit-tested from a hand-made event (test/unit/b2mml-production-performance.test.ts).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Webhook } from 'standardwebhooks';
import type { MaterialLot } from '#shared/domain/tracking/model.ts';
import { type Mes, PLANT, PROBLEM, type Staff, assertProblem, buildPlant, newTenant, orderAt, staff, startMes } from '../e2e/support/mes.ts';

const HSG = PLANT.components[0];

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver that keeps every request whose signature verifies with its secret. */
async function receiver() {
  let secret = '';
  const deliveries: Delivery[] = [];
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        // The body is not JSON for a b2mml endpoint: verify the signature only.
        new Webhook(secret).verify(body, req.headers as Record<string, string>, { jsonParse: false });
        deliveries.push({ headers: req.headers, body });
        res.writeHead(204).end();
      } catch (error) {
        refused.push(String(error));
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/erp/b2mml`,
    deliveries,
    refused,
    useSecret: (s: string) => (secret = s),
    /** Waits (real time) until `done()` holds. */
    async until(done: () => boolean, what: string, timeoutMs = 20_000) {
      for (const deadline = Date.now() + timeoutMs; !done(); ) {
        assert.ok(Date.now() < deadline, `waited ${timeoutMs} ms for ${what}; got ${deliveries.length} deliveries`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Node = Record<string, any>;
const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false });
const performanceOf = (d: Delivery): Node => (parser.parse(d.body) as Node).ProductionPerformance as Node;

describe('B2MML out: production events as ProductionPerformance documents', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let erp: Awaited<ReturnType<typeof receiver>>;
  let json: Awaited<ReturnType<typeof receiver>>;

  before(async () => {
    mes = await startMes();
    erp = await receiver();
    json = await receiver();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    // The housing is lot tracked and consumed at operation 10.
    await people.planner.ok('PUT', `/v1/materials/${HSG}`, { name: 'Pump housing', uom: 'ea', materialType: 'raw', tracking: 'lot' });
  });
  after(async () => {
    await mes?.stop();
    await erp?.close();
    await json?.close();
  });

  it('sends a signed ProductionPerformance with the consumed lot as MaterialActual Consumed, and JSON to a json endpoint', async () => {
    // Prepare: the ERP's B2MML endpoint, and a JSON one for the same movement.
    const b2mml = await people.admin.ok('POST', '/v1/webhook-endpoints', {
      url: erp.url,
      format: 'b2mml',
      eventTypes: ['material.consumed', 'production.reported', 'operation.completed', 'work-order.completed'],
    });
    assert.equal(b2mml.format, 'b2mml');
    erp.useSecret(b2mml.secret);
    const plain = await people.admin.ok('POST', '/v1/webhook-endpoints', { url: json.url, eventTypes: ['material.consumed'] });
    assert.equal(plain.format, 'json', 'an endpoint that names no format is JSON');
    json.useSecret(plain.secret);
    const lot = await people.supervisor.ok<MaterialLot>('POST', '/v1/lots', { materialId: HSG, quantity: 10, supplierLot: 'S-7' });
    const order = await orderAt(people, 'RUNNING', { quantity: 5 });
    const op = `/v1/work-orders/${order.id}/operations/10`;

    // Act: the order consumes 3 of the lot, reports 2 good and 1 scrap, then completes.
    await people.operator.ok('POST', `${op}/consume`, { lotId: lot.id, quantity: 3 });
    await people.operator.ok('POST', `${op}/report`, { goodQty: 2, scrapQty: 1, scrapReasonCode: 'HANDLING' });
    await people.operator.ok('POST', `${op}/complete`, { goodQty: 0 });

    // Assess: every subscribed event of the order came as a verified B2MML document.
    const expected = ['material.consumed', 'production.reported', 'operation.completed', 'work-order.completed'];
    const arrived = () => new Set(erp.deliveries.map((d) => performanceOf(d).Description));
    await erp.until(() => expected.every((t) => arrived().has(t)), 'the order’s B2MML documents');
    assert.deepEqual(erp.refused, []);
    for (const d of erp.deliveries) {
      assert.equal(d.headers['content-type'], 'application/xml');
      assert.equal(XMLValidator.validate(d.body), true, 'well-formed');
      const doc = performanceOf(d);
      assert.equal(doc['@_xmlns'], 'http://www.mesa.org/xml/B2MML-V0600');
      assert.equal(doc.ID, d.headers['webhook-id'], 'the document ID is the webhook-id: deduplicate on either');
      assert.equal(doc.ProductionResponse.ID, order.id);
      assert.equal(doc.HierarchyScope.EquipmentID, tenant);
    }
    const byType = (type: string) => erp.deliveries.map(performanceOf).filter((doc) => doc.Description === type);

    const [consumed] = byType('material.consumed');
    const segment = consumed?.ProductionResponse.SegmentResponse as Node;
    assert.equal(segment.ID, '10');
    assert.equal(segment.ActualEndTime, consumed?.PublishedDate);
    assert.deepEqual(segment.EquipmentActual, { EquipmentID: 'wc-pack' });
    assert.deepEqual(segment.PersonnelActual, { PersonID: 'u-operator' });
    assert.deepEqual(segment.MaterialActual, {
      MaterialDefinitionID: HSG,
      MaterialLotID: lot.id,
      MaterialUse: 'Consumed',
      Quantity: { QuantityString: '3', DataType: 'double', UnitOfMeasure: lot.uom },
    });

    const [report] = byType('production.reported').filter(
      (doc) => doc.ProductionResponse.SegmentResponse.ProductionData[0].Value.ValueString === '2',
    );
    assert.ok(report, 'the report of 2 good');
    assert.deepEqual(
      report.ProductionResponse.SegmentResponse.ProductionData.map((p: Node) => [p.ID, p.Value.ValueString, p.ProductionData?.ID]),
      [
        ['GoodQuantity', '2', undefined],
        ['ScrapQuantity', '1', 'HANDLING'],
      ],
    );
    const [completed] = byType('operation.completed');
    assert.equal(completed?.ProductionResponse.SegmentResponse.SegmentState, 'Completed');
    const [done] = byType('work-order.completed');
    assert.deepEqual([done?.ProductionResponse.ResponseState, done?.ProductionResponse.EndTime], ['Completed', done?.PublishedDate]);

    // The JSON endpoint got the same movement as JSON, under the same webhook-id.
    await json.until(() => json.deliveries.length >= 1, 'the JSON material.consumed');
    const asJson = JSON.parse(json.deliveries[0]?.body ?? '{}') as { id: string; type: string; data: Record<string, unknown> };
    assert.equal(json.deliveries[0]?.headers['content-type'], 'application/json');
    assert.deepEqual([asJson.type, asJson.data.lotId, asJson.data.consumedQty], ['material.consumed', lot.id, 3]);
    assert.equal(asJson.id, consumed?.ID);

    // The deliveries log shows each B2MML message, as b2mml, delivered.
    const log = await people.admin.ok('GET', `/v1/webhook-endpoints/${b2mml.id}/deliveries?limit=100`);
    assert.ok(log.items.length >= expected.length);
    for (const m of log.items) assert.deepEqual([m.format, m.status], ['b2mml', 'delivered']);
  });

  it('refuses a b2mml endpoint for event types with no B2MML form, naming each, and writes nothing', async () => {
    // Prepare
    const before = await people.admin.ok('GET', '/v1/webhook-endpoints?limit=100');

    // Act
    const mixed = await people.admin.post('/v1/webhook-endpoints', {
      url: erp.url,
      format: 'b2mml',
      eventTypes: ['material.consumed', 'lot.held', 'work-order.released'],
    });
    const unknown = await people.admin.post('/v1/webhook-endpoints', { url: erp.url, format: 'xml', eventTypes: ['material.consumed'] });

    // Assess
    assertProblem(mixed, 400, { type: PROBLEM.invalidInput, pointers: ['/body/eventTypes/1', '/body/eventTypes/2'] });
    assert.match(mixed.text, /lot\.held has no B2MML form/);
    assertProblem(unknown, 400, { type: PROBLEM.invalidInput, pointers: ['/body/format'] });
    const after = await people.admin.ok('GET', '/v1/webhook-endpoints?limit=100');
    assert.equal(after.items.length, before.items.length);
  });

  it('turns a JSON endpoint into a B2MML one only together with event types that have a B2MML form', async () => {
    // Prepare
    const endpoint = await people.admin.ok('POST', '/v1/webhook-endpoints', { url: json.url, eventTypes: ['work-order.released'] });
    const path = `/v1/webhook-endpoints/${endpoint.id}`;

    // Act
    const alone = await people.admin.request('PATCH', path, { body: { format: 'b2mml' } });
    const withTypes = await people.admin.request('PATCH', path, {
      body: { format: 'b2mml', eventTypes: ['material.consumed', 'production.reported'] },
    });

    // Assess
    assertProblem(alone, 400, { type: PROBLEM.invalidInput, pointers: ['/body/format'] });
    assert.match(alone.text, /work-order\.released/);
    assert.equal(withTypes.status, 200, withTypes.text);
    assert.deepEqual(
      [withTypes.body.format, withTypes.body.eventTypes, withTypes.body.version],
      ['b2mml', ['material.consumed', 'production.reported'], 2],
    );
    const back = await people.admin.request('PATCH', path, { body: { format: 'json', eventTypes: ['work-order.released'] } });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.format, 'json');
  });
});

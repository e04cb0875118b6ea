/**
 * B2MML ProductionSchedule documents on the inbound ERP endpoint: each ProductionRequest
 * creates or changes a work order, all of them and the receipt in one transaction; a document
 * with any refused request writes nothing; invalid XML is a 400 with pointers into it.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import { keys } from '#shared/db/keys.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';
import {
  type Mes,
  PLANT,
  type Reply,
  type Staff,
  assertProblem,
  buildPlant,
  newTenant,
  orderAt,
  snapshot,
  staff,
  startMes,
  storedItems,
} from '../e2e/support/mes.ts';

// The local runtime will set this itself (infra/local); until then the test gives it a key.
process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');

const fixture = (name: string) => readFileSync(new URL(`../fixtures/b2mml/${name}`, import.meta.url), 'utf8');
const REQ = '/body/ProductionSchedule/ProductionRequest';

const schedule = (...requests: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<ProductionSchedule xmlns="http://www.mesa.org/xml/B2MML">${requests.join('')}</ProductionSchedule>`;
const request = (id: string, { routing = PLANT.quickRouting as string, quantity = '10', end = '2030-01-11T00:00:00.000Z' } = {}) =>
  `<ProductionRequest><ID>${id}</ID><ProductProductionRuleID>${routing}</ProductProductionRuleID><SegmentRequirement>` +
  `<LatestEndTime>${end}</LatestEndTime><MaterialProducedRequirement><MaterialDefinitionID>${PLANT.product}</MaterialDefinitionID>` +
  `<Quantity><QuantityString>${quantity}</QuantityString><UnitOfMeasure>ea</UnitOfMeasure></Quantity></MaterialProducedRequirement></SegmentRequirement></ProductionRequest>`;

describe('ERP inbound B2MML', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let credential: { id: string; secret: string };

  const send = async (xml: string, contentType = 'application/xml', id = `msg_${randomUUID()}`): Promise<Reply & { webhookId: string }> => {
    const now = new Date();
    const reply = await people.anonymous.request('POST', `/v1/integrations/erp/events?credential=${credential.id}`, {
      rawBody: xml,
      headers: {
        'content-type': contentType,
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': new Webhook(credential.secret).sign(id, now, xml),
      },
    });
    return { ...reply, webhookId: id };
  };
  const receipt = async (webhookId: string) =>
    (
      await testDocClient().send(
        new GetCommand({ TableName: testTableName(), Key: keys.idempotency(tenant, 'erp-inbound', webhookId), ConsistentRead: true }),
      )
    ).Item;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    credential = (await people.admin.post('/v1/integration-credentials', { name: 'ERP (B2MML)' })).body;
  });
  after(async () => {
    await mes?.stop();
  });

  it('creates a work order per ProductionRequest of the sample document', async () => {
    // Act
    const reply = await send(fixture('production-schedule.xml'));
    // Assess
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(reply.body.results, [
      { entity: 'workOrder', id: 'PO-4711', outcome: 'created', version: 1 },
      { entity: 'workOrder', id: 'PO-4712', outcome: 'created', version: 1 },
    ]);
    const { body: first } = await people.supervisor.get('/v1/work-orders/PO-4711');
    assert.deepEqual(
      [first.materialId, first.quantity, first.routingId, first.workCenterId, first.priority, first.dueDate, first.createdBy],
      [PLANT.product, 250, PLANT.routing, 'wc-assembly', 100, '2030-01-10T16:00:00.000Z', `integration:${credential.id}`],
    );
    const { body: second } = await people.supervisor.get('/v1/work-orders/PO-4712');
    assert.deepEqual([second.dueDate, second.workCenterId, second.priority], ['2030-01-14T15:00:00.000Z', 'wc-pack', 500]);
  });

  it('reads the default-namespace sample as text/xml, keeping the order number as text', async () => {
    const reply = await send(fixture('production-schedule-default-namespace.xml'), 'text/xml');
    assert.deepEqual(reply.body.results, [{ entity: 'workOrder', id: '000815', outcome: 'created', version: 1 }], reply.text);
    const { body } = await people.supervisor.get('/v1/work-orders/000815');
    assert.deepEqual([body.quantity, body.priority, body.dueDate], [12, 7, '2030-02-03T14:00:00.000Z']);
  });

  it('changes, creates and leaves unchanged in one document, and a redelivery replays it', async () => {
    await send(schedule(request('PO-MIX-1'), request('PO-MIX-2')));
    const xml = schedule(request('PO-MIX-1', { quantity: '20' }), request('PO-MIX-2'), request('PO-MIX-3'));
    const reply = await send(xml);
    assert.deepEqual(
      reply.body.results.map((r: { outcome: string }) => r.outcome),
      ['updated', 'unchanged', 'created'],
      reply.text,
    );
    const beforeRetry = await snapshot(people.supervisor, tenant, 'PO-MIX-1');
    const retry = await send(xml, 'application/xml', reply.webhookId);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(retry.body, reply.body);
    assert.deepEqual(await snapshot(people.supervisor, tenant, 'PO-MIX-1'), beforeRetry);
  });

  it('writes nothing of a document when one of its requests is refused (one transaction)', async () => {
    const running = await orderAt(people, 'RUNNING');
    const beforeSend = await snapshot(people.supervisor, tenant, running.id);
    const reply = await send(schedule(request('PO-ALL-OR-NOTHING'), request(running.id, { quantity: '99' })));
    assert.match(String(assertProblem(reply, 409).detail), /has started production/);
    assert.deepEqual(await storedItems(tenant, 'PO-ALL-OR-NOTHING'), []);
    assert.deepEqual(await snapshot(people.supervisor, tenant, running.id), beforeSend);
    assert.equal(await receipt(reply.webhookId), undefined);
  });

  it('refuses unknown references with 422 and pointers into the document', async () => {
    const reply = await send(schedule(request('PO-X-1'), request('PO-X-2', { routing: 'RT-NOPE' })));
    assertProblem(reply, 422, { pointers: [`${REQ}/1/ProductProductionRuleID`] });
    assert.deepEqual(await storedItems(tenant, 'PO-X-1'), []);
  });

  it('refuses invalid XML and missing fields with 400 and pointers, and more than 20 requests with 413', async () => {
    const broken = await send('<ProductionSchedule xmlns="http://www.mesa.org/xml/B2MML"><ProductionRequest></ProductionSchedule>');
    assertProblem(broken, 400, { pointers: ['/body'] });
    const missing = await send(schedule('<ProductionRequest><SegmentRequirement/></ProductionRequest>'));
    assertProblem(missing, 400, {
      pointers: [
        `${REQ}/0/ID`,
        `${REQ}/0/ProductProductionRuleID`,
        `${REQ}/0/SegmentRequirement/0/MaterialProducedRequirement/0/MaterialDefinitionID`,
        `${REQ}/0/SegmentRequirement/0/LatestEndTime`,
      ],
    });
    const many = await send(schedule(...Array.from({ length: 21 }, (_, i) => request(`PO-MANY-${i}`))));
    assert.match(String(assertProblem(many, 413, { pointers: [REQ] }).detail), /at most 20/);
    assert.deepEqual(await storedItems(tenant, 'PO-MANY-0'), []);
    for (const r of [broken, missing, many]) assert.equal(await receipt(r.webhookId), undefined);
  });

  it('refuses a document with a DOCTYPE (no entity is ever expanded)', async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${schedule(request('PO-XXE')).replace(/^<\?xml[^>]*>\n/, '')}`;
    const reply = await send(xxe);
    assert.match(String(assertProblem(reply, 400).detail), /DOCTYPE/);
    assert.deepEqual(await storedItems(tenant, 'PO-XXE'), []);
  });
});

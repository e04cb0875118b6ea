/**
 * The API's edges as a client meets them: every error is RFC 9457 problem+json, bad input is
 * named by JSON pointer, lists page with an opaque cursor that cannot cross tenants, and the
 * OpenAPI document and the health check need no token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { routeList } from '#shared/api/routes.ts';
import type { AuditRecord, DispatchEntry, WorkOrder, WorkOrderDetail } from '#shared/api/schemas.ts';
import {
  type Api,
  type Mes,
  PLANT,
  PROBLEM,
  type Staff,
  allPages,
  assertProblem,
  buildPlant,
  createOrder,
  newTenant,
  orderAt,
  staff,
  startMes,
} from '../e2e/support/mes.ts';

describe('API errors, paging and self-description', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;
  let order: WorkOrderDetail;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    order = await orderAt(people, 'RELEASED');
  });
  after(async () => {
    await mes?.stop();
  });

  describe('problem+json', () => {
    it('400: type, title, status, detail, instance and errors[] with a pointer and detail each', async () => {
      const reply = await people.planner.post('/v1/work-orders', { materialId: PLANT.product, quantity: -5 });
      const problem = assertProblem(reply, 400, {
        type: PROBLEM.invalidInput,
        instance: '/v1/work-orders',
        pointers: ['/body/quantity', '/body/routingId', '/body/dueDate'],
      });
      assert.equal(problem.title, 'Invalid input');
      assert.equal(reply.headers.get('cache-control'), 'no-store');
    });

    it('401 without a token', async () => {
      assertProblem(await people.anonymous.get(`/v1/work-orders/${order.id}`), 401, {
        type: PROBLEM.unauthorized,
        instance: `/v1/work-orders/${order.id}`,
      });
    });

    it('403 for a role that may not', async () => {
      const reply = await people.operator.post('/v1/work-orders', {});
      const problem = assertProblem(reply, 403, { type: PROBLEM.forbidden, instance: '/v1/work-orders' });
      assert.match(String(problem.detail), /planner/, 'says which roles may');
    });

    it('404 for a record that does not exist', async () => {
      assertProblem(await people.operator.get('/v1/work-orders/WO-NOPE'), 404, { type: PROBLEM.notFound, instance: '/v1/work-orders/WO-NOPE' });
      assertProblem(await people.operator.get('/v1/materials/NOPE'), 404, { type: PROBLEM.notFound });
      assertProblem(await people.operator.get('/v1/work-orders/WO-NOPE/history'), 404, { type: PROBLEM.notFound });
    });

    it('409 for an illegal transition', async () => {
      const path = `/v1/work-orders/${order.id}/release`;
      const problem = assertProblem(await people.supervisor.post(path, {}), 409, { type: PROBLEM.illegalTransition, instance: path });
      assert.match(String(problem.detail), /RELEASED/, 'says the state it is in');
    });

    it('415 for a body that is not JSON', async () => {
      for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
        const reply = await people.supervisor.request('POST', `/v1/work-orders/${order.id}/hold`, {
          rawBody: type === 'application/xml' ? '<hold/>' : 'reason=x',
          headers: { 'content-type': type },
        });
        assertProblem(reply, 415, { type: PROBLEM.unsupportedMediaType });
      }
      const none = await people.supervisor.request('POST', `/v1/work-orders/${order.id}/hold`, {
        rawBody: '{"reason":"x"}',
        headers: { 'content-type': '' },
      });
      assertProblem(none, 415);
    });

    it('accepts JSON with a charset and the +json suffix', async () => {
      const held = await people.supervisor.request('POST', `/v1/work-orders/${order.id}/hold`, {
        rawBody: JSON.stringify({ reasonCode: 'MACHINE-DOWN' }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      assert.equal(held.status, 200, held.text);
      const resumed = await people.supervisor.request('POST', `/v1/work-orders/${order.id}/resume`, {
        rawBody: '{}',
        headers: { 'content-type': 'application/vnd.mes+json' },
      });
      assert.equal(resumed.status, 200, resumed.text);
      order = resumed.body;
    });

    it('404 and 405 from the gateway for paths and methods that are not routes, as problems too', async () => {
      assertProblem(await people.operator.get('/v1/nothing-here'), 404);
      const wrongMethod = await people.operator.request('DELETE', `/v1/work-orders/${order.id}`);
      assertProblem(wrongMethod, 405);
      assert.match(wrongMethod.headers.get('allow') ?? '', /GET/);
    });
  });

  describe('invalid input', () => {
    it('answers invalid JSON with 400 pointing at /body', async () => {
      for (const rawBody of ['{"reason": ', 'not json', '{"reason": "x",}']) {
        const reply = await people.supervisor.request('POST', `/v1/work-orders/${order.id}/hold`, {
          rawBody,
          headers: { 'content-type': 'application/json' },
        });
        assertProblem(reply, 400, { type: PROBLEM.invalidInput, pointers: ['/body'] });
      }
    });

    it('answers JSON that is not an object with 400 pointing at /body', async () => {
      for (const body of [[], 'a string', 42, null]) {
        const reply = await people.supervisor.post(`/v1/work-orders/${order.id}/hold`, body);
        assertProblem(reply, 400, { pointers: ['/body'] });
      }
    });

    it('answers unknown or out-of-range query values with 400 naming the parameter', async () => {
      const cases: [string, string][] = [
        ['/v1/work-orders?status=DONE', '/query/status'],
        ['/v1/work-orders?status=planned', '/query/status'],
        ['/v1/work-orders?workCenterId=no%20spaces', '/query/workCenterId'],
        ['/v1/work-orders?limit=0', '/query/limit'],
        ['/v1/work-orders?limit=101', '/query/limit'],
        ['/v1/work-orders?limit=2.5', '/query/limit'],
        ['/v1/work-orders?limit=ten', '/query/limit'],
        [`/v1/materials?cursor=${'x'.repeat(2049)}`, '/query/cursor'],
        [`/v1/work-orders/${order.id}/history?limit=-1`, '/query/limit'],
        ['/v1/work-centers/wc-pack/dispatch-list?limit=1000', '/query/limit'],
      ];
      for (const [path, pointer] of cases) {
        assertProblem(await people.operator.get(path), 400, { type: PROBLEM.invalidInput, pointers: [pointer] });
      }
    });
  });

  describe('paging', () => {
    const walk = async <T>(api: Api, path: string, limit: number) => {
      const pages: T[][] = [];
      let cursor: string | undefined;
      const sep = path.includes('?') ? '&' : '?';
      do {
        const reply = await api.get<{ items: T[]; nextCursor?: string }>(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.equal(reply.status, 200, reply.text);
        assert.ok(reply.body.items.length <= limit);
        pages.push(reply.body.items);
        cursor = reply.body.nextCursor;
        assert.ok(pages.length < 100, 'the walk ends');
      } while (cursor);
      return pages;
    };
    const assertEachOnce = (seen: string[], expected: string[]) => {
      assert.equal(new Set(seen).size, seen.length, `duplicates in ${seen}`);
      assert.deepEqual([...seen].sort(), [...expected].sort());
    };

    it('walks every master data record exactly once, a page at a time', async () => {
      const other = await staff(mes, newTenant());
      const ids = Array.from({ length: 7 }, (_, i) => `M-${i}`);
      await Promise.all(ids.map((id) => other.planner.ok('PUT', `/v1/materials/${id}`, { name: id, uom: 'ea' })));

      const pages = await walk<{ id: string }>(other.planner, '/v1/materials', 3);

      assert.ok(pages.length >= 3);
      assertEachOnce(
        pages.flat().map((m) => m.id),
        ids,
      );
    });

    it('walks the work order list, filtered or not, exactly once', async () => {
      const all = await allPages<WorkOrder>(people.planner, '/v1/work-orders');
      const created = await Promise.all([1, 2, 3].map((d) => createOrder(people.planner, { dueInDays: d, routingId: PLANT.quickRouting })));

      const pages = await walk<WorkOrder>(people.planner, '/v1/work-orders', 2);
      const planned = await walk<WorkOrder>(people.planner, '/v1/work-orders?status=PLANNED', 1);

      assertEachOnce(
        pages.flat().map((o) => o.id),
        [...all.map((o) => o.id), ...created.map((o) => o.id)],
      );
      assert.deepEqual(
        planned.flat().map((o) => o.id),
        created.map((o) => o.id),
        'PLANNED orders by due date',
      );
    });

    it('walks an order’s history and a dispatch list exactly once, in order', async () => {
      const running = await orderAt(people, 'RUNNING', { quantity: 100 });
      for (let i = 0; i < 3; i++) await people.operator.ok('POST', `/v1/work-orders/${running.id}/operations/10/report`, { goodQty: 1 });
      const released = await Promise.all([5, 6, 7].map((p) => orderAt(people, 'RELEASED', { priority: p })));

      const history = (await walk<AuditRecord>(people.quality, `/v1/work-orders/${running.id}/history`, 2)).flat();
      const dispatch = (await walk<DispatchEntry>(people.operator, '/v1/work-centers/wc-pack/dispatch-list', 2)).flat();

      assert.deepEqual(
        history.map((r) => r.version),
        [1, 2, 3, 4, 5, 6],
      );
      const ids = dispatch.map((e) => e.workOrderId);
      assert.equal(new Set(ids).size, ids.length);
      assert.deepEqual(
        ids.slice(0, 3),
        released.map((o) => o.id),
        'most urgent first',
      );
      assert.ok(ids.includes(running.id));
    });

    it('refuses a cursor from another tenant, a crafted one and a garbled one with 400', async () => {
      // Prepare: a real cursor of this tenant's materials, and a stranger.
      await Promise.all(['X-1', 'X-2'].map((id) => people.planner.ok('PUT', `/v1/materials/${id}`, { name: id, uom: 'ea' })));
      const page = await people.planner.get('/v1/materials?limit=1');
      const cursor: string = page.body.nextCursor;
      assert.ok(cursor);
      const stranger = await staff(mes, newTenant());
      const craft = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');

      // Act + Assess
      const refusals: [Api, string][] = [
        [stranger.planner, `/v1/materials?cursor=${cursor}`],
        [stranger.planner, `/v1/materials?cursor=${craft({ pk: `${tenant}#MD#material`, sk: 'A' })}`],
        [stranger.planner, `/v1/work-orders?cursor=${craft({ gsi1pk: `${tenant}#WO`, gsi1sk: 'A', pk: 'x', sk: 'y' })}`],
        [stranger.planner, `/v1/work-orders/${order.id}/history?cursor=${craft({ pk: `${tenant}#WO#${order.id}`, sk: 'AUDIT#' })}`],
        [people.planner, `/v1/equipment?cursor=${cursor}`],
        [people.planner, `/v1/materials?cursor=${craft({ pk: `${tenant}#MD#material`, sk: 7 })}`],
        [people.planner, '/v1/materials?cursor=!!not-base64!!'],
        [people.planner, `/v1/materials?cursor=${craft(['array'])}`],
      ];
      for (const [api, path] of refusals) {
        const reply = await api.get(path);
        assertProblem(reply, 400, { type: PROBLEM.invalidInput, pointers: ['/query/cursor'] });
        assert.ok(!reply.text.includes('X-1') && !reply.text.includes('X-2'), path);
      }
      const next = await people.planner.get(`/v1/materials?limit=1&cursor=${cursor}`);
      assert.equal(next.status, 200, 'the cursor still works for its own tenant and list');
    });

    // A cursor of the right partition but the wrong key shape must never reach DynamoDB, whose
    // ValidationException would leave as a 500.
    it('refuses a cursor of its own partition with the wrong key attributes with 400, not 500', async () => {
      const craft = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
      const paths = [
        `/v1/materials?cursor=${craft({ pk: `${tenant}#MD#material` })}`,
        `/v1/materials?cursor=${craft({ pk: `${tenant}#MD#material`, sk: 'A', extra: 'x' })}`,
        `/v1/work-orders?cursor=${craft({ gsi1pk: `${tenant}#WO` })}`,
        `/v1/work-centers/wc-pack/dispatch-list?cursor=${craft({ gsi2pk: `${tenant}#WC#wc-pack#DISPATCH` })}`,
      ];
      for (const path of paths) assertProblem(await people.planner.get(path), 400, { pointers: ['/query/cursor'] });
    });
  });

  describe('self-description', () => {
    it('serves GET /v1/health without a token', async () => {
      const reply = await people.anonymous.get('/v1/health');
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.status, 'ok');
      assert.equal(typeof reply.body.version, 'string');
      assert.ok(!Number.isNaN(Date.parse(reply.body.time)));
    });

    it('serves an OpenAPI 3.1 document without a token that describes every route', async () => {
      const reply = await people.anonymous.get('/v1/openapi.json');
      assert.equal(reply.status, 200, reply.text);
      const doc = reply.body;

      assert.equal(doc.openapi, '3.1.0');
      assert.equal(typeof doc.info?.title, 'string');
      assert.equal(typeof doc.info?.version, 'string');
      assert.equal(doc.components?.securitySchemes?.bearer?.scheme, 'bearer');
      const operationIds: string[] = [];
      for (const route of routeList) {
        const op = doc.paths?.[route.path]?.[route.method.toLowerCase()];
        assert.ok(op, `${route.method} ${route.path} is missing`);
        operationIds.push(op.operationId);
        assert.equal(op.operationId, route.id);
        if (route.successStatus === 204) assert.deepEqual(op.responses?.[204], { description: 'Done' }, `${route.id} has no body`);
        else assert.ok(op.responses?.[route.successStatus]?.content?.['application/json']?.schema, `${route.id} success response`);
        for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
          const param = op.parameters.find((p: { name: string; in: string }) => p.in === 'path' && `{${p.name}}` === name);
          assert.ok(param?.required === true && param.schema, `${route.id} declares ${name}`);
        }
        if (route.roles) {
          assert.deepEqual(op.security, [{ bearer: [] }], route.id);
          assert.deepEqual(op['x-roles'], [...route.roles], route.id);
          assert.ok(op.responses[401] && op.responses[403], `${route.id} 401 and 403`);
        } else {
          assert.deepEqual(op.security, [], `${route.id} is public`);
        }
        if (route.body) assert.ok(op.requestBody?.content?.['application/json']?.schema, `${route.id} request body`);
        if (route.idempotent)
          assert.ok(
            op.parameters.some((p: { name: string }) => p.name === 'Idempotency-Key'),
            route.id,
          );
      }
      assert.equal(new Set(operationIds).size, operationIds.length, 'operationIds are unique');
      const documented = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
      assert.equal(documented.length, routeList.length, 'no operation the route table does not have');

      // Every reference resolves inside the document.
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1] as string);
      for (const ref of new Set(refs)) {
        assert.match(ref, /^#\/components\/schemas\//);
        assert.ok(doc.components.schemas[ref.slice('#/components/schemas/'.length)], `${ref} resolves`);
      }
    });
  });
});

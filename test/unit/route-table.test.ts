import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { routeList, type RouteId } from '#shared/api/routes.ts';
import { API_FUNCTIONS, apiFunctionEntry, apiFunctionIds, apiFunctionsOf } from '#shared/api/functions.ts';
import { openApiDocument } from '#shared/api/openapi.ts';

const root = join(import.meta.dirname, '../../functions/http');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

describe('route table', () => {
  it('gives every route exactly one handler file, and every handler file a route', async () => {
    const handlerFiles = files(root)
      .map((f) => relative(root, f).replace(/\.ts$/, ''))
      .sort();
    const routed = routeList.map((r) => r.handler).sort();
    assert.deepEqual(routed, [...new Set(routed)], 'two routes share a handler');
    assert.deepEqual(handlerFiles, routed);
    for (const route of routeList) {
      const module = (await import(join(root, `${route.handler}.ts`))) as { handler?: unknown };
      assert.equal(typeof module.handler, 'function', route.handler);
    }
  });

  it('has unique method and path pairs and ids', () => {
    const pairs = routeList.map((r) => `${r.method} ${r.path}`);
    assert.equal(new Set(pairs).size, pairs.length);
  });

  it('describes every route in the OpenAPI 3.1 document', () => {
    const doc = openApiDocument('test') as { openapi: string; paths: Record<string, Record<string, { operationId: string }>> };
    assert.equal(doc.openapi, '3.1.0');
    for (const route of routeList) {
      assert.equal(doc.paths[route.path]?.[route.method.toLowerCase()]?.operationId, route.id);
    }
    assert.ok(!JSON.stringify(doc).includes('#/$defs/'), 'all refs point into components');
  });

  it('puts every route in exactly one declared API function, and every API function has routes and an entry', async () => {
    const functions = apiFunctionsOf(routeList);
    for (const route of routeList) {
      assert.ok(Object.hasOwn(API_FUNCTIONS, route.fn), `${route.id} names an undeclared function ${route.fn}`);
      assert.equal(functions.filter((fn) => fn.routes.some((r) => r.id === route.id)).length, 1, route.id);
    }
    assert.deepEqual(
      functions.map((fn) => fn.id),
      apiFunctionIds,
      'no API function without routes',
    );
    for (const id of apiFunctionIds) {
      const module = (await import(join(import.meta.dirname, '../..', apiFunctionEntry(id)))) as { handler?: unknown };
      assert.equal(typeof module.handler, 'function', apiFunctionEntry(id));
    }
  });

  it('keeps the read-only contexts read-only', () => {
    const byId = Object.fromEntries(apiFunctionsOf(routeList).map((fn) => [fn.id, fn]));
    assert.equal(byId.equipment?.table, 'read');
    assert.equal(byId.system?.table, 'none');
  });

  it("keeps the routes of a supervisor's first walk (plant, orders, an order, start, report, complete) on at most 3 functions", () => {
    // The routes the app called on that walk when it was recorded in Chromium (bench/walk.ts, which
    // measures the app as it is in every bench run): this holds the grouping to it, and a change in
    // what the screens call shows in the bench's walk.
    const walk: RouteId[] = [
      'getPlantStatus',
      'getEquipmentStatus',
      'listWorkOrders',
      'listEquipment',
      'getWorkOrder',
      'startOperation',
      'reportOperation',
      'completeOperation',
    ];
    const touched = new Set(walk.map((id) => routeList.find((r) => r.id === id)!.fn));
    assert.ok(touched.size <= 3, [...touched].join(', '));
  });
});

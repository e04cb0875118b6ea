import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { routeList } from '#shared/api/routes.ts';
import { openApiDocument } from '#shared/api/openapi.ts';

const root = join(import.meta.dirname, '../../functions/http');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

describe('route table', () => {
  it('gives every route exactly one handler file, and every handler file a route', async () => {
    const handlerFiles = files(root).map((f) => relative(root, f).replace(/\.ts$/, '')).sort();
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
});

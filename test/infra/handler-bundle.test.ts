/**
 * MesFunction really bundles handlers with the local esbuild (no Docker): one ESM file with
 * the createRequire banner and a source map, the AWS SDK left to the runtime. The health
 * bundle is then imported and invoked, which proves the ESM output runs; a telemetry consumer
 * (an `entry` outside functions/http, with Powertools batch) is bundled and imported too. An
 * API function is split: a small entry, and one chunk per route of its own, loaded on first call.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MesFunction, type MesFunctionProps } from '../../infra/constructs/mes-function.ts';
import { apiFunctionsOf } from '../../shared/api/functions.ts';
import { routeList, routes } from '../../shared/api/routes.ts';
import { CDK_JSON_CONTEXT } from './mes-app.ts';

const CONSUMER_ENTRY = 'functions/iot/ingest-state.ts';
const handlerFile = (handler: string) => new URL(`../../functions/http/${handler}.ts`, import.meta.url);
const missing = [
  ...[routes.getHealth, routes.getWorkOrder].filter((r) => !existsSync(handlerFile(r.handler))).map((r) => r.handler),
  ...(existsSync(new URL(`../../${CONSUMER_ENTRY}`, import.meta.url)) ? [] : [CONSUMER_ENTRY]),
];

describe('handler bundling', { skip: missing.length > 0 && `handler files missing: ${missing}` }, () => {
  // Prepare
  const outdir = mkdtempSync(join(tmpdir(), 'mes-bundle-'));
  after(() => rmSync(outdir, { recursive: true, force: true }));
  // Asset metadata (as the CLI sets it) names each function's bundle directory in the template.
  const app = new App({
    outdir,
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:enable-asset-metadata': true },
    builtinCloudFormationValidation: false, // ~10 s; cdk-nag-findings.test.ts covers it
  });
  const stack = new Stack(app, 'Bundle');
  new MesFunction(stack, 'Health', { entry: `functions/http/${routes.getHealth.handler}.ts`, appVersion: '1.2.3' });
  new MesFunction(stack, 'GetWorkOrder', { entry: `functions/http/${routes.getWorkOrder.handler}.ts`, appVersion: '1.2.3' });
  new MesFunction(stack, 'IngestState', { entry: CONSUMER_ENTRY, appVersion: '1.2.3' });
  const apiFunction = (id: string) => apiFunctionsOf(routeList).find((fn) => fn.id === id)!;
  new MesFunction(stack, 'SystemApi', { api: apiFunction('system'), appVersion: '1.2.3' });
  new MesFunction(stack, 'OrdersApi', { api: apiFunction('orders'), appVersion: '1.2.3' });
  // Act: synthesis runs esbuild for all three
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const assetDir = (id: string) => {
    const [, fn] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([logicalId]) => logicalId.startsWith(`${id}Function`))!;
    return join(assembly.directory, fn.Metadata['aws:asset:path']);
  };
  const bundle = (id: string) => readFileSync(join(assetDir(id), 'index.mjs'), 'utf8');

  it('writes one ESM file that starts with the createRequire banner, and its source map', () => {
    // Assess
    const code = bundle('Health');
    assert.match(code.split('\n')[0]!, /^import \{ createRequire as \w+ \} from 'node:module'; const require = \w+\(import\.meta\.url\);$/);
    assert.match(code, /export\s*\{[^}]*\bas handler\s*\}/);
    assert.ok(existsSync(join(assetDir('Health'), 'index.mjs.map')));
  });

  it("bundles the AWS SDK, tree-shaken, instead of loading the runtime's copy (the faster cold start in the bench)", () => {
    const code = bundle('GetWorkOrder');
    assert.doesNotMatch(code, /from\s*"@aws-sdk\/[a-z-]+"/);
    assert.match(code, /DynamoDB_20120810/, 'the DynamoDB client is in the bundle');
  });

  it('bundles an entry outside functions/http, self-contained, with no auth settings', () => {
    // Assess
    const code = bundle('IngestState');
    assert.match(code.split('\n')[0]!, /^import \{ createRequire as \w+ \}/);
    assert.match(code, /export\s*\{[^}]*\bas handler\s*\}/);
    const imports = /\bimport\s*(?:[\w$*{][^;"'()]*?\bfrom\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/g;
    const imported = [...code.matchAll(imports)].map((m) => m[1] ?? m[2]!);
    assert.ok(imported.includes('node:module'), 'the banner import is found');
    assert.deepEqual(
      // The SDK's optional SigV4a signers, tried only for multi-region endpoints, which DynamoDB has not.
      imported.filter((name) => !name.startsWith('node:') && !/^@aws-sdk\/signature-v4(a|-crt)$/.test(name)),
      [],
      'the SDK, Powertools and everything else is in the bundle',
    );
    const [, fn] = Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => id.startsWith('IngestStateFunction'))!;
    assert.deepEqual(
      Object.keys(fn.Properties.Environment.Variables).filter((k) => k.startsWith('AUTH_')),
      [],
    );
  });

  it('refuses a function with both or neither of an API function and an entry', () => {
    const probe = new Stack(new App(), 'Probe');
    const both = { api: apiFunction('system'), entry: CONSUMER_ENTRY, appVersion: '1' } as unknown as MesFunctionProps;
    assert.throws(() => new MesFunction(probe, 'Both', both), /exactly one of `api`/);
    assert.throws(() => new MesFunction(probe, 'Neither', { appVersion: '1' } as unknown as MesFunctionProps), /exactly one of `api`/);
  });

  it('produces a health handler that runs', async () => {
    // Prepare
    process.env.APP_VERSION = '1.2.3';
    const event = {
      version: '2.0',
      routeKey: 'GET /v1/health',
      rawPath: '/v1/health',
      rawQueryString: '',
      headers: {},
      requestContext: { http: { method: 'GET', path: '/v1/health' }, requestId: 'r1' },
      isBase64Encoded: false,
    };
    // Act
    const { handler } = await import(pathToFileURL(join(assetDir('Health'), 'index.mjs')).href);
    const response = await handler(event, { awsRequestId: 'r1', getRemainingTimeInMillis: () => 10_000 });
    // Assess
    assert.equal(response.statusCode, 200);
    assert.equal(JSON.parse(response.body).status, 'ok');
  });

  it('splits an API function: an entry that imports no route, and a chunk for each of its own routes only', () => {
    // Prepare
    const dir = assetDir('OrdersApi');
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    const chunks = readdirSync(join(dir, 'chunks'));
    const own = apiFunction('orders').routes.map((r) => r.handler.split('/')[1]!);
    // Assess
    assert.match(code.split('\n')[0]!, /^import \{ createRequire as \w+ \} from 'node:module'; const require = \w+\(import\.meta\.url\);$/);
    assert.ok(existsSync(join(dir, 'index.mjs.map')));
    assert.doesNotMatch(code, /class DynamoDBClient\b|@aws-sdk\//, 'the entry loads neither the SDK nor a route');
    for (const name of own)
      assert.ok(
        chunks.some((c) => c.startsWith(`${name}-`) && c.endsWith('.mjs')),
        `${name} is a chunk`,
      );
    const others = routeList.filter((r) => r.fn !== 'orders').map((r) => r.handler.split('/')[1]!);
    assert.deepEqual(
      chunks.filter((c) => others.some((name) => c.startsWith(`${name}-`))),
      [],
      "no other context's routes",
    );
  });

  it('produces an API function that routes by routeKey, and answers 404 problem+json to a route it does not serve', async () => {
    // Prepare
    process.env.APP_VERSION = '1.2.3';
    const event = (routeKey: string) => ({
      version: '2.0',
      routeKey,
      rawPath: '/v1/health',
      rawQueryString: '',
      headers: {},
      requestContext: { http: { method: 'GET', path: '/v1/health' }, requestId: 'r1' },
      isBase64Encoded: false,
    });
    const context = { awsRequestId: 'r1', getRemainingTimeInMillis: () => 10_000 };
    // Act
    const { handler } = await import(pathToFileURL(join(assetDir('SystemApi'), 'index.mjs')).href);
    const health = await handler(event('GET /v1/health'), context);
    const unknown = await handler(event('GET /v1/work-orders'), context);
    // Assess
    assert.equal(health.statusCode, 200);
    assert.equal(JSON.parse(health.body).status, 'ok');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.headers['content-type'], 'application/problem+json');
  });
});

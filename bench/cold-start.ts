/**
 * Cold starts as whole processes: a fresh `node` per run imports a Lambda bundle, serves one
 * request and exits; the time is the process's, spawn to exit, as a cold Lambda's init plus its
 * first invocation (Node's own start included, the same for every row). Runs interleave across
 * the rows, so drift in the machine's load spreads over all of them.
 *
 * The floor is a process that imports nothing but `node:http` and makes the same single
 * DynamoDB request by hand (a GetItem as JSON over HTTP). Beside it: each API function serving a
 * GET that reads DynamoDB Local with a token (its claims in the request context, as API
 * Gateway's JWT authorizer passes them), the old one-route bundle (a route's own function
 * verifying the token against the JWKS, as before issue 11), and what the DynamoDB client costs
 * in the ways it can be shipped.
 */
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { median } from './stats.ts';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type ApiFunctionId, apiFunctionsOf, routeKeyOf } from '../shared/api/functions.ts';
import { type RouteId, routes, routeList } from '../shared/api/routes.ts';
import { API_BUNDLE_SETTINGS } from '../infra/constructs/mes-function.ts';
import { bundleApiFunction } from '../infra/constructs/api-function-code.ts';
import { verifyBearer, withAuthorizer } from '../infra/local/jwt-authorizer.ts';
import type { LocalIdentity } from '../infra/local/identity.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface ColdTarget {
  name: string;
  /** What the row is, for the report's grouping. */
  group: 'floor' | 'api' | 'old' | 'sdk';
  /** The module to import; it exports `handler`. */
  file: string;
  /** The event the handler gets (serialized to a file the child reads before timing starts). */
  event?: unknown;
  /** Environment of the child beyond the common one. */
  env?: Record<string, string>;
  /** Size of what the cold start loads, bytes, when known. */
  bytes?: number;
  note?: string;
}

export interface ColdRow extends ColdTarget {
  /** Spawn to exit, ms, per run. */
  wallMs: number[];
  /** Inside the child: the import, and the first request, ms per run. */
  importMs: number[];
  firstMs: number[];
  error?: string;
}

/** Marks the child's timing line among whatever else the handler writes to stdout. */
const TIMING = 'MES_BENCH_TIMING ';

/** Times the import and the first request; a handler answering other than 2xx (or throwing) fails the run. */
const CHILD = `
import { readFileSync } from 'node:fs';
const [file, eventFile] = process.argv.slice(1);
const event = eventFile ? JSON.parse(readFileSync(eventFile, 'utf8')) : undefined;
const context = { functionName: 'bench', awsRequestId: 'bench-cold', getRemainingTimeInMillis: () => 10000 };
const t0 = performance.now();
const mod = await import(file);
const t1 = performance.now();
const result = await mod.handler(event, context);
const t2 = performance.now();
const status = result && typeof result === 'object' && 'statusCode' in result ? result.statusCode : 200;
if (status < 200 || status > 299) { process.stderr.write('status ' + status + ': ' + String(result.body).slice(0, 300)); process.exit(3); }
process.stdout.write('\\n' + ${JSON.stringify(TIMING)} + JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1 }) + '\\n');
`;

export async function measureColdStarts(
  targets: ColdTarget[],
  options: { runs: number; env: Record<string, string>; maxMs: number },
): Promise<ColdRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mes-bench-cold-'));
  try {
    const rows: ColdRow[] = targets.map((t) => ({ ...t, wallMs: [], importMs: [], firstMs: [] }));
    const events = targets.map((t, i) => {
      if (t.event === undefined) return undefined;
      const file = join(dir, `event-${i}.json`);
      writeFileSync(file, JSON.stringify(t.event));
      return file;
    });
    const deadline = performance.now() + options.maxMs;
    // One warm-up run each (the file system cache), then the counted runs, interleaved.
    for (let r = -1; r < options.runs && (r < 7 || performance.now() < deadline); r++) {
      for (const [i, row] of rows.entries()) {
        if (row.error) continue;
        try {
          const run = await coldRun(row.file, events[i], { ...options.env, ...row.env });
          if (r < 0) continue;
          row.wallMs.push(run.wallMs);
          row.importMs.push(run.importMs);
          row.firstMs.push(run.firstMs);
        } catch (error) {
          row.error = (error as Error).message.slice(0, 400);
        }
      }
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function coldRun(
  file: string,
  eventFile: string | undefined,
  env: Record<string, string>,
): Promise<{ wallMs: number; importMs: number; firstMs: number }> {
  const { NODE_OPTIONS: _, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, file, ...(eventFile ? [eventFile] : [])], {
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return reject(new Error(`${file} failed (${code}): ${err.trim()}`));
      try {
        // The handler may write to stdout itself (EMF metrics, as on Lambda): the timing is its own marked line.
        const line = out.split('\n').find((l) => l.startsWith(TIMING)) ?? '';
        const { importMs, firstMs } = JSON.parse(line.slice(TIMING.length)) as { importMs: number; firstMs: number };
        resolve({ wallMs, importMs, firstMs });
      } catch {
        reject(new Error(`${file}: no timing on stdout (${out.slice(0, 200)})`));
      }
    });
  });
}

/** The floor: `node:http` and one GetItem written by hand (DynamoDB Local checks no signature). */
export function floorTarget(dir: string, key: Record<string, string>, table: string): ColdTarget {
  const file = join(dir, 'floor.mjs');
  const item = Object.fromEntries(Object.entries(key).map(([k, v]) => [k, { S: v }]));
  writeFileSync(
    file,
    `import http from 'node:http';
export const handler = () => new Promise((resolve, reject) => {
  const body = JSON.stringify({ TableName: ${JSON.stringify(table)}, Key: ${JSON.stringify(item)}, ConsistentRead: true });
  const url = new URL(process.env.DYNAMODB_ENDPOINT);
  const req = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/', headers: {
    'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem',
    authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' } }, (res) => {
    let data = '';
    res.on('data', (c) => (data += c));
    res.on('end', () => (res.statusCode === 200 && JSON.parse(data).Item ? resolve({ statusCode: 200 }) : reject(new Error(res.statusCode + ' ' + data))));
  });
  req.on('error', reject);
  req.end(body);
});
`,
  );
  return { name: '(floor: node:http and one GetItem by hand)', group: 'floor', file };
}

/** External packages resolve from the bundle's folder upwards, as on Lambda from the runtime's own copy. */
function linkNodeModules(dir: string): void {
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

/** What the DynamoDB client costs a cold start, each way it can ship: one GetItem of the floor's item. */
export const SDK_VARIANTS: Record<string, string> = {
  'document client (lib-dynamodb)': `import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
const c = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT }));
export const handler = async () => { const { Item } = await c.send(new GetCommand({ TableName: TABLE, Key: KEY, ConsistentRead: true })); if (!Item) throw new Error('no item'); return { statusCode: 200 }; };`,
  'bare client, GetItem only': `import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb'; import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
const c = new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT });
export const handler = async () => { const { Item } = await c.send(new GetItemCommand({ TableName: TABLE, Key: marshall(KEY), ConsistentRead: true })); if (!Item) throw new Error('no item'); unmarshall(Item); return { statusCode: 200 }; };`,
  'document client imported lazily, on the first request': `let c;
export const handler = async () => { if (!c) { const [{ DynamoDBClient }, { DynamoDBDocumentClient }] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/lib-dynamodb')]); c = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT })); }
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb'); const { Item } = await c.send(new GetCommand({ TableName: TABLE, Key: KEY, ConsistentRead: true })); if (!Item) throw new Error('no item'); return { statusCode: 200 }; };`,
  'a route that needs no DynamoDB, the client not imported': `export const handler = async () => ({ statusCode: 200 });`,
};

/** Each SDK variant bundled as the construct bundles (`build`), and with the SDK left external (loaded from node_modules). */
export async function sdkTargets(
  dir: string,
  key: Record<string, string>,
  table: string,
  build: (entry: string, outdir: string, external: string[]) => Promise<string>,
): Promise<ColdTarget[]> {
  const out: ColdTarget[] = [];
  mkdirSync(join(dir, 'sdk'), { recursive: true });
  linkNodeModules(dir);
  for (const [i, [name, source]] of Object.entries(SDK_VARIANTS).entries()) {
    const entry = join(dir, 'sdk', `variant-${i}.ts`);
    writeFileSync(entry, `const TABLE = ${JSON.stringify(table)}; const KEY = ${JSON.stringify(key)};\n${source}\n`);
    for (const external of [false, true]) {
      const file = await build(entry, join(dir, 'sdk', `v${i}-${external ? 'ext' : 'bundled'}`), external ? ['@aws-sdk/*'] : []);
      out.push({ name: `${name}, SDK ${external ? 'external (node_modules)' : 'bundled, tree-shaken'}`, group: 'sdk', file });
    }
  }
  return out;
}

export const medianOf = (xs: number[]) => (xs.length ? median(xs) : Number.NaN);

/** The last commit before issue 11: one Lambda per route, each verifying the token against the JWKS. */
export const ONE_ROUTE_COMMIT = '9ce66c8';

/**
 * The old one-route bundle of `handler` (a file under functions/http/), built from the tree of
 * ONE_ROUTE_COMMIT as its construct built it then (SDK external). Undefined where the clone has
 * no such commit (a shallow clone); the report says so.
 */
export async function oneRouteTarget(
  dir: string,
  handler: string,
  build: (entry: string, outdir: string, external: string[]) => Promise<string>,
): Promise<ColdTarget | { error: string }> {
  const old = join(dir, 'one-route');
  mkdirSync(old, { recursive: true });
  try {
    const tar = join(dir, 'one-route.tar');
    execFileSync('git', ['-C', ROOT, 'archive', '--format=tar', '-o', tar, ONE_ROUTE_COMMIT, 'functions', 'shared', 'package.json'], {
      stdio: 'pipe',
    });
    execFileSync('tar', ['-xf', tar, '-C', old], { stdio: 'pipe' });
  } catch (error) {
    return { error: `no tree of commit ${ONE_ROUTE_COMMIT} in this clone (${(error as Error).message.split('\n')[0]})` };
  }
  linkNodeModules(dir);
  const file = await build(join(old, 'functions/http', `${handler}.ts`), join(dir, 'one-route-out'), ['@aws-sdk/*']);
  return { name: `(before: ${handler} in its own function, token verified against the JWKS, SDK external)`, group: 'old', file };
}

// ---------- The API functions ----------

/** The request each API function's cold start serves: a GET that reads DynamoDB where the function has one. */
export interface ColdRequest {
  route: RouteId;
  pathParameters?: Record<string, string>;
  /** A token for a route with roles; its claims go into the event as the JWT authorizer passes them. */
  token?: string;
}

/** Bytes of every .mjs file under `dir`: the function's code as deployed (all its routes' chunks). */
function moduleBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    const path = join(dir, String(name));
    if (String(name).endsWith('.mjs') && statSync(path).isFile()) total += statSync(path).size;
  }
  return total;
}

/** The event API Gateway hands the function for `request`, with the authorizer's claims when it carries a token. */
export async function apiEvent(request: ColdRequest, identity: LocalIdentity): Promise<APIGatewayProxyEventV2> {
  const route = routes[request.route];
  const rawPath = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.pathParameters?.[name] ?? ''));
  const routeKey = routeKeyOf(route);
  const event = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: { host: 'bench.execute-api', 'user-agent': 'bench', ...(request.token ? { authorization: `Bearer ${request.token}` } : {}) },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.execute-api',
      domainPrefix: 'bench',
      http: { method: route.method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'bench-cold',
      routeKey,
      stage: '$default',
      time: '',
      timeEpoch: Date.now(),
    },
    ...(request.pathParameters ? { pathParameters: request.pathParameters } : {}),
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
  return request.token ? withAuthorizer(event, await verifyBearer(`Bearer ${request.token}`, identity)) : event;
}

/**
 * Each API function bundled as CDK bundles it (API_BUNDLE_SETTINGS), serving its request; and,
 * for the choice of how to ship the DynamoDB client, the same functions with the SDK the other way.
 */
export async function apiTargets(dir: string, requests: Partial<Record<ApiFunctionId, ColdRequest>>, identity: LocalIdentity): Promise<ColdTarget[]> {
  const out: ColdTarget[] = [];
  linkNodeModules(dir);
  const shipped = API_BUNDLE_SETTINGS.external.length > 0 ? 'external' : 'bundled';
  for (const fn of apiFunctionsOf(routeList)) {
    const request = requests[fn.id];
    if (!request) continue;
    const event = await apiEvent(request, identity);
    for (const external of shipped === 'external' ? [true, false] : [false, true]) {
      const outdir = join(dir, 'api', `${fn.id}-${external ? 'ext' : 'bundled'}`);
      bundleApiFunction(fn, outdir, { ...API_BUNDLE_SETTINGS, external: external ? ['@aws-sdk/*'] : [] });
      const asDeployed = (external ? 'external' : 'bundled') === shipped;
      out.push({
        name: `${fn.id}: ${request.route}${asDeployed ? '' : ` (SDK ${external ? 'external' : 'bundled'}, for comparison)`}`,
        group: asDeployed ? 'api' : 'sdk',
        file: join(outdir, 'index.mjs'),
        event,
        bytes: moduleBytes(outdir),
        note: `${fn.routes.length} routes; SDK ${external ? 'external' : 'bundled'}`,
      });
    }
  }
  return out;
}

/** esbuild as the construct builds a single-file function, for the SDK variants and the old bundle. */
export async function buildLikeConstruct(entry: string, outdir: string, external: string[]): Promise<string> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: API_BUNDLE_SETTINGS.target,
    mainFields: ['module', 'main'],
    external,
    banner: { js: API_BUNDLE_SETTINGS.banner },
    logLevel: 'error',
  });
  return join(outdir, 'index.mjs');
}

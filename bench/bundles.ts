/**
 * Lambda bundles as CDK builds them (infra/constructs/mes-function.ts: esbuild, bundle, minify,
 * ESM, platform node, externals @aws-sdk/*, mainFields module,main, the createRequire banner,
 * a separate source map), one per route handler, plus references built the same way: a
 * hello-world handler, one that imports only the DynamoDB SDK clients, and the start handler
 * with the SDK bundled in (the one option that differs), to show what bundling the SDK would do.
 * Cold import: a fresh `node` per run times `await import()` of the bundle with process.hrtime.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { routeList } from '../shared/api/routes.ts';
import { median } from './stats.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const HELLO = '(hello-world)';
export const SDK_ONLY = '(SDK only: client-dynamodb + lib-dynamodb)';
/** Not how the construct builds: what the start handler would weigh and cost with the SDK inside. */
export const SDK_BUNDLED = '(start-operation with the SDK bundled in, not external)';

/** The construct keeps its esbuild target in a private constant: read it so the two never drift. */
export function constructTarget(): string {
  const source = readFileSync(join(ROOT, 'infra/constructs/mes-function.ts'), 'utf8');
  const target = /ESBUILD_TARGET\s*=\s*'(node\d+)'/.exec(source)?.[1];
  if (!target) throw new Error('cannot find ESBUILD_TARGET in infra/constructs/mes-function.ts');
  return target;
}

export interface Bundle {
  name: string;
  bytes: number;
  /** Whether the bundle imports @aws-sdk/* at all (from node_modules). */
  importsSdk: boolean;
  /** Median cold import, ms. */
  coldMs: number;
  /** Fastest run: the least disturbed by other work on a shared machine. */
  minMs: number;
  runsMs: number[];
}

const REFERENCES: Record<string, string> = {
  [HELLO]: "export const handler = async () => ({ statusCode: 200, body: 'hello' });\n",
  [SDK_ONLY]: [
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
    'export const handler = async () => [typeof DynamoDBClient, typeof DynamoDBDocumentClient];',
    '',
  ].join('\n'),
};

/** At least this many cold-import runs, more up to `runs` while within `maxMs`. */
const MIN_RUNS = 3;

export async function measureBundles(options: { runs: number; maxMs: number; target: string }): Promise<Bundle[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mes-bench-bundles-'));
  try {
    // Externals resolve from the bundle's folder upwards, as they would from /opt/nodejs on Lambda.
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const entries: Record<string, string> = {};
    for (const route of routeList) entries[route.handler] = join(ROOT, 'functions/http', `${route.handler}.ts`);
    for (const [i, [name, code]] of Object.entries(REFERENCES).entries()) {
      entries[name] = join(dir, `reference-${i}.ts`);
      writeFileSync(entries[name], code);
    }
    const names = Object.keys(entries);
    const asConstruct = {
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      absWorkingDir: ROOT,
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'node',
      target: options.target,
      mainFields: ['module', 'main'],
      external: ['@aws-sdk/*'],
      sourcemap: true,
      sourcesContent: false,
      banner: { js: "import { createRequire as __mesCreateRequire } from 'node:module'; const require = __mesCreateRequire(import.meta.url);" },
      logLevel: 'error',
    } satisfies BuildOptions;
    await build({ ...asConstruct, entryPoints: names.map((name, i) => ({ in: entries[name] as string, out: `b${i}/index` })) });
    const start = join(ROOT, 'functions/http/operations/start-operation.ts');
    await build({ ...asConstruct, external: [], entryPoints: [{ in: start, out: `b${names.length}/index` }] });
    names.push(SDK_BUNDLED);
    const files = names.map((_, i) => join(dir, `b${i}`, 'index.mjs'));
    const runs: number[][] = names.map(() => []);
    // Runs interleave across bundles, so drift in the machine's load spreads over all of them.
    const deadline = Date.now() + options.maxMs;
    for (let r = 0; r < options.runs && (r < MIN_RUNS || Date.now() < deadline); r++) {
      for (const [i, file] of files.entries()) (runs[i] as number[]).push(await coldImport(file));
    }
    return names.map((name, i) => ({
      name,
      bytes: statSync(files[i] as string).size,
      importsSdk: /from\s*"@aws-sdk\//.test(readFileSync(files[i] as string, 'utf8')),
      coldMs: median(runs[i] as number[]),
      minMs: Math.min(...(runs[i] as number[])),
      runsMs: runs[i] as number[],
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** As on Lambda: a fresh process, no --enable-source-maps (the construct leaves it off). */
const CHILD = `
const file = process.argv[1];
const t = process.hrtime.bigint();
const mod = await import(file);
const ms = Number(process.hrtime.bigint() - t) / 1e6;
if (typeof mod.handler !== 'function') throw new Error(file + ' exports no handler');
process.stdout.write(String(ms));
`;

function coldImport(file: string): Promise<number> {
  const { NODE_OPTIONS: _, ...env } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, file], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`importing ${file} failed (${code}): ${err}`))));
  });
}

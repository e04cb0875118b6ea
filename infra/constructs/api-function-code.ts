/**
 * The code of an API function (shared/api/functions.ts): esbuild, run locally at synth (no
 * Docker), with code splitting, which NodejsFunction's single outfile cannot do. The entry
 * (functions/api/<id>.ts) becomes index.mjs and each route module a chunk that is imported
 * on the route's first call, so a cold start does not grow with the routes a function serves
 * (a route's module imports only its own context's routes, shared/api/routes/<function>.ts).
 * Only the function's own routes are in its asset: functions/lib/route-modules.ts is swapped,
 * through an esbuild alias, for one listing them, so the entry needs not the route table either.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';
import { type ApiFunctionDef, apiFunctionEntry, routeKeyOf } from '../../shared/api/functions.ts';

export interface BundleSettings {
  readonly repoRoot: string;
  readonly target: string;
  readonly banner: string;
  readonly external: readonly string[];
}

/** Writes the function's bundle into `outdir`: index.mjs, chunks/, and their source maps. */
export function bundleApiFunction(fn: ApiFunctionDef, outdir: string, settings: BundleSettings): void {
  const scratch = mkdtempSync(join(tmpdir(), `mes-${fn.id}-`));
  try {
    const loaders = join(scratch, 'route-modules.mjs');
    writeFileSync(loaders, routeLoaders(fn, settings.repoRoot));
    buildSync({
      absWorkingDir: settings.repoRoot,
      entryPoints: { index: join(settings.repoRoot, apiFunctionEntry(fn.id)) },
      alias: { '#functions/lib/route-modules.ts': loaders },
      outdir,
      outExtension: { '.js': '.mjs' },
      chunkNames: 'chunks/[name]-[hash]',
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: settings.target,
      minify: true,
      sourcemap: true,
      // Mappings are enough for stack traces; the sources would only bloat the zip.
      sourcesContent: false,
      // Prefer ESM builds of dependencies so esbuild can tree-shake them.
      mainFields: ['module', 'main'],
      external: [...settings.external],
      banner: { js: settings.banner },
      logLevel: 'warning',
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The function's routes as literals, and one static `import()` per route: esbuild makes each a lazily loaded chunk. */
function routeLoaders(fn: ApiFunctionDef, repoRoot: string): string {
  const table = Object.fromEntries(fn.routes.map((r) => [routeKeyOf(r), r.handler]));
  const loaders = [...new Set(fn.routes.map((r) => r.handler))].map(
    (handler) => `  ${JSON.stringify(handler)}: () => import(${JSON.stringify(join(repoRoot, 'functions/http', `${handler}.ts`))}),`,
  );
  return [
    `const table = new Map(Object.entries(${JSON.stringify(table)}));`,
    `export const routeTableOf = () => table;`,
    'const loaders = {',
    ...loaders,
    '};',
    'export const loadRouteModule = (handler) =>',
    `  Object.hasOwn(loaders, handler) ? loaders[handler]() : Promise.reject(new Error(\`the ${fn.id} function has no route module \${handler}\`));`,
    '',
  ].join('\n');
}

/** The Lambda code asset; bundled only when the stack is (tests may skip bundling). */
export function apiFunctionCode(fn: ApiFunctionDef, settings: BundleSettings): Code {
  return Code.fromAsset(settings.repoRoot, {
    // Hash the bundle, not the repository.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the API but never used: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('dummy'),
      // Never run either, but part of CDK's staging cache key, which cannot see into `local`:
      // without it every API function of a stack would get the first one's bundle.
      command: ['api-function', fn.id, ...fn.routes.map((r) => r.handler)],
      local: {
        tryBundle(outputDir) {
          bundleApiFunction(fn, outputDir, settings);
          return true;
        },
      },
    },
  });
}

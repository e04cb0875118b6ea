/**
 * Builds the supervisor app into web/dist with esbuild: one ESM bundle (Preact, the shared
 * state machines and route table), the stylesheet, index.html and the static files in public/.
 * `npm start` builds it before serving; the CDK web stack deploys web/dist.
 * Run alone: `npx tsx web/build.ts`.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const WEB_ROOT = fileURLToPath(new URL('./', import.meta.url));
export const WEB_DIST = fileURLToPath(new URL('./dist/', import.meta.url));

export async function buildWeb(options: { outDir?: string; minify?: boolean } = {}): Promise<{ outDir: string }> {
  const outDir = options.outDir ?? WEB_DIST;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: { app: `${WEB_ROOT}src/main.tsx` },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    splitting: true,
    target: ['chrome110', 'safari16', 'firefox115'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  }).then((result) => {
    const app = Object.keys(result.metafile.outputs).find((f) => /app-[A-Z0-9]+\.js$/.test(f));
    const html = readFileSync(`${WEB_ROOT}index.html`, 'utf8').replace('%APP%', `/${app?.split('/').pop()}`);
    writeFileSync(`${outDir}index.html`, html);
  });
  cpSync(`${WEB_ROOT}public/`, outDir, { recursive: true });
  cpSync(`${WEB_ROOT}styles.css`, `${outDir}styles.css`);
  return { outDir };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outDir } = await buildWeb();
  console.log(`built ${outDir}`);
}

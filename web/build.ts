/**
 * Builds the supervisor app into web/dist with esbuild: one ESM entry (Preact, the shared state
 * machines and route table) split into chunks, a boot script of its own (src/boot.ts: it asks
 * for the config and the first screen's data while the app downloads), index.html pointing at both, the
 * stylesheets (styles.css plus any styles-*.css, concatenated), the static files of public/
 * (manifest, icons, service worker, which learns this build's files), and budget.json: the
 * bytes of the initial JavaScript, which the bench reads.
 * `npm start` builds it before serving; `cdk synth` builds it before the web stack deploys it.
 * Run alone: `npm run build:web`.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build, buildSync, type Metafile, transformSync } from 'esbuild';

export const WEB_ROOT = fileURLToPath(new URL('./', import.meta.url));
export const WEB_DIST = fileURLToPath(new URL('./dist/', import.meta.url));

export interface WebBuildOptions {
  /** Default web/dist. Emptied first. */
  outDir?: string;
  minify?: boolean;
}

/** Sizes of a group of built files, in bytes; gzip is gzipSync level 9 of each file, summed. */
export interface BudgetPart {
  raw: number;
  gzip: number;
  files: { file: string; raw: number; gzip: number }[];
}

/** web/dist/budget.json. */
export interface WebBudget {
  /** The entry chunk, e.g. `app-K657VVFQ.js`. */
  entry: string;
  /** The boot script, e.g. `boot-K657VVFQ.js` (src/boot.ts), which runs first. */
  boot: string;
  /** What the first page load executes: the boot script, the entry chunk and everything it imports statically. */
  initialJs: BudgetPart;
  /** Chunks loaded only through dynamic import(). */
  lazyJs: BudgetPart;
  /** WebAssembly fetched on first use only (the barcode reader where the browser has no BarcodeDetector). */
  wasm: BudgetPart;
  /** styles.css. */
  css: BudgetPart;
}

/**
 * Hashed files (`app-XXXXXXXX.js`, `boot-XXXXXXXX.js`, `chunk-XXXXXXXX.js` and their maps, and
 * WebAssembly such as `zxing_reader-XXXXXXXX.wasm`) never change: cache them for a year.
 */
export const HASHED_FILE = /^(?:(?:app|boot|chunk)-[A-Z0-9]{8}\.js(?:\.map)?|[a-z_]+-[A-Z0-9]{8}\.wasm)$/;
/** The WebAssembly files of a build (the barcode reader, zxing-wasm): served as `application/wasm`. */
export const WASM_FILE = /^[a-z_]+-[A-Z0-9]{8}\.wasm$/;

/**
 * The app: one ESM entry split into chunks. The boot script (src/boot.ts) is a bundle of its
 * own, never split, so it shares no chunk with the app and runs before the app has downloaded.
 */
function esbuildOptions(outDir: string, minify: boolean, part: 'app' | 'boot' = 'app'): BuildOptions & { metafile: true } {
  return {
    entryPoints: part === 'app' ? { app: join(WEB_ROOT, 'src/main.tsx') } : { boot: join(WEB_ROOT, 'src/boot.ts') },
    outdir: outDir,
    bundle: true,
    // The boot script is a classic script (it must run before the app's module): no import or export.
    format: part === 'app' ? 'esm' : 'iife',
    splitting: part === 'app',
    target: ['chrome110', 'safari16', 'firefox115'],
    minify,
    sourcemap: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    // The barcode reader's WebAssembly (zxing-wasm, web/src/scan-decode.ts) is a file of this
    // build, served from the app's own origin: `import url from '…/zxing_reader.wasm'` is its path
    // beside the chunks. Never from a CDN: a plant may have no internet, and the CSP allows only 'self'.
    loader: { '.wasm': 'file' },
    assetNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  };
}

export async function buildWeb(options: WebBuildOptions = {}): Promise<{ outDir: string; budget: WebBudget }> {
  const outDir = prepare(options.outDir);
  const minify = options.minify ?? true;
  const [app, boot] = await Promise.all([build(esbuildOptions(outDir, minify)), build(esbuildOptions(outDir, minify, 'boot'))]);
  return { outDir, budget: finish(outDir, app.metafile, boot.metafile, minify) };
}

/** The same build, synchronously: for the CDK app, whose constructors cannot await. */
export function buildWebSync(options: WebBuildOptions = {}): { outDir: string; budget: WebBudget } {
  const outDir = prepare(options.outDir);
  const minify = options.minify ?? true;
  const app = buildSync(esbuildOptions(outDir, minify));
  const boot = buildSync(esbuildOptions(outDir, minify, 'boot'));
  return { outDir, budget: finish(outDir, app.metafile, boot.metafile, minify) };
}

function prepare(dir: string = WEB_DIST): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Everything after esbuild: public/, styles, index.html, the service worker's file list, budget.json. */
function finish(outDir: string, metafile: Metafile, bootMetafile: Metafile, minify: boolean): WebBudget {
  cpSync(join(WEB_ROOT, 'public'), outDir, { recursive: true });
  // By name: a module the app imports dynamically (a lazily loaded screen) is an entry point of the metafile too.
  const entryOf = (m: Metafile, name: 'app' | 'boot') =>
    Object.keys(m.outputs).find((path) => m.outputs[path]?.entryPoint !== undefined && path.endsWith('.js') && basename(path).startsWith(`${name}-`));
  const outputs = Object.fromEntries(Object.entries(metafile.outputs).map(([path, output]) => [basename(path), output]));
  const appEntry = entryOf(metafile, 'app');
  const bootEntry = entryOf(bootMetafile, 'boot');
  if (!appEntry || !bootEntry) throw new Error('web build: esbuild produced no entry chunk');
  const entry = basename(appEntry);
  const boot = basename(bootEntry);

  // The entry's static imports, transitively: what a first visit downloads before anything shows.
  const initial = new Set<string>();
  const visit = (file: string) => {
    if (initial.has(file)) return;
    initial.add(file);
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) visit(basename(imported.path));
    }
  };
  visit(entry);
  const chunks = Object.keys(outputs).filter((file) => file.endsWith('.js'));
  const lazy = chunks.filter((file) => !initial.has(file));
  const wasm = Object.keys(outputs).filter((file) => file.endsWith('.wasm'));

  writeFileSync(join(outDir, 'styles.css'), stylesheet(minify));
  // The entry's chunks load in parallel with it instead of after it.
  const preloads = [...initial].filter((file) => file !== entry).map((file) => `\n    <link rel="modulepreload" href="/${file}" />`);
  const html = readFileSync(join(WEB_ROOT, 'index.html'), 'utf8')
    .replace('%BOOT%', `/${boot}`)
    .replace('%APP%', `/${entry}`)
    .replace(/\n\s*<!-- %PRELOAD% -->/, preloads.join(''));
  writeFileSync(join(outDir, 'index.html'), html);
  // The boot script is a classic script index.html names itself: no modulepreload for it.
  initial.add(boot);
  writeServiceWorker(outDir, [...initial]);

  const budget: WebBudget = {
    entry,
    boot,
    initialJs: sizes(outDir, [...initial]),
    lazyJs: sizes(outDir, lazy),
    wasm: sizes(outDir, wasm),
    css: sizes(outDir, ['styles.css']),
  };
  writeFileSync(join(outDir, 'budget.json'), `${JSON.stringify(budget, null, 2)}\n`);
  return budget;
}

/** styles.css, then every styles-*.css in name order (one file per screen or library), one request. */
function stylesheet(minify: boolean): string {
  const extra = readdirSync(WEB_ROOT)
    .filter((file) => /^styles-.+\.css$/.test(file))
    .sort();
  const css = ['styles.css', ...extra].map((file) => `/* ${file} */\n${readFileSync(join(WEB_ROOT, file), 'utf8')}`).join('\n');
  return minify ? transformSync(css, { loader: 'css', minify: true, target: ['chrome110', 'safari16', 'firefox115'] }).code : css;
}

/**
 * The service worker precaches this build's shell. Its version is a hash of the files it lists,
 * so each build gives a byte-different sw.js: browsers install it and drop the old cache.
 */
function writeServiceWorker(outDir: string, initialJs: string[]) {
  const file = join(outDir, 'sw.js');
  const shell = ['/', '/styles.css', '/manifest.webmanifest', ...initialJs.map((f) => `/${f}`)];
  const version = createHash('sha256')
    .update(shell.join('\n'))
    .update(readFileSync(join(outDir, 'styles.css')))
    .digest('hex')
    .slice(0, 12);
  const source = readFileSync(file, 'utf8');
  const marker = /const BUILD = \{[^\n]*\}; \/\/ set by web\/build\.ts/;
  if (!marker.test(source)) throw new Error('web build: public/sw.js lost its `const BUILD = {...}; // set by web/build.ts` line');
  writeFileSync(file, source.replace(marker, `const BUILD = ${JSON.stringify({ version, shell })}; // set by web/build.ts`));
}

function sizes(outDir: string, files: string[]): BudgetPart {
  const list = files.map((file) => {
    const bytes = readFileSync(join(outDir, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  return { raw: list.reduce((n, f) => n + f.raw, 0), gzip: list.reduce((n, f) => n + f.gzip, 0), files: list };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outDir, budget } = await buildWeb();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`built ${outDir}: initial JavaScript ${kb(budget.initialJs.raw)}, ${kb(budget.initialJs.gzip)} gzipped`);
}

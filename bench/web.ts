/**
 * The supervisor web app's figures of issue 5, section 5 of bench/RESULTS.md:
 *   a. initial JavaScript: the app built as deployed (web/build.ts, minified) into a temp dir;
 *      the scripts index.html loads (the boot script and the app's entry) plus every chunk they import statically (not the
 *      dynamic `import()`s), each gzipped at level 9, against the 100 KB budget; the build's
 *      own budget.json is shown beside it when it writes one;
 *   b. first meaningful render of the plant overview: headless Chromium (Debian's, through
 *      playwright-core) at 390x844, 3x pixels, touch, CPU throttled 4x over CDP, cold: a fresh
 *      profile per run, no service worker (a first visit has none), the HTTP cache cleared after
 *      signing in; against the runtime `npm run bench` started serving the build; the demo plant (seeded
 *      through the API) with a state published over MQTT for each unit. Time = performance.now()
 *      in the page (from navigation start) at the first animation frame after the first unit
 *      card shows its state in words, caught by a MutationObserver installed before any script,
 *      which logs to the console then (the bench waits for that message rather than polling the
 *      page, whose evaluations would run Playwright's scripts on the main thread being measured);
 *   floor: the same navigation to a static hello-world page on the same server, same throttling.
 * Runs alternate app and floor; every launch, navigation and wait is bounded.
 * BENCH_WEB_RUNS changes the number of runs (default 7).
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { connectAsync, type MqttClient } from 'mqtt';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Log } from '../infra/local/http-server.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import { DEMO_GATEWAY, DEMO_TENANT, DEMO_USERS, seedDemoPlant } from '../infra/local/seed.ts';
import { type Device, gatewayDevice } from '../shared/telemetry/device-identity.ts';
import { telemetryTopic } from '../shared/telemetry/rules.ts';
import { buildWeb } from '../web/build.ts';
import { median } from './stats.ts';
import { DYNAMODB_USD_PER_MILLION_RRU, LAMBDA_USD_PER_MILLION_REQUESTS } from './telemetry-cost.ts';

export const WEB_TARGETS = { initialJsGzipBytes: 100_000, renderMs: 1_000 } as const;
const CPU_THROTTLING = 4;
const VIEWPORT = { width: 390, height: 844 };
const RUNS = Math.max(1, Number(process.env.BENCH_WEB_RUNS ?? 7));
const MAX_MS_TOTAL = 240_000;
const MAX_MS_PER_WAIT = 20_000;
const CHROMIUM = process.env.MES_CHROMIUM ?? '/usr/bin/chromium';
const HELLO_PAGE = 'bench-hello.html';
/** The operator home of the demo plant's first line, measured beside the plant overview. */
const STATION_WORK_CENTER = 'wc-line-1';
const STATION_PATH = `#/station/${STATION_WORK_CENTER}`;
/** The demo units and the state each is put in before the runs. */
const UNIT_STATES: Record<string, { state: string; reasonCode?: string; gatewayId?: string }> = {
  'wu-press-1': { state: 'running' },
  'wu-screw-1': { state: 'running' },
  'wu-leak-tester-1': { state: 'down', reasonCode: 'E-42' },
  'wu-labeler-1': { state: 'setup', gatewayId: DEMO_GATEWAY },
  'wu-cartoner-1': { state: 'idle', gatewayId: DEMO_GATEWAY },
};
/** A state in words, as the cards show it (never colour alone). */
const STATE_WORDS = ['running', 'idle', 'down', 'setup', 'planned stop', 'planned-stop', 'offline'];

export const WEB_TARGET_NAMES = {
  initialJs: `5. Web app: initial JavaScript at most ${WEB_TARGETS.initialJsGzipBytes / 1000} KB gzipped`,
  render: `5. Web app: plant overview's first unit card with its state within ${WEB_TARGETS.renderMs / 1000} s (390x844, CPU 4x slower, cold cache; median and max)`,
  stationRender: `5. Web app: operator home's dispatch list within ${WEB_TARGETS.renderMs / 1000} s (390x844, CPU 4x slower, cold cache; median and max)`,
} as const;

export interface InitialJs {
  /** Relative to the build dir: the entry script, then its static imports. */
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
  /** What the build wrote to budget.json, when it wrote one. */
  budgetJson: unknown;
  /** Every .js file of the build (dynamic chunks too), for comparison. */
  allJsBytes: number;
  allJsGzipBytes: number;
}

export interface PreparedWeb {
  dir: string;
  initialJs: InitialJs;
  buildMs: number;
  cleanup(): Promise<void>;
}

export interface RenderRun {
  /** performance.now() at the first frame after the first unit card showed its state, ms; NaN when it never did. */
  appMs: number;
  /** The same for the hello-world page. */
  floorMs: number;
  appFcpMs: number;
  floorFcpMs: number;
  /** Which card was first, and what it said. */
  firstCard?: string | undefined;
  /** The operator home (#/station/<work center>): the frame after its dispatch list showed (cards or its empty note); NaN when it never did. */
  stationMs?: number | undefined;
  stationFcpMs?: number | undefined;
  /** What the operator home showed first: a card, or that the list is empty. */
  stationFirst?: string | undefined;
  waterfall?: Waterfall | undefined;
}

/** What one poll of the plant overview costs in DynamoDB, read from the x-mes-dynamodb header (median of the samples). */
export interface PollCost {
  units: number;
  samples: number;
  /** GET /v1/plant/status: what the overview polls every 1.5 s. */
  plant: { calls: number; rru: number };
  /** GET /v1/equipment/{id}/status of every unit, summed: what it polled before, and now every 30 s for OEE today. */
  unitStatuses: { calls: number; rru: number };
}

export interface WebResults {
  pollCost?: PollCost | undefined;
  initialJs: InitialJs;
  buildMs: number;
  chromium: string;
  runs: RenderRun[];
  errors: string[];
  seconds: number;
}

/** Builds the app for the runtime to serve, adds the hello-world page and weighs the initial JavaScript. */
export async function prepareWeb(): Promise<PreparedWeb> {
  const dir = await mkdtemp(join(tmpdir(), 'mes-bench-web-'));
  const started = performance.now();
  await buildWeb({ outDir: `${dir}/` });
  const buildMs = performance.now() - started;
  await writeFile(
    join(dir, HELLO_PAGE),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
      '<title>Hello</title></head><body><h1 data-bench-hello>Hello, world</h1></body></html>\n',
  );
  return { dir, initialJs: await weighInitialJs(dir), buildMs, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Static `import ... from "./x.js"`, `import "./x.js"` and `export ... from "./x.js"` of esbuild's ESM output; `import("./x.js")` is left out. */
const STATIC_IMPORT = /(?:^|[;}\n])\s*(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;

export async function weighInitialJs(dir: string): Promise<InitialJs> {
  const html = await readFile(join(dir, 'index.html'), 'utf8');
  const entries = [
    ...html.matchAll(/<script[^>]*\bsrc=["']([^"']+)["']/g),
    ...html.matchAll(/<link[^>]*\brel=["']modulepreload["'][^>]*\bhref=["']([^"']+)["']/g),
  ]
    .map((m) => (m[1] as string).replace(/^\//, ''))
    .filter((src) => !/^[a-z]+:/i.test(src));
  if (entries.length === 0) throw new Error('web build: index.html loads no script');
  const seen = new Set<string>();
  const queue = [...entries];
  const files: InitialJs['files'] = [];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = await readFile(join(dir, file));
    files.push({ file, bytes: source.length, gzipBytes: gzipSync(source, { level: 9 }).length });
    const base = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    for (const m of source.toString('utf8').matchAll(STATIC_IMPORT)) queue.push(join(base, m[1] as string).replace(/^\.\//, ''));
  }
  let budgetJson: unknown;
  try {
    budgetJson = JSON.parse(await readFile(join(dir, 'budget.json'), 'utf8'));
  } catch {
    budgetJson = undefined;
  }
  let allJsBytes = 0;
  let allJsGzipBytes = 0;
  for (const name of await readdir(dir, { recursive: true })) {
    if (!String(name).endsWith('.js') || !(await stat(join(dir, String(name)))).isFile()) continue;
    const source = await readFile(join(dir, String(name)));
    allJsBytes += source.length;
    allJsGzipBytes += gzipSync(source, { level: 9 }).length;
  }
  const sum = (key: 'bytes' | 'gzipBytes') => files.reduce((a, f) => a + f[key], 0);
  return { files, bytes: sum('bytes'), gzipBytes: sum('gzipBytes'), budgetJson, allJsBytes, allJsGzipBytes };
}

/** What the probe logs once it has stamped the render: the bench waits for this console message. */
const RENDER_SIGNAL = '__bench:rendered';

/**
 * Put in every page before its scripts: waits for the first unit card (or the hello heading) to
 * show and stamps the frame after. Plain JavaScript source: a function compiled by tsx would
 * carry esbuild's helpers (`__name`), which do not exist in the page.
 */
const RENDER_PROBE = `(() => {
  const STATES = ${JSON.stringify(STATE_WORDS)};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') window.__benchFcp = e.startTime;
  }).observe({ type: 'paint', buffered: true });
  let done = false;
  let observer;
  function check() {
    if (done) return;
    let found = document.querySelector('[data-bench-hello]') ? 'hello' : undefined;
    if (!found && location.hash.startsWith('#/station')) {
      // The operator home: its dispatch list is in (the cards, or the note that none wait).
      const next = document.querySelector('[data-testid="station-next"]');
      const box = next ? next.getBoundingClientRect() : undefined;
      if (!next || !box || box.width === 0) return;
      const card = document.querySelector('[data-testid^="current-"], [data-testid^="dispatch-"]');
      found = card ? card.dataset.testid + ': ' + (card.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 80) : 'empty dispatch list';
    }
    if (!found) {
      for (const card of document.querySelectorAll('[data-testid^="unit-"]')) {
        const text = (card.textContent || '').toLowerCase();
        const box = card.getBoundingClientRect();
        // A card that carries its state as data-state says it in words once that is not 'unknown'.
        const state = card.dataset.state;
        const shown = state ? state !== 'unknown' && text.includes(state.replace(/-/g, ' ')) : STATES.some((s) => text.includes(s));
        if (box.width > 0 && box.height > 0 && shown) {
          found = card.dataset.testid + ': ' + (card.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 80);
          break;
        }
      }
    }
    if (!found) return;
    done = true;
    observer.disconnect();
    requestAnimationFrame(() => {
      window.__benchRender = { ms: performance.now(), card: found };
      console.debug(${JSON.stringify(RENDER_SIGNAL)});
    });
  }
  observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
  document.addEventListener('DOMContentLoaded', check);
})();`;

/** Where the plant overview's time went, ms from navigation start (Resource Timing, read after the render). */
export interface Waterfall {
  html: number;
  js: number;
  config: number;
  /** When the page asked for the plant status (fetchStart of GET /v1/plant/status). */
  plantAsked: number;
  plantReceived: number;
  /** Request sent to first byte of the plant status: the server's share. */
  plantServer: number;
}
export const WATERFALL_STEPS: [keyof Waterfall, string][] = [
  ['html', 'index.html received'],
  ['js', 'initial JavaScript received'],
  ['config', '/config.json received (preloaded by index.html)'],
  ['plantAsked', 'plant status asked for (GET /v1/plant/status, by the boot script before the app runs)'],
  ['plantReceived', 'plant status received'],
];

const waterfallProbe = (initialJs: string[]) => `(() => {
  const initial = ${JSON.stringify(initialJs.map((f) => `/${f}`))};
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const path = (e) => new URL(e.name).pathname;
  const max = (a) => (a.length ? Math.max(...a) : NaN);
  const first = (p) => res.filter((e) => path(e) === p).sort((a, b) => a.startTime - b.startTime)[0];
  const config = first('/config.json');
  const plant = first('/v1/plant/status');
  return {
    html: nav ? nav.responseEnd : NaN,
    js: max(res.filter((e) => initial.includes(path(e))).map((e) => e.responseEnd)),
    config: config ? config.responseEnd : NaN,
    plantAsked: plant ? plant.fetchStart : NaN,
    plantReceived: plant ? plant.responseEnd : NaN,
    plantServer: plant ? plant.responseStart - plant.requestStart : NaN,
  };
})()`;

interface Measured {
  ms: number;
  fcpMs: number;
  card: string;
  waterfall: Waterfall;
}

async function measurePage(context: BrowserContext, url: string, initialJs: string[]): Promise<Measured> {
  const page = await context.newPage();
  try {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLING });
    // Waiting on a console message, not polling the page: polling would run Playwright's own
    // scripts in the page while it loads, on the main thread being measured.
    const rendered = page.waitForEvent('console', { predicate: (m) => m.text() === RENDER_SIGNAL, timeout: MAX_MS_PER_WAIT });
    rendered.catch(() => {}); // awaited below; a failed navigation must not leave it unhandled
    await page.goto(url, { waitUntil: 'commit', timeout: MAX_MS_PER_WAIT });
    await rendered.catch(async (error: Error) => {
      const seen = await page.evaluate(() => document.body?.innerText.replace(/\s+/g, ' ').slice(0, 160)).catch(() => '(no page)');
      throw new Error(`${error.message.split('\n')[0]}; the page showed: ${seen}`);
    });
    const result = await page.evaluate(async () => {
      const w = window as unknown as { __benchRender: { ms: number; card: string }; __benchFcp?: number };
      // A page as small as the floor may stamp its heading before the paint entry is reported.
      for (let i = 0; i < 40 && w.__benchFcp === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      return { ms: w.__benchRender.ms, fcpMs: w.__benchFcp ?? Number.NaN, card: w.__benchRender.card };
    });
    const waterfall = (await page.evaluate(waterfallProbe(initialJs))) as Waterfall;
    await cdp.detach().catch(() => {});
    return { ...result, waterfall };
  } finally {
    await page.close().catch(() => {});
  }
}

export async function launch(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'mes-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: MAX_MS_PER_WAIT,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
    viewport: VIEWPORT,
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    // A first visit has no service worker yet; one registered by the app page would serve the floor page.
    serviceWorkers: 'block',
  });
  context.setDefaultTimeout(MAX_MS_PER_WAIT);
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      // Chromium may still be writing its profile as it exits.
      await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }).catch(() => {});
    },
  };
}

/**
 * Signs in through the sign-in screen, then empties the HTTP cache and Cache Storage (the session in localStorage stays).
 * With `station`, the device has also opened that operator home once, so it remembers its work center as a device at a line does.
 */
export async function signInCold(context: BrowserContext, baseUrl: string, station?: string): Promise<void> {
  const page = (context.pages()[0] as Page | undefined) ?? (await context.newPage());
  const user = DEMO_USERS.supervisor;
  await page.goto(`${baseUrl}/#/sign-in`, { timeout: MAX_MS_PER_WAIT });
  await page.getByLabel('Plant (tenant)').fill(DEMO_TENANT);
  await page.getByLabel('User', { exact: true }).fill(user.userId);
  await page.getByLabel('Role').selectOption('supervisor');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ state: 'visible' });
  if (station) {
    await page.goto(`${baseUrl}/${station}`, { timeout: MAX_MS_PER_WAIT });
    await page.getByTestId('station-next').waitFor({ state: 'visible' });
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(baseUrl).origin, storageTypes: 'cache_storage' });
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach().catch(() => {});
  await page.goto('about:blank');
}

/**
 * The demo plant in the bench runtime, each unit in a state published over MQTT as a device
 * would: as itself, or through the gateway its master data names (the packing line's). The
 * connections stay open until the returned close: a unit whose connection ends is offline.
 */
async function preparePlant(runtime: Runtime, log: Log): Promise<() => Promise<void>> {
  const seed = await seedDemoPlant(runtime, log);
  if (!seed.seeded && !/already/.test(seed.detail)) throw new Error(`web bench: ${seed.detail}`);
  const mqtt = runtime.mqtt;
  if (!mqtt) throw new Error('web bench: the runtime has no MQTT broker');
  const units = Object.entries(UNIT_STATES);
  const token = await runtime.issueToken({ tenantId: DEMO_TENANT, userId: 'bench-web', roles: ['supervisor'] });
  const clients = new Map<string, MqttClient>();
  const close = async () => {
    await Promise.all([...clients.values()].map((c) => c.endAsync().catch(() => {})));
  };
  const clientFor = async (device: Device) => {
    const id = device.equipmentId;
    const open = clients.get(id);
    if (open) return open;
    const client = await connectAsync(mqtt.url, { ...runtime.deviceCredentials(device), reconnectPeriod: 0, connectTimeout: 5_000 });
    clients.set(id, client);
    return client;
  };
  try {
    for (const [unit, { state, reasonCode, gatewayId }] of units) {
      const payload = { ts: Date.now() - 60_000, msgId: `bench-web-${unit}`, state, ...(reasonCode ? { reasonCode } : {}) };
      if (gatewayId) {
        const gateway = await clientFor(gatewayDevice({ tenantId: DEMO_TENANT, gatewayId }));
        await gateway.publishAsync(telemetryTopic(DEMO_TENANT, gatewayId, 'state'), JSON.stringify({ equipmentId: unit, ...payload }), { qos: 1 });
      } else {
        const device = await clientFor({ tenantId: DEMO_TENANT, equipmentId: unit });
        await device.publishAsync(telemetryTopic(DEMO_TENANT, unit, 'state'), JSON.stringify(payload), { qos: 1 });
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  // Until the plant status shows each unit's state: the first render then waits for nothing but
  // the page, and the route's handler is loaded (a warm server, as a plant in use has).
  const deadline = Date.now() + MAX_MS_PER_WAIT;
  for (;;) {
    const res = await fetch(`${runtime.baseUrl}/v1/plant/status`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5_000),
    });
    const states = res.ok
      ? new Map(((await res.json()) as { items: { equipmentId: string; state: string }[] }).items.map((u) => [u.equipmentId, u.state]))
      : new Map();
    if (units.every(([unit, { state }]) => states.get(unit) === state)) return close;
    if (Date.now() > deadline) {
      await close();
      throw new Error(
        `web bench: the plant status never showed ${JSON.stringify(Object.fromEntries(units.map(([u, { state }]) => [u, state])))}, but ${JSON.stringify(Object.fromEntries(states))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const POLL_SAMPLES = 5;

function usageOf(res: Response): { calls: number; rru: number } {
  const m = /^calls=([^;]*);rru=([\d.]+);wru=[\d.]+$/.exec(res.headers.get('x-mes-dynamodb') ?? '');
  if (!m) throw new Error('web bench: no x-mes-dynamodb header (MES_EXPOSE_DDB_USAGE=1 is set by bench/run.ts)');
  return { calls: m[1] ? (m[1] as string).split(',').length : 0, rru: Number(m[2]) };
}

/** DynamoDB calls and read units of one plant status, and of one status per unit, on the demo plant. */
async function measurePollCost(runtime: Runtime): Promise<PollCost> {
  const token = await runtime.issueToken({ tenantId: DEMO_TENANT, userId: 'bench-web', roles: ['supervisor'] });
  const get = async (path: string) => {
    const res = await fetch(`${runtime.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`web bench: ${path} answered ${res.status}`);
    const usage = usageOf(res);
    await res.arrayBuffer();
    return usage;
  };
  const units = Object.keys(UNIT_STATES);
  const plant: { calls: number; rru: number }[] = [];
  const perUnit: { calls: number; rru: number }[] = [];
  for (let i = 0; i < POLL_SAMPLES; i++) {
    plant.push(await get('/v1/plant/status'));
    const each = await Promise.all(units.map((u) => get(`/v1/equipment/${u}/status`)));
    perUnit.push({ calls: each.reduce((n, u) => n + u.calls, 0), rru: each.reduce((n, u) => n + u.rru, 0) });
  }
  const mid = (xs: { calls: number; rru: number }[]) => ({ calls: median(xs.map((x) => x.calls)), rru: median(xs.map((x) => x.rru)) });
  return { units: units.length, samples: POLL_SAMPLES, plant: mid(plant), unitStatuses: mid(perUnit) };
}

export async function measureWeb(
  runtime: Runtime,
  prepared: PreparedWeb,
  options: { step: (message: string) => void; log: Log },
): Promise<WebResults> {
  const started = performance.now();
  const errors: string[] = [];
  const runs: RenderRun[] = [];
  let pollCost: PollCost | undefined;
  let version = 'n/a';
  let closePlant: (() => Promise<void>) | undefined;
  try {
    options.step('web: seeding the demo plant and publishing a state for each unit');
    closePlant = await preparePlant(runtime, options.log);
    options.step('web: what one poll of the plant overview costs in DynamoDB');
    pollCost = await measurePollCost(runtime).catch((error: Error) => {
      errors.push(`poll cost: ${error.message}`);
      return undefined;
    });
    const app = `${runtime.baseUrl}/`;
    const floor = `${runtime.baseUrl}/${HELLO_PAGE}`;
    const deadline = started + MAX_MS_TOTAL;
    for (let i = 0; i < RUNS && performance.now() < deadline; i++) {
      options.step(`web: first render, run ${i + 1}/${RUNS} (cold Chromium, CPU ${CPU_THROTTLING}x slower)`);
      const browser = await launch();
      try {
        version = browser.context.browser()?.version() ?? version;
        await browser.context.addInitScript({ content: RENDER_PROBE });
        await signInCold(browser.context, runtime.baseUrl, STATION_PATH);
        // Alternate which goes first, so neither always meets the freshly started browser.
        const turns = [
          ['app', 'floor', 'station'],
          ['floor', 'station', 'app'],
          ['station', 'app', 'floor'],
        ] as const;
        const order = turns[i % turns.length] as (typeof turns)[number];
        const got: Partial<Record<'app' | 'floor' | 'station', Measured>> = {};
        const urls = { app, floor, station: `${app}${STATION_PATH}` };
        const names = { app: 'plant overview', floor: 'hello-world floor', station: 'operator home' };
        for (const which of order) {
          got[which] = await measurePage(
            browser.context,
            urls[which],
            prepared.initialJs.files.map((f) => f.file),
          ).catch((error: Error) => {
            throw new Error(`${names[which]}: ${error.message}`);
          });
        }
        runs.push({
          appMs: got.app?.ms ?? Number.NaN,
          floorMs: got.floor?.ms ?? Number.NaN,
          appFcpMs: got.app?.fcpMs ?? Number.NaN,
          floorFcpMs: got.floor?.fcpMs ?? Number.NaN,
          firstCard: got.app?.card,
          waterfall: got.app?.waterfall,
          stationMs: got.station?.ms ?? Number.NaN,
          stationFcpMs: got.station?.fcpMs ?? Number.NaN,
          stationFirst: got.station?.card,
        });
      } catch (error) {
        errors.push(`run ${i + 1}: ${(error as Error).message.split('\n')[0]}`);
        runs.push({ appMs: Number.NaN, floorMs: Number.NaN, appFcpMs: Number.NaN, floorFcpMs: Number.NaN });
      } finally {
        await browser.close();
      }
    }
    if (version === 'n/a') version = await chromiumVersion();
  } catch (error) {
    errors.push((error as Error).message.split('\n')[0] as string);
  } finally {
    await closePlant?.();
  }
  return {
    pollCost,
    initialJs: prepared.initialJs,
    buildMs: prepared.buildMs,
    chromium: version,
    runs,
    errors,
    seconds: (performance.now() - started) / 1000,
  };
}

async function chromiumVersion(): Promise<string> {
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'], timeout: MAX_MS_PER_WAIT });
    const v = browser.version();
    await browser.close();
    return v;
  } catch {
    return 'n/a';
  }
}

// ---------- Report ----------

interface Sink {
  out: (...lines: string[]) => void;
  judge: (target: string, pass: boolean) => string;
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : 'n/a');
const finite = (values: number[]) => values.filter(Number.isFinite);
const max = (values: number[]) => (finite(values).length ? Math.max(...finite(values)) : Number.NaN);

export function renderWeb(r: WebResults, { out, judge }: Sink): void {
  const T = WEB_TARGET_NAMES;
  const js = r.initialJs;
  out('## 5. Supervisor web app: initial JavaScript and first render (issue 5)', '');
  out(
    `Measured by bench/web.ts in ${r.seconds.toFixed(0)} s. The app is built as deployed (web/build.ts: esbuild, minified, ESM, code splitting) in ${(r.buildMs / 1000).toFixed(1)} s. ` +
      'Initial JavaScript = the scripts index.html loads (the boot script and the app module) plus every chunk they import statically, each gzipped at level 9 (dynamic `import()` chunks load later and are not counted). ' +
      '1 KB = 1000 bytes.',
    '',
  );
  out('| File | Raw | Gzipped (level 9) |', '|---|---|---|');
  for (const f of js.files) out(`| ${f.file} | ${kb(f.bytes)} | ${kb(f.gzipBytes)} |`);
  out(`| **Initial JavaScript** | ${kb(js.bytes)} | **${kb(js.gzipBytes)}** |`);
  out(`| Every .js file of the build (for comparison) | ${kb(js.allJsBytes)} | ${kb(js.allJsGzipBytes)} |`, '');
  out(
    `Target: initial JavaScript at most ${kb(WEB_TARGETS.initialJsGzipBytes)} gzipped: ${kb(js.gzipBytes)}, ` +
      `${judge(T.initialJs, js.files.length > 0 && js.gzipBytes <= WEB_TARGETS.initialJsGzipBytes)}.` +
      (js.budgetJson === undefined ? ' (The build wrote no budget.json.)' : ` The build's budget.json says: \`${JSON.stringify(js.budgetJson)}\`.`),
    '',
  );

  const app = r.runs.map((x) => x.appMs);
  const floor = r.runs.map((x) => x.floorMs);
  const appMedian = median(finite(app));
  const appMax = max(app);
  const complete = r.runs.length > 0 && app.every(Number.isFinite);
  out(
    `First meaningful render: Chromium ${r.chromium} headless (Debian's, through playwright-core), 390x844 at 3x with touch, CPU throttled ${CPU_THROTTLING}x ` +
      '(CDP `Emulation.setCPUThrottlingRate`), a fresh profile per run with no service worker (a first visit has none), signed in through the sign-in screen as ' +
      "the demo supervisor, then the HTTP cache cleared, so the app's files and data come cold over 127.0.0.1 from the runtime the bench started (which serves the build). " +
      'The plant overview is the demo plant seeded through the API, a state published over MQTT for each of its five units. The time is `performance.now()` ' +
      'in the page (from navigation start) at the first animation frame after the first unit card (`data-testid="unit-…"`) shows its state in words, caught by a ' +
      "MutationObserver installed before any script runs; the bench waits for the console message the probe logs then, so that none of Playwright's own scripts run in the page while it loads. Floor: the same navigation to a static hello-world page on the same server, same throttling, until " +
      "its heading is there. FCP = the browser's first-contentful-paint entry. App and floor take turns in each run.",
    '',
  );
  out('| Run | Plant overview ms | FCP ms | Hello-world floor ms | Floor FCP ms | First card |', '|---|---|---|---|---|---|');
  for (const [i, x] of r.runs.entries()) {
    out(`| ${i + 1} | ${ms(x.appMs)} | ${ms(x.appFcpMs)} | ${ms(x.floorMs)} | ${ms(x.floorFcpMs)} | ${x.firstCard ?? 'n/a'} |`);
  }
  out(
    `| **median** | **${ms(appMedian)}** | ${ms(median(finite(r.runs.map((x) => x.appFcpMs))))} | **${ms(median(finite(floor)))}** | ${ms(median(finite(r.runs.map((x) => x.floorFcpMs))))} | |`,
    `| **max** | **${ms(appMax)}** | | ${ms(max(floor))} | | |`,
    '',
  );
  out(
    `Target: the first unit card with its state within ${ms(WEB_TARGETS.renderMs)} ms, median and max of the runs: median ${ms(appMedian)} ms ` +
      `${judge(T.render, complete && appMedian <= WEB_TARGETS.renderMs)}, max ${ms(appMax)} ms ${judge(T.render, complete && appMax <= WEB_TARGETS.renderMs)}` +
      `; the floor's median is ${ms(median(finite(floor)))} ms, so the app adds ${ms(appMedian - median(finite(floor)))} ms.`,
    '',
  );
  const falls = r.runs.flatMap((x) => (x.waterfall ? [x.waterfall] : []));
  if (falls.length) {
    out("Where the plant overview's time goes (Resource Timing in the page, median of the runs, ms from navigation start):", '');
    out('| Step | ms |', '|---|---|');
    for (const [key, label] of WATERFALL_STEPS) out(`| ${label} | ${ms(median(finite(falls.map((w) => w[key]))))} |`);
    out(`| first unit card with its state shown (the figure above) | ${ms(appMedian)} |`, '');
    out(
      `The plant status request took ${ms(median(finite(falls.map((w) => w.plantServer))))} ms from request to first byte (median of the runs): ` +
        "the server's share, which CPU throttling of the page does not slow.",
      '',
    );
  }
  renderStation(r, { out, judge });
  if (r.pollCost) renderPollCost(r.pollCost, out);
  if (r.errors.length) out('Errors:', ...r.errors.map((e) => `- ${e}`), '');
}

/** The operator home's first render, measured in the same runs as the plant overview. */
function renderStation(r: WebResults, { out, judge }: Sink): void {
  const T = WEB_TARGET_NAMES;
  const station = r.runs.map((x) => x.stationMs ?? Number.NaN);
  const stationMedian = median(finite(station));
  const stationMax = max(station);
  const complete = r.runs.length > 0 && station.every(Number.isFinite);
  out(
    `Operator home (\`${STATION_PATH}\`, the demo plant's ${STATION_WORK_CENTER}): the same browser, profile, sign-in, throttling and cold cache as the plant overview, in the same runs; ` +
      'at sign-in the device opened that operator home once (before the cache was emptied), so it remembers its work center as a device at a line does ' +
      '(the three pages take turns). The time is the first animation frame after its dispatch list is in (`data-testid="station-next"` showing its cards or the note that none wait).',
    '',
  );
  out('| Run | Operator home ms | FCP ms | First shown |', '|---|---|---|---|');
  for (const [i, x] of r.runs.entries())
    out(`| ${i + 1} | ${ms(x.stationMs ?? Number.NaN)} | ${ms(x.stationFcpMs ?? Number.NaN)} | ${x.stationFirst ?? 'n/a'} |`);
  out(
    `| **median** | **${ms(stationMedian)}** | ${ms(median(finite(r.runs.map((x) => x.stationFcpMs ?? Number.NaN))))} | |`,
    `| **max** | **${ms(stationMax)}** | | |`,
    '',
  );
  out(
    `Target: the operator home's dispatch list within ${ms(WEB_TARGETS.renderMs)} ms, median and max of the runs: median ${ms(stationMedian)} ms ` +
      `${judge(T.stationRender, complete && stationMedian <= WEB_TARGETS.renderMs)}, max ${ms(stationMax)} ms ${judge(T.stationRender, complete && stationMax <= WEB_TARGETS.renderMs)}.`,
    '',
  );
}

/** A phone's shift: 8 hours of the overview open, polled every 1.5 s, OEE today every 30 s. */
const SHIFT_SECONDS = 8 * 3600;
const STATE_POLL_SECONDS = 1.5;
const OEE_POLL_SECONDS = 30;
/** API Gateway HTTP API, per million requests (first 300 M a month). */
const HTTP_API_USD_PER_MILLION = 1.0;

function renderPollCost(c: PollCost, out: Sink['out']): void {
  const polls = SHIFT_SECONDS / STATE_POLL_SECONDS;
  const oeeRounds = SHIFT_SECONDS / OEE_POLL_SECONDS;
  const perRequestUsd = (HTTP_API_USD_PER_MILLION + LAMBDA_USD_PER_MILLION_REQUESTS) / 1e6;
  const now = { requests: polls + oeeRounds * c.units, rru: polls * c.plant.rru + oeeRounds * c.unitStatuses.rru };
  const before = { requests: polls * c.units, rru: polls * c.unitStatuses.rru };
  const usd = (x: { requests: number; rru: number }) => x.requests * perRequestUsd + (x.rru / 1e6) * DYNAMODB_USD_PER_MILLION_RRU;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  out(
    `What the plant overview costs to keep open (the demo plant, ${c.units} units; DynamoDB calls and read request units from the x-mes-dynamodb header of each response, median of ${c.samples} samples):`,
    '',
    '| One poll | Requests | DynamoDB calls | Read request units |',
    '|---|---|---|---|',
    `| GET /v1/plant/status (every 1.5 s) | 1 | ${c.plant.calls} | ${c.plant.rru} |`,
    `| GET /v1/equipment/{id}/status of every unit (what the overview polled every 1.5 s before; now every 30 s, for OEE today) | ${c.units} | ${c.unitStatuses.calls} | ${c.unitStatuses.rru} |`,
    '',
    `One phone with the overview open for an 8-hour shift: ${n(now.requests)} requests and ${n(now.rru)} RRU now, against ${n(before.requests)} requests and ${n(before.rru)} RRU polling every unit's status: ` +
      `$${usd(now).toFixed(4)} against $${usd(before).toFixed(4)} (HTTP API $${HTTP_API_USD_PER_MILLION}/M requests, Lambda $${LAMBDA_USD_PER_MILLION_REQUESTS}/M requests, DynamoDB on-demand $${DYNAMODB_USD_PER_MILLION_RRU}/M RRU; Lambda duration not included).`,
    '',
  );
}

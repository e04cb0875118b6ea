/**
 * The supervisor app in a real browser: Debian's Chromium driven by playwright-core, the web
 * app built once per test process into a temp dir, the in-process runtime serving it (with the
 * MQTT broker for telemetry), sign-in through the sign-in screen, screenshots kept as artifacts
 * under test-results/screenshots/<test>/<screen>.png, axe-core's serious and critical
 * violations as failures, and bounded waits on the DOM (never a timing assertion).
 * Each launch is its own Chromium with a fresh profile; `closeBrowsers()` in an after hook
 * ends them all, and the profiles are removed.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { Role } from '../../shared/domain/roles.ts';
import { buildWeb } from '../../web/build.ts';
import { startTestRuntime, type TestRuntime } from './runtime.ts';

import { CHROMIUM } from './chromium.ts';

export { BROWSER_SKIP, CHROMIUM } from './chromium.ts';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS_DIR = join(ROOT, 'test-results/screenshots');

/** What every launch passes: no network beyond 127.0.0.1, nothing running in the background. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

export interface Device {
  name: string;
  viewport: { width: number; height: number };
  deviceScaleFactor: number;
  isMobile: boolean;
  hasTouch: boolean;
}

export const PHONE: Device = { name: 'phone', viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
export const TABLET: Device = { name: 'tablet', viewport: { width: 820, height: 1180 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP: Device = { name: 'desktop', viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false };

/** Default bound of every Playwright action and wait, ms. */
export const ACTION_TIMEOUT_MS = 10_000;

const open = new Set<BrowserContext>();
/** Profile dirs not removed yet; whatever is left goes when the process exits. */
const profiles = new Set<string>();
process.once('exit', () => {
  for (const profile of profiles) {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // A temp dir left behind is not worth an exit code.
    }
  }
});

async function removeProfile(profile: string): Promise<void> {
  // Never fail a test over a temp dir.
  await rm(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }).catch(() => {});
  profiles.delete(profile);
}

/**
 * A fresh Chromium (own profile dir) emulating `device`. Close it, or call `closeBrowsers()`.
 * `extraArgs` go after CHROMIUM_ARGS (e.g. a fake camera: `--use-fake-device-for-media-stream`).
 */
export async function launchBrowser(device: Device = PHONE, extraArgs: readonly string[] = []): Promise<BrowserContext> {
  const profile = await mkdtemp(join(tmpdir(), 'mes-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
      viewport: device.viewport,
      deviceScaleFactor: device.deviceScaleFactor,
      isMobile: device.isMobile,
      hasTouch: device.hasTouch,
      // The app's service worker never touches the API, but a page whose requests pass through one
      // is not routed reliably (page.route is how the tests cut the connection): tests run without it.
      serviceWorkers: 'block',
      timeout: 30_000,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(15_000);
  open.add(context);
  profiles.add(profile);
  // The profile goes once close() has returned (Chromium has exited); the 'close' event comes earlier.
  const close = context.close.bind(context);
  context.close = async (options) => {
    open.delete(context);
    try {
      await close(options);
    } finally {
      await removeProfile(profile);
    }
  };
  return context;
}

/** The one page a persistent context opens with. */
export async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}

/** Ends every Chromium this process launched, and removes their profiles. */
export async function closeBrowsers(): Promise<void> {
  await Promise.allSettled([...open].map((context) => context.close()));
}

// ---------- The app and the runtime serving it ----------

let built: Promise<string> | undefined;

/** The web app built once per test process (minified, as deployed) into a temp dir. */
export function builtWebApp(): Promise<string> {
  built ??= (async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'mes-web-'));
    process.once('exit', () => rmSync(outDir, { recursive: true, force: true }));
    await buildWeb({ outDir: `${outDir}/` });
    return outDir;
  })();
  return built;
}

/** The in-process runtime serving the built app at `/`, MQTT on a free port, telemetry rules without a batching window. */
export async function startWebRuntime(): Promise<TestRuntime> {
  const dir = await builtWebApp();
  return startTestRuntime({ mqttPort: 0, telemetryWindowMs: 0, web: { dir } });
}

export interface Person {
  tenantId: string;
  userId: string;
  role: Role;
}

/** Signs in through the sign-in screen and waits for the app behind it (the Sign out button). */
export async function signIn(page: Page, baseUrl: string, person: Person): Promise<void> {
  await page.goto(`${baseUrl}/#/sign-in`);
  await page.getByLabel('Plant (tenant)').fill(person.tenantId);
  await page.getByLabel('User', { exact: true }).fill(person.userId);
  await page.getByLabel('Role').selectOption(person.role);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ state: 'visible' });
}

/** Goes to a hash route of the app without reloading it, and waits for its heading. */
export async function goTo(page: Page, hashPath: string, heading?: string | RegExp): Promise<void> {
  await page.evaluate((path) => {
    location.hash = `#${path}`;
  }, hashPath);
  if (heading) await page.getByRole('heading', { level: 1, name: heading }).waitFor({ state: 'visible' });
}

// ---------- Evidence: errors, screenshots, accessibility, layout ----------

/** Collects uncaught page errors and console errors; `assertNone()` fails the test with them. */
export function watchErrors(page: Page, ignore: RegExp[] = []) {
  const errors: string[] = [];
  const keep = (text: string) => {
    if (!ignore.some((r) => r.test(text))) errors.push(text);
  };
  page.on('pageerror', (error) => keep(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') keep(`console: ${message.text()}`);
  });
  return {
    errors,
    clear: () => void errors.splice(0),
    assertNone: () => assert.deepEqual(errors, [], `the page reported errors:\n${errors.join('\n')}`),
  };
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80) || 'unnamed';

/** Saves a full-page screenshot as test-results/screenshots/<test>/<screen>.png; returns its path. */
export async function screenshot(page: Page, test: string, screen: string): Promise<string> {
  const dir = join(SCREENSHOTS_DIR, slug(test));
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${slug(screen)}.png`);
  await page.screenshot({ path, fullPage: true, animations: 'disabled', timeout: 15_000 });
  return path;
}

const AXE_SOURCE = readFileSync(join(createRequire(import.meta.url).resolve('axe-core'), '../axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core on the whole document; fails on any violation of impact serious or critical. */
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  // Evaluated through the DevTools protocol, so a Content-Security-Policy does not block it.
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary ?? '' })),
    }));
  });
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const describe = (v: AxeViolation) =>
    `- ${v.id} (${v.impact}): ${v.help} <${v.helpUrl}>\n${v.nodes.map((n) => `    ${JSON.stringify(n.target)}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`).join('\n')}`;
  assert.equal(blocking.length, 0, `axe found serious or critical violations on ${screen}:\n${blocking.map(describe).join('\n')}`);
}

/** Fails when the page is wider than the viewport, naming the elements that stick out. */
export async function assertNoHorizontalOverflow(page: Page, screen: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const scrollWidth = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
    if (scrollWidth <= width) return undefined;
    const culprits: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1) {
        const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('class') ? `.${String(el.getAttribute('class')).trim().split(/\s+/).join('.')}` : ''}`;
        culprits.push(`${name} (right edge ${Math.round(box.right)} px)`);
        if (culprits.length >= 8) break;
      }
    }
    return { width, scrollWidth, culprits };
  });
  assert.equal(
    overflow,
    undefined,
    overflow &&
      `${screen} overflows horizontally: ${overflow.scrollWidth} px wide in a ${overflow.width} px viewport; sticking out: ${overflow.culprits.join(', ')}`,
  );
}

/**
 * Polls the page until `predicate(arg)` is truthy, at most `timeoutMs` (default ~3 s: the app
 * polls every 1.5 s, so a change shows within 2 s); fails with `what` otherwise.
 */
export async function waitInPage<A>(page: Page, what: string, predicate: (arg: A) => unknown, arg: A, timeoutMs = 3_000): Promise<void> {
  try {
    await page.waitForFunction(predicate as (arg: unknown) => unknown, arg as unknown, { timeout: timeoutMs, polling: 100 });
  } catch (error) {
    throw new Error(`gave up after ${timeoutMs} ms waiting until ${what}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** The visible text of the element with `data-testid`, or undefined when it is not there. */
export const testIdText = (page: Page, testId: string) =>
  page.evaluate((id) => (document.querySelector(`[data-testid="${CSS.escape(id)}"]`) as HTMLElement | null)?.innerText, testId);

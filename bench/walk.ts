/**
 * A supervisor's first walk through the app after a deploy, in headless Chromium on a phone:
 * sign in, the plant overview, the orders list, one released order, start its first operation,
 * report the order's 20 valves, record the seat-height inspection that falls due at 20 (five
 * heights typed, the leak check passed), complete. Every API request the app makes is matched against the route table (as API
 * Gateway matches it) and named by the API function that serves it: on a quiet plant each
 * distinct function is one cold start the supervisor waits for.
 */
import type { Page } from 'playwright-core';
import { createRouter } from '../infra/local/router.ts';
import type { Runtime } from '../infra/local/runtime.ts';
import { type RouteId, routeList, routes } from '../shared/api/routes.ts';
import { launch, signInCold } from './web.ts';

/** Released by the demo seed (infra/local/seed.ts), 20 valves, its operation 10 ready to start. */
const ORDER = 'WO-1002';
/** The demo valve plan's inspection, every 20 valves a sample of 5 (seed.ts `IP-V20-ASSY`). */
const PLAN = { id: 'IP-V20-ASSY', name: 'Valve V20 seat height and leak check' };
/** Seat heights near the nominal 12.50 mm, within the frozen limits. */
const SEAT_HEIGHTS = ['12.50', '12.49', '12.51', '12.50', '12.50'];

export interface WalkStep {
  step: string;
  routes: RouteId[];
}
export interface WalkResults {
  steps: WalkStep[];
  /** API function -> the routes of the walk it served. */
  functions: Record<string, RouteId[]>;
  error?: string;
}

export async function measureWalk(runtime: Runtime): Promise<WalkResults> {
  const match = createRouter(routeList);
  const steps: WalkStep[] = [];
  let current: WalkStep = { step: 'sign in', routes: [] };
  // As the web bench signs in: a fresh profile, the sign-in screen, then the cache emptied, so the walk starts cold.
  const browser = await launch();
  try {
    const context = browser.context;
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/v1/') || request.method() === 'OPTIONS') return;
      const found = match(request.method(), url.pathname);
      if (found.kind === 'found' && !current.routes.includes(found.route.id)) current.routes.push(found.route.id);
    });
    const next = (step: string) => {
      steps.push(current);
      current = { step, routes: [] };
    };
    await signInCold(context, runtime.baseUrl);
    next('plant overview');
    await page.goto(`${runtime.baseUrl}/#/`);
    await page.locator('[data-testid^="unit-"]').first().waitFor({ state: 'visible' });
    await settle(page);
    next('orders');
    await page.goto(`${runtime.baseUrl}/#/orders`);
    await page.getByRole('link', { name: ORDER }).first().waitFor({ state: 'visible' });
    await settle(page);
    next(`order ${ORDER}`);
    await page.getByRole('link', { name: ORDER }).first().click();
    const op = page.getByTestId('op-10');
    await op.getByRole('button', { name: 'Start', exact: true }).waitFor({ state: 'visible' });
    await settle(page);
    next('start operation 10');
    await act(page, op, 'Start');
    next('report');
    await act(page, op, 'Report', { 'Good quantity': '20' });
    next('inspect');
    const inspection = op.getByTestId(`inspection-${PLAN.id}-1`);
    await inspection.waitFor({ state: 'visible' });
    const seat = inspection.locator('fieldset.insp-char').first();
    for (const [i, v] of SEAT_HEIGHTS.entries())
      await seat
        .getByLabel(`Unit ${i + 1}`, { exact: true })
        .first()
        .fill(v);
    await inspection.getByRole('button', { name: `Save the results of ${PLAN.name}` }).click();
    await op.getByTestId('inspection-result').waitFor({ state: 'visible' });
    await settle(page);
    next('complete');
    await act(page, op, 'Complete');
    steps.push(current);
  } catch (error) {
    steps.push(current);
    return { steps, functions: byFunction(steps), error: (error as Error).message.split('\n')[0] as string };
  } finally {
    await browser.close();
  }
  return { steps, functions: byFunction(steps) };
}

/** The screen's first requests have answered (the app then polls, which the next step would see anyway). */
const settle = (page: Page) => page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});

async function act(page: Page, scope: ReturnType<Page['getByTestId']>, action: string, fields: Record<string, string> = {}) {
  await scope.getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  for (const [label, value] of Object.entries(fields)) await dialog.getByLabel(label, { exact: true }).fill(value);
  await dialog.getByRole('button', { name: `Confirm: ${action}` }).click();
  await dialog.waitFor({ state: 'detached' });
  await settle(page);
}

function byFunction(steps: WalkStep[]): Record<string, RouteId[]> {
  const out: Record<string, RouteId[]> = {};
  for (const id of new Set(steps.flatMap((s) => s.routes))) (out[routes[id].fn] ??= []).push(id);
  return out;
}

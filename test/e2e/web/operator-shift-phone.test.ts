/**
 * An operator's shift from the operator home (`#/station`) on a phone (390x844) in a real
 * Chromium, against the in-process runtime serving the built app. Other people act through the
 * API. Every wait is bounded on what the DOM shows; timings are never asserted.
 * 1. Pick the work center (remembered on the device), start from a dispatch card, record data,
 *    report good and scrap, complete.
 * 2. A lost connection: the banner, and every action button disabled until it is back.
 * 3. Another operator's change: a 409 in plain words naming who and what; an open dialog whose
 *    action someone else took away stays open and says so.
 * 4. The new screens on a phone and a tablet: screenshots, axe, no horizontal overflow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  BROWSER_SKIP,
  closeBrowsers,
  firstPage,
  goTo,
  launchBrowser,
  PHONE,
  screenshot,
  signIn,
  startWebRuntime,
  TABLET,
  waitInPage,
  watchErrors,
} from '../../helpers/browser.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { buildPlant, createOrder, newTenant, orderAt, PLANT, type Staff, staff } from '../support/mes.ts';

const TEST = 'operator-shift-phone';
const EXPECTED_CONSOLE = [/Failed to load resource/, /net::ERR_FAILED/];
const LIVE_MS = 5_000;
const STATION = 'wc-assembly';
const STATION_NAME = 'Assembly line 1';

let mes: TestRuntime;
let tenant: string;
let people: Staff;

const getOrder = async (id: string) => (await people.supervisor.ok<WorkOrderDetail>('GET', `/v1/work-orders/${id}`)) as WorkOrderDetail;

/** Fills a labelled field whether it is an input or a select. */
async function fill(scope: Locator, label: string, value: string): Promise<void> {
  const field = scope.getByLabel(label, { exact: true });
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}

/** Opens an action's dialog from `scope`, fills it, confirms it, and waits until it closes. */
async function act(page: Page, scope: Locator, action: string, fields: Record<string, string> = {}): Promise<void> {
  await scope.getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  for (const [label, value] of Object.entries(fields)) await fill(dialog, label, value);
  await dialog.getByRole('button', { name: `Confirm: ${action}` }).click();
  await dialog.waitFor({ state: 'detached' });
}

const loaded = (page: Page, ready: string) =>
  waitInPage(
    page,
    `the screen has loaded and shows ${ready}`,
    (selector) =>
      !!document.querySelector('main h1') &&
      !/Loading…/.test((document.querySelector('main') as HTMLElement).innerText) &&
      !!document.querySelector(selector),
    ready,
    10_000,
  );

/** A released order on the pump routing (operation 10 at the assembly work center). */
async function releasedOrder(quantity = 10): Promise<WorkOrderDetail> {
  const order = await createOrder(people.planner, { quantity });
  return people.supervisor.ok<WorkOrderDetail>('POST', `/v1/work-orders/${order.id}/release`, {});
}

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  await people.planner.ok('PUT', `/v1/equipment/${STATION}`, {
    name: STATION_NAME,
    level: 'workCenter',
    workCenterType: 'productionLine',
    parentId: PLANT.area,
  });
  await people.planner.ok('PUT', '/v1/personnel/u-operator', { name: 'Sam Jansen', roles: ['operator'] });
  await people.planner.ok('PUT', '/v1/personnel/u-operator-2', { name: 'Ana Lopez', roles: ['operator'] });
  await people.planner.ok('PUT', '/v1/shift-calendar', {
    timeZone: 'Europe/Amsterdam',
    shifts: [{ name: 'all-day', start: '00:00', end: '00:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }],
  });
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe("an operator's shift from the operator home, on a phone", { skip: BROWSER_SKIP }, () => {
  let operator: BrowserContext;
  let page: Page;
  let errors: ReturnType<typeof watchErrors>;

  before(async () => {
    operator = await launchBrowser(PHONE);
    page = await firstPage(operator);
    errors = watchErrors(page, EXPECTED_CONSOLE);
    await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
  });

  after(async () => {
    await operator?.close();
  });

  it('picks the work center once, starts from a dispatch card, records data, reports good and scrap, and completes', async () => {
    // Prepare
    const order = await releasedOrder(10);
    await goTo(page, '/');

    // Act: an operator lands on the operator home and picks the work center.
    await page.getByRole('heading', { level: 1, name: 'My station' }).waitFor({ state: 'visible' });
    await page.getByTestId('who').filter({ hasText: 'Sam Jansen' }).waitFor({ state: 'visible' });
    assert.match(await page.getByTestId('who').innerText(), /Sam Jansen · Plant/, 'the header names the person and the plant');
    await screenshot(page, TEST, 'station-pick');
    await assertAccessible(page, 'station (pick a work center)');
    await page.getByLabel('My work center').selectOption({ label: STATION_NAME });
    await page.getByRole('heading', { level: 1, name: STATION_NAME }).waitFor({ state: 'visible' });

    // Assess: the device remembers it (a reload lands on it again).
    await page.goto(`${mes.baseUrl}/#/`);
    await page.getByRole('heading', { level: 1, name: STATION_NAME }).waitFor({ state: 'visible' });
    const card = page.getByTestId(`dispatch-${order.id}-10`);
    await card.waitFor({ state: 'visible' });
    const cardText = await card.innerText();
    assert.match(cardText, /Assemble · Pump/, 'the card names the operation and the material by name');
    assert.match(cardText, /0 pcs good of 10 pcs/i, 'quantities carry their unit');
    await loaded(page, `[data-testid="dispatch-${order.id}-10"] button`);
    await screenshot(page, TEST, 'station-dispatch');
    await assertAccessible(page, 'station (dispatch list)');

    // Act: start straight from the card.
    await act(page, card, 'Start');
    const current = page.getByTestId(`current-${order.id}-10`);
    await current.waitFor({ state: 'visible', timeout: LIVE_MS });
    await current.getByRole('button', { name: 'Report', exact: true }).waitFor({ state: 'visible', timeout: LIVE_MS });
    assert.match(await current.innerText(), /Fit the impeller/, 'the work instructions are under the actions');
    assert.match(await current.innerText(), /Screw torque/, 'the data to record is under the actions');
    await screenshot(page, TEST, 'station-running');
    await assertAccessible(page, 'station (running operation)');

    // Act: record data and report good and scrap.
    await act(page, current, 'Report', { 'Good quantity': '4', 'Scrap quantity': '1', 'Scrap reason': 'SURF', 'Screw torque (Nm)': '4.1' });
    await waitInPage(
      page,
      'the running operation shows 4 good',
      (id) => /4 pcs good of 10 pcs/i.test((document.querySelector(`[data-testid="station-qty-${id}-10"]`) as HTMLElement | null)?.innerText ?? ''),
      order.id,
      LIVE_MS,
    );
    const reported = (await getOrder(order.id)).operations[0];
    assert.equal(reported?.goodQty, 4);
    assert.equal(reported?.scrapQty, 1);
    assert.equal(reported?.recordedData.screwTorque?.value, 4.1);
    assert.equal(reported?.startedBy, 'u-operator');

    // Act: complete.
    await act(page, current, 'Complete', { 'Good quantity': '5' });

    // Assess: done, and the station has nothing running.
    await current.waitFor({ state: 'detached', timeout: LIVE_MS });
    await page.getByText('Nothing is running here').waitFor({ state: 'visible', timeout: LIVE_MS });
    const done = (await getOrder(order.id)).operations[0];
    assert.equal(done?.status, 'DONE');
    assert.equal(done?.goodQty, 9);
    errors.assertNone();
  });

  it('disables every action while the connection is lost, and enables them when it is back', async () => {
    // Prepare
    const order = await releasedOrder(5);
    await goTo(page, `/station/${STATION}`);
    const start = page.getByTestId(`dispatch-${order.id}-10`).getByRole('button', { name: 'Start', exact: true });
    await start.waitFor({ state: 'visible', timeout: LIVE_MS });
    const banner = page.getByRole('status').filter({ hasText: /^\s*Connection lost/ });

    // Act: the API stops answering.
    await page.route('**/v1/**', (route) => route.abort());
    try {
      // Assess
      await banner.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await banner.innerText(), /Actions are off/);
      assert.equal(await start.isDisabled(), true, 'the Start button is disabled while offline');
      const enabled = await page.locator('main .actions button:not([disabled])').count();
      assert.equal(enabled, 0, 'no action button is enabled while offline');
      await screenshot(page, TEST, 'station-offline');
    } finally {
      await page.unroute('**/v1/**');
    }
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await waitInPage(
      page,
      'Start is enabled again',
      (id) => {
        const b = document.querySelector(`[data-testid="dispatch-${id}-10"] button`) as HTMLButtonElement | null;
        return !!b && !b.disabled;
      },
      order.id,
      LIVE_MS,
    );
    errors.assertNone();
  });

  it("says in plain words who changed the order when another operator's change refuses an action (409)", async () => {
    // Prepare: running here; the screen keeps the order as it first saw it (its reads are answered from that).
    const order = await orderAt(people, 'RUNNING', { routingId: PLANT.routing });
    const path = `/v1/work-orders/${order.id}`;
    let seen: { status: number; headers: Record<string, string>; body: Buffer } | undefined;
    await page.route(
      (url) => url.pathname === path,
      async (route) => {
        if (route.request().method() !== 'GET') return route.fallback();
        if (!seen) {
          const res = await route.fetch();
          seen = { status: res.status(), headers: res.headers(), body: await res.body() };
        }
        await route.fulfill(seen);
      },
    );
    try {
      await goTo(page, `/station/${STATION}`);
      const current = page.getByTestId(`current-${order.id}-10`);
      await current.getByRole('button', { name: 'Pause', exact: true }).waitFor({ state: 'visible', timeout: LIVE_MS });
      // Ana pauses it from her phone.
      await people.operator2.ok('POST', `${path}/operations/10/pause`, { reasonCode: 'MACHINE' });

      // Act
      await current.getByRole('button', { name: 'Pause', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await fill(dialog, 'Reason', 'BREAK');
      await dialog.getByRole('button', { name: 'Confirm: Pause' }).click();

      // Assess: said once, in the dialog, naming who and what.
      const alert = dialog.getByRole('alert');
      await alert.waitFor({ state: 'visible', timeout: LIVE_MS });
      const words = await alert.innerText();
      assert.match(words, /Ana Lopez paused operation 10 \(Assemble\) at \d/, words);
      assert.doesNotMatch(words, /urn:|problem\+json|\b409\b|\{|u-operator/, `plain words: ${words}`);
      assert.equal(await page.getByRole('alert').count(), 1, 'the refusal is said once');
      await screenshot(page, TEST, 'station-409');
      await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
    } finally {
      await page.unroute((url) => url.pathname === path);
    }
    errors.assertNone();
  });

  it('keeps an open dialog whose action someone else took away, and says so', async () => {
    // Prepare
    const order = await orderAt(people, 'RUNNING', { routingId: PLANT.routing });
    await goTo(page, `/station/${STATION}`);
    const current = page.getByTestId(`current-${order.id}-10`);
    await current.getByRole('button', { name: 'Pause', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ state: 'visible' });

    // Act: Ana pauses it meanwhile; the screen's live refresh sees it.
    await people.operator2.ok('POST', `/v1/work-orders/${order.id}/operations/10/pause`, { reasonCode: 'MACHINE' });

    // Assess
    await dialog.getByTestId('dialog-overtaken').waitFor({ state: 'visible', timeout: LIVE_MS });
    await screenshot(page, TEST, 'station-overtaken');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await current.getByRole('button', { name: 'Resume', exact: true }).waitFor({ state: 'visible', timeout: LIVE_MS });
    errors.assertNone();
  });

  it('shows the work orders as cards, what needs attention first, overdue marked', async () => {
    // Prepare: one overdue released order, one running.
    const overdue = await createOrder(people.planner, { quantity: 3, dueInDays: -4000 });
    await people.supervisor.ok('POST', `/v1/work-orders/${overdue.id}/release`, {});
    await goTo(page, '/orders');
    await loaded(page, '[data-testid^="order-"]');
    const statuses = await page.locator('[data-testid^="order-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    const rank = (s: string | null) => ['IN_PROGRESS', 'ON_HOLD', 'RELEASED', 'PLANNED', 'COMPLETED', 'CLOSED', 'CANCELLED'].indexOf(s ?? '');
    for (let i = 1; i < statuses.length; i++)
      assert.ok(rank(statuses[i - 1] ?? null) <= rank(statuses[i] ?? null), `sorted by attention: ${statuses.join(', ')}`);
    const card = page.getByTestId(`order-${overdue.id}`);
    assert.match(await card.innerText(), /Overdue/);
    assert.match(await card.innerText(), /Pump/);
    await screenshot(page, TEST, 'orders-cards');
    await assertAccessible(page, 'work orders (cards)');
    await assertNoHorizontalOverflow(page, 'work orders on a phone');
    errors.assertNone();
  });
});

describe('the operator home on a tablet', { skip: BROWSER_SKIP }, () => {
  it('shows the station and the work orders without horizontal overflow', async () => {
    const tablet = await launchBrowser(TABLET);
    try {
      const page = await firstPage(tablet);
      const errors = watchErrors(page, EXPECTED_CONSOLE);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator-2', role: 'operator' });
      await releasedOrder(2);
      await goTo(page, `/station/${STATION}`);
      await loaded(page, '[data-testid^="dispatch-"] button');
      await screenshot(page, TEST, 'tablet-station');
      await assertAccessible(page, 'station on a tablet');
      await assertNoHorizontalOverflow(page, 'station on a tablet');
      await goTo(page, '/orders');
      await loaded(page, 'table [data-testid^="order-"]');
      await screenshot(page, TEST, 'tablet-orders');
      await assertNoHorizontalOverflow(page, 'work orders on a tablet');
      errors.assertNone();
    } finally {
      await tablet.close();
    }
  });
});

/**
 * The supervisor app on a phone (390x844, 3x, touch) in a real Chromium, against the in-process
 * runtime serving the built app: people act through the screens, the planner and "another user"
 * through the API, machines over MQTT as the simulator publishes. Every wait is bounded on what
 * the DOM shows; timings are never asserted (the bench measures them).
 * 1. A supervisor releases an order a planner made; an operator on another phone starts it,
 *    reports good and scrap, and completes it.
 * 2. Another user's change shows within 2 s without a reload.
 * 3. A unit's card follows its machine's state messages without a reload; the plant overview
 *    opens with one request for every unit's state, then shows OEE today on each card.
 * 4. A downtime gets its reason on the Downtime screen; OEE shows percentages.
 * 5. A lost connection: the banner with its age, an action refused, reconnection by itself.
 * 6. A refused action (409, the order changed behind the screen) in plain words, then the current state.
 * 7. A role is offered only the buttons it may use.
 * 8. Every screen: a screenshot and no serious or critical axe violation; on a tablet and a
 *    desktop, every screen without horizontal overflow.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectAsync, type MqttClient } from 'mqtt';
import type { BrowserContext, Locator, Page, Route } from 'playwright-core';
import { telemetryTopic } from '#shared/telemetry/rules.ts';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  BROWSER_SKIP,
  closeBrowsers,
  DESKTOP,
  type Device,
  firstPage,
  goTo,
  launchBrowser,
  type Person,
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
import { ALWAYS_PLANNED, eventually, REASON_TREE } from '../support/telemetry.ts';

const UNIT = PLANT.workUnit;
/** What the app says while its requests fail, and what a refused or aborted request logs. */
const EXPECTED_CONSOLE = [/Failed to load resource/, /net::ERR_FAILED/];
/** A change someone else makes shows within 2 s (1.5 s polling); the DOM is polled for at most this long. */
const LIVE_MS = 3_000;

const iso = (ts: number) => new Date(ts).toISOString();

let mes: TestRuntime;
let tenant: string;
let people: Staff;
let device: MqttClient;
let msg = 0;

/** Publishes a state message for the unit, QoS 1, as the simulator does; returns its timestamp. */
async function publishState(state: string, reasonCode?: string, ts = Date.now()): Promise<number> {
  await device.publishAsync(
    telemetryTopic(tenant, UNIT, 'state'),
    JSON.stringify({ ts, msgId: `web-${++msg}`, state, ...(reasonCode ? { reasonCode } : {}) }),
    { qos: 1 },
  );
  return ts;
}

async function publishCounts(ts: number, good: number, reject: number): Promise<void> {
  await device.publishAsync(telemetryTopic(tenant, UNIT, 'counts'), JSON.stringify({ ts, msgId: `web-${++msg}`, good, reject }), { qos: 1 });
}

const person = (userId: string, role: Person['role']): Person => ({ tenantId: tenant, userId, role });

/** The dialog an action button opens, its fields filled, confirmed; waits until it closes. */
async function act(page: Page, scope: Locator | Page, action: string, fields: Record<string, string> = {}): Promise<void> {
  await scope.getByRole('button', { name: action, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  for (const [label, value] of Object.entries(fields)) await fill(dialog, label, value);
  await dialog.getByRole('button', { name: `Confirm: ${action}` }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** Fills a labelled field whether it is an input or a select (a select takes the option with that value or label). */
async function fill(scope: Locator, label: string, value: string): Promise<void> {
  const field = scope.getByLabel(label, { exact: true });
  if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}

/** Marks the document, so a later check can tell the page was not reloaded. */
const markDocument = (page: Page) => page.evaluate(() => void ((window as unknown as { __notReloaded?: boolean }).__notReloaded = true));

/** Waits, at most `timeoutMs`, until the order's status badge says `pattern`, in the document marked by `markDocument`. */
const statusShows = (page: Page, what: string, pattern: RegExp, timeoutMs = LIVE_MS) =>
  waitInPage(
    page,
    `${what} (without a reload)`,
    ({ source, flags }) =>
      (window as unknown as { __notReloaded?: boolean }).__notReloaded === true &&
      new RegExp(source, flags).test((document.querySelector('[data-testid="order-status"]') as HTMLElement | null)?.innerText ?? ''),
    { source: pattern.source, flags: pattern.flags },
    timeoutMs,
  );

/** The unit card's state badge (or the card, without one) says `word`, without a reload. */
const cardShows = (page: Page, word: string, timeoutMs = LIVE_MS) =>
  waitInPage(
    page,
    `the ${UNIT} card says "${word}" (without a reload)`,
    ({ id, word }) => {
      const card = document.querySelector(`[data-testid="unit-${id}"]`) as HTMLElement | null;
      const badge = (card?.querySelector('.badge') as HTMLElement | null) ?? card;
      return (window as unknown as { __notReloaded?: boolean }).__notReloaded === true && !!badge && badge.innerText.toLowerCase().includes(word);
    },
    { id: UNIT, word },
    timeoutMs,
  );

/** Waits until the screen is past its first load (no "Loading…" left in main) and, when given, shows `ready` (a CSS selector). */
const loaded = (page: Page, ready?: string) =>
  waitInPage(
    page,
    `the screen has loaded${ready ? ` and shows ${ready}` : ''}`,
    (selector) =>
      !!document.querySelector('main h1') &&
      !/Loading…/.test((document.querySelector('main') as HTMLElement).innerText) &&
      (!selector || !!document.querySelector(selector)),
    ready ?? '',
    10_000,
  );

/** Every screen, with what it shows once its data is in (the tenant has a unit with a state, a downtime, orders). */
const screens = (orderId: string): [name: string, hash: string, ready: string][] => [
  ['plant', '/', '[data-testid^="unit-"]:not([data-state="unknown"])'],
  ['dispatch', '/dispatch/wc-pack', '[data-testid^="dispatch-"]'],
  ['orders', '/orders', '[data-testid^="order-"]'],
  ['order-detail', `/orders/${orderId}`, '[data-testid="op-10"]'],
  ['history', `/orders/${orderId}/history`, 'main ol li'],
  ['downtime', '/downtime', '[data-testid^="downtime-"]'],
  ['oee', '/oee', '[data-testid="oee-oee"]'],
  ['sign-in', '/sign-in', 'main form'],
];

const orderSection = (page: Page, seq: number) => page.getByTestId(`op-${seq}`);
const getOrder = async (id: string) => (await people.supervisor.ok<WorkOrderDetail>('GET', `/v1/work-orders/${id}`)) as WorkOrderDetail;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  await people.planner.ok('PUT', `/v1/equipment/${UNIT}`, { name: 'Press 1', level: 'workUnit', parentId: 'wc-assembly', idealCycleTimeSeconds: 6 });
  await people.planner.ok('PUT', '/v1/downtime-reasons', REASON_TREE);
  await people.planner.ok('PUT', '/v1/shift-calendar', ALWAYS_PLANNED);
  device = await connectAsync(mes.mqttUrl as string, { ...mes.deviceCredentials(tenant, UNIT), reconnectPeriod: 0, connectTimeout: 5_000 });
  // The unit has a state from the start, so every screen has something to show whichever test runs.
  await publishState('idle', undefined, Date.now() - 600_000);
});

after(async () => {
  await closeBrowsers();
  await device?.endAsync().catch(() => {});
  await mes?.stop();
});

describe('the supervisor app on a phone', { skip: BROWSER_SKIP }, () => {
  const TEST = 'supervisor-phone';
  let supervisor: BrowserContext;
  let page: Page;
  let errors: ReturnType<typeof watchErrors>;
  /** The order the first test runs through, for the screens test (it has a history). */
  let doneOrder: string;
  /** When the unit went down, the start of its downtime. */
  let downAt: number;

  before(async () => {
    supervisor = await launchBrowser(PHONE);
    page = await firstPage(supervisor);
    errors = watchErrors(page, EXPECTED_CONSOLE);
    await signIn(page, mes.baseUrl, person('u-supervisor', 'supervisor'));
  });

  after(async () => {
    await supervisor?.close();
  });

  it('lets a supervisor release an order a planner made, and an operator on another phone start, report and complete it', async () => {
    // Prepare
    const order = await createOrder(people.planner, { routingId: PLANT.quickRouting, quantity: 10 });
    doneOrder = order.id;

    // Act: the supervisor finds it in the list and releases it.
    await goTo(page, '/orders');
    await page.getByRole('link', { name: order.id }).first().click();
    await page.getByRole('heading', { level: 1, name: new RegExp(order.id) }).waitFor({ state: 'visible' });
    await act(page, page, 'Release');
    await orderSection(page, 10).waitFor({ state: 'visible' });

    // ...the operator, on another phone, starts, reports good and scrap, and completes.
    const operator = await launchBrowser(PHONE);
    try {
      const phone = await firstPage(operator);
      const operatorErrors = watchErrors(phone, EXPECTED_CONSOLE);
      await signIn(phone, mes.baseUrl, person('u-operator', 'operator'));
      await goTo(phone, `/orders/${order.id}`);
      await markDocument(phone);
      const op = orderSection(phone, 10);
      await op.getByRole('button', { name: 'Start', exact: true }).waitFor({ state: 'visible' });
      await act(phone, op, 'Start');
      // A typo is refused in words, with what was typed, and nothing is sent (the totals below stay 10 and 1).
      await op.getByRole('button', { name: 'Report', exact: true }).click();
      const dialog = phone.getByRole('dialog');
      await fill(dialog, 'Good quantity', '12abc');
      await dialog.getByRole('button', { name: 'Confirm: Report' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'Good quantity must be a number, 0 or more, such as 12 (you typed "12abc")' }).waitFor();
      await screenshot(phone, TEST, 'report-typo');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await act(phone, op, 'Report', { 'Good quantity': '6', 'Scrap quantity': '1', 'Scrap reason': 'SURF' });
      await act(phone, op, 'Complete', { 'Good quantity': '4' });
      await statusShows(phone, 'the operator sees the order completed', /completed/i, 10_000);
      operatorErrors.assertNone();
    } finally {
      await operator.close();
    }

    // Assess: what the API holds, and the supervisor's screen catching up by itself.
    const stored = await getOrder(order.id);
    assert.equal(stored.status, 'COMPLETED');
    const operation = stored.operations[0];
    assert.equal(operation?.status, 'DONE');
    assert.equal(operation?.goodQty, 10);
    assert.equal(operation?.scrapQty, 1);
    await markDocument(page);
    await statusShows(page, "the supervisor's screen shows it completed", /completed/i);
    assert.equal(await page.getByTestId('qty-produced').innerText(), '10 pcs');
    assert.equal(await page.getByTestId('qty-scrapped').innerText(), '1 pcs');
    errors.assertNone();
  });

  it("shows another user's change within 2 s, without a reload", async () => {
    // Prepare
    const order = await orderAt(people, 'RELEASED');
    await goTo(page, `/orders/${order.id}`);
    await page.getByRole('button', { name: 'Hold', exact: true }).waitFor({ state: 'visible' });
    await markDocument(page);

    // Act
    await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/hold`, { reasonCode: 'MATERIAL-SHORTAGE' });

    // Assess
    await statusShows(page, 'the order shows on hold', /on hold/i);
    await page.getByRole('button', { name: 'Resume', exact: true }).waitFor({ state: 'visible', timeout: LIVE_MS });
    errors.assertNone();
  });

  it("moves a unit's card as its machine's state messages arrive over MQTT, without a reload", async () => {
    // Prepare: the unit has run and counted for two minutes.
    const t = Date.now();
    await goTo(page, '/');
    await page.getByTestId(`unit-${UNIT}`).waitFor({ state: 'visible' });
    await markDocument(page);

    // Act, Assess
    await publishState('running', undefined, t - 120_000);
    await publishCounts(t - 115_000, 100, 0);
    await publishCounts(t - 5_000, 112, 1);
    await cardShows(page, 'running');
    downAt = await publishState('down', 'E-42');
    await cardShows(page, 'down');
    errors.assertNone();
  });

  it("opens the plant overview with one request for every unit's state, then shows each unit's OEE today", async () => {
    // Prepare: the live view's refresh job has run (every 5 minutes on AWS, off in test runtimes)...
    const { liveViewRefresh } = await import('#functions/lib/live-view-refresh.ts');
    await liveViewRefresh.refreshTenant(tenant);
    // ...and the page notes when the first unit card shows a state (the unit ran and counted above).
    await supervisor.addInitScript(() => {
      const seen = new MutationObserver(() => {
        if (document.querySelector('[data-testid^="unit-"]:not([data-state="unknown"])')) {
          (window as unknown as { __firstCardAt?: number }).__firstCardAt = performance.now();
          seen.disconnect();
        }
      });
      seen.observe(document, { childList: true, subtree: true });
    });

    // Act: open the app on the plant overview, as a supervisor's phone does (a page load, not a route change).
    await goTo(page, '/');
    await page.reload();
    await waitInPage(
      page,
      'a unit card with its state',
      () => (window as unknown as { __firstCardAt?: number }).__firstCardAt !== undefined,
      undefined,
      10_000,
    );

    // Assess: before the first card, the API was asked once, for every unit's state (the boot
    // script asked; the app took that answer instead of asking again)...
    const before = await page.evaluate(() => {
      const at = (window as unknown as { __firstCardAt: number }).__firstCardAt;
      return performance
        .getEntriesByType('resource')
        .filter((e) => e.startTime < at && new URL(e.name).pathname.startsWith('/v1/'))
        .map((e) => new URL(e.name).pathname);
    });
    assert.deepEqual(before, ['/v1/plant/status']);
    // ...and OEE today follows on the card.
    await waitInPage(
      page,
      'the card shows OEE today as a percentage',
      (id) =>
        /\d+(\.\d+)? %/.test((document.querySelector(`[data-testid="unit-${id}"] [data-testid="unit-oee"]`) as HTMLElement | null)?.innerText ?? ''),
      UNIT,
      10_000,
    );
    errors.assertNone();
  });

  it('gives a downtime its reason on the Downtime screen, and the reason stays with the stop everywhere', async () => {
    // Prepare: the unit is down (since the test before).
    const rowId = `downtime-${UNIT}-${iso(downAt)}`;
    await goTo(page, '/downtime');
    const row = page.getByTestId(rowId);
    await row.waitFor({ state: 'visible' });

    // Act: coded on the 24 h list while it goes on, with a comment.
    await act(page, row, 'Assign reason', { Reason: 'BD-JAM', Comment: 'feeder jammed' });

    // Assess: the row shows the reason and the comment, and so do the 7-day list and the unit's card.
    const showsReason = (what: string, selector: string) =>
      waitInPage(
        page,
        what,
        (css) => {
          const text = (document.querySelector(css) as HTMLElement | null)?.innerText ?? '';
          return /jam/i.test(text) && text.includes('feeder jammed');
        },
        selector,
        LIVE_MS,
      );
    await showsReason('the row shows the reason and its comment', `[data-testid="${rowId}"]`);
    await screenshot(page, TEST, 'downtime-coded-24h');
    await goTo(page, '/downtime?range=7d');
    await page.getByTestId(rowId).waitFor({ state: 'visible' });
    await showsReason('the 7-day list shows the same reason and comment', `[data-testid="${rowId}"]`);
    await screenshot(page, TEST, 'downtime-coded-7d');
    await goTo(page, '/');
    await showsReason("the unit's card shows the reason of its stop and the comment", `[data-testid="unit-${UNIT}"]`);
    await screenshot(page, TEST, 'plant-stop-coded');

    // The stop ends: it keeps its reason.
    await publishState('running');
    const closed = await eventually(
      'the downtime is closed',
      async () => (await people.supervisor.get(`/v1/equipment/${UNIT}/downtime?from=${iso(downAt - 60_000)}&to=${iso(Date.now() + 60_000)}`)).body,
      (b) => b?.items?.some((e: { start: string; end: string | null }) => e.start === iso(downAt) && e.end !== null),
    );
    const event = closed.items.find((e: { start: string }) => e.start === iso(downAt));
    assert.equal(event?.reasonCode, 'BD-JAM');
    assert.equal(event?.comment, 'feeder jammed');
    assert.equal(event?.stopStart, iso(downAt));
    assert.equal(event?.assignedBy, 'u-supervisor');
    errors.assertNone();
  });

  it('shows OEE as percentages, with its trend and the downtime Pareto', async () => {
    await goTo(page, '/oee');
    for (const label of ['Availability', 'Performance', 'Quality', 'OEE']) {
      await waitInPage(
        page,
        `${label} shows a percentage`,
        (name) =>
          new RegExp(`(^|\\n)\\s*${name}\\s*\\n?[^\\n%]{0,20}\\d+(\\.\\d+)?\\s?%`).test((document.querySelector('main') as HTMLElement).innerText),
        label,
        10_000,
      );
    }
    await page.locator('[aria-label="OEE trend"]').first().waitFor({ state: 'visible' });
    await page.locator('[aria-label="Downtime Pareto"]').first().waitFor({ state: 'visible' });
    errors.assertNone();
  });

  it('says when the connection is lost and how old the data is, refuses actions, and reconnects by itself', async () => {
    // Prepare
    const order = await orderAt(people, 'RELEASED');
    await goTo(page, `/orders/${order.id}`);
    await page.getByRole('button', { name: 'Hold', exact: true }).waitFor({ state: 'visible' });
    const banner = page.getByRole('status').filter({ hasText: /^\s*Connection lost/ });

    // Act: the API stops answering.
    await page.route('**/v1/**', (route) => route.abort());
    try {
      // Assess: the banner, with the age of what is shown.
      await banner.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match(await banner.innerText(), /\d+\s?(s|sec|seconds?|min|minutes?)\b/, 'the banner says how old the data is');
      // ...an action is refused: not offered, or refused with nothing sent.
      const hold = page.getByRole('button', { name: 'Hold', exact: true });
      if (await hold.isEnabled()) {
        await hold.click();
        const dialog = page.getByRole('dialog');
        await fill(dialog, 'Reason', 'MATERIAL-SHORTAGE');
        await dialog.getByRole('button', { name: 'Confirm: Hold' }).click();
        await dialog
          .getByRole('alert')
          .filter({ hasText: /connection/i })
          .waitFor({ state: 'visible' });
        await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
        await dialog.waitFor({ state: 'detached' });
      }
      assert.equal((await getOrder(order.id)).status, 'RELEASED', 'nothing was sent');
    } finally {
      await page.unroute('**/v1/**');
    }
    // ...and when the API answers again, the app reconnects without help (its retries back off to 10 s).
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await page.getByRole('button', { name: 'Hold', exact: true }).waitFor({ state: 'visible' });
    assert.equal(await page.getByRole('button', { name: 'Hold', exact: true }).isEnabled(), true);
    errors.assertNone();
  });

  it('shows a refused action (409: the order changed behind the screen) in plain words, then the current state', async () => {
    // Prepare: the screen shows a released order, and keeps showing it (its reads of the order are answered from what it last saw).
    const order = await orderAt(people, 'RELEASED');
    const path = `/v1/work-orders/${order.id}`;
    let frozen = false;
    let seen: { status: number; headers: Record<string, string>; body: Buffer } | undefined;
    const refused: number[] = [];
    await page.route(
      (url) => url.pathname === path,
      async (route: Route) => {
        if (route.request().method() === 'GET') {
          if (frozen && seen) return route.fulfill(seen);
          const response = await route.fetch();
          seen = { status: response.status(), headers: response.headers(), body: await response.body() };
          return route.fulfill({ response });
        }
        return route.continue();
      },
    );
    await page.route(
      (url) => url.pathname.startsWith(`${path}/`),
      async (route: Route) => {
        if (route.request().method() !== 'POST') return route.continue();
        // The refusal arrives, and from then on the screen reads the order for real.
        const response = await route.fetch();
        refused.push(response.status());
        frozen = false;
        return route.fulfill({ response });
      },
    );
    try {
      await goTo(page, `/orders/${order.id}`);
      await page.getByRole('button', { name: 'Hold', exact: true }).waitFor({ state: 'visible' });
      await markDocument(page);
      frozen = true;
      // Another supervisor puts it on hold.
      await people.supervisor.ok('POST', `${path}/hold`, { reasonCode: 'QUALITY-SUSPECT' });

      // Act (the dialog may close or stay: what matters is what the screen says next)
      await page.getByRole('button', { name: 'Hold', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await fill(dialog, 'Reason', 'MATERIAL-SHORTAGE');
      await dialog.getByRole('button', { name: 'Confirm: Hold' }).click();

      // Assess: a 409 came back, said in plain words, and the screen shows the order as it is.
      await eventually(
        'the answer to the hold has come back',
        async () => refused.length,
        (n) => n > 0,
      );
      assert.deepEqual(refused, [409]);
      const alert = page.getByRole('alert').filter({ hasText: /changed|not allowed|not done/i });
      await alert.first().waitFor({ state: 'visible', timeout: LIVE_MS });
      const words = await alert.first().innerText();
      assert.doesNotMatch(words, /urn:|problem\+json|\b409\b|\{/, `plain words, not the problem document: ${words}`);
      await statusShows(page, 'the current state (on hold)', /on hold/i);
      await page.getByRole('button', { name: 'Resume', exact: true }).waitFor({ state: 'visible', timeout: LIVE_MS });
    } finally {
      await page.unroute((url) => url.pathname === path);
      await page.unroute((url) => url.pathname.startsWith(`${path}/`));
    }
    errors.assertNone();
  });

  it('offers a role only the buttons it may use', async () => {
    const order = await orderAt(people, 'RELEASED');
    const other = await launchBrowser(PHONE);
    try {
      const phone = await firstPage(other);
      const buttons = async () => {
        const op = orderSection(phone, 10);
        await op.waitFor({ state: 'visible' });
        const names = await phone.locator('main button').evaluateAll((els) => els.map((el) => (el as HTMLElement).innerText.trim()));
        return new Set(names);
      };
      const SUPERVISE = ['Release', 'Hold', 'Resume', 'Cancel', 'Close'];
      const EXECUTE = ['Start', 'Pause', 'Report', 'Complete'];

      // An operator: may start the operation, may not supervise the order.
      await signIn(phone, mes.baseUrl, person('u-operator', 'operator'));
      await goTo(phone, `/orders/${order.id}`);
      await orderSection(phone, 10).getByRole('button', { name: 'Start', exact: true }).waitFor({ state: 'visible' });
      const operatorSees = await buttons();
      for (const name of SUPERVISE) assert.ok(!operatorSees.has(name), `an operator is offered "${name}": ${[...operatorSees].join(', ')}`);

      // A planner: neither.
      await signIn(phone, mes.baseUrl, person('u-planner', 'planner'));
      await goTo(phone, `/orders/${order.id}`);
      await loaded(phone);
      const plannerSees = await buttons();
      for (const name of [...SUPERVISE, ...EXECUTE])
        assert.ok(!plannerSees.has(name), `a planner is offered "${name}": ${[...plannerSees].join(', ')}`);
    } finally {
      await other.close();
    }
  });

  it('shows every screen (screenshot) with no serious or critical accessibility violation', async () => {
    const failures: string[] = [];
    for (const [screen, hash, ready] of screens(doneOrder)) {
      await goTo(page, hash);
      await loaded(page, ready);
      await screenshot(page, TEST, screen);
      await assertAccessible(page, screen).catch((error: Error) => failures.push(error.message));
      await assertNoHorizontalOverflow(page, `${screen} on a phone`).catch((error: Error) => failures.push(error.message));
    }
    assert.deepEqual(failures, [], failures.join('\n\n'));
    errors.assertNone();
  });
});

describe('the supervisor app on a tablet and a desktop', { skip: BROWSER_SKIP }, () => {
  for (const device of [TABLET, DESKTOP] as Device[]) {
    it(`renders every screen without horizontal overflow on a ${device.name} (${device.viewport.width}x${device.viewport.height})`, async () => {
      const order = await orderAt(people, 'RUNNING');
      const context = await launchBrowser(device);
      try {
        const page = await firstPage(context);
        const errors = watchErrors(page, EXPECTED_CONSOLE);
        await signIn(page, mes.baseUrl, person('u-supervisor', 'supervisor'));
        const failures: string[] = [];
        for (const [screen, hash, ready] of screens(order.id)) {
          await goTo(page, hash);
          await loaded(page, ready);
          await screenshot(page, `supervisor-${device.name}`, screen);
          await assertNoHorizontalOverflow(page, `${screen} on a ${device.name}`).catch((error: Error) => failures.push(error.message));
        }
        assert.deepEqual(failures, [], failures.join('\n'));
        errors.assertNone();
      } finally {
        await context.close();
      }
    });
  }
});

/**
 * A planner creates a work order on a phone (390x844, touch) in a real Chromium, against the
 * in-process runtime serving the built app: material and routing from pick lists, the quantity
 * in the material's unit (2.5 pumps refused on the screen), a due date in the plant's time zone
 * that is already past (the dialog asks first), then the new order opens. Screenshots of each
 * step; axe clean. Timings are never asserted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import { localToUtc, zoneOffsetMs } from '#shared/domain/telemetry/shifts.ts';
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
  watchErrors,
} from '../../helpers/browser.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { buildPlant, newTenant, PLANT, type Staff, staff } from '../support/mes.ts';

const TEST = 'new-order-phone';
/** Not the browser's zone (UTC here): the dialog must use the plant's. */
const PLANT_ZONE = 'Europe/Amsterdam';
const DAY_MS = 86_400_000;

let mes: TestRuntime;
let tenant: string;
let people: Staff;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  await people.planner.ok('PUT', '/v1/shift-calendar', {
    timeZone: PLANT_ZONE,
    shifts: [{ name: 'Day', start: '06:00', end: '22:00', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] }],
  });
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('a new work order on a phone', { skip: BROWSER_SKIP }, () => {
  let context: BrowserContext;
  let page: Page;
  let errors: ReturnType<typeof watchErrors>;

  before(async () => {
    context = await launchBrowser(PHONE);
    page = await firstPage(context);
    errors = watchErrors(page, [/Failed to load resource/]);
    await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-planner', role: 'planner' });
  });
  after(async () => {
    await context?.close();
  });

  it('is offered to a planner, refuses 2.5 pumps, asks before an overdue order, and opens the new order', async () => {
    // Prepare: yesterday in the plant's zone, at 14:00 there.
    const now = Date.now();
    const yesterday = new Date(now - DAY_MS + zoneOffsetMs(PLANT_ZONE, now)).toISOString().slice(0, 10);
    const [y, m, d] = yesterday.split('-').map(Number) as [number, number, number];
    const due = localToUtc(PLANT_ZONE, Date.UTC(y, m - 1, d, 14, 0));

    // Act: open the dialog from the list.
    await goTo(page, '/orders', 'Work orders');
    await page.getByRole('button', { name: 'New work order' }).click();
    const dialog = page.getByRole('dialog', { name: 'New work order' });
    await dialog.getByLabel('Material').waitFor({ state: 'visible' });
    await screenshot(page, TEST, 'dialog');
    await assertAccessible(page, 'new order dialog');
    await assertNoHorizontalOverflow(page, 'new order dialog');

    // Materials by name with the code beside; routings only of the chosen material.
    await dialog.getByLabel('Material').selectOption({ label: `Pump (${PLANT.product})` });
    const routings = await dialog.getByLabel('Routing').locator('option').allInnerTexts();
    assert.deepEqual(routings, ['Choose…', `Pump (${PLANT.routing})`, PLANT.quickRouting]);
    await dialog.getByLabel('Routing').selectOption(PLANT.quickRouting);
    const quantity = dialog.getByLabel('Quantity');
    assert.equal(await quantity.getAttribute('inputmode'), 'numeric', 'pumps are counted: the digits-only keypad');
    assert.equal(await dialog.locator('#new-order-quantity-unit').innerText(), 'pcs');
    assert.match(await dialog.getByRole('group').innerText(), /Due \(plant time, Europe\/Amsterdam\)/);

    // 2.5 pumps: refused on the screen, nothing sent.
    await quantity.fill('2.5');
    await dialog.getByRole('button', { name: 'Create work order' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'The quantity must be a whole number of pcs (each, EA) (you typed "2.5").' }).waitFor();
    await screenshot(page, TEST, 'whole-units');

    // A due date already past: the dialog asks, in the plant's time.
    await quantity.fill('12');
    await dialog.getByLabel('Date').fill(yesterday);
    await dialog.getByLabel('Time').fill('14:00');
    await dialog.getByLabel('Priority').fill('200');
    await dialog.getByRole('button', { name: 'Create work order' }).click();
    const confirm = dialog.getByTestId('new-order-overdue');
    await confirm.waitFor({ state: 'visible' });
    assert.match(await confirm.innerText(), /This order is already overdue: due .*(14:00|02:00\sPM)\. Create it anyway\?/);
    await screenshot(page, TEST, 'overdue-confirm');
    await assertAccessible(page, 'overdue confirmation');
    assert.equal((await people.planner.ok('GET', '/v1/work-orders?limit=100')).items.length, 0, 'nothing was created before the confirmation');
    await confirm.getByRole('button', { name: 'Create it anyway' }).click();

    // Assess: the new order opens, with its unit; the API holds what was entered.
    await page.getByTestId('qty-ordered').waitFor({ state: 'visible' });
    await dialog.waitFor({ state: 'detached' });
    const id = decodeURIComponent(new URL(page.url()).hash.replace('#/orders/', ''));
    assert.equal(await page.getByTestId('qty-ordered').innerText(), '12 pcs');
    const order = await people.planner.ok<WorkOrderDetail>('GET', `/v1/work-orders/${id}`);
    assert.deepEqual(
      [order.materialId, order.routingId, order.quantity, order.uom, order.priority, order.dueDate, order.status],
      [PLANT.product, PLANT.quickRouting, 12, 'EA', 200, new Date(due).toISOString(), 'PLANNED'],
    );
    await page.getByText('overdue').first().waitFor({ state: 'visible' });
    await screenshot(page, TEST, 'new-order');
    errors.assertNone();
  });

  it('is not offered to an operator', async () => {
    const operator = await launchBrowser(PHONE);
    try {
      const phone = await firstPage(operator);
      await signIn(phone, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(phone, '/orders', 'Work orders');
      assert.equal(await phone.getByRole('button', { name: 'New work order' }).count(), 0);
    } finally {
      await operator.close();
    }
  });
});

/**
 * Labor on a phone (390x844) in a real Chromium (issue 18, docs/labor.md): the operator clocks on
 * a waiting operation for setup from the station, sees "You are on" with the time since, clocks
 * off, then picks an indirect activity; the supervisor sees them "On the floor" and the order's
 * labor against standard. Screenshots of each step; axe on each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
import { buildPlant, createOrder, newTenant, type Staff, staff } from '../support/mes.ts';

const TEST = 'labor-phone';

let mes: TestRuntime;
let tenant: string;
let people: Staff;
let orderId: string;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  await people.planner.ok('PUT', '/v1/personnel/u-operator', { name: 'Olivia Operator', roles: ['operator'] });
  orderId = (await createOrder(people.planner, { quantity: 10 })).id;
  await people.supervisor.ok('POST', `/v1/work-orders/${orderId}/release`, {});
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('labor on a phone', { skip: BROWSER_SKIP }, () => {
  it('clocks on and off from the station, picks an indirect activity; the supervisor sees who is on what', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, '/station/wc-assembly');
      const panel = page.getByTestId('labor-panel');
      await panel.getByText('You are not clocked on anything').waitFor({ state: 'visible' });
      await page.getByTestId(`clock-on-${orderId}-10`).click();
      await panel.getByText('You are on:').waitFor({ state: 'visible' });
      assert.match(await panel.innerText(), /Assemble · Pump \(setup\)/);
      await page.getByTestId(`clock-off-${orderId}-10`).waitFor({ state: 'visible' });
      await assertNoHorizontalOverflow(page, 'clocked on');
      await screenshot(page, TEST, 'station-clocked-on');
      await assertAccessible(page, 'station clocked on');

      await page.getByTestId(`clock-off-${orderId}-10`).click();
      await panel.getByText('You are not clocked on anything').waitFor({ state: 'visible' });
      await page.getByLabel('Not on an operation? What are you doing:').selectOption({ label: 'Cleaning' });
      await panel.getByRole('button', { name: 'Clock on Cleaning' }).click();
      await panel.getByText('You are on:').waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'station-indirect');
      await assertAccessible(page, 'station indirect');
      errors.assertNone();

      // The supervisor: On the floor, then the order's labor.
      const sup = await firstPage(await launchBrowser(PHONE));
      await signIn(sup, mes.baseUrl, { tenantId: tenant, userId: 'u-supervisor', role: 'supervisor' });
      await sup.getByRole('link', { name: 'On the floor' }).click();
      const floor = sup.getByTestId('on-the-floor');
      await floor.waitFor({ state: 'visible' });
      assert.match(await floor.innerText(), /Olivia Operator[\s\S]*Cleaning/);
      await assertNoHorizontalOverflow(sup, 'on the floor');
      await screenshot(sup, TEST, 'on-the-floor');
      await assertAccessible(sup, 'on the floor');

      await goTo(sup, `/orders/${orderId}`);
      const labor = sup.getByTestId('order-labor');
      await labor.waitFor({ state: 'visible' });
      assert.match(await sup.getByTestId('labor-op-10').innerText(), /Assemble/);
      await sup.getByTestId('labor-op-10').scrollIntoViewIfNeeded();
      await screenshot(sup, TEST, 'order-labor');
      await assertAccessible(sup, 'order labor');
    } finally {
      await context.close();
    }
  });
});

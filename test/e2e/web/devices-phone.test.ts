/**
 * Devices on a phone (390x844) in a real Chromium (issue 17, docs/devices.md): an admin adds a
 * machine by picking it from a list by name, sees its sign-in details once with a copy button,
 * the device connects with them, and "Stop this device" with a reason cuts it off. Screenshots of
 * each step; axe on each.
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
import { attempt } from '../../helpers/mqtt.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { buildPlant, newTenant, PLANT, type Staff, staff } from '../support/mes.ts';

const TEST = 'devices-phone';

let mes: TestRuntime;
let tenant: string;
let people: Staff;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('devices on a phone', { skip: BROWSER_SKIP }, () => {
  it('adds a machine picked by name, shows its sign-in details once, and stops it with a reason', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-admin', role: 'admin' });
      await goTo(page, '/devices');
      await page.getByText('No devices yet').waitFor({ state: 'visible' });
      await page.getByRole('button', { name: 'Add a device' }).click();
      await page.getByLabel('Name people know it by').fill('Press 1 PLC');
      // The machine by its name, from a list: never an id typed in.
      await page.getByLabel('Press 1').check();
      await screenshot(page, TEST, 'add');
      await assertAccessible(page, 'add a device');
      await page.getByRole('button', { name: 'Add and show its sign-in details' }).click();

      const secret = page.getByTestId('device-secret');
      await secret.waitFor({ state: 'visible' });
      await secret.getByText('They are shown this once').waitFor({ state: 'visible' });
      const text = await page.getByTestId('device-secret-text').innerText();
      const password = /Password: (\S+)/.exec(text)?.[1];
      assert.ok(password, text);
      assert.ok(await secret.getByRole('button', { name: 'Copy' }).isVisible());
      await assertNoHorizontalOverflow(page, 'sign-in details');
      await screenshot(page, TEST, 'sign-in-details');
      await assertAccessible(page, 'sign-in details');
      // The details shown work.
      const creds = { clientId: `${tenant}:${PLANT.workUnit}`, username: tenant, password };
      assert.equal(await attempt(mes.mqttUrl as string, creds), 'connected');

      await secret.getByRole('button', { name: 'I have put them in the device' }).click();
      const card = page.getByTestId(`device-${PLANT.workUnit}`);
      await card.getByText('May connect').waitFor({ state: 'visible' });
      await card.getByRole('button', { name: 'Stop this device' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Why?').fill('PLC replaced');
      await screenshot(page, TEST, 'stop-dialog');
      await dialog.getByRole('button', { name: /Confirm/ }).click();
      await dialog.waitFor({ state: 'detached' });
      await card.getByText('Stopped', { exact: true }).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'stopped');
      await assertAccessible(page, 'stopped');
      assert.match(await attempt(mes.mqttUrl as string, creds), /Bad username or password|Not authorized/);
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

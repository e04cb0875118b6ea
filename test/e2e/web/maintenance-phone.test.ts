/**
 * Maintenance on a phone (390x844) in a real Chromium (issue 18, docs/maintenance.md): an
 * operator calls maintenance from a stop on the downtime screen, which then names the request;
 * a technician finds it in the maintenance queue by the unit's name, starts the work with one
 * big button, and reports it done with a part picked from the plant's materials and the
 * minutes; the stop then shows the request done. Screenshots of each step; axe on each.
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
import { buildPlant, newTenant, PLANT, type Staff, staff } from '../support/mes.ts';
import { MINUTE, ingestAll, unit } from '../support/telemetry.ts';

const TEST = 'maintenance-phone';

let mes: TestRuntime;
let tenant: string;
let people: Staff;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  // Press 1 ran, stopped 40 minutes ago for 20 minutes, and runs again.
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;
  const u = unit(tenant, PLANT.workUnit);
  await ingestAll([u.state(now - 60 * MINUTE, 'running'), u.state(now - 40 * MINUTE, 'down'), u.state(now - 20 * MINUTE, 'running')]);
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('maintenance on a phone', { skip: BROWSER_SKIP }, () => {
  it('calls maintenance from a stop, and a technician starts and completes it from the queue', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource/]);

      // The operator, on the downtime screen: the stop of Press 1, "Call maintenance".
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, '/downtime', 'Downtime');
      const stop = page.locator('.downtime', { hasText: 'Press 1' }).first();
      await stop.getByRole('button', { name: 'Call maintenance' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('What is wrong').fill('The ram stops half way');
      await dialog.getByLabel('How urgent').selectOption('high');
      await screenshot(page, TEST, 'call-maintenance');
      await assertAccessible(page, 'call maintenance');
      await dialog.getByRole('button', { name: /Confirm/ }).click();
      await dialog.waitFor({ state: 'detached' });
      const link = stop.getByText(/Maintenance request MR-\d{4}-\d{5} \(waiting\)/);
      await link.waitFor({ state: 'visible' });
      await assertNoHorizontalOverflow(page, 'downtime with its request');
      await screenshot(page, TEST, 'downtime-with-request');

      // The technician: the queue, the unit by name, a big "Start work".
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'p-tech', role: 'maintenance' });
      await goTo(page, '/maintenance', 'Maintenance');
      const card = page.locator('.mr-card', { hasText: 'Press 1' });
      await card.getByText('The ram stops half way').waitFor({ state: 'visible' });
      assert.ok(await card.getByText('High', { exact: true }).isVisible());
      await assertNoHorizontalOverflow(page, 'queue');
      await screenshot(page, TEST, 'queue');
      await assertAccessible(page, 'queue');
      const start = card.getByRole('button', { name: 'Start work' });
      const box = await start.boundingBox();
      assert.ok(box && box.height >= 44 && box.width >= 300, `Start work is a big target: ${JSON.stringify(box)}`);
      await start.click();
      await page
        .getByRole('dialog')
        .getByRole('button', { name: /Confirm/ })
        .click();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await card.getByText('In progress', { exact: true }).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'in-progress');

      await card.getByRole('button', { name: 'Work done' }).click();
      const done = page.getByRole('dialog');
      await done.getByLabel('What was done').fill('Valve cleaned, seal replaced');
      // The part from the plant's materials, by name.
      await done.getByLabel('Part used (if any)').selectOption({ label: 'IMP-1 (EA)' });
      await done.getByLabel('How many').fill('2');
      await done.getByLabel('Minutes worked').fill('35');
      await screenshot(page, TEST, 'work-done');
      await assertAccessible(page, 'work done');
      await done.getByRole('button', { name: /Confirm/ }).click();
      await done.waitFor({ state: 'detached' });
      await page.getByText('Nothing to do: no open maintenance requests.').waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'queue-empty');

      const completed = await people.supervisor.ok('GET', '/v1/maintenance-requests?status=completed');
      assert.deepEqual(
        completed.items.map((r: { parts: unknown; laborMinutes: number; workDone: string }) => [r.parts, r.laborMinutes, r.workDone]),
        [[[{ materialId: 'IMP-1', materialName: 'IMP-1', quantity: 2, uom: 'EA' }], 35, 'Valve cleaned, seal replaced']],
      );

      // Back on the downtime screen: the stop names its request, done.
      await goTo(page, '/downtime', 'Downtime');
      await page.getByText(/Maintenance request MR-\d{4}-\d{5} \(done\)/).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'downtime-done');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('reports a problem from a unit card on the plant overview', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-supervisor', role: 'supervisor' });
      await goTo(page, '/', 'Plant');
      await page.locator('.card', { hasText: 'Press 1' }).getByRole('link', { name: 'Call maintenance' }).click();
      await page.getByRole('button', { name: 'Report a problem on Press 1' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('What is wrong').fill('Guard door does not lock');
      await screenshot(page, TEST, 'from-unit-card');
      await assertAccessible(page, 'report from a unit card');
      await dialog.getByRole('button', { name: /Confirm/ }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('.mr-card', { hasText: 'Guard door does not lock' }).getByText('Press 1').waitFor({ state: 'visible' });
      await assertNoHorizontalOverflow(page, 'queue after a report');
      await screenshot(page, TEST, 'queue-after-unit-card');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

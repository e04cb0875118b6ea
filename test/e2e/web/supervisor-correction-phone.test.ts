/**
 * Corrections on a phone (390x844, 3x, touch) in a real Chromium against the in-process runtime
 * serving the built app. Every wait is bounded on what the DOM shows; timings are never asserted.
 * 1. An operator records a value out of its limits: the dialog warns before saving ("… is above
 *    the limit of …"), saves it flagged when told to; a completion with 0 good is warned about
 *    in plain words and not sent until confirmed.
 * 2. A supervisor corrects the report on the order history: a dialog with what it says now and
 *    a required reason; the correction is its own entry naming the original, the original stays,
 *    marked as corrected; the order's totals follow.
 * 3. A supervisor reopens a done operation on the order screen.
 * Screenshots of each screen and dialog, and no serious or critical axe violation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import {
  assertAccessible,
  BROWSER_SKIP,
  closeBrowsers,
  firstPage,
  goTo,
  launchBrowser,
  type Person,
  PHONE,
  screenshot,
  signIn,
  startWebRuntime,
  watchErrors,
} from '../../helpers/browser.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { buildPlant, newTenant, orderAt, PLANT, type Staff, staff } from '../support/mes.ts';

const TEST = 'supervisor-correction-phone';
const EXPECTED_CONSOLE = [/Failed to load resource/, /net::ERR_FAILED/];

let mes: TestRuntime;
let tenant: string;
let people: Staff;

const person = (userId: string, role: Person['role']): Person => ({ tenantId: tenant, userId, role });
const getOrder = (id: string) => people.supervisor.ok<WorkOrderDetail>('GET', `/v1/work-orders/${id}`);

/** Opens an action's dialog and fills its fields; returns the dialog. */
async function open(page: Page, scope: Locator | Page, action: string, fields: Record<string, string> = {}): Promise<Locator> {
  await scope.getByRole('button', { name: action, exact: true }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ state: 'visible' });
  for (const [label, value] of Object.entries(fields)) {
    const field = dialog.getByLabel(label, { exact: true });
    // Reasons are pick lists of the plant's reasons: chosen by code, never typed.
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  return dialog;
}

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  await people.planner.ok('PUT', '/v1/personnel/u-operator', { name: 'Ana Lima', roles: ['operator'] });
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('corrections on a phone', { skip: BROWSER_SKIP }, () => {
  let order: WorkOrderDetail;

  it('warns an operator of a value out of limits and of a completion that passes nothing on', async () => {
    order = await orderAt(people, 'RUNNING', { routingId: PLANT.routing, quantity: 10 });
    const context: BrowserContext = await launchBrowser(PHONE);
    try {
      const phone = await firstPage(context);
      const errors = watchErrors(phone, EXPECTED_CONSOLE);
      await signIn(phone, mes.baseUrl, person('u-operator', 'operator'));
      await goTo(phone, `/orders/${order.id}`);
      const op = phone.getByTestId('op-10');
      await op.getByRole('button', { name: 'Report', exact: true }).waitFor({ state: 'visible' });

      // Out of limits: warned on the screen, then saved and flagged when the operator goes on.
      const report = await open(phone, op, 'Report', {
        'Good quantity': '6',
        'Scrap quantity': '2',
        'Scrap reason': 'DIM',
        'Screw torque (Nm)': '41',
      });
      await report.getByRole('button', { name: 'Confirm: Report' }).click();
      const warning = report.getByTestId('dialog-warning');
      await warning.waitFor({ state: 'visible' });
      assert.equal(await warning.innerText(), 'Screw torque 41 Nm is above the limit of 4.5 Nm. Save anyway, or correct it.');
      await screenshot(phone, TEST, 'report-out-of-limits-warning');
      await assertAccessible(phone, 'report warning');
      await report.getByRole('button', { name: 'Report anyway' }).click();
      await report.waitFor({ state: 'detached' });
      await phone.getByTestId('op-10-data-screwTorque').filter({ hasText: 'out of limits' }).waitFor();
      assert.equal((await getOrder(order.id)).operations[0]?.recordedData.screwTorque?.outOfLimits, true);

      // The operator corrects their own value before completing: a new report of it.
      const again = await open(phone, op, 'Report', { 'Screw torque (Nm)': '4.1' });
      await again.getByRole('button', { name: 'Confirm: Report' }).click();
      await again.waitFor({ state: 'detached' });
      await phone.getByTestId('op-10-data-screwTorque').filter({ hasNotText: 'out of limits' }).filter({ hasText: '4.1' }).waitFor();

      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('lets a supervisor correct the report on the history: its own entry, naming the original, which stays', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, EXPECTED_CONSOLE);
      await signIn(page, mes.baseUrl, person('u-supervisor', 'supervisor'));
      const history = await people.supervisor.ok<{ items: { version: number; action: string }[] }>(
        'GET',
        `/v1/work-orders/${order.id}/history?limit=100`,
      );
      const reportVersion = history.items.find((r) => r.action === 'operation.report')?.version as number;
      await goTo(page, `/orders/${order.id}/history`);
      const entry = page.getByTestId(`history-${reportVersion}`);
      await entry.getByRole('button', { name: 'Correct', exact: true }).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'history-before');

      const dialog = await open(page, entry, 'Correct');
      assert.equal(await dialog.getByLabel('Good quantity', { exact: true }).inputValue(), '6', 'the dialog starts from what the report says');
      await dialog.getByLabel('Good quantity', { exact: true }).fill('5');
      await dialog.getByRole('button', { name: 'Confirm: Correct' }).click();
      // The reason is required: the browser says so, nothing is sent.
      assert.equal(await dialog.getByLabel('Reason for the correction').evaluate((el) => (el as HTMLInputElement).validity.valueMissing), true);
      await dialog.getByLabel('Reason for the correction').fill('recounted at shift end');
      await screenshot(page, TEST, 'correct-dialog');
      await assertAccessible(page, 'correct dialog');
      await dialog.getByRole('button', { name: 'Confirm: Correct' }).click();
      await dialog.waitFor({ state: 'detached' });

      await page.getByTestId(`corrected-${reportVersion}`).waitFor({ state: 'visible' });
      const correction = page.locator('[data-testid^="corrects-"]').first();
      await correction.waitFor({ state: 'visible' });
      assert.match(await correction.innerText(), new RegExp(`^Corrects the report of .+ by Ana Lima \\(version ${reportVersion}\\)$`));
      assert.match(
        await entry.innerText(),
        /Reported 6 (pcs )?good, 2 (pcs )?scrap \(Dimension out of tolerance/,
        'the original still says what was first recorded',
      );
      await screenshot(page, TEST, 'history-after');
      await assertAccessible(page, 'history after a correction');

      const stored = await getOrder(order.id);
      assert.deepEqual([stored.operations[0]?.goodQty, stored.operations[0]?.scrapQty], [5, 2]);
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('lets a supervisor reopen a done operation on the order screen', async () => {
    await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/complete`, {});
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, EXPECTED_CONSOLE);
      await signIn(page, mes.baseUrl, person('u-supervisor', 'supervisor'));
      await goTo(page, `/orders/${order.id}`);
      const op = page.getByTestId('op-10');
      await op.getByRole('button', { name: 'Reopen', exact: true }).waitFor({ state: 'visible' });
      const dialog = await open(page, op, 'Reopen', { Reason: 'torque tool was out of calibration' });
      await screenshot(page, TEST, 'reopen-dialog');
      await dialog.getByRole('button', { name: 'Confirm: Reopen' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator('[data-testid="op-10"][data-status="READY"]').waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'order-reopened');
      await assertAccessible(page, 'order after reopen');
      assert.equal((await getOrder(order.id)).operations[1]?.status, 'PENDING');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('warns before completing with 0 good, and sends nothing until confirmed', async () => {
    const fresh = await orderAt(people, 'RUNNING', { routingId: PLANT.routing, quantity: 10 });
    await people.operator.ok('POST', `/v1/work-orders/${fresh.id}/operations/10/report`, { data: { screwTorque: 4 } });
    const context = await launchBrowser(PHONE);
    try {
      const phone = await firstPage(context);
      await signIn(phone, mes.baseUrl, person('u-operator', 'operator'));
      await goTo(phone, `/orders/${fresh.id}`);
      const op = phone.getByTestId('op-10');
      await op.getByRole('button', { name: 'Complete', exact: true }).waitFor({ state: 'visible' });
      const dialog = await open(phone, op, 'Complete');
      await dialog.getByRole('button', { name: 'Confirm: Complete' }).click();
      const warning = dialog.getByTestId('dialog-warning');
      await warning.waitFor({ state: 'visible' });
      assert.match(await warning.innerText(), /^Operation 10 has 0 good: nothing would pass to operation 20 \(Leak test\)/);
      await screenshot(phone, TEST, 'complete-no-output-warning');
      assert.equal((await getOrder(fresh.id)).operations[0]?.status, 'RUNNING', 'nothing was sent');
      await dialog.getByRole('button', { name: 'Complete anyway' }).click();
      await dialog.waitFor({ state: 'detached' });
      await phone.locator('[data-testid="op-10"][data-status="DONE"]').waitFor({ state: 'visible' });
    } finally {
      await context.close();
    }
  });
});

/**
 * Reasons on a phone (390x844) in a real Chromium: the pause, hold and scrap-reason inputs are
 * pick lists of the plant's reasons by name (code as secondary detail), never free text, with a
 * comment beside them; a retired reason is not offered; a stored reason shows by its name on the
 * order and in its history. Screenshots of each dialog; axe on each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import { DEFAULT_REASON_LISTS } from '#shared/domain/master-data/reason-lists.ts';
import {
  assertAccessible,
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
import { buildPlant, newTenant, orderAt, type Staff, staff } from '../support/mes.ts';

const TEST = 'reason-lists-phone';

let mes: TestRuntime;
let tenant: string;
let people: Staff;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  // The plant's own pause list: one reason added, one retired.
  await people.planner.ok('PUT', '/v1/reason-lists/pause', {
    reasons: [
      ...DEFAULT_REASON_LISTS.pause.reasons.map((r) => (r.code === 'CHANGEOVER' ? { ...r, active: false } : r)),
      { code: 'TOOL', name: 'Tool change' },
    ],
  });
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

/** The options of a select, as shown. */
const optionTexts = (select: Locator) => select.locator('option').allInnerTexts();

describe('reason pick lists on a phone', { skip: BROWSER_SKIP }, () => {
  it('offers the pause reasons by name, takes a comment, and shows the pause by its name', async () => {
    const order = await orderAt(people, 'RUNNING', { quantity: 10 });
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]); // a plant without a shift calendar: its GET is a 404
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, `/orders/${order.id}`);
      const op = page.getByTestId('op-10');
      await op.getByRole('button', { name: 'Pause', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor({ state: 'visible' });

      // A pick list, not a text box: the active reasons by name, the code after it; the retired one is gone.
      const reason = dialog.getByLabel('Reason', { exact: true });
      assert.equal(await reason.evaluate((el) => el.tagName), 'SELECT');
      assert.deepEqual(await optionTexts(reason), [
        'Choose…',
        'Break (BREAK)',
        'Waiting for material (NO-MATERIAL)',
        'Machine problem (MACHINE)',
        'Quality check (QUALITY-CHECK)',
        'Tool change (TOOL)',
      ]);
      assert.equal(await dialog.getByRole('textbox').count(), 1, 'the comment is the only text box');
      await screenshot(page, TEST, 'pause-dialog');
      await assertAccessible(page, 'pause dialog');

      await reason.selectOption({ label: 'Tool change (TOOL)' });
      await dialog.getByLabel('Comment (optional)').fill('worn bit');
      await dialog.getByRole('button', { name: 'Confirm: Pause' }).click();
      await dialog.waitFor({ state: 'detached' });
      await op.getByText('Tool change (TOOL)').waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'paused');

      const stored = await people.operator.ok<WorkOrderDetail>('GET', `/v1/work-orders/${order.id}`);
      assert.equal(stored.operations[0]?.pauseReason, 'TOOL');

      // The report dialog: the scrap reason is a pick list too.
      await op.getByRole('button', { name: 'Resume', exact: true }).click();
      await dialog.getByRole('button', { name: 'Confirm: Resume' }).click();
      await dialog.waitFor({ state: 'detached' });
      await op.getByRole('button', { name: 'Report', exact: true }).click();
      const scrap = dialog.getByLabel('Scrap reason', { exact: true });
      assert.equal(await scrap.evaluate((el) => el.tagName), 'SELECT');
      assert.deepEqual((await optionTexts(scrap)).slice(1), [
        'Dimension out of tolerance (DIM)',
        'Surface defect (SURF)',
        'Material defect (MAT)',
        'Setup scrap (SETUP)',
        'Handling damage (HANDLING)',
      ]);
      await dialog.getByLabel('Good quantity', { exact: true }).fill('3');
      await dialog.getByLabel('Scrap quantity', { exact: true }).fill('1');
      await scrap.selectOption('SURF');
      await screenshot(page, TEST, 'report-dialog');
      await dialog.getByRole('button', { name: 'Confirm: Report' }).click();
      await dialog.waitFor({ state: 'detached' });
      await op.getByText('Surface defect: 1').waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'reported');

      // The history names the reasons too.
      await goTo(page, `/orders/${order.id}/history`);
      await page.getByText('Reason: Tool change (TOOL)').waitFor({ state: 'visible' });
      await page.getByText(/Reported 3 (pcs )?good, 1 (pcs )?scrap \(Surface defect\)/).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'history');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('offers the hold reasons by name to a supervisor, and shows the hold by its name', async () => {
    const order = await orderAt(people, 'RELEASED');
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]); // a plant without a shift calendar: its GET is a 404
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-supervisor', role: 'supervisor' });
      await goTo(page, `/orders/${order.id}`);
      await page.getByRole('button', { name: 'Hold', exact: true }).click();
      const dialog = page.getByRole('dialog');
      const reason = dialog.getByLabel('Reason', { exact: true });
      assert.deepEqual((await optionTexts(reason)).slice(1), [
        'Material shortage (MATERIAL-SHORTAGE)',
        'Machine down (MACHINE-DOWN)',
        'Quality suspect (QUALITY-SUSPECT)',
        'Awaiting instructions (AWAITING-INSTRUCTIONS)',
      ]);
      await reason.selectOption('MATERIAL-SHORTAGE');
      await dialog.getByLabel('Comment (optional)').fill('seals late, ETA 14:00');
      await screenshot(page, TEST, 'hold-dialog');
      await assertAccessible(page, 'hold dialog');
      await dialog.getByRole('button', { name: 'Confirm: Hold' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('hold-reason').getByText('Material shortage (MATERIAL-SHORTAGE)').waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'on-hold');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('lets a planner add a reason and retire one on the Reason lists screen', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]); // a plant without a shift calendar: its GET is a 404
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-planner', role: 'planner' });
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Reasons' }).click();
      await page.getByRole('heading', { level: 1, name: 'Reason lists' }).waitFor({ state: 'visible' });
      await page.getByTestId('reason-DIM').waitFor({ state: 'visible' });
      await assertAccessible(page, 'reason lists');

      await page.getByRole('button', { name: 'Add a reason' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Code (letters, digits, - or _)').fill('burr');
      await dialog.getByLabel('Name', { exact: true }).fill('Burr on edge');
      await dialog.getByRole('button', { name: 'Confirm: Add a reason' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('reason-BURR').getByText('Burr on edge').waitFor({ state: 'visible' });

      await page.getByTestId('reason-SETUP').getByRole('button', { name: 'Retire' }).click();
      await dialog.getByRole('button', { name: 'Confirm: Retire' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('reason-SETUP').getByText('retired').waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'reason-lists-editor');
      await assertAccessible(page, 'reason lists after changes');

      const saved = await people.planner.ok('GET', '/v1/reason-lists/scrap');
      assert.equal(saved.version, 2);
      assert.deepEqual(
        saved.reasons.filter((r: { active: boolean }) => !r.active).map((r: { code: string }) => r.code),
        ['SETUP'],
      );
      assert.ok(saved.reasons.some((r: { code: string; name: string }) => r.code === 'BURR' && r.name === 'Burr on edge'));
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('shows the Reasons tab only to those who may change the lists', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      const nav = page.getByRole('navigation', { name: 'Screens' });
      await nav.getByRole('link', { name: 'Orders' }).waitFor({ state: 'visible' });
      assert.equal(await nav.getByRole('link', { name: 'Reasons' }).count(), 0);
    } finally {
      await context.close();
    }
  });
});

/**
 * Signing on a phone (390x844) in a real Chromium (issue 16, 21 CFR Part 11): quality opens a
 * held lot, signs its release in the sign dialog (user id prefilled, password typed again, the
 * meaning picked, what signing means in words). A wrong password is refused in plain words with
 * the attempts left, and the app stays signed in; the right one releases the lot, and the screen
 * shows the signature: meaning, printed name, time. Then a second quality person signs a use-as-is
 * decision, which closes it. Screenshots and axe on each step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MaterialLot } from '#shared/domain/tracking/model.ts';
import type { Nonconformance } from '#shared/domain/quality/nonconformance-model.ts';
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
import { as, buildPlant, newTenant, PLANT, type Staff, staff } from '../support/mes.ts';
import { withPassword } from '../support/signing.ts';

const TEST = 'sign-phone';
const PASSWORD = 'Quality-sign-2026';

let mes: TestRuntime;
let tenant: string;
let people: Staff;
let lot: MaterialLot;
let nc: Nonconformance;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  await people.planner.ok('PUT', '/v1/personnel/u-quality', { name: 'Quinn Smit', roles: ['quality'], qualifications: [], active: true });
  await people.planner.ok('PUT', '/v1/personnel/u-quality-2', { name: 'Quentin Vos', roles: ['quality'], qualifications: [], active: true });
  await withPassword(mes, tenant, 'u-quality', PASSWORD);
  await withPassword(mes, tenant, 'u-quality-2', PASSWORD);
  lot = await people.supervisor.ok('POST', '/v1/lots', { materialId: PLANT.components[0], quantity: 40, supplierId: 'ACME', supplierLot: 'S-77' });
  await people.quality.ok('POST', `/v1/lots/${lot.id}/hold`, { reason: 'incoming inspection' });
  const other = await people.supervisor.ok<MaterialLot>('POST', '/v1/lots', { materialId: PLANT.components[0], quantity: 10 });
  nc = await people.operator.ok('POST', '/v1/nonconformances', { lotId: other.id, quantity: 2, defectCode: 'DIM', description: 'bore 0.2 mm over' });
  await people.quality.ok('POST', `/v1/nonconformances/${nc.id}/disposition`, { disposition: 'use-as-is', comment: 'deviation D-12' });
  await as(mes, tenant, 'u-quality-2', ['quality']);
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

/** The refused signature logs its 401; the plant has no shift calendar (404): nothing else may. */
const IGNORE = [/Failed to load resource: the server responded with a status of (401|404)/];

describe('signing on a phone', { skip: BROWSER_SKIP }, () => {
  it('releases a held lot by a signature, after a wrong password refused in plain words', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, IGNORE);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-quality', role: 'quality' });
      await goTo(page, `/lots/${lot.id}`);
      const button = page.getByRole('button', { name: 'Sign: release this lot' });
      await button.waitFor({ state: 'visible' });
      assert.match(await page.getByTestId('signatures-missing').innerText(), /Still needed: Approval by quality/);
      await screenshot(page, TEST, 'lot-on-hold');
      await assertAccessible(page, 'a held lot');

      await button.click();
      const dialog = page.getByRole('dialog');
      assert.equal(await dialog.getByLabel('User id').inputValue(), 'u-quality');
      assert.match(await dialog.innerText(), /counts as your handwritten one/);
      assert.equal(await dialog.getByLabel('Meaning of your signature').inputValue(), 'approval');
      // The dialog's buttons stay in sight however long its text: no scrolling to find Confirm.
      const confirm = dialog.getByRole('button', { name: 'Confirm: Sign: release this lot' });
      const box = await confirm.boundingBox();
      assert.ok(box && box.y >= 0 && box.y + box.height <= PHONE.viewport.height, `Confirm is in sight without scrolling (${JSON.stringify(box)})`);
      await screenshot(page, TEST, 'sign-dialog-open');
      await dialog.getByLabel('Password').fill('not-my-password');
      await confirm.click();
      const refusal = dialog.getByRole('alert');
      await refusal.waitFor({ state: 'visible' });
      assert.equal(await refusal.innerText(), 'Not signed: the user id or password is wrong; signing locks after 2 more wrong attempts.');
      await screenshot(page, TEST, 'sign-dialog-refused');
      await assertAccessible(page, 'the sign dialog, refused');
      await assertNoHorizontalOverflow(page, 'the sign dialog');

      await dialog.getByLabel('Password').fill(PASSWORD);
      await dialog.getByRole('button', { name: 'Confirm: Sign: release this lot' }).click();
      await dialog.waitFor({ state: 'detached' });
      const signatures = page.getByTestId('signatures');
      await signatures.getByText('Quinn Smit').waitFor({ state: 'visible' });
      assert.match(await signatures.innerText(), /Approval: Quinn Smit, /);
      await page.getByText('Available').first().waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'lot-released-signed');
      await assertAccessible(page, 'a lot released by a signature');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('approves a use-as-is decision by the second person signing it', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, IGNORE);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-quality-2', role: 'quality' });
      await goTo(page, `/nonconformances/${nc.id}`);
      const button = page.getByRole('button', { name: 'Sign: approve use as is' });
      await button.waitFor({ state: 'visible' });
      await button.click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Password').fill(PASSWORD);
      await screenshot(page, TEST, 'sign-use-as-is');
      await dialog.getByRole('button', { name: 'Confirm: Sign: approve use as is' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('signatures').getByText('Quentin Vos').waitFor({ state: 'visible' });
      assert.equal((await page.getByTestId('nc-status').innerText()).trim(), 'Closed');
      await screenshot(page, TEST, 'use-as-is-signed');
      await assertAccessible(page, 'a use-as-is decision signed');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

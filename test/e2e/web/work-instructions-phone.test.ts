/**
 * Work instructions on a phone (390x844) in a real Chromium (issue 16, docs/documents.md "On
 * the phone"): the operation card names the controlled document it was released with (title,
 * version, effective date) and opens the version in force in a readable page, never a newer
 * draft; an author sees the versions with their status in words. Screenshots and axe on each.
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
import { withPassword } from '../support/signing.ts';
import { buildPlant, createOrder, newTenant, PLANT, type Staff, staff } from '../support/mes.ts';

const TEST = 'work-instructions-phone';
const PASSWORD = 'phone test password';
const DOC = 'WI-ASSEMBLE';

let mes: TestRuntime;
let tenant: string;
let people: Staff;
let orderId: string;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  await withPassword(mes, tenant, 'u-quality', PASSWORD);
  await people.planner.ok('PUT', `/v1/documents/${DOC}`, {
    title: 'Assemble the pump',
    kind: 'work-instruction',
    body: '1. Press the bearing into the housing.\n2. Fit the impeller; turn it by hand.\n3. Mount the motor with six M4x12 screws, 4.0 Nm.',
  });
  await people.planner.ok('POST', `/v1/documents/${DOC}/versions/1/submit`);
  await people.quality.ok('POST', `/v1/documents/${DOC}/versions/1/approve`, { userId: 'u-quality', password: PASSWORD, meaning: 'approval' });
  await people.planner.ok('PUT', '/v1/routings/RT-WI', {
    materialId: PLANT.product,
    operations: [{ seq: 10, name: 'Assemble', workCenterId: 'wc-assembly', documentIds: [DOC] }],
  });
  const order = await createOrder(people.planner, { routingId: 'RT-WI' });
  orderId = order.id;
  await people.supervisor.ok('POST', `/v1/work-orders/${orderId}/release`, {});
  // A newer draft nobody approved: the operator must never see it.
  await people.planner.ok('PUT', `/v1/documents/${DOC}`, { title: 'Assemble the pump', kind: 'work-instruction', body: '1. An unapproved draft.' });
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('work instructions on a phone', { skip: BROWSER_SKIP }, () => {
  it('shows the operator the version the order was released with, and opens the one in force', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, `/orders/${orderId}`);
      const link = page.getByTestId(`doc-${DOC}`);
      await link.waitFor({ state: 'visible' });
      assert.match(await link.innerText(), /^Work instruction: Assemble the pump\s+\(version 1, effective .+\)$/);
      await screenshot(page, TEST, 'operation-card');
      await assertAccessible(page, 'order with work instruction');

      await link.click();
      const doc = page.getByTestId('document');
      await doc.waitFor({ state: 'visible' });
      const text = await doc.innerText();
      assert.match(text, /version 1/);
      assert.match(text, /Press the bearing/);
      assert.doesNotMatch(text, /unapproved draft/);
      await screenshot(page, TEST, 'document');
      await assertAccessible(page, 'document page');
      await assertNoHorizontalOverflow(page, 'document page');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('shows an author every version with its status in words', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-quality', role: 'quality' });
      await goTo(page, `/documents/${DOC}/versions`);
      await page.getByTestId('version-2').waitFor({ state: 'visible' });
      assert.match(await page.getByTestId('version-2').innerText(), /Draft/);
      assert.match(await page.getByTestId('version-1').innerText(), /In force/);
      assert.match(await page.getByTestId('version-1').innerText(), /Approval/);
      await screenshot(page, TEST, 'versions');
      await assertAccessible(page, 'document versions');
    } finally {
      await context.close();
    }
  });
});

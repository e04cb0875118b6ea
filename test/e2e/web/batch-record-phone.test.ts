/**
 * The batch record on a phone (390x844, 3x, touch) in a real Chromium against the in-process
 * runtime serving the built app (issue 16): a supervisor goes from the order to its record, reads
 * what to check first in plain words, sees the signatures still needed, unfolds a section and
 * downloads the PDF. Screenshots, no serious or critical axe violation, no sideways scrolling.
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
import { buildPlant, createOrder, newTenant, PLANT, type Staff, staff } from '../support/mes.ts';
import { withPassword } from '../support/signing.ts';

const TEST = 'batch-record-phone';

let mes: TestRuntime;
let tenant: string;
let people: Staff;

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

describe('the batch record on a phone', { skip: BROWSER_SKIP }, () => {
  it('shows what to check first, the signatures still needed, folded sections and the PDF', async () => {
    const order = await createOrder(people.planner, { routingId: PLANT.routing, quantity: 2 });
    const path = `/v1/work-orders/${order.id}`;
    await people.supervisor.ok('POST', `${path}/release`);
    for (const [seq, data] of [
      [10, { screwTorque: 5.1 }],
      [20, { leakRate: 0.1, testPassed: true }],
      [30, {}],
    ] as const) {
      await people.operator.ok('POST', `${path}/operations/${seq}/start`);
      await people.operator.ok('POST', `${path}/operations/${seq}/complete`, { goodQty: 2, data });
    }
    const context = await launchBrowser(PHONE);
    try {
      const phone = await firstPage(context);
      // This plant has no shift calendar: the app's GET of it is a 404 it expects (times in the browser's zone).
      const errors = watchErrors(phone, [/Failed to load resource: the server responded with a status of 404/]);
      await signIn(phone, mes.baseUrl, { tenantId: tenant, userId: 'u-supervisor', role: 'supervisor' });
      await goTo(phone, `/orders/${order.id}`, `Work order ${order.id}`);
      await phone.getByRole('link', { name: 'Batch record' }).click();
      await phone.getByRole('heading', { level: 1, name: `Batch record of ${order.id}` }).waitFor({ state: 'visible' });
      await phone.getByRole('heading', { name: /^Check first/ }).waitFor({ state: 'visible' });
      const exceptions = await phone.getByTestId('record-exceptions').locator('li').allInnerTexts();
      assert.ok(
        exceptions.some((t) => /Screw torque 5\.1 Nm at operation 10 \(Assemble\) is outside its limits/.test(t)),
        exceptions.join('\n'),
      );
      assert.ok(exceptions.some((t) => /Not yet signed: review/.test(t)));
      await phone.getByText(/Still needed: Review by a supervisor; Approval by quality/).waitFor({ state: 'visible' });
      await screenshot(phone, TEST, 'record');
      await assertAccessible(phone, 'the batch record');
      await assertNoHorizontalOverflow(phone, 'the batch record');

      await phone.getByText('Operations', { exact: false }).first().click();
      await phone.getByText(/Screw torque: 5\.1 Nm \(outside its limits\)/).waitFor({ state: 'visible' });
      // Who recorded it, by name once the plant's people have loaded.
      await phone.getByText(/Screw torque: 5\.1 Nm \(outside its limits\), Ana Lima/).waitFor({ state: 'visible', timeout: 20_000 });
      await screenshot(phone, TEST, 'record-operations-unfolded');

      const [download] = await Promise.all([phone.waitForEvent('download'), phone.getByRole('button', { name: 'Download PDF' }).click()]);
      assert.equal(download.suggestedFilename(), `${order.id}-batch-record.pdf`);

      // The supervisor signs the review on the phone: user id and password again, the meaning from a pick list.
      await withPassword(mes, tenant, 'u-supervisor', 'review-it-2026');
      await phone.getByRole('button', { name: 'Sign', exact: true }).click();
      const dialog = phone.getByRole('dialog');
      await dialog.waitFor({ state: 'visible' });
      assert.equal(await dialog.getByLabel('User id').inputValue(), 'u-supervisor');
      await dialog.getByLabel('Meaning of your signature').selectOption('review');
      await dialog.getByLabel('Password').fill('review-it-2026');
      await screenshot(phone, TEST, 'record-sign-dialog');
      await dialog.getByRole('button', { name: 'Confirm: Sign' }).click();
      await dialog.waitFor({ state: 'detached' });
      await phone
        .getByTestId('record-signatures')
        .getByText(/Review/)
        .waitFor({ state: 'visible' });
      await phone.getByText(/Still needed: Approval by quality/).waitFor({ state: 'visible' });
      await screenshot(phone, TEST, 'record-signed-review');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

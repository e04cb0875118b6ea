/**
 * The Users screen on a phone (390x844) in a real Chromium (issue 17): a plant admin sees the
 * users by name with their roles in words, invites an operator without e-mail (roles as
 * checkboxes) and is shown the temporary password once, changes roles and disables someone.
 * Screenshots of each step; axe on each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  assertAccessible,
  assertNoHorizontalOverflow,
  BROWSER_SKIP,
  closeBrowsers,
  firstPage,
  launchBrowser,
  PHONE,
  screenshot,
  signIn,
  startWebRuntime,
  watchErrors,
} from '../../helpers/browser.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { signIn as signInAs } from '../support/identity.ts';
import { newTenant, type Staff, staff } from '../support/mes.ts';

const TEST = 'users-phone';

let mes: TestRuntime;
let tenant: string;
let people: Staff;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await people.admin.ok('POST', '/v1/users', { userId: 'anna', name: 'Anna de Vries', email: 'anna@example.com', roles: ['quality', 'supervisor'] });
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('users on a phone', { skip: BROWSER_SKIP }, () => {
  it('lists, invites with a one-time password, changes roles and disables', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-admin', role: 'admin' });
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor({ state: 'visible' });
      const anna = page.getByTestId('user-anna');
      await anna.getByText('Anna de Vries').waitFor({ state: 'visible' });
      assert.deepEqual(await anna.locator('.badge').allInnerTexts(), ['Quality', 'Supervisor']);
      await screenshot(page, TEST, 'list');
      await assertAccessible(page, 'users list');
      await assertNoHorizontalOverflow(page, 'users list');

      // Invite an operator without e-mail: roles are checkboxes, the password is shown once.
      await page.getByRole('button', { name: 'Invite someone' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor({ state: 'visible' });
      await dialog.getByLabel('Full name').fill('Piet Jansen');
      await dialog.getByLabel('Sign-in name (letters, digits, dot, - or _)').fill('piet');
      assert.equal(await dialog.getByRole('checkbox', { name: /Operator/ }).isChecked(), true);
      await screenshot(page, TEST, 'invite-dialog');
      await assertAccessible(page, 'invite dialog');
      await dialog.getByRole('button', { name: 'Confirm: Invite someone' }).click();
      await dialog.waitFor({ state: 'detached' });
      const handover = page.getByTestId('temporary-password');
      await handover.waitFor({ state: 'visible' });
      const password = (await handover.locator('.one-time-password').innerText()).trim();
      await screenshot(page, TEST, 'temporary-password');
      await assertAccessible(page, 'temporary password');
      const piet = await signInAs(mes, tenant, 'piet', password);
      assert.deepEqual(piet.claims?.['cognito:groups'], ['operator']);
      await handover.getByRole('button', { name: 'Done, I have handed it over' }).click();
      await handover.waitFor({ state: 'detached' });

      // Change Piet's roles: tick supervisor too.
      const pietCard = page.getByTestId('user-piet');
      await pietCard.getByRole('button', { name: 'Change roles' }).click();
      await dialog.getByRole('checkbox', { name: /Supervisor/ }).check();
      await screenshot(page, TEST, 'roles-dialog');
      await dialog.getByRole('button', { name: 'Confirm: Change roles' }).click();
      await dialog.waitFor({ state: 'detached' });
      await pietCard.getByText('Supervisor', { exact: true }).waitFor({ state: 'visible' });

      // Disable Anna.
      await anna.getByRole('button', { name: 'Disable' }).click();
      await dialog.getByRole('button', { name: 'Confirm: Disable' }).click();
      await dialog.waitFor({ state: 'detached' });
      await anna.getByText('disabled', { exact: true }).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'after-changes');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

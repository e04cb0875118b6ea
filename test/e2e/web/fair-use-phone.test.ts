/**
 * Fair use on a phone (390x844) in a real Chromium (issue 17, docs/fair-use.md): when the plant is
 * over its request limit, a command is refused with plain words that say nothing was changed and
 * when to try again. The limits are set as a platform operator sets them (the plant's own, on its
 * bucket item); the bucket is drained by the plant's other requests, as another busy screen or the
 * ERP would; then the limits are raised again, and the same button goes through after the wait.
 * Also: on a phone the tab strip scrolls the current screen's tab (Users, far right) into sight.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rateLimits } from '#shared/db/rate-limit-repository.ts';
import {
  assertAccessible,
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
import { newTenant, type Staff, staff } from '../support/mes.ts';

const TEST = 'fair-use-phone';

let mes: TestRuntime;
let tenant: string;
let people: Staff;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('fair use on a phone', { skip: BROWSER_SKIP }, () => {
  it('says in plain words that the plant is over its limit and nothing was changed, and the retry goes through', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of (404|429)/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-admin', role: 'admin' });
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor({ state: 'visible' });
      // The current screen's tab is in sight, though the strip is wider than the phone.
      const tab = await page.getByRole('link', { name: 'Users', exact: true }).boundingBox();
      assert.ok(tab && tab.x >= 0 && tab.x + tab.width <= PHONE.viewport.width + 1, `the Users tab is off-screen: ${JSON.stringify(tab)}`);

      await page.getByRole('button', { name: 'Invite someone' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Full name').fill('Piet Jansen');
      await dialog.getByLabel('Sign-in name (letters, digits, dot, - or _)').fill('piet');

      // A platform operator holds the plant to one request every 4 s; its other requests empty the bucket.
      await rateLimits.setLimits(tenant, { requestsPerSecond: 0.25, burst: 1 }, 'platform:u-operator', new Date().toISOString());
      let drained = false;
      for (let i = 0; i < 40 && !drained; i++) drained = (await people.admin.get('/v1/users')).status === 429;
      assert.ok(drained, 'the bucket never emptied');

      await dialog.getByRole('button', { name: 'Confirm: Invite someone' }).click();
      const words = dialog.getByText(/The plant is sending more requests than its limit; nothing was changed\. Try again in \d+ seconds?\./);
      await words.waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'over-the-limit');
      await assertAccessible(page, 'over the limit');

      // The plant back under its limit (a token every 4 s cannot even feed this screen's polling,
      // which takes one every 1.5 s): after the wait the same button goes through, and it is a new
      // invitation (the refused one wrote nothing, or this one would be a 409).
      await rateLimits.setLimits(tenant, { requestsPerSecond: 2, burst: 10 }, 'platform:u-operator', new Date().toISOString());
      const seconds = Number(/Try again in (\d+) second/.exec(await words.innerText())?.[1]);
      await page.waitForTimeout((seconds + 1) * 1000);
      await dialog.getByRole('button', { name: 'Confirm: Invite someone' }).click();
      const handover = page.getByTestId('temporary-password');
      await handover.waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'after-the-wait');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

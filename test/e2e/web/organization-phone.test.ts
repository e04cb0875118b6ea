/**
 * The organization home on a phone (390x844) in a real Chromium (issue 17): an org-viewer sees
 * the organization's plants by name with their machines' states in plain words and OEE today,
 * and a tap on a plant shows its lines. Screenshots of both; axe on each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '#shared/db/client.ts';
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
import { as, newTenant, staff } from '../support/mes.ts';
import { ALWAYS_PLANNED, ingestAll, unit } from '../support/telemetry.ts';

const TEST = 'organization-phone';

let mes: TestRuntime;
const orgId = newTenant();

async function plant(name: string, goodPerUnit: number) {
  const tenant = newTenant();
  // The platform's plant registry (i17-onboard's key shape).
  await ddb().send(new PutCommand({ TableName: tableName(), Item: { pk: 'platform#PLANT', sk: tenant, entity: 'Plant', tenantId: tenant, name } }));
  const people = await staff(mes, tenant);
  await people.admin.ok('PUT', '/v1/shift-calendar', ALWAYS_PLANNED);
  const now = Date.now();
  const envelopes = [];
  for (const [line, lineName] of [
    ['l1', 'Moulding'],
    ['l2', 'Assembly'],
  ]) {
    await people.planner.ok('PUT', `/v1/equipment/${line}`, { name: lineName, level: 'workCenter', workCenterType: 'productionLine' });
    for (const n of [1, 2]) {
      const id = `${line}-${n}`;
      await people.planner.ok('PUT', `/v1/equipment/${id}`, {
        name: `${lineName} ${n}`,
        level: 'workUnit',
        parentId: line,
        idealCycleTimeSeconds: 2,
      });
      const u = unit(tenant, id);
      envelopes.push(u.state(now - 60_000, 'running'), u.counts(now - 59_000, 0, 0), u.counts(now - 20_000, goodPerUnit, 1));
      if (n === 2 && line === 'l2') envelopes.push(u.state(now - 10_000, 'down'));
    }
  }
  await ingestAll(envelopes);
  return tenant;
}

before(async () => {
  mes = await startWebRuntime();
  const plants = [await plant('Eindhoven', 12), await plant('Porto', 8)];
  const operator = await as(mes, 'platform', 'op-1', ['platform-operator']);
  await operator.ok('PUT', `/v1/organizations/${orgId}`, { name: 'Acme Pumps', plants });
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('the organization home on a phone', { skip: BROWSER_SKIP }, () => {
  it('shows each plant by name with its machines’ states and OEE today, and its lines on a tap', async () => {
    const context = await launchBrowser(PHONE);
    const page = await firstPage(context);
    const errors = watchErrors(page);
    await signIn(page, mes.baseUrl, { tenantId: `org-${orgId}`, userId: 'v-1', role: 'org-viewer' });
    await page.getByRole('heading', { level: 1, name: 'Acme Pumps' }).waitFor({ state: 'visible' });
    const eindhoven = page.getByRole('button', { name: /Eindhoven/ });
    await eindhoven.waitFor({ state: 'visible' });
    assert.match(await page.locator('body').innerText(), /4 machines: 3 running · 1 down/);
    assert.match(await page.locator('body').innerText(), /OEE today/);
    await screenshot(page, TEST, 'plants');
    await assertAccessible(page, 'organization plants');

    await eindhoven.click();
    await page.getByText('Moulding', { exact: true }).waitFor({ state: 'visible' });
    assert.match(await page.locator('body').innerText(), /Assembly/);
    await screenshot(page, TEST, 'lines');
    await assertAccessible(page, 'organization lines');
    errors.assertNone();
  });
});

/**
 * Consuming material at the operator home on a phone (390x844), in a real Chromium against the
 * in-process runtime (issue 14): the running operation lists its materials with what the order
 * needs; the operator picks an available lot (a held one is not offered), takes a quantity, and
 * sees it consumed; the order then completes. Screenshots and axe.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import type { MaterialLot } from '#shared/domain/tracking/model.ts';
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
  waitInPage,
  watchErrors,
} from '../../helpers/browser.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { buildPlant, newTenant, PLANT, type Staff, staff } from '../support/mes.ts';

const TEST = 'consume-phone';
const STATION = 'wc-pack';
const HSG = PLANT.components[0];

let mes: TestRuntime;
let tenant: string;
let people: Staff;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  await people.planner.ok('PUT', `/v1/materials/${HSG}`, { name: 'Pump housing', uom: 'ea', materialType: 'raw', tracking: 'lot' });
  await people.planner.ok('PUT', '/v1/personnel/u-operator', { name: 'Sam Jansen', roles: ['operator'] });
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('consuming a lot at the operator home, on a phone', { skip: BROWSER_SKIP }, () => {
  it('offers the available lots by supplier lot and expiry, consumes the one picked, and lets the operation complete', async () => {
    // Prepare: an order of 4 pumps running at the packing station; two housing lots, one of them held.
    const good = await people.supervisor.ok<MaterialLot>('POST', '/v1/lots', {
      materialId: HSG,
      quantity: 10,
      supplierLot: 'GO-7781',
      expiresAt: '2031-03-01T00:00:00Z',
    });
    const held = await people.supervisor.ok<MaterialLot>('POST', '/v1/lots', { materialId: HSG, quantity: 10, supplierLot: 'GO-BAD' });
    await people.quality.ok('POST', `/v1/lots/${held.id}/hold`, { reason: 'porosity found' });
    const order = await people.planner.ok<WorkOrderDetail>('POST', '/v1/work-orders', {
      materialId: PLANT.product,
      quantity: 4,
      routingId: PLANT.quickRouting,
      bomId: PLANT.bom,
      dueDate: '2030-01-01T00:00:00Z',
    });
    await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/release`, {});
    await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/start`, {});
    const context = await launchBrowser(PHONE);
    const page: Page = await firstPage(context);
    // As on the operator home's own test: a 404 the station's reads may meet is not this test's concern.
    const errors = watchErrors(page, [/Failed to load resource/]);
    await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });

    // Act: open the station, consume 4 from the lot offered.
    await goTo(page, `/station/${STATION}`);
    const materials = page.getByTestId('op-10-materials');
    await materials.waitFor({ state: 'visible' });
    await waitInPage(page, 'the lot list has loaded', () => !!document.querySelector('[data-testid="op-10-materials"] button'), undefined, 10_000);
    await screenshot(page, TEST, 'station-materials');
    await materials.getByRole('button', { name: 'Consume Pump housing' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor({ state: 'visible' });
    const options = await dialog.getByLabel('Lot', { exact: true }).locator('option').allTextContents();
    await screenshot(page, TEST, 'consume-dialog');
    await assertAccessible(page, 'consume dialog');
    assert.equal(await dialog.getByLabel('Lot', { exact: true }).inputValue(), good.id, 'the soonest expiring lot is picked already');
    assert.equal(await dialog.getByLabel('Quantity', { exact: true }).inputValue(), '4', 'what the order still needs');
    await dialog.getByRole('button', { name: 'Confirm: Consume Pump housing' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('op-10-material-HSG-1').getByText(good.id).waitFor({ state: 'visible' });

    // Assess
    assert.deepEqual(
      options.filter((o) => o.trim() && o !== 'Choose…').map((o) => o.replace(/\s+/g, ' ')),
      [`${good.id}: 10 pcs left, supplier lot GO-7781, use by Mar 1, 2031`],
      'only the available lot is offered, with its supplier lot and expiry',
    );
    assert.match(await page.getByTestId('op-10-material-HSG-1').innerText(), /4 pcs of 4 pcs consumed/);
    assert.equal((await people.supervisor.ok<MaterialLot>('GET', `/v1/lots/${good.id}`)).quantity, 6);
    await screenshot(page, TEST, 'station-consumed');
    await assertAccessible(page, 'station with consumed material');
    await assertNoHorizontalOverflow(page, 'station with consumed material');
    errors.assertNone();
    await context.close();
  });
});

/**
 * The trace screen on a phone (390x844) in a real Chromium (issue 14): a genealogy seeded
 * through the API (two supplier lots received, one split, a part merged with the other) and,
 * for what orders make, produced lots, serials and consume edges written as the work-order
 * commands store them. Traced forward from a supplier lot (a tree of material names, statuses
 * in words, paged with "Show more", levels that fold), a node tapped to trace backward from a
 * serial to both supplier lots, then quality recalls the supplier lot: the confirmation says
 * how many lots and serials it holds, the result says what happened in plain words, and every
 * status on the screen turns to "On hold". A supervisor sees no recall action. Screenshots and
 * axe on each screen.
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
import { consumed, lot, lotRecord, putEdges, putRecords, serial, serialRecord } from '../../fixtures/genealogy.ts';
import { buildPlant, newTenant, type Staff, staff } from '../support/mes.ts';

const TEST = 'trace-phone';
const PUMPS_FROM_MERGE = Array.from({ length: 60 }, (_, i) => `PUMP-${String(i + 1).padStart(3, '0')}`);
const PUMPS_FROM_HOUSING = ['PUMP-061', 'PUMP-062', 'PUMP-063'];

let mes: TestRuntime;
let tenant: string;
let people: Staff;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  await people.planner.ok('PUT', '/v1/materials/RM-RESIN', { name: 'Resin granulate', uom: 'KGM', materialType: 'raw', tracking: 'lot' });
  // Supplier lots, a split and a merge, through the API.
  const receive = (id: string, quantity: number) =>
    people.supervisor.ok('POST', '/v1/lots', { id, materialId: 'RM-RESIN', quantity, supplierId: 'Polymer Co', supplierLot: `PC-${id}` });
  await receive('R-1', 100);
  await receive('R-2', 10);
  await people.supervisor.ok('POST', '/v1/lots/R-1/split', {
    parts: [
      { id: 'R-1A', quantity: 30 },
      { id: 'R-1B', quantity: 20 },
    ],
  });
  await people.supervisor.ok('POST', '/v1/lots/merge', { lotIds: ['R-1B', 'R-2'], id: 'R-M' });
  // What orders made, as the work-order commands store it: a housing lot and 63 pumps.
  await putRecords(tenant, {
    lots: [
      lotRecord('HSG-LOT-1', {
        materialId: 'SA-HOUSING',
        materialName: 'Pump housing',
        uom: 'EA',
        quantity: 12,
        initialQuantity: 15,
        origin: 'produced',
        workOrderId: 'WO-10',
        seq: 10,
      }),
    ],
    serials: [...PUMPS_FROM_MERGE, ...PUMPS_FROM_HOUSING].map((id) => serialRecord(id, { workOrderId: 'WO-20', seq: 30 })),
  });
  await putEdges(tenant, [
    consumed(lot('R-1A'), lot('HSG-LOT-1'), 30, { workOrderId: 'WO-10', seq: 10 }),
    ...PUMPS_FROM_MERGE.map((id) => consumed(lot('R-M'), serial(id), 0.5, { workOrderId: 'WO-20', seq: 10 })),
    ...PUMPS_FROM_HOUSING.map((id) => consumed(lot('HSG-LOT-1'), serial(id), 1, { uom: 'EA', workOrderId: 'WO-20', seq: 10 })),
  ]);
  // One pump has left the plant already.
  await people.supervisor.ok('POST', '/v1/serials/PUMP-063/ship', { reference: 'DN-4711' });
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

const IGNORE = [/Failed to load resource: the server responded with a status of 404/];

describe('the trace screen on a phone', { skip: BROWSER_SKIP }, () => {
  it('traces forward and backward, and quality recalls everything made from a supplier lot', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, IGNORE);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-quality', role: 'quality' });

      // Reachable from the navigation; a field to type the number in.
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Trace' }).click();
      await page.getByRole('heading', { level: 1, name: 'Trace' }).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'trace-start');
      await assertAccessible(page, 'trace start');
      await page.getByLabel('Lot number').fill('R-1');
      await page.getByRole('button', { name: 'Trace', exact: true }).click();

      // Forward: the tree by material names, statuses in words, paged.
      const root = page.getByTestId('trace-root');
      await root.getByText('Resin granulate').waitFor({ state: 'visible' });
      assert.match(await root.innerText(), /Lot R-1[\s\S]*Available[\s\S]*50 kg left[\s\S]*From supplier Polymer Co, their lot PC-R-1/);
      const forward = page.getByTestId('trace-forward');
      await forward.getByText('49 lots and serials so far').waitFor({ state: 'visible' });
      const merged = forward.getByTestId('node-R-M');
      assert.match(await merged.innerText(), /Resin granulate[\s\S]*Lot R-M[\s\S]*Available[\s\S]*30 kg left/);
      assert.match(await forward.getByTestId('node-R-1B').innerText(), /Consumed/);
      assert.match(await forward.getByTestId('node-HSG-LOT-1').innerText(), /Pump housing[\s\S]*Made by order WO-10, operation 10/);
      assert.match(await page.getByTestId('trace-backward').innerText(), /It came from no other lot/);
      await screenshot(page, TEST, 'trace-lot-forward');
      await assertAccessible(page, 'trace of a supplier lot');
      await assertNoHorizontalOverflow(page, 'trace of a supplier lot');

      // Levels fold: the pumps under the merged lot open with one tap; "Show more" follows the cursor.
      const unfold = forward.getByRole('button', { name: /Show the \d+ made from it/ });
      while ((await unfold.count()) > 0) await unfold.first().click();
      await forward.getByRole('button', { name: 'Show more' }).click();
      await forward.getByText('67 lots and serials in all').waitFor({ state: 'visible' });
      while ((await unfold.count()) > 0) await unfold.first().click();
      const pump = forward.getByTestId('node-PUMP-001');
      assert.match(
        await pump.innerText(),
        /Pump[\s\S]*Serial PUMP-001[\s\S]*Available[\s\S]*1 unit[\s\S]*Made by order WO-20, operation 30[\s\S]*Made with 0.5 kg of lot R-M at order WO-20, operation 10/,
      );
      assert.match(await forward.getByTestId('node-PUMP-063').innerText(), /Shipped/);
      await forward.getByRole('button', { name: /Hide the 60 made from it/ }).click();
      await screenshot(page, TEST, 'trace-lot-forward-all');

      // Tap a pump: it is traced backward to both supplier lots.
      await forward.getByRole('button', { name: /Show the 60 made from it/ }).click();
      await forward.getByRole('link', { name: 'Pump Serial PUMP-001' }).click();
      await page.getByTestId('trace-root').getByText('Serial PUMP-001').waitFor({ state: 'visible' });
      const backward = page.getByTestId('trace-backward');
      await backward.getByTestId('node-R-1').waitFor({ state: 'visible' });
      for (const id of ['R-M', 'R-1B', 'R-2', 'R-1']) await backward.getByTestId(`node-${id}`).waitFor({ state: 'visible' });
      assert.match(await backward.getByTestId('node-R-2').innerText(), /From supplier Polymer Co, their lot PC-R-2/);
      assert.match(await page.getByTestId('trace-forward').innerText(), /Nothing has been made from it yet/);
      await screenshot(page, TEST, 'trace-serial-backward');
      await assertAccessible(page, 'trace of a serial');

      // The recall: a confirmation that counts, then the result in plain words.
      await goTo(page, '/trace?lot=R-1');
      await page.getByTestId('trace-root').getByText('Lot R-1').waitFor({ state: 'visible' });
      await page.getByRole('button', { name: 'Put everything made from this on hold' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor({ state: 'visible' });
      assert.match(await dialog.innerText(), /This puts 4 lots and 62 serials on hold/);
      assert.match(await dialog.innerText(), /1 has been shipped: the recall lists it/);
      await dialog.getByLabel('Why (the hold reason everyone will see)').fill('Polymer Co recall notice 12');
      await screenshot(page, TEST, 'recall-confirm');
      await assertAccessible(page, 'recall confirmation');
      await dialog.getByRole('button', { name: 'Confirm: Put everything made from this on hold' }).click();
      await dialog.waitFor({ state: 'detached' });
      const result = page.getByTestId('recall-result');
      await result.waitFor({ state: 'visible' });
      assert.match(await result.innerText(), /66 lots and serials are on hold now/);
      assert.match(await result.innerText(), /Pump, serial PUMP-063: 1 unit on DN-4711/);
      assert.match(await page.getByTestId('trace-root').innerText(), /On hold[\s\S]*Why on hold: Recall RC-/);
      await page.getByTestId('trace-forward').getByTestId('node-R-M').getByText('‖ On hold').waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'recall-done');
      await assertAccessible(page, 'recall done');

      // Nothing made from it can be shipped now.
      const ship = await people.supervisor.post('/v1/serials/PUMP-001/ship', {});
      assert.equal(ship.status, 409, ship.text);
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('shows a supervisor the trace without the recall action, and an unknown number in plain words', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, IGNORE);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-supervisor', role: 'supervisor' });
      await goTo(page, '/trace?serial=PUMP-062');
      await page.getByTestId('trace-backward').getByTestId('node-R-1').waitFor({ state: 'visible' });
      assert.equal(await page.getByRole('button', { name: 'Put everything made from this on hold' }).count(), 0);
      await goTo(page, '/trace?lot=NO-SUCH');
      await page.getByText('There is no lot NO-SUCH in this plant').waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'trace-unknown');
      await assertAccessible(page, 'unknown lot');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

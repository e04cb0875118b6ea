/**
 * Labels and scanning on a phone (390x844) in a real Chromium: a lot's page shows its GS1
 * DataMatrix label drawn by bwip-js; the label as rendered on screen, fed to "Scan from a photo",
 * decodes back to the same lot with zxing-wasm (headless Chromium has no BarcodeDetector, so
 * this is the fallback), its WebAssembly fetched from the app's own origin. A lot number too long
 * for GS1 gets a plain DataMatrix and says why; it scans back too. A serial's label carries
 * (21). A refused camera and a photo without a code say so in words. Screenshots of each; axe
 * on each.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { putRecords, serialRecord } from '../../fixtures/genealogy.ts';
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
import { newTenant, type Staff, staff } from '../support/mes.ts';

const TEST = 'labels-scan';
const RESIN_GTIN = '04006381333931';
const PUMP_GTIN = '09506000134352';
const SHORT_LOT = 'RES-2612-07';
const LONG_LOT = 'PA66-RESIN-NATURAL-261203-0001';
const SERIAL = 'PUMP-000042';

let mes: TestRuntime;
let tenant: string;
let people: Staff;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  const put = (path: string, body: unknown) => people.planner.ok('PUT', path, body);
  await put('/v1/materials/RM-RESIN', { name: 'PA66 resin', uom: 'KGM', materialType: 'raw', tracking: 'lot', gtin: RESIN_GTIN });
  await put('/v1/materials/FG-PUMP', { name: 'Centrifugal pump', uom: 'C62', materialType: 'finished', tracking: 'serial', gtin: PUMP_GTIN });
  for (const id of [SHORT_LOT, LONG_LOT]) {
    await people.planner.ok('POST', '/v1/lots', {
      id,
      materialId: 'RM-RESIN',
      quantity: 25,
      supplierId: 'Polymer Supply',
      supplierLot: 'B-88121',
      expiresAt: '2027-06-30T12:00:00.000Z',
    });
  }
  // A serial as the lead's produce step will store it (GET /v1/serials/{id} is not there yet: the page reads its trace).
  await putRecords(tenant, { serials: [serialRecord(SERIAL, { materialId: 'FG-PUMP', materialName: 'Centrifugal pump', workOrderId: 'WO-7' })] });
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

/** The label as the screen shows it, as a PNG: what a phone's camera would photograph. */
async function labelImage(page: Page): Promise<Buffer> {
  await page.getByTestId('label-symbol').waitFor({ state: 'visible' });
  await page.waitForFunction(() => (document.querySelector('[data-testid="label-symbol"]') as HTMLImageElement | null)?.complete === true);
  return page.getByTestId('label').screenshot();
}

/** Gives the image to "Scan from a photo", as a person choosing a photo would. */
const scanPhoto = (page: Page, png: Buffer, name = 'label.png') =>
  page.locator('#scan-photo').setInputFiles({ name, mimeType: 'image/png', buffer: png });

describe('lot and serial labels, scanned back on a phone', { skip: BROWSER_SKIP }, () => {
  it('prints a GS1 label of a lot and a plain one of a number GS1 cannot carry; both scan back to their lot', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]); // no shift calendar in this plant
      const wasm: { url: string; type: string | undefined }[] = [];
      page.on('response', (res) => {
        if (res.url().endsWith('.wasm')) wasm.push({ url: res.url(), type: res.headers()['content-type'] });
      });
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-supervisor', role: 'supervisor' });
      assert.equal(await page.evaluate(() => 'BarcodeDetector' in window), false, 'headless Chromium has no BarcodeDetector: zxing-wasm reads');

      // The lot's page and its GS1 label: (01) GTIN, (17) expiry as the plant's date, (10) lot.
      await goTo(page, `/lots/${SHORT_LOT}`, `Lot ${SHORT_LOT}`);
      const label = page.getByTestId('label');
      const short = await labelImage(page);
      assert.equal(await label.getAttribute('data-gs1'), `(01)${RESIN_GTIN}(17)270630(10)${SHORT_LOT}`);
      for (const text of ['PA66 resin', `GTIN ${RESIN_GTIN}`, `LOT ${SHORT_LOT}`, 'EXP 2027-06-30', 'QTY 25 kg']) {
        await label.getByText(text, { exact: true }).waitFor({ state: 'visible' });
      }
      await page.getByRole('button', { name: 'Print label' }).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'lot');
      await assertAccessible(page, 'lot page');
      await assertNoHorizontalOverflow(page, 'lot page');

      // A lot number of 30 characters: no GS1 label (AI 10 holds 20), a plain DataMatrix of the number, and why.
      await goTo(page, `/lots/${LONG_LOT}`, `Lot ${LONG_LOT}`);
      const long = await labelImage(page);
      assert.equal(await label.getAttribute('data-gs1'), null);
      const why = await page.getByTestId('label-not-gs1').innerText();
      assert.match(why, /Not a GS1 label: the lot number has 30 characters; GS1 allows 20\. The code holds the lot number only/);
      await screenshot(page, TEST, 'lot-not-gs1');
      await assertAccessible(page, 'lot page, plain label');
      await assertNoHorizontalOverflow(page, 'lot page, plain label');

      // The first label, photographed: it opens its lot.
      await scanPhoto(page, short);
      await page.getByRole('heading', { level: 1, name: `Lot ${SHORT_LOT}` }).waitFor({ state: 'visible' });
      assert.ok(wasm.length > 0, 'the reader fetched its WebAssembly');
      for (const w of wasm) {
        assert.equal(new URL(w.url).origin, mes.baseUrl, `${w.url}: from the app's own origin`);
        assert.equal(w.type, 'application/wasm');
      }
      // The plain one: a bare number, found as a lot.
      await scanPhoto(page, long);
      await page.getByRole('heading', { level: 1, name: `Lot ${LONG_LOT}` }).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'scanned-plain-label');

      // Print: the label alone, on its 100 x 50 mm page.
      await page.evaluate(() => {
        window.print = () => {};
      });
      await page.getByRole('button', { name: 'Print label' }).click();
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.print-sheet').count(), 1);
      assert.equal(await page.locator('header.top').isVisible(), false, 'nothing but the label prints');
      await screenshot(page, TEST, 'print');
      await page.emulateMedia({ media: 'screen' });
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it("shows a serial's label with (21) and opens it from a photo of it", async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, `/serials/${SERIAL}`, `Serial ${SERIAL}`);
      const png = await labelImage(page);
      assert.equal(await page.getByTestId('label').getAttribute('data-gs1'), `(01)${PUMP_GTIN}(21)${SERIAL}`);
      await page.getByText('Order WO-7').waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'serial');
      await assertAccessible(page, 'serial page');
      await assertNoHorizontalOverflow(page, 'serial page');

      await goTo(page, `/lots/${SHORT_LOT}`, `Lot ${SHORT_LOT}`);
      await scanPhoto(page, png);
      await page.getByRole('heading', { level: 1, name: `Serial ${SERIAL}` }).waitFor({ state: 'visible' });
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('says so when the camera is refused and when a photo holds no code', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, `/lots/${SHORT_LOT}`, `Lot ${SHORT_LOT}`);
      await page.getByRole('button', { name: 'Scan a label' }).click();
      const message = page.getByTestId('scan-message');
      await message.waitFor({ state: 'visible' });
      // Headless Chromium has no camera and grants none: blocked or missing, the way out is the photo.
      assert.match(await message.innerText(), /^(The camera is blocked for this app|This device has no camera).*"Scan from a photo"/);
      await screenshot(page, TEST, 'camera-refused');
      await assertAccessible(page, 'camera refused');

      const nothing = await page.getByRole('heading', { level: 1 }).screenshot();
      await scanPhoto(page, nothing, 'heading.png');
      await page.getByText('No code found in the photo', { exact: false }).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'photo-without-code');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

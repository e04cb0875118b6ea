/**
 * Labels and scanning on a phone (390x844) in a real Chromium: a lot's page shows its GS1
 * DataMatrix label drawn by bwip-js; the label as rendered on screen, fed to "Scan from a photo",
 * decodes back to the same lot with zxing-wasm (headless Chromium has no BarcodeDetector, so
 * this is the fallback), its WebAssembly fetched from the app's own origin. A lot number too long
 * for GS1 gets a plain DataMatrix and says why; it scans back too. A serial's label carries
 * (21). A supplier's GS1-128 label (made with bwip-js) finds the lot received with it. A refused
 * camera, a photo without a code and a code that names nothing here say so in words; a label
 * on a (fake) camera opens its lot. Screenshots of each; axe on each.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import bwipjs from 'bwip-js/node';
import type { Page } from 'playwright-core';
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
import { buildPlant, newTenant, PLANT, type Staff, staff } from '../support/mes.ts';

const TEST = 'labels-scan';
const RESIN_GTIN = '04006381333931';
const PUMP_GTIN = '09506000134352';
const SHORT_LOT = 'RES-2612-07';
const LONG_LOT = 'PA66-RESIN-NATURAL-261203-0001';
const SERIAL = 'PUMP-000042';
/** The supplier's own lot number of SHORT_LOT, on the supplier's GS1-128 label. */
const SUPPLIER_LOT = 'B-88121';

let mes: TestRuntime;
let tenant: string;
let people: Staff;
/** The order that made the serial. */
let madeBy: string;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  const put = (path: string, body: unknown) => people.planner.ok('PUT', path, body);
  await put('/v1/materials/RM-RESIN', { name: 'PA66 resin', uom: 'KGM', materialType: 'raw', tracking: 'lot', gtin: RESIN_GTIN });
  await put('/v1/materials/FG-PUMP', { name: 'Centrifugal pump', uom: 'C62', materialType: 'finished', tracking: 'serial', gtin: PUMP_GTIN });
  for (const [id, supplierLot] of [
    [SHORT_LOT, SUPPLIER_LOT],
    [LONG_LOT, 'B-77310'],
  ]) {
    await people.planner.ok('POST', '/v1/lots', {
      id,
      materialId: 'RM-RESIN',
      quantity: 25,
      supplierId: 'Polymer Supply',
      supplierLot,
      expiresAt: '2027-06-30T12:00:00.000Z',
    });
  }
  // The serial made by an order, its number given at completion.
  const order = await people.planner.ok<{ id: string }>('POST', '/v1/work-orders', {
    materialId: 'FG-PUMP',
    quantity: 1,
    routingId: PLANT.quickRouting,
    dueDate: '2030-01-01T00:00:00Z',
  });
  madeBy = order.id;
  await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/release`, {});
  await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/start`, {});
  await people.operator.ok('POST', `/v1/work-orders/${order.id}/operations/10/complete`, { goodQty: 1, serials: [SERIAL] });
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
  page.getByTestId('scan').locator('input[type="file"]').setInputFiles({ name, mimeType: 'image/png', buffer: png });

/** A PNG's pixels as RGBA, decoded by the page (run with page.evaluate), an even width and height. */
async function rgbaOf(pngBase64: string): Promise<{ width: number; height: number; rgba: string }> {
  // An <img>, not fetch(): the app's CSP lets images, not requests, be data: URLs.
  const bitmap = new Image();
  bitmap.src = `data:image/png;base64,${pngBase64}`;
  await bitmap.decode();
  const width = bitmap.width & ~1;
  const height = bitmap.height & ~1;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  context.drawImage(bitmap, 0, 0);
  const data = context.getImageData(0, 0, width, height).data;
  let binary = '';
  for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
  return { width, height, rgba: btoa(binary) };
}

/** A few seconds of a still picture as a YUV4MPEG2 (Y4M) video, I420, which Chromium's fake camera plays. */
function videoOf({ width, height, rgba: base64 }: { width: number; height: number; rgba: string }): Buffer {
  const rgba = Buffer.from(base64, 'base64');
  const px = (x: number, y: number) => {
    const i = (y * width + x) * 4;
    return [rgba[i] ?? 0, rgba[i + 1] ?? 0, rgba[i + 2] ?? 0] as const;
  };
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  const yPlane = Buffer.alloc(width * height);
  const uPlane = Buffer.alloc((width / 2) * (height / 2));
  const vPlane = Buffer.alloc((width / 2) * (height / 2));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = px(x, y);
      yPlane[y * width + x] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
    }
  }
  for (let y = 0; y < height; y += 2) {
    for (let x = 0; x < width; x += 2) {
      const [r, g, b] = px(x, y);
      const i = (y / 2) * (width / 2) + x / 2;
      uPlane[i] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      vPlane[i] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), yPlane, uPlane, vPlane]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: 10 }, () => frame)]);
}

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
      // What the printer gets: one page of 100 x 50 mm (283.46 x 141.73 pt), the label's @page.
      const pdf = (await page.pdf({ preferCSSPageSize: true, printBackground: true })).toString('latin1');
      const boxes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
      assert.equal(boxes.length, 1, 'one page');
      assert.ok(
        Math.abs((boxes[0]?.[0] ?? 0) - 283.46) < 1 && Math.abs((boxes[0]?.[1] ?? 0) - 141.73) < 1,
        `a 100 x 50 mm page: ${JSON.stringify(boxes)}`,
      );
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
      await page.getByText(`Order ${madeBy}`).waitFor({ state: 'visible' });
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

  it("finds a received lot from its supplier's GS1-128 label, says so when a code names nothing here, and opens a typed number", async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of (404|400)/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, `/lots/${LONG_LOT}`, `Lot ${LONG_LOT}`);
      // The supplier's label on the pallet: their GTIN of our material and their lot number, as GS1-128.
      const supplierLabel = await bwipjs.toBuffer({
        bcid: 'gs1-128',
        text: `(01)${RESIN_GTIN}(10)${SUPPLIER_LOT}`,
        scale: 3,
        height: 12,
        padding: 10,
        backgroundcolor: 'FFFFFF',
      });
      await scanPhoto(page, supplierLabel, 'supplier-label.png');
      await page.getByRole('heading', { level: 1, name: `Lot ${SHORT_LOT}` }).waitFor({ state: 'visible' });

      // A plain Code 128 of a number this plant has no lot or serial of.
      const unknown = await bwipjs.toBuffer({ bcid: 'code128', text: 'NO-SUCH-LOT-1', scale: 3, height: 12, padding: 10, backgroundcolor: 'FFFFFF' });
      await scanPhoto(page, unknown, 'unknown.png');
      const notFound = page.getByTestId('scan-not-found');
      await notFound.waitFor({ state: 'visible' });
      assert.equal(await notFound.innerText(), 'No lot or serial NO-SUCH-LOT-1 in this plant. Check the label, or type the number.');
      await screenshot(page, TEST, 'scan-not-found');
      await assertAccessible(page, 'scan not found');
      await assertNoHorizontalOverflow(page, 'scan not found');

      // Typed instead: a bare number, found as a serial.
      await page.getByLabel('Or type the lot or serial number').fill(` ${SERIAL} `);
      await page.getByRole('button', { name: 'Open', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `Serial ${SERIAL}` }).waitFor({ state: 'visible' });
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('says so when the camera is refused and when a photo holds no code', async () => {
    // A camera the page may not use: Chromium's fake device, and no permission given.
    const context = await launchBrowser(PHONE, ['--use-fake-device-for-media-stream']);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, `/lots/${SHORT_LOT}`, `Lot ${SHORT_LOT}`);
      await page.getByRole('button', { name: 'Scan a label' }).click();
      const message = page.getByTestId('scan-message');
      await message.waitFor({ state: 'visible' });
      assert.match(await message.innerText(), /^The camera is blocked for this app\. Allow the camera .* or use "Scan from a photo"\.$/);
      await screenshot(page, TEST, 'camera-refused');
      await assertAccessible(page, 'camera refused');
      await assertNoHorizontalOverflow(page, 'camera refused');

      const nothing = await page.getByRole('heading', { level: 1 }).screenshot();
      await scanPhoto(page, nothing, 'heading.png');
      await page.getByText('No code found in the photo', { exact: false }).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'photo-without-code');

      // Allowed now: the camera's picture shows (Chromium's test pattern, no code in it) until the person stops it.
      await context.grantPermissions(['camera'], { origin: mes.baseUrl });
      await page.getByRole('button', { name: 'Scan a label' }).click();
      const camera = page.getByLabel('Camera picture: point it at the code on the label');
      await camera.waitFor({ state: 'visible' });
      await page.waitForFunction(() => (document.querySelector('video')?.readyState ?? 0) >= 2);
      assert.equal(await message.count(), 0, 'the earlier message is gone');
      await screenshot(page, TEST, 'camera');
      await assertAccessible(page, 'camera');
      await page.getByRole('button', { name: 'Stop the camera' }).click();
      await camera.waitFor({ state: 'detached' });
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('reads a label from the camera, frame by frame, and opens its lot', async () => {
    // The label as the screen draws it, as the frames of a fake camera (Chromium plays a Y4M file in a loop).
    const render = await launchBrowser(PHONE);
    let y4m: Buffer;
    try {
      const page = await firstPage(render);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, `/lots/${SHORT_LOT}`, `Lot ${SHORT_LOT}`);
      const png = await labelImage(page);
      y4m = videoOf(await page.evaluate(rgbaOf, png.toString('base64')));
    } finally {
      await render.close();
    }
    const dir = await mkdtemp(join(tmpdir(), 'mes-camera-'));
    const video = join(dir, 'label.y4m');
    await writeFile(video, y4m);
    const context = await launchBrowser(PHONE, ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);
    try {
      await context.grantPermissions(['camera'], { origin: mes.baseUrl });
      const page = await firstPage(context);
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, `/lots/${LONG_LOT}`, `Lot ${LONG_LOT}`);
      await page.getByRole('button', { name: 'Scan a label' }).click();
      await page.getByRole('heading', { level: 1, name: `Lot ${SHORT_LOT}` }).waitFor({ state: 'visible', timeout: 20_000 });
      assert.equal(await page.locator('video').count(), 0, 'the camera stops once a label is read');
      assert.equal(await page.evaluate(() => document.querySelector('video')?.srcObject ?? null), null);
      errors.assertNone();
    } finally {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

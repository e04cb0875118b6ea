/**
 * The plant overview on a phone, kept current by the live feed (issue 13), in a real Chromium
 * against the in-process runtime with the broker's WebSocket on: the overview loads the plant
 * status once, makes no per-unit request, and then shows each change of a unit's live view entry
 * as it is pushed, with no further request while the push works. When the push channel is down
 * it says so in plain words and polls. The live view's entries are written directly with the
 * agreed shape (test/helpers/live-view.ts) until its writers land. Timings are never asserted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectAsync } from 'mqtt';
import type { BrowserContext, Page } from 'playwright-core';
import {
  assertAccessible,
  BROWSER_SKIP,
  builtWebApp,
  closeBrowsers,
  firstPage,
  launchBrowser,
  PHONE,
  screenshot,
  signIn,
  watchErrors,
} from '../../helpers/browser.ts';
import { telemetryTopic } from '#shared/telemetry/rules.ts';
import { writeLiveEntry } from '../../helpers/live-view.ts';
import { newTenantId, startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { as } from '../support/mes.ts';

const TEST = 'plant-live-phone';
/** wu-weld-2 is only ever written by the ingest (the others' entries are also written directly). */
const UNITS = ['wu-press-1', 'wu-press-2', 'wu-weld-1', 'wu-weld-2'];
/** The plant has no shift calendar here: the app asks for it once and uses the browser's zone (a 404 in the console). */
const EXPECTED_CONSOLE = [/Failed to load resource: the server responded with a status of 404/];

describe('the plant overview, pushed live', { skip: BROWSER_SKIP }, () => {
  let mes: TestRuntime;
  let tenant: string;
  const contexts: BrowserContext[] = [];
  before(async () => {
    mes = await startTestRuntime({ mqttPort: 0, mqttWsPort: 0, telemetryWindowMs: 0, web: { dir: await builtWebApp() } });
    tenant = newTenantId();
    const admin = await as(mes, tenant, 'u-admin', ['admin']);
    await admin.ok('PUT', '/v1/equipment/site-1', { name: 'Plant', level: 'site' });
    await admin.ok('PUT', '/v1/equipment/wc-1', { name: 'Press line', level: 'workCenter', parentId: 'site-1' });
    await admin.ok('PUT', '/v1/equipment/wc-2', { name: 'Welding cell', level: 'workCenter', parentId: 'site-1' });
    for (const id of UNITS)
      await admin.ok('PUT', `/v1/equipment/${id}`, {
        name: id.replace('wu-', '').replace('-', ' '),
        level: 'workUnit',
        parentId: id.includes('weld') ? 'wc-2' : 'wc-1',
      });
    // What a card names: the material an order makes and the person running it.
    await admin.ok('PUT', '/v1/materials/FG-GEAR', { name: 'Gear pump', uom: 'EA' });
    await admin.ok('PUT', '/v1/personnel/u-ana', { name: 'Ana Lopez', roles: ['operator'] });
  });
  after(async () => {
    await closeBrowsers();
    await mes?.stop();
  });

  /** A supervisor's phone on the overview; every API request it makes is noted. */
  async function openOverview(options: { pushDown?: boolean } = {}) {
    const context = await launchBrowser(PHONE);
    contexts.push(context);
    if (options.pushDown) await context.routeWebSocket(/\/mqtt$/, (ws) => ws.close({ code: 1011, reason: 'push channel down (test)' }));
    const page = await firstPage(context);
    const requests: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.startsWith('/v1/')) requests.push(path);
    });
    await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-super', role: 'supervisor' });
    await page.getByRole('heading', { level: 1, name: 'Plant' }).waitFor({ state: 'visible' });
    // Opened as a phone opens it (a page load: the boot script asks for the plant status before the app runs).
    // What the page before the reload asked is not counted: from the new document's commit on.
    page.once('framenavigated', () => requests.splice(0));
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Plant' }).waitFor({ state: 'visible' });
    return { page, requests };
  }
  const pushState = (page: Page, state: string) =>
    page.locator(`[data-testid="push-state"][data-push="${state}"]`).waitFor({ state: 'visible', timeout: 15_000 });
  const cardShows = (page: Page, unit: string, state: string) =>
    page.locator(`[data-testid="unit-${unit}"][data-state="${state}"]`).waitFor({ state: 'visible', timeout: 15_000 });
  const unitState = (equipmentId: string, state: string, since: string, extra: Record<string, unknown> = {}) => ({
    equipmentId,
    state: state as 'running',
    since,
    lastSeen: since,
    current: null,
    ...extra,
  });

  it("shows each unit's pushed change, with no request per unit and no status request while the push works", async () => {
    // Prepare
    const { page, requests } = await openOverview();
    const errors = watchErrors(page, EXPECTED_CONSOLE);
    await pushState(page, 'live');
    const since = new Date().toISOString();
    // Act: the first change pushed and shown, then the requests are counted...
    await writeLiveEntry(tenant, unitState('wu-press-1', 'running', since), Date.now());
    await cardShows(page, 'wu-press-1', 'running');
    const counted = requests.length;
    await writeLiveEntry(tenant, unitState('wu-press-2', 'down', since, { reasonCode: 'E-42' }), Date.now());
    await writeLiveEntry(tenant, unitState('wu-weld-1', 'setup', since), Date.now());
    // ...an older message for a unit changes nothing (newest `at` wins)...
    await writeLiveEntry(tenant, unitState('wu-press-1', 'running', since), Date.now());
    await writeLiveEntry(tenant, unitState('wu-press-1', 'idle', since), Date.now() - 60_000);
    await cardShows(page, 'wu-press-2', 'down');
    await cardShows(page, 'wu-weld-1', 'setup');
    await mes.runtime.mqtt?.liveFeed?.idle({ timeoutMs: 30_000 });
    // Assess
    assert.equal(await page.getByTestId('unit-wu-press-1').getAttribute('data-state'), 'running');
    assert.deepEqual(
      requests.slice(counted).filter((p) => p.endsWith('/status')),
      [],
      'no status request while the push works',
    );
    assert.ok(
      requests.every((path) => path === '/v1/plant/status' || !/^\/v1\/equipment\/[^/]+\/status$/.test(path)),
      `no per-unit status request: ${requests.join(', ')}`,
    );
    assert.deepEqual(
      requests.slice(0, counted).filter((p) => p.endsWith('/status')),
      ['/v1/plant/status', '/v1/plant/status'],
      'the plant status, asked by the boot script, and once more when the feed came up',
    );
    await screenshot(page, TEST, 'overview-live');
    await assertAccessible(page, 'plant overview (live)');
    errors.assertNone();
  });

  it('drops a reason the loaded state had when a pushed change has none', async () => {
    // Prepare: the weld cell reports down with a reason over MQTT (and stays connected) before the overview loads.
    const device = await connectAsync(mes.mqttUrl as string, { ...mes.deviceCredentials(tenant, 'wu-weld-2'), reconnectPeriod: 0 });
    try {
      const report = (ts: number, state: string, reasonCode?: string) =>
        device.publishAsync(
          telemetryTopic(tenant, 'wu-weld-2', 'state'),
          JSON.stringify({ ts, msgId: `weld-${ts}`, state, ...(reasonCode ? { reasonCode } : {}) }),
          { qos: 1 },
        );
      await report(Date.now() - 1000, 'down', 'E-9');
      await mes.runtime.mqtt?.liveFeed?.idle({ timeoutMs: 30_000 });
      const { page } = await openOverview();
      const errors = watchErrors(page, EXPECTED_CONSOLE);
      await pushState(page, 'live');
      await cardShows(page, 'wu-weld-2', 'down');
      assert.match(await page.getByTestId('unit-wu-weld-2').innerText(), /E-9/);
      // Act: it runs again, and says no reason.
      await report(Date.now(), 'running');
      await cardShows(page, 'wu-weld-2', 'running');
      // Assess
      const card = await page.getByTestId('unit-wu-weld-2').innerText();
      assert.doesNotMatch(card, /E-9|Reason/, card);
      errors.assertNone();
    } finally {
      await device.endAsync();
    }
  });

  it('names the material and the operator of what runs at a unit, not their ids', async () => {
    // Prepare
    const { page } = await openOverview();
    const errors = watchErrors(page, EXPECTED_CONSOLE);
    await pushState(page, 'live');
    const since = new Date().toISOString();
    const current = { workOrderId: 'WO-77', seq: 10, status: 'RUNNING', materialId: 'FG-GEAR', operator: 'u-ana', since };

    // Act
    await writeLiveEntry(tenant, unitState('wu-press-2', 'running', since, { current }), Date.now());
    await cardShows(page, 'wu-press-2', 'running');
    // The names come with the plant's context (read once when the app starts), maybe after the first card.
    await page.getByTestId('unit-wu-press-2').getByText('Ana Lopez').waitFor({ state: 'visible', timeout: 15_000 });

    // Assess
    const card = await page.getByTestId('unit-wu-press-2').innerText();
    assert.match(card, /WO-77, operation 10 \(running\) · Gear pump/);
    assert.match(card, /Operator\s+Ana Lopez/);
    assert.doesNotMatch(card, /FG-GEAR|u-ana/, card);
    await screenshot(page, TEST, 'overview-order-running');
    errors.assertNone();
  });

  it('says so and polls while the push channel is down', async () => {
    // Prepare
    const { page, requests } = await openOverview({ pushDown: true });
    const errors = watchErrors(page, [...EXPECTED_CONSOLE, /WebSocket/]);
    // Act
    await pushState(page, 'down');
    const counted = requests.filter((p) => p === '/v1/plant/status').length;
    for (let i = 0; i < 100 && requests.filter((p) => p === '/v1/plant/status').length < counted + 2; i++) await page.waitForTimeout(100);
    // Assess
    assert.ok(requests.filter((p) => p === '/v1/plant/status').length >= counted + 2, 'the overview polls the plant status');
    assert.match(await page.getByTestId('push-state').innerText(), /Live updates are not coming through\. Checking for changes every few seconds/);
    await screenshot(page, TEST, 'overview-push-down');
    await assertAccessible(page, 'plant overview (push down)');
    errors.assertNone();
  });
});

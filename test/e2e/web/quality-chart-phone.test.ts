/**
 * Quality on a phone (390x844) in a real Chromium (issue 15): the Quality tab lists the
 * nonconformances to decide and the plant's control charts. A characteristic's chart (30 bore
 * diameters of the last two days, one far off) marks the point that breaks rule 1 and says so
 * in the table beside it, with Cp, Cpk, Pp and Ppk "from 30 values"; quality freezes the
 * limits with a reason. Then a nonconformance: Ana Silva decides "use as is", the page says a
 * second person must approve; Ben Ortiz approves it and it closes. Screenshots and axe on each.
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
import { individuals, putSpcSamples } from '../../fixtures/spc.ts';
import { buildPlant, newTenant, orderAt, type Staff, staff } from '../support/mes.ts';
import { withPassword } from '../support/signing.ts';

const TEST = 'quality-chart-phone';
const CHARACTERISTIC = 'insp:IP-BORE:bore';

let mes: TestRuntime;
let tenant: string;
let people: Staff;
let ncId: string;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  await people.planner.ok('PUT', '/v1/personnel/u-quality', { name: 'Ana Silva', roles: ['quality'] });
  await people.planner.ok('PUT', '/v1/personnel/u-quality-2', { name: 'Ben Ortiz', roles: ['quality'] });
  await people.planner.ok('PUT', '/v1/personnel/u-operator', { name: 'Olivia Park', roles: ['operator'] });
  await people.quality.ok('PUT', '/v1/inspection-plans/IP-BORE', {
    name: 'Bore check',
    materialId: 'FG-PUMP',
    operationSeq: 10,
    characteristics: [
      { id: 'bore', name: 'Bore diameter', kind: 'variable', unit: 'MMT', lsl: 12.0, usl: 12.1, nominal: 12.05 },
      { id: 'depth', name: 'Bore depth', kind: 'variable', unit: 'MMT', lsl: 30.0, usl: 30.2 },
    ],
    sampling: { kind: 'first-article', sampleSize: 1 },
  });
  // 30 single values of the last two days around 12.05 mm; the 20th is far off (rule 1).
  const samples = individuals(CHARACTERISTIC, new Date(Date.now() - 2 * 86_400_000).toISOString(), 30, 12.05, 0.01);
  const off = samples[19];
  if (off) off.values = [12.095];
  await putSpcSamples(tenant, samples);
  // A nonconformance on a supplier lot, reported by an operator.
  await people.supervisor.ok('POST', '/v1/lots', { id: 'HSG-LOT-7', materialId: 'HSG-1', quantity: 40, supplierLot: 'CAST-88' });
  const nc = await people.operator.ok('POST', '/v1/nonconformances', {
    lotId: 'HSG-LOT-7',
    quantity: 4,
    defectCode: 'SURFACE',
    description: 'Scratches on the sealing face of four housings',
  });
  ncId = nc.id;
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

/** The plant has no shift calendar (404); nothing else may fail. */
const IGNORE = [/Failed to load resource: the server responded with a status of 404/];

describe('quality on a phone', { skip: BROWSER_SKIP }, () => {
  it('reads a control chart, freezes its limits, decides a disposition and approves use as is', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      const errors = watchErrors(page, IGNORE);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-quality', role: 'quality' });

      // The Quality tab: the nonconformance to decide, and the charts.
      await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Quality' }).click();
      await page.getByRole('heading', { level: 1, name: 'Quality' }).waitFor();
      const card = page.getByTestId(`nc-${ncId}`);
      await card.getByText(/by Olivia Park/).waitFor();
      const text = await card.innerText();
      assert.match(text, /Surface damage: HSG-1 · lot HSG-LOT-7/);
      assert.match(text, /Open/);
      assert.match(text, /How many\s+4 pcs/);
      await page
        .getByTestId('quality-charts')
        .getByRole('link', { name: /^Bore diameter/ })
        .waitFor();
      await screenshot(page, TEST, 'quality-tab');
      await assertAccessible(page, 'the Quality tab');
      await assertNoHorizontalOverflow(page, 'the Quality tab');

      // The control chart: the point off marked, the table says which rule, capability from 30 values.
      await page
        .getByTestId('quality-charts')
        .getByRole('link', { name: /^Bore diameter/ })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Control chart: Bore diameter' }).waitFor();
      const table = page.getByTestId('spc-table');
      await table.waitFor();
      await page.locator('.chart-canvas canvas').waitFor();
      const broken = table.locator('tr.spc-broken');
      assert.ok((await broken.count()) >= 1);
      const off = table.locator('tr', { hasText: '12.095' });
      assert.match((await off.getAttribute('class')) ?? '', /spc-broken/);
      assert.match(await off.innerText(), /Rule 1: one point beyond 3 sigma from the centre line/);
      assert.match(await page.getByTestId('spc-broken').innerText(), /break a Nelson rule \(red diamonds\)/);
      const capability = await page.getByTestId('spc-capability').innerText();
      assert.match(capability, /Cp[\s\S]*Cpk[\s\S]*Pp[\s\S]*Ppk/);
      assert.match(capability, /From 30 values/);
      assert.match(await page.getByTestId('spc-facts').innerText(), /Spec\s+12 to 12\.1 mm, nominal 12\.05/);
      await screenshot(page, TEST, 'control-chart');
      await assertAccessible(page, 'the control chart');
      await assertNoHorizontalOverflow(page, 'the control chart');

      // Other windows and chart kinds.
      await page.getByRole('button', { name: '7 days' }).click();
      await page.getByLabel('Chart', { exact: true }).selectOption('xbar-r');
      await page.getByRole('columnheader', { name: 'Range' }).waitFor();
      await screenshot(page, TEST, 'control-chart-xbar-r');
      await page.getByLabel('Chart', { exact: true }).selectOption('i-mr');
      await page.getByRole('columnheader', { name: 'Moving range' }).waitFor();

      // Quality freezes these limits, with a reason.
      await page.getByRole('button', { name: 'Freeze these limits' }).click();
      const freeze = page.getByRole('dialog');
      await freeze.getByLabel('Why these limits').fill('Stable since the new reamer');
      await screenshot(page, TEST, 'freeze-limits');
      await freeze.getByRole('button', { name: 'Confirm: Freeze these limits' }).click();
      await freeze.waitFor({ state: 'detached' });
      await page
        .getByTestId('spc-facts')
        .getByText(/frozen \(version 1\)/)
        .waitFor();

      // A chart with too little data says so in words.
      await goTo(page, `/characteristics/${encodeURIComponent('insp:IP-BORE:depth')}`);
      await page.getByTestId('spc-not-enough').waitFor();
      assert.match(await page.getByTestId('spc-not-enough').innerText(), /^Not enough data for a control chart in the last 30 days: /);
      await screenshot(page, TEST, 'control-chart-not-enough');

      // A failed inspection (recorded through the API now, after the chart was read): quality inspects it again, with a reason.
      const order = await orderAt(people, 'RUNNING', { id: 'WO-RE' });
      await people.operator.ok('POST', `/v1/inspections/${order.id}~10~IP-BORE~1/results`, {
        results: [
          { characteristicId: 'bore', values: [12.2] },
          { characteristicId: 'depth', values: [30.1] },
        ],
      });
      await goTo(page, `/orders/${order.id}`);
      const op = page.getByTestId('inspect-10');
      await op.getByText('Bore check failed.').waitFor();
      await op.getByText('Inspect Bore check again (quality)').click();
      await op.locator('fieldset.insp-char').nth(0).getByLabel('Unit 1', { exact: true }).fill('12.05');
      await op.locator('fieldset.insp-char').nth(1).getByLabel('Unit 1', { exact: true }).fill('30.1');
      await op.getByLabel('Why inspect it again').fill('The gauge was not zeroed');
      await screenshot(page, TEST, 'inspect-again');
      await assertAccessible(page, 'inspecting a failed inspection again');
      await op.getByRole('button', { name: 'Save the results of Bore check' }).click();
      assert.equal((await op.getByTestId('inspection-result').innerText()).trim(), 'Passed: the unit is within limits.');
      await op.getByTestId('inspections-passed-10').waitFor();

      // The lot page offers the report too.
      await goTo(page, '/lots/HSG-LOT-7', 'Lot HSG-LOT-7');
      await page.getByRole('button', { name: 'Report a problem' }).waitFor();

      // The nonconformance: Ana Silva decides use as is.
      await goTo(page, '/quality');
      await page.getByTestId(`nc-${ncId}`).getByRole('link').click();
      await page.getByRole('heading', { level: 1, name: `Surface damage: ${ncId}` }).waitFor();
      await screenshot(page, TEST, 'nonconformance-open');
      await assertAccessible(page, 'an open nonconformance');
      await page.getByRole('button', { name: 'Decide the disposition' }).click();
      const decide = page.getByRole('dialog');
      const options = await decide.getByLabel('Disposition', { exact: true }).locator('option').allInnerTexts();
      assert.deepEqual(options, ['Choose…', 'Scrap', 'Rework', 'Use as is', 'Return to supplier']);
      await decide.getByLabel('Disposition', { exact: true }).selectOption('use-as-is');
      await decide.getByLabel('Comment', { exact: true }).fill('Cosmetic only: the seal sits on the inner ring');
      await screenshot(page, TEST, 'disposition-dialog');
      await assertAccessible(page, 'the disposition dialog');
      await decide.getByRole('button', { name: 'Confirm: Decide the disposition' }).click();
      await decide.waitFor({ state: 'detached' });
      await page.getByTestId('nc-status').getByText('Awaiting approval').waitFor();
      assert.match(await page.getByTestId('nc-decision').innerText(), /^Use as is\. Decided by Ana Silva, .*\. A second person must approve\.$/);
      assert.match(await page.locator('main').innerText(), /You decided this: another person of quality must approve it\./);
      assert.equal(await page.getByRole('button', { name: 'Approve use as is' }).count(), 0);
      await screenshot(page, TEST, 'nonconformance-awaiting-approval');

      // Ben Ortiz approves by his electronic signature (issue 16): it closes.
      await withPassword(mes, tenant, 'u-quality-2', 'ben-signs-2026');
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-quality-2', role: 'quality' });
      await goTo(page, `/nonconformances/${encodeURIComponent(ncId)}`);
      await page.getByRole('button', { name: 'Sign: approve use as is' }).click();
      const approve = page.getByRole('dialog');
      assert.match(await approve.innerText(), /as is, as Ana Silva decided/);
      await approve.getByLabel('Meaning of your signature').selectOption('approval');
      await approve.getByLabel('Password').fill('ben-signs-2026');
      await approve.getByRole('button', { name: 'Confirm: Sign: approve use as is' }).click();
      await approve.waitFor({ state: 'detached' });
      await page.getByTestId('nc-status').getByText('Closed').waitFor();
      assert.match(await page.getByTestId('nc-decision').innerText(), /Approved by Ben Ortiz/);
      const history = await page.getByTestId('nc-history').innerText();
      assert.match(
        history,
        /Reported[\s\S]*by Olivia Park[\s\S]*Decided: Use as is[\s\S]*by Ana Silva[\s\S]*Signed[\s\S]*by Ben Ortiz[\s\S]*Approval by Ben Ortiz; use as is approved/,
      );
      await screenshot(page, TEST, 'nonconformance-closed');
      await assertAccessible(page, 'a closed nonconformance');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

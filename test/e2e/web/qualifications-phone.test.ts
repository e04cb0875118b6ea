/**
 * Qualifications on a phone (390x844) in a real Chromium (issue 18; docs/qualifications.md): an
 * operator starting an operation at the station is refused in plain words ("Olivia Bakker is not
 * qualified: Torque wrench expired on …"); "Override (supervisor)" opens the sign dialog, the
 * supervisor types their user id, password and a reason, and the operation starts. The supervisor's
 * Qualifications screen shows what needs attention per person, soonest first, and grants a
 * qualification with pick lists and a date picker. Screenshots and axe on each step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
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

const TEST = 'qualifications-phone';
const PASSWORD = 'Sam-overrides-2026';
const STATION = 'wc-assembly';
const DAY = 86_400_000;
const days = (n: number) => new Date(Date.now() + n * DAY).toISOString();

let mes: TestRuntime;
let tenant: string;
let people: Staff;
let order: WorkOrderDetail;

before(async () => {
  mes = await startWebRuntime();
  tenant = newTenant();
  people = await staff(mes, tenant);
  await buildPlant(people.planner);
  const person = (id: string, name: string, role: string) => people.planner.ok('PUT', `/v1/personnel/${id}`, { name, roles: [role] });
  await Promise.all([
    person('u-operator', 'Olivia Bakker', 'operator'),
    person('u-operator-2', 'Noah Visser', 'operator'),
    person('u-supervisor', 'Sam Jansen', 'supervisor'),
  ]);
  // An override's signer is a supervisor by the user directory (issue 17), never by the personnel record.
  await people.admin.ok('POST', '/v1/users', { userId: 'u-supervisor', name: 'Sam Jansen', roles: ['supervisor'] });
  await withPassword(mes, tenant, 'u-supervisor', PASSWORD);
  await people.supervisor.ok('PUT', '/v1/qualifications/Q-TORQUE', { name: 'Torque wrench', kind: 'training', validityMonths: 12 });
  await people.supervisor.ok('PUT', '/v1/qualifications/Q-PRESS', {
    name: 'Press operation',
    kind: 'skill',
    levels: [
      { level: 1, name: 'Trainee' },
      { level: 2, name: 'Operator' },
      { level: 3, name: 'Trainer' },
    ],
  });
  await people.supervisor.ok('PUT', '/v1/qualifications/Q-LEAK', { name: 'Leak test certification', kind: 'certification', validityMonths: 12 });
  await people.planner.ok('PUT', '/v1/routings/RT-TORQUE', {
    materialId: PLANT.product,
    operations: [{ seq: 10, name: 'Assemble', workCenterId: STATION, requiredQualifications: [{ qualificationId: 'Q-TORQUE' }] }],
  });
  await people.supervisor.ok('PUT', '/v1/personnel/u-operator/qualifications', {
    qualifications: [{ qualificationId: 'Q-TORQUE', grantedAt: days(-400), expiresAt: days(-31) }],
  });
  await people.supervisor.ok('PUT', '/v1/personnel/u-operator-2/qualifications', {
    qualifications: [{ qualificationId: 'Q-LEAK', grantedAt: days(-350), expiresAt: days(12) }],
  });
  order = await createOrder(people.planner, { routingId: 'RT-TORQUE', quantity: 5 });
  await people.supervisor.ok('POST', `/v1/work-orders/${order.id}/release`, {});
});

after(async () => {
  await closeBrowsers();
  await mes?.stop();
});

describe('qualifications on a phone', { skip: BROWSER_SKIP }, () => {
  it('refuses a start in plain words, and a supervisor overrides with a signature', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      // The refused start answers 409 (the browser logs it); a fresh plant has no settings saved (404).
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 40[49]/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-operator', role: 'operator' });
      await goTo(page, `/station/${STATION}`);
      const card = page.getByTestId(`dispatch-${order.id}-10`);
      await card.getByRole('button', { name: 'Start', exact: true }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Confirm: Start' }).click();
      const said = dialog.getByRole('alert');
      await said.waitFor({ state: 'visible' });
      assert.match(await said.innerText(), /Olivia Bakker is not qualified: Torque wrench expired on/);
      await screenshot(page, TEST, 'start-refused');
      await assertAccessible(page, 'start refused');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });

      const refusal = page.getByTestId('qualification-refusal');
      await refusal.waitFor({ state: 'visible' });
      assert.match(await refusal.innerText(), /Not started: Olivia Bakker is not qualified: Torque wrench expired on/);
      await screenshot(page, TEST, 'refusal-on-station');
      await assertNoHorizontalOverflow(page, 'refusal on the station');
      await refusal.getByRole('button', { name: 'Override (supervisor)' }).click();
      await dialog.waitFor({ state: 'visible' });
      assert.equal(await dialog.getByLabel('User id').inputValue(), '', 'the supervisor types their own user id');
      await dialog.getByLabel('User id').fill('u-supervisor');
      await dialog.getByLabel('Password').fill(PASSWORD);
      await dialog.getByLabel('Reason').fill('I watch the first five screws');
      await screenshot(page, TEST, 'override-dialog');
      await assertAccessible(page, 'override dialog');
      await dialog.getByRole('button', { name: 'Confirm: Override (supervisor)' }).click();
      await dialog.waitFor({ state: 'detached' });
      await refusal.waitFor({ state: 'detached' });
      const started = (await people.supervisor.ok<WorkOrderDetail>('GET', `/v1/work-orders/${order.id}`)).operations[0];
      assert.equal(started?.status, 'RUNNING');
      assert.equal(started?.qualificationOverride?.byName, 'Sam Jansen');
      await screenshot(page, TEST, 'started-after-override');

      // Clocking on the running operation passes the same gate: refused in words for clocking on, and overridden the same way.
      await page.getByTestId(`clock-on-${order.id}-10`).click();
      const clockRefusal = page.getByTestId('qualification-refusal');
      await clockRefusal.waitFor({ state: 'visible' });
      assert.match(await clockRefusal.innerText(), /Not clocked on: Olivia Bakker is not qualified: Torque wrench expired on/);
      await assertAccessible(page, 'clock-on refused');
      await clockRefusal.getByRole('button', { name: 'Override (supervisor)' }).click();
      await dialog.waitFor({ state: 'visible' });
      assert.match(await dialog.innerText(), /clock on operation 10 of/);
      await dialog.getByLabel('User id').fill('u-supervisor');
      await dialog.getByLabel('Password').fill(PASSWORD);
      await dialog.getByLabel('Reason').fill('I stay beside her');
      await dialog.getByRole('button', { name: 'Confirm: Override (supervisor)' }).click();
      await dialog.waitFor({ state: 'detached' });
      await clockRefusal.waitFor({ state: 'detached' });
      await page.getByTestId(`clock-off-${order.id}-10`).waitFor({ state: 'visible' });
      await screenshot(page, TEST, 'clocked-on-after-override');
      errors.assertNone();
    } finally {
      await context.close();
    }
  });

  it('shows the supervisor what needs attention per person, and grants a qualification', async () => {
    const context = await launchBrowser(PHONE);
    try {
      const page = await firstPage(context);
      // A fresh plant has no settings saved (404).
      const errors = watchErrors(page, [/Failed to load resource: the server responded with a status of 404/]);
      await signIn(page, mes.baseUrl, { tenantId: tenant, userId: 'u-supervisor', role: 'supervisor' });
      await page.getByRole('link', { name: 'Qualifications', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Qualifications' }).waitFor({ state: 'visible' });
      const attention = page.getByTestId('qualifications-attention');
      await attention.getByText('Olivia Bakker').waitFor({ state: 'visible' });
      const cards = await attention.locator('.card h3').allInnerTexts();
      assert.deepEqual(cards, ['Olivia Bakker', 'Noah Visser'], 'soonest first: the expired one, then the one expiring');
      assert.match(await page.getByTestId('attention-u-operator').innerText(), /Torque wrench expired on .*: missing now/);
      assert.match(await page.getByTestId('attention-u-operator-2').innerText(), /Leak test certification expires on .* \(in 12 days\)/);
      await screenshot(page, TEST, 'attention');
      await assertAccessible(page, 'qualifications attention');
      await assertNoHorizontalOverflow(page, 'qualifications attention');

      await page.getByLabel('Whose qualifications?').selectOption({ label: 'Olivia Bakker' });
      const set = page.getByTestId('person-qualifications');
      await set.getByTestId('held-Q-TORQUE').waitFor({ state: 'visible' });
      await set.getByRole('button', { name: 'Grant or renew' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Qualification').selectOption({ label: 'Press operation (Skill)' });
      await dialog.getByLabel('Level').selectOption('2');
      await dialog.getByLabel('Expires on (optional)').fill(days(300).slice(0, 10));
      await dialog.getByLabel('Evidence or comment (optional)').fill('Signed off by Sam');
      await screenshot(page, TEST, 'grant-dialog');
      await assertAccessible(page, 'grant dialog');
      await dialog.getByRole('button', { name: 'Confirm: Grant or renew' }).click();
      await dialog.waitFor({ state: 'detached' });
      await set.getByTestId('held-Q-PRESS').waitFor({ state: 'visible' });
      assert.match(await set.getByTestId('held-Q-PRESS').innerText(), /Press operation level 2 \(Operator\)/);
      await screenshot(page, TEST, 'person-after-grant');
      await assertAccessible(page, 'person qualifications');
      const stored = await people.supervisor.ok('GET', '/v1/personnel/u-operator/qualifications');
      assert.deepEqual(
        stored.qualifications.map((q: { qualificationId: string; level?: number }) => [q.qualificationId, q.level]),
        [
          ['Q-TORQUE', undefined],
          ['Q-PRESS', 2],
        ],
      );
      errors.assertNone();
    } finally {
      await context.close();
    }
  });
});

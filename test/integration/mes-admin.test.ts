/**
 * `npx mes-admin` against a started runtime (issue 17; docs/onboarding.md): creates a plant with
 * a platform operator's token fetched from the local identity provider, lists it, invites a
 * user and changes their roles as an admin of the plant; refusals exit 1 with the API's words.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../../tools/mes-admin.ts';
import { signIn } from '../e2e/support/identity.ts';
import { type Mes, newTenant, startMes } from '../e2e/support/mes.ts';

async function run(mes: Mes, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...argv, '--api', mes.baseUrl], { out: (t) => out.push(t), err: (t) => err.push(t), env: {} });
  return { code, json: out.length ? JSON.parse(out.join('\n')) : undefined, err: err.join('\n') };
}

describe('mes-admin', () => {
  let mes: Mes;
  before(async () => {
    mes = await startMes();
  });
  after(async () => mes?.stop());

  it('creates and lists a plant, invites a user and sets their roles', async () => {
    const tenant = newTenant();
    const created = await run(
      mes,
      ...['plant', 'create', '--id', tenant, '--name', 'Acme Eindhoven', '--time-zone', 'Europe/Amsterdam'],
      ...['--admin-id', 'anna', '--admin-name', 'Anna de Vries', '--admin-email', 'anna@example.com'],
    );
    assert.equal(created.code, 0, created.err);
    assert.equal(created.json.plant.status, 'active');
    assert.equal(created.json.plant.createdBy, 'mes-admin');
    assert.match(created.err, /shown this once/);

    const listed = await run(mes, 'plant', 'list');
    assert.equal(listed.code, 0, listed.err);
    assert.ok(listed.json.items.some((p: { tenantId: string }) => p.tenantId === tenant));

    const invited = await run(mes, 'user', 'invite', '--tenant', tenant, '--id', 'piet', '--name', 'Piet Jansen', '--roles', 'operator');
    assert.equal(invited.code, 0, invited.err);
    const roles = await run(mes, 'user', 'roles', '--tenant', tenant, '--id', 'piet', '--roles', 'operator,supervisor');
    assert.equal(roles.code, 0, roles.err);
    assert.deepEqual(roles.json.roles, ['operator', 'supervisor']);
    const piet = await signIn(mes, tenant, 'piet', invited.json.temporaryPassword);
    assert.deepEqual(piet.claims?.['cognito:groups'], ['operator', 'supervisor']);
  });

  it("reads and sets a plant's request limits (fair use), refusing limits out of bounds with the API's words", async () => {
    const tenant = newTenant();
    const created = await run(
      mes,
      ...['plant', 'create', '--id', tenant, '--name', 'Acme Venlo', '--time-zone', 'Europe/Amsterdam'],
      ...['--admin-id', 'anna', '--admin-name', 'Anna de Vries', '--admin-email', 'anna@example.com'],
    );
    assert.equal(created.code, 0, created.err);
    const before = await run(mes, 'plant', 'limits', '--id', tenant);
    assert.equal(before.code, 0, before.err);
    assert.equal(before.json.source, 'default');

    const set = await run(mes, 'plant', 'limits', '--id', tenant, '--rps', '120', '--burst', '240');
    assert.equal(set.code, 0, set.err);
    assert.deepEqual(set.json.limits, { requestsPerSecond: 120, burst: 240 });
    assert.equal(set.json.source, 'plant');
    assert.equal(set.json.setBy, 'platform:mes-admin');
    const after = await run(mes, 'plant', 'limits', '--id', tenant);
    assert.deepEqual(after.json.limits, { requestsPerSecond: 120, burst: 240 });

    const refused = await run(mes, 'plant', 'limits', '--id', tenant, '--rps', '120', '--burst', '0');
    assert.equal(refused.code, 1);
    assert.match(refused.err, /\/body\/burst/);
    const usage = await run(mes, 'plant', 'limits', '--id', tenant, '--rps', 'fast', '--burst', '10');
    assert.equal(usage.code, 2);
    assert.match(usage.err, /--rps must be a number/);
  });

  it('exits 1 with the API’s words on a refusal, 2 on a usage error', async () => {
    const reserved = await run(
      mes,
      ...['plant', 'create', '--id', 'platform', '--name', 'X', '--time-zone', 'UTC'],
      ...['--admin-id', 'a', '--admin-name', 'A', '--admin-email', 'a@example.com'],
    );
    assert.equal(reserved.code, 1);
    assert.match(reserved.err, /\/body\/tenantId: .*reserved/);
    const missing = await run(mes, 'plant', 'create', '--id', newTenant());
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--name is required/);
  });
});

/**
 * A plant's users (issue 17; docs/onboarding.md): an admin invites users (with an e-mail or
 * without: then a temporary password, once), changes their roles and disables them; the invited
 * user signs in locally with those roles; every change is in the user's chained audit trail;
 * other roles get 403 and another tenant's user is a 404; nothing is ever deleted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keys } from '#shared/db/keys.ts';
import { type Mes, PROBLEM, type Staff, as, assertProblem, newTenant, partitionItems, staff, startMes } from '../e2e/support/mes.ts';
import { signIn } from '../e2e/support/identity.ts';

describe('users of a plant', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
  });
  after(async () => mes?.stop());

  it('invites an operator without e-mail: a temporary password once, with which they sign in with their roles', async () => {
    const reply = await people.admin.post('/v1/users', { userId: 'piet', name: 'Piet Jansen', roles: ['operator'] });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.headers.get('location'), '/v1/users/piet');
    assert.equal(reply.body.user.status, 'active');
    assert.equal(reply.body.user.invitedBy, 'u-admin');
    assert.equal('subject' in reply.body.user, false);
    const password = reply.body.temporaryPassword as string;
    assert.ok(password);
    // Never stored by the MES.
    assert.ok(!JSON.stringify(await partitionItems(keys.userPartition(tenant))).includes(password));

    const piet = await signIn(mes, tenant, 'piet', password);
    assert.equal(piet.status, 200);
    assert.deepEqual(piet.claims?.['cognito:groups'], ['operator']);
    assert.equal((await piet.api.get('/v1/work-orders')).status, 200);
    assertProblem(await piet.api.get('/v1/users'), 403, { type: PROBLEM.forbidden });
    assert.equal((await signIn(mes, tenant, 'piet', 'wrong-password')).error, 'NotAuthorizedException');

    const again = await people.admin.post('/v1/users', { userId: 'piet', name: 'Someone else', roles: ['admin'] });
    assertProblem(again, 409, { type: PROBLEM.alreadyExists });
  });

  it('changes roles (If-Match), and the next sign-in carries them; disables, and no sign-in works after', async () => {
    const invited = await people.admin.ok('POST', '/v1/users', {
      userId: 'kees',
      name: 'Kees Bakker',
      email: 'kees@example.com',
      roles: ['operator'],
    });
    const stale = await people.admin.request('PUT', '/v1/users/kees/roles', { body: { roles: ['supervisor'] }, headers: { 'if-match': '"7"' } });
    assertProblem(stale, 409, { type: PROBLEM.staleVersion });
    const changed = await people.admin.request('PUT', '/v1/users/kees/roles', {
      body: { roles: ['operator', 'supervisor'] },
      headers: { 'if-match': `"${invited.user.version}"` },
    });
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual(changed.body.roles, ['operator', 'supervisor']);
    assert.equal(changed.headers.get('etag'), '"2"');
    const kees = await signIn(mes, tenant, 'kees', invited.temporaryPassword);
    assert.deepEqual(kees.claims?.['cognito:groups'], ['operator', 'supervisor']);

    const noPlatform = await people.admin.put('/v1/users/kees/roles', { roles: ['platform-operator'] });
    assertProblem(noPlatform, 400, { type: PROBLEM.invalidInput, pointers: ['/body/roles/0'] });

    const disabled = await people.admin.post('/v1/users/kees/disable');
    assert.equal(disabled.status, 200, disabled.text);
    assert.equal(disabled.body.status, 'disabled');
    assert.equal((await signIn(mes, tenant, 'kees', invited.temporaryPassword)).error, 'NotAuthorizedException');
    const devToken = await fetch(`${mes.baseUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: tenant, userId: 'kees', roles: ['operator'] }),
    });
    assert.equal(devToken.status, 403);
    // Never deleted: the list still names them, disabled.
    const list = await people.admin.get('/v1/users');
    assert.deepEqual(
      list.body.items.filter((u: { userId: string }) => u.userId === 'kees').map((u: { status: string }) => u.status),
      ['disabled'],
    );
    const self = await people.admin.post('/v1/users/u-admin/disable');
    assertProblem(self, 404, { type: PROBLEM.notFound });

    const trail = await people.admin.get('/v1/audit?entity=user&id=kees');
    assert.equal(trail.status, 200, trail.text);
    assert.deepEqual(
      trail.body.items.map((r: { action: string; by: string; chain: string }) => [r.action, r.by, r.chain]),
      [
        ['user.invited', 'u-admin', 'USER#kees'],
        ['user.roles-changed', 'u-admin', 'USER#kees'],
        ['user.disabled', 'u-admin', 'USER#kees'],
      ],
    );
    const verified = await people.quality.get(`/v1/audit/verify?from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`);
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.body.ok, true, verified.text);
  });

  it('names a personnel record only if it exists', async () => {
    const unknown = await people.admin.post('/v1/users', { userId: 'jan', name: 'Jan', roles: ['operator'], personnelId: 'P-404' });
    assertProblem(unknown, 422, { type: PROBLEM.unknownReference, pointers: ['/body/personnelId'] });
    await people.admin.ok('PUT', '/v1/personnel/P-1', { name: 'Jan', roles: ['operator'], qualifications: [], active: true });
    const known = await people.admin.post('/v1/users', { userId: 'jan', name: 'Jan', roles: ['operator'], personnelId: 'P-1' });
    assert.equal(known.status, 201, known.text);
    assert.equal(known.body.user.personnelId, 'P-1');
  });

  it('answers 403 to other roles and writes nothing; another tenant’s user is a 404', async () => {
    await people.admin.ok('POST', '/v1/users', { userId: 'mia', name: 'Mia', roles: ['quality'] });
    const before = await partitionItems(keys.userPartition(tenant));
    for (const api of [people.supervisor, people.operator, people.quality, people.planner, people.integration]) {
      assertProblem(await api.get('/v1/users'), 403, { type: PROBLEM.forbidden });
      assertProblem(await api.post('/v1/users', { userId: 'x', name: 'X', roles: ['admin'] }), 403, { type: PROBLEM.forbidden });
      assertProblem(await api.put('/v1/users/mia/roles', { roles: ['admin'] }), 403, { type: PROBLEM.forbidden });
      assertProblem(await api.post('/v1/users/mia/disable'), 403, { type: PROBLEM.forbidden });
    }
    const otherAdmin = await as(mes, newTenant(), 'u-admin-b', ['admin']);
    assertProblem(await otherAdmin.put('/v1/users/mia/roles', { roles: ['admin'] }), 404, { type: PROBLEM.notFound });
    assertProblem(await otherAdmin.post('/v1/users/mia/disable'), 404, { type: PROBLEM.notFound });
    const theirs = await otherAdmin.get('/v1/users');
    assert.ok(!theirs.text.includes('"mia"'), theirs.text);
    assert.deepEqual(await partitionItems(keys.userPartition(tenant)), before);
  });
});

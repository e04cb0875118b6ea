/**
 * Integration credentials over HTTP: a tenant admin creates, lists, reads, rotates and revokes
 * them; the secret is shown once and stored sealed; every change is versioned and audited in
 * the same transaction; other roles get 403 and another tenant's credential is a 404.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LocalSecretBox } from '#functions/lib/secret-box.ts';
import { DynamoDbIntegrationCredentialRepository } from '#shared/db/integration-credential-repository.ts';
import { keys } from '#shared/db/keys.ts';
import { IntegrationCredentialService } from '#shared/integration/credentials.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';
import { type Mes, PROBLEM, type Staff, allPages, assertProblem, newTenant, staff, startMes } from '../e2e/support/mes.ts';

// The local runtime will set this itself (infra/local); until then the test gives it a key.
process.env.MES_LOCAL_SECRETS_KEY ??= randomBytes(32).toString('base64');

const SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const BASE = '/v1/integration-credentials';

async function stored(tenantId: string, id: string) {
  const { Item } = await testDocClient().send(new GetCommand({ TableName: testTableName(), Key: keys.integrationCredential(tenantId, id) }));
  return Item;
}
async function auditTrail(tenantId: string, id: string) {
  const { Items = [] } = await testDocClient().send(
    new QueryCommand({
      TableName: testTableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.integrationAudit(tenantId, 'credential', id, 1).pk },
      ConsistentRead: true,
    }),
  );
  return Items;
}

describe('integration credentials', () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
  });
  after(async () => {
    await mes?.stop();
  });

  const create = async (name = 'SAP S/4HANA') => {
    const reply = await people.admin.post(BASE, { name, description: 'production orders from the ERP' });
    assert.equal(reply.status, 201, reply.text);
    return reply;
  };

  it('creates a credential: 201, the secret once, the inbound path, sealed at rest, audited', async () => {
    // Act
    const reply = await create();
    // Assess
    const body = reply.body;
    assert.match(body.id, new RegExp(`^${tenant}\\.[a-z2-7]{20}$`));
    assert.match(body.secret, SECRET);
    assert.equal(body.inboundPath, `/v1/integrations/erp/events?credential=${body.id}`);
    assert.equal(reply.headers.get('location'), `${BASE}/${body.id}`);
    assert.deepEqual(
      { status: body.status, name: body.name, createdBy: body.createdBy, version: body.version },
      { status: 'active', name: 'SAP S/4HANA', createdBy: 'u-admin', version: 1 },
    );
    const item = await stored(tenant, body.id);
    assert.ok(item?.sealedSecret?.startsWith('local:'), 'sealed with the local secret box');
    assert.ok(!JSON.stringify(item).includes(body.secret.slice(6)), 'the plain secret is not stored');
    const audit = await auditTrail(tenant, body.id);
    assert.deepEqual(
      audit.map((a) => [a.version, a.action, a.by]),
      [[1, 'integrationCredential.create', 'u-admin']],
    );
    assert.ok(!JSON.stringify(audit).includes('sealed'), 'no sealed secret in the audit trail');
  });

  it('never shows the secret again: GET and list', async () => {
    const { body: created } = await create('list me');
    const got = await people.admin.get(`${BASE}/${created.id}`);
    assert.equal(got.status, 200, got.text);
    const { secret: _, ...withoutSecret } = created;
    assert.deepEqual(got.body, withoutSecret);
    const listed = await allPages(people.admin, BASE, 1);
    assert.ok(listed.some((c) => c.id === created.id));
    for (const c of listed)
      assert.deepEqual(
        Object.keys(c).filter((k) => /secret/i.test(k) && k !== 'previousSecretExpiresAt'),
        [],
      );
  });

  it('rotates: a new secret once, the previous one valid for the grace period, audited', async () => {
    const { body: created } = await create('rotate me');
    const reply = await people.admin.post(`${BASE}/${created.id}/rotate`, { previousSecretValidSeconds: 3600 });
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.body.secret, SECRET);
    assert.notEqual(reply.body.secret, created.secret);
    assert.equal(reply.body.version, 2);
    const grace = Date.parse(reply.body.previousSecretExpiresAt) - Date.parse(reply.body.rotatedAt);
    assert.equal(grace, 3600_000);
    const item = await stored(tenant, created.id);
    assert.ok(item?.previousSealedSecret, 'the previous secret is kept, sealed, for the grace period');
    // Default one day; 0 ends the previous secret now.
    const again = await people.admin.post(`${BASE}/${created.id}/rotate`, {});
    assert.equal(Date.parse(again.body.previousSecretExpiresAt) - Date.parse(again.body.rotatedAt), 86_400_000);
    const now = await people.admin.post(`${BASE}/${created.id}/rotate`, { previousSecretValidSeconds: 0 });
    assert.equal(now.body.previousSecretExpiresAt, undefined);
    assert.equal((await stored(tenant, created.id))?.previousSealedSecret, undefined);
    const audit = await auditTrail(tenant, created.id);
    assert.deepEqual(
      audit.map((a) => a.action),
      ['integrationCredential.create', ...Array(3).fill('integrationCredential.rotate')],
    );
  });

  it('revokes: 200 with the record kept, secrets dropped, audited; revoking again changes nothing; a revoked one cannot rotate', async () => {
    const { body: created } = await create('revoke me');
    const reply = await people.admin.request('DELETE', `${BASE}/${created.id}`);
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.status, 'revoked');
    assert.equal(reply.body.revokedBy, 'u-admin');
    assert.equal(reply.body.version, 2);
    const item = await stored(tenant, created.id);
    assert.equal(item?.sealedSecret, undefined);
    const again = await people.admin.request('DELETE', `${BASE}/${created.id}`);
    assert.deepEqual(again.body, reply.body);
    assertProblem(await people.admin.post(`${BASE}/${created.id}/rotate`, {}), 409, { type: PROBLEM.illegalTransition });
    const audit = await auditTrail(tenant, created.id);
    assert.deepEqual(
      audit.map((a) => a.action),
      ['integrationCredential.create', 'integrationCredential.revoke'],
    );
    assert.ok(audit[1]?.changes.some((c: { field: string }) => c.field === 'status'));
  });

  it('is for admins only: 403 for every other role, 401 without a token', async () => {
    const { body: created } = await create('admins only');
    for (const who of [people.planner, people.supervisor, people.operator, people.quality, people.integration]) {
      assertProblem(await who.post(BASE, { name: 'x' }), 403, { type: PROBLEM.forbidden });
      assertProblem(await who.get(BASE), 403);
      assertProblem(await who.get(`${BASE}/${created.id}`), 403);
      assertProblem(await who.post(`${BASE}/${created.id}/rotate`, {}), 403);
      assertProblem(await who.request('DELETE', `${BASE}/${created.id}`), 403);
    }
    assertProblem(await people.anonymous.get(BASE), 401);
    assert.equal((await stored(tenant, created.id))?.version, 1, 'nothing changed');
  });

  it("answers 404 for another tenant's credential, and changes nothing of it", async () => {
    const { body: created } = await create('mine');
    const other = await staff(mes, newTenant());
    for (const reply of [
      await other.admin.get(`${BASE}/${created.id}`),
      await other.admin.post(`${BASE}/${created.id}/rotate`, {}),
      await other.admin.request('DELETE', `${BASE}/${created.id}`),
    ]) {
      assertProblem(reply, 404, { type: PROBLEM.notFound });
    }
    assert.ok(!(await allPages(other.admin, BASE)).some((c) => c.id === created.id));
    const item = await stored(tenant, created.id);
    assert.deepEqual([item?.version, item?.status], [1, 'active']);
  });

  it('opens each sealed secret once in five minutes (KMS is not asked per request), and revocation counts at once', async () => {
    // Prepare: the real local box, counting how often it opens
    const box = new LocalSecretBox(String(process.env.MES_LOCAL_SECRETS_KEY));
    let opens = 0;
    const counting = { seal: box.seal.bind(box), open: (sealed: string, context: Record<string, string>) => (opens++, box.open(sealed, context)) };
    const service = new IntegrationCredentialService(new DynamoDbIntegrationCredentialRepository(), () => counting, { now: () => new Date() });
    const auth = { tenantId: tenant, userId: 'u-admin', name: 'Admin', roles: ['admin'] as const };
    const created = await service.create(auth, { name: 'cached' });
    // Act
    for (let i = 0; i < 5; i++) assert.deepEqual((await service.secretsFor(created.id)).secrets, [created.secret]);
    const rotated = await service.rotate(auth, created.id, 60);
    const both = await service.secretsFor(created.id);
    // Assess
    assert.deepEqual(both.secrets, [rotated.secret, created.secret]);
    assert.equal(opens, 2, 'the first secret once, the new one once');
    await service.revoke(auth, created.id);
    await assert.rejects(service.secretsFor(created.id), /is revoked/);
  });

  it('validates input: a name is required, an id must look like one, the grace period is bounded', async () => {
    assertProblem(await people.admin.post(BASE, {}), 400, { pointers: ['/body/name'] });
    assertProblem(await people.admin.get(`${BASE}/not-an-id`), 400, { pointers: ['/path/id'] });
    const { body: created } = await create('bounded');
    assertProblem(await people.admin.post(`${BASE}/${created.id}/rotate`, { previousSecretValidSeconds: -1 }), 400, {
      pointers: ['/body/previousSecretValidSeconds'],
    });
  });
});

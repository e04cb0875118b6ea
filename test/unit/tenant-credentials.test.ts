/**
 * The token vending step (shared/db/tenant-credentials.ts): the AssumeRole request the SDK
 * really sends (tags, duration, session name), read off the wire by a middleware on the STS
 * client's own stack that answers in place of the network; the per-tenant cache, its renewal
 * before expiry and one AssumeRole for concurrent first requests; and the DynamoDB client of a
 * tenant scope signing with that tenant's session.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STSClient } from '@aws-sdk/client-sts';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '#shared/db/client.ts';
import {
  type AssumeRoleRequest,
  type AwsCredentialIdentity,
  REFRESH_BEFORE_MS,
  stsAssumeRole,
  TENANT_SESSION_SECONDS,
  TenantCredentials,
  tenantCredentials,
} from '#shared/db/tenant-credentials.ts';
import { withTenantScope } from '#shared/db/tenant-scope.ts';

const ROLE = 'arn:aws:iam::123456789012:role/mes-tenant-write-eu-west-1';
const EXPIRES = new Date('2026-01-05T07:00:00Z');

/**
 * An STS client whose sends stop at the wire: a middleware innermost in the deserialize step
 * keeps the signed HTTP request and answers with an AssumeRole response, which the SDK's own
 * deserializer then reads.
 */
function interceptedSts() {
  const sent: { body: string; headers: Record<string, string> }[] = [];
  const client = new STSClient({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDFUNCTION', secretAccessKey: 'secret' } });
  client.middlewareStack.add(
    () => async (args) => {
      const request = args.request as { body: string; headers: Record<string, string> };
      sent.push({ body: String(request.body), headers: request.headers });
      const xml = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>
        <AccessKeyId>ASIATENANT</AccessKeyId><SecretAccessKey>tenant-secret</SecretAccessKey><SessionToken>tenant-token</SessionToken>
        <Expiration>${EXPIRES.toISOString()}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`;
      return { response: { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: new TextEncoder().encode(xml) }, output: {} as never };
    },
    { step: 'deserialize', name: 'interceptSend', priority: 'low' },
  );
  return { client, sent };
}

describe('tenant credentials: the AssumeRole request', () => {
  it('tags the session with the tenant, asks for an hour, and names the function and tenant', async () => {
    const { client, sent } = interceptedSts();
    const identity = await stsAssumeRole(client)({ ...request('acme') });
    assert.equal(sent.length, 1);
    const form = new URLSearchParams(sent[0]!.body);
    assert.equal(form.get('Action'), 'AssumeRole');
    assert.equal(form.get('RoleArn'), ROLE);
    assert.equal(form.get('DurationSeconds'), String(TENANT_SESSION_SECONDS));
    assert.equal(form.get('Tags.member.1.Key'), 'tenantId');
    assert.equal(form.get('Tags.member.1.Value'), 'acme');
    assert.equal(form.get('Tags.member.2.Key'), null, 'one tag only');
    assert.equal(form.get('RoleSessionName'), 'acme@mes-orders');
    // Signed with the function's own credentials.
    assert.match(sent[0]!.headers.authorization ?? '', /Credential=AKIDFUNCTION\//);
    assert.deepEqual(identity, { accessKeyId: 'ASIATENANT', secretAccessKey: 'tenant-secret', sessionToken: 'tenant-token', expiration: EXPIRES });
  });
});

function request(tenantId: string): AssumeRoleRequest {
  return {
    RoleArn: ROLE,
    RoleSessionName: `${tenantId}@mes-orders`,
    DurationSeconds: TENANT_SESSION_SECONDS,
    Tags: [{ Key: 'tenantId', Value: tenantId }],
  };
}

describe('tenant credentials: cached per tenant, renewed before expiry', () => {
  const fake = () => {
    const calls: AssumeRoleRequest[] = [];
    let n = 0;
    const assume = async (r: AssumeRoleRequest): Promise<AwsCredentialIdentity> => {
      calls.push(r);
      n++;
      return { accessKeyId: `ASIA${n}`, secretAccessKey: 's', sessionToken: `${r.Tags[0]?.Value}-${n}`, expiration: new Date(clock.now + 3600_000) };
    };
    const clock = { now: Date.parse('2026-01-05T06:00:00Z') };
    return { calls, assume, clock, vendor: new TenantCredentials(ROLE, assume, () => clock.now) };
  };

  it('assumes the role once per tenant, for concurrent first requests too', async () => {
    const { calls, vendor } = fake();
    const [a1, a2] = await Promise.all([vendor.credentialsFor('acme'), vendor.credentialsFor('acme')]);
    const a3 = await vendor.credentialsFor('acme');
    const b = await vendor.credentialsFor('globex');
    assert.equal(a1.sessionToken, 'acme-1');
    assert.equal(a2, a1);
    assert.equal(a3, a1);
    assert.equal(b.sessionToken, 'globex-2');
    assert.deepEqual(
      calls.map((c) => c.Tags),
      [[{ Key: 'tenantId', Value: 'acme' }], [{ Key: 'tenantId', Value: 'globex' }]],
    );
  });

  it('renews a session that expires within the refresh margin, not before', async () => {
    const { calls, clock, vendor } = fake();
    await vendor.credentialsFor('acme');
    clock.now += 3600_000 - REFRESH_BEFORE_MS - 1000;
    assert.equal((await vendor.credentialsFor('acme')).sessionToken, 'acme-1');
    clock.now += 2000;
    assert.equal((await vendor.credentialsFor('acme')).sessionToken, 'acme-2');
    assert.equal(calls.length, 2);
  });

  it('tries again after a failed AssumeRole instead of caching the failure', async () => {
    let fail = true;
    const vendor = new TenantCredentials(ROLE, async () => {
      if (fail) throw new Error('AccessDenied');
      return { accessKeyId: 'ASIA', secretAccessKey: 's' };
    });
    await assert.rejects(vendor.credentialsFor('acme'), /AccessDenied/);
    fail = false;
    assert.equal((await vendor.credentialsFor('acme')).accessKeyId, 'ASIA');
  });
});

describe("tenant credentials: a tenant scope's DynamoDB client", () => {
  it("signs with the tenant's session where the deployment names a tenant role, one client per tenant", async () => {
    const saved = process.env.MES_TENANT_ROLE_ARN;
    process.env.MES_TENANT_ROLE_ARN = ROLE;
    try {
      const seen: string[] = [];
      const clientOf = (tenantId: string) => withTenantScope(tenantId, async () => ddb());
      const acme = await clientOf('acme');
      assert.equal(await clientOf('acme'), acme);
      assert.notEqual(await clientOf('globex'), acme);
      // The outside-scope client is the function's own.
      assert.notEqual(ddb(), acme);
      // Every client sends over the same connections (one HTTP handler): a tenant's first request
      // opens no TLS connection of its own.
      const handlerOf = (c: typeof acme) => c.config.requestHandler;
      assert.equal(handlerOf(await clientOf('globex')), handlerOf(acme));
      assert.equal(handlerOf(ddb()), handlerOf(acme));
      // The container's vendor answers without STS here (the request itself is tested above);
      // the send stops after signing, and the signature names the tenant's session.
      const vendor = tenantCredentials()!;
      (vendor as unknown as { assumeRole: (r: AssumeRoleRequest) => Promise<AwsCredentialIdentity> }).assumeRole = async (r) => {
        seen.push(r.Tags[0]!.Value);
        return { accessKeyId: `ASIA-${r.Tags[0]!.Value}`, secretAccessKey: 's', sessionToken: 't' };
      };
      acme.middlewareStack.add(
        () => async (args) => {
          const auth = (args.request as { headers: Record<string, string> }).headers.authorization ?? '';
          throw Object.assign(new Error('stopped before sending'), { auth });
        },
        { step: 'finalizeRequest', name: 'stop', priority: 'low' },
      );
      const error: { auth?: string } = await withTenantScope('acme', () =>
        acme.send(new GetCommand({ TableName: 't', Key: { pk: 'acme#WO#1', sk: 'WO' } })),
      ).then(
        () => ({}),
        (e: { auth?: string }) => e,
      );
      assert.match(String(error.auth), /Credential=ASIA-acme\//);
      assert.deepEqual(seen, ['acme']);
    } finally {
      if (saved === undefined) delete process.env.MES_TENANT_ROLE_ARN;
      else process.env.MES_TENANT_ROLE_ARN = saved;
    }
  });
});

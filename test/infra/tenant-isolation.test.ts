/**
 * Tenant isolation enforced by AWS (issue 17, docs/isolation.md), from the synthesized templates:
 * the API functions' own roles reach no tenant's item and no secret; they may only assume the
 * tenant access role of their level with the tenant as session tag, whose trust policy requires
 * that tag, and whose policy allows the table, its indexes and the secrets key only for the
 * session's tenant (`dynamodb:LeadingKeys` = `${aws:PrincipalTag/tenantId}#*`,
 * `kms:EncryptionContext:tenantId` = `${aws:PrincipalTag/tenantId}`). Last, those conditions
 * evaluated as IAM does for a request that builds another tenant's key: refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { apiFunctionsOf } from '../../shared/api/functions.ts';
import { routeList } from '../../shared/api/routes.ts';
import { newMesApp, resourcesOf } from './mes-app.ts';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: Record<string, Record<string, unknown>> };
const list = <T>(v: T | T[]) => (Array.isArray(v) ? v : [v]);

const TENANT = '${aws:PrincipalTag/tenantId}';
const LEADING_KEYS = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${TENANT}#*`] } };
const KMS_TENANT = { StringEquals: { 'kms:EncryptionContext:tenantId': TENANT } };

describe('tenant isolation on AWS: the synthesized roles', () => {
  const { stacks } = newMesApp();
  const api = Template.fromStack(stacks.api);
  const access = Template.fromStack(stacks.tenantAccess);
  const apiFunctions = apiFunctionsOf(routeList);
  const functions = Object.values(resourcesOf(api, 'AWS::Lambda::Function'));
  const apiPolicies = Object.values(resourcesOf(api, 'AWS::IAM::Policy'));
  const fnOf = (id: string) => functions.find((f) => String(f.Properties.Description).startsWith(`${id}: `))!;
  const roleIdOf = (id: string): string => fnOf(id).Properties.Role['Fn::GetAtt'][0];
  const ownStatements = (id: string): Statement[] =>
    apiPolicies
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleIdOf(id)))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  const tenantRole = (level: 'read' | 'write') => {
    const id = stacks.tenantAccess.getLogicalId(stacks.tenantAccess.roles[level].node.defaultChild as CfnElement);
    const role = resourcesOf(access, 'AWS::IAM::Role')[id]!;
    const statements: Statement[] = Object.values(resourcesOf(access, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === id))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    return { role, statements };
  };
  const onTable = (s: Statement) => !JSON.stringify(s.Resource).includes('/index/') && JSON.stringify(s.Resource).includes('Table');
  const onIndexes = (s: Statement) => JSON.stringify(s.Resource).includes('/index/');

  it("leaves no API function's own role a tenant's item or a secret: only the registries no tenant owns", () => {
    for (const fn of apiFunctions) {
      const statements = ownStatements(fn.id);
      const table = statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')));
      for (const s of table) {
        assert.deepEqual(list(s.Action), ['dynamodb:PutItem'], fn.id);
        assert.deepEqual(
          s.Condition,
          { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['#AUDIT-TENANTS#*', '#LIVE-TENANTS#*', '#MAINT-TENANTS'] } },
          fn.id,
        );
      }
      assert.deepEqual(
        statements.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('kms:')),
        [],
        fn.id,
      );
    }
  });

  it('lets each function that reads or writes assume exactly the tenant role of its level, and tells it which', () => {
    for (const fn of apiFunctions) {
      const assume = ownStatements(fn.id).filter((s) => list(s.Action).some((a) => a.startsWith('sts:')));
      const env = fnOf(fn.id).Properties.Environment.Variables;
      if (fn.table === 'none') {
        assert.deepEqual(assume, [], fn.id);
        assert.equal(env.MES_TENANT_ROLE_ARN, undefined, fn.id);
        continue;
      }
      assert.equal(assume.length, 1, fn.id);
      assert.deepEqual(list(assume[0]!.Action).sort(), ['sts:AssumeRole', 'sts:TagSession'], fn.id);
      assert.match(JSON.stringify(assume[0]!.Resource), new RegExp(`:role/mes-tenant-${fn.table}-`), fn.id);
      assert.deepEqual(assume[0]!.Resource, env.MES_TENANT_ROLE_ARN, fn.id);
    }
  });

  for (const level of ['read', 'write'] as const) {
    it(`trusts only the API functions of the ${level} level, and only with the tenant tag (and no other)`, () => {
      const { role } = tenantRole(level);
      const [trust, ...more] = role.Properties.AssumeRolePolicyDocument.Statement as Statement[];
      assert.deepEqual(more, []);
      assert.deepEqual(list(trust!.Action).sort(), ['sts:AssumeRole', 'sts:TagSession']);
      assert.deepEqual(trust!.Condition?.StringLike, { 'aws:RequestTag/tenantId': '?*' });
      assert.deepEqual(trust!.Condition?.['ForAllValues:StringEquals'], { 'aws:TagKeys': ['tenantId'] });
      const principals = JSON.stringify(trust!.Condition?.ArnEquals?.['aws:PrincipalArn']);
      for (const fn of apiFunctions) {
        const named = principals.includes(`${roleIdOf(fn.id).replace(/[^A-Za-z0-9]/g, '')}`);
        assert.equal(named, fn.table === level, `${fn.id} (${fn.table}) in the ${level} role's trust`);
      }
      assert.equal(role.Properties.MaxSessionDuration, 3600);
    });

    it(`allows the ${level} role the table and every index only under dynamodb:LeadingKeys = {tenant}#*`, () => {
      const { statements } = tenantRole(level);
      // The read role's one write, its plant's request bucket (fair use), is checked on its own below.
      const isRateBucket = (s: { Condition?: unknown }) => JSON.stringify(s.Condition ?? '').includes('#RATE');
      const bucket = statements.filter(isRateBucket);
      const dynamo = statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')) && !isRateBucket(s));
      assert.ok(dynamo.some(onTable) && dynamo.some(onIndexes));
      if (level === 'read') {
        assert.deepEqual(
          bucket.map((s) => list(s.Action)),
          [['dynamodb:UpdateItem']],
        );
        assert.deepEqual(bucket[0]?.Condition, {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['${aws:PrincipalTag/tenantId}#RATE'] },
        });
      } else assert.deepEqual(bucket, []);
      for (const s of dynamo) assert.deepEqual(s.Condition, LEADING_KEYS, JSON.stringify(s.Action));
      const actions = dynamo.filter(onTable).flatMap((s) => list(s.Action));
      const writes = actions.filter((a) => /PutItem|UpdateItem|ConditionCheckItem|DeleteItem|BatchWriteItem/.test(a));
      assert.deepEqual(writes.length > 0, level === 'write', `${level}: ${actions}`);
      assert.ok(!actions.some((a) => /Scan|DeleteItem|BatchWriteItem|\*/.test(a)), String(actions));
      assert.deepEqual(
        dynamo.filter(onIndexes).flatMap((s) => list(s.Action)),
        ['dynamodb:Query'],
      );
    });
  }

  it("allows the secrets key to the write role only, with the session's tenant as encryption context", () => {
    const kms = (level: 'read' | 'write') => tenantRole(level).statements.filter((s) => list(s.Action).some((a) => a.startsWith('kms:')));
    assert.deepEqual(kms('read'), []);
    const [grant, ...more] = kms('write');
    assert.deepEqual(more, []);
    assert.deepEqual(list(grant!.Action).sort(), ['kms:Decrypt', 'kms:Encrypt']);
    assert.deepEqual(grant!.Condition, KMS_TENANT);
    assert.match(JSON.stringify(grant!.Resource), /SecretsKey/);
  });

  describe('the conditions, evaluated as IAM does for a session tagged tenantId=acme', () => {
    /** IAM's StringLike: `*` any run of characters, `?` one; the policy variable replaced by the session's tag. */
    const like = (pattern: string, value: string, tenant: string) => {
      const resolved = pattern.replaceAll(TENANT, tenant);
      const regex = new RegExp(
        `^${resolved
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      );
      return regex.test(value);
    };
    /** ForAllValues: every key the request names matches one of the patterns. */
    const allowed = (leadingKeys: string[], tenant: string) => {
      const { statements } = tenantRole('write');
      const patterns = (statements.find(onTable)!.Condition!['ForAllValues:StringLike']!['dynamodb:LeadingKeys'] as string[]) ?? [];
      return leadingKeys.every((key) => patterns.some((p) => like(p, key, tenant)));
    };

    it("allows the tenant's own keys", () => {
      assert.ok(allowed(['acme#WO#WO-1'], 'acme'));
      assert.ok(allowed(['acme#WO#WO-1', 'acme#LOT#L-1'], 'acme'));
    });

    it("refuses another tenant's key, a tenant sharing the prefix, and a batch with one such key", () => {
      assert.ok(!allowed(['globex#WO#WO-1'], 'acme'));
      assert.ok(!allowed(['acme-2#WO#WO-1'], 'acme'));
      assert.ok(!allowed(['acmeWO#1'], 'acme'));
      assert.ok(!allowed(['acme#WO#WO-1', 'globex#LOT#L-1'], 'acme'));
      assert.ok(!allowed(['#AUDIT-TENANTS#2026-01-05'], 'acme'));
    });
  });
});

/**
 * Each API function may do to the table exactly what its routes need: read-only when every
 * route only reads, write when any writes, nothing when none uses the table, and since issue 17
 * only through its tenant's session of the tenant access role of that level (the function's
 * own role reaches no tenant's item: tenant-isolation.test.ts); and no policy anywhere allows
 * Scan or DeleteItem. BatchWriteItem (which could delete too) only the
 * telemetry consumers have; telemetry-stack.test.ts checks their exact actions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type ApiFunctionDef, apiFunctionsOf } from '../../shared/api/functions.ts';
import { routeList } from '../../shared/api/routes.ts';
import { TABLE } from '../../shared/db/table.ts';
import { newMesApp, resourcesOf } from './mes-app.ts';

/** Written out here rather than imported, so the test states the policy independently. */
const EXPECTED = {
  none: [],
  read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
  write: ['dynamodb:BatchGetItem', 'dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
};

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOfStatement = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

describe('table permissions', () => {
  // Prepare
  const { stacks } = newMesApp();
  const template = Template.fromStack(stacks.api);
  const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy'));
  const roles = resourcesOf(template, 'AWS::IAM::Role');
  const apiFunctions = apiFunctionsOf(routeList);
  const tenantAccess = Template.fromStack(stacks.tenantAccess);
  const fnOf = (api: ApiFunctionDef) => functions.find((f) => String(f.Properties.Description).startsWith(`${api.id}: `))!;
  const statementsOf = (api: ApiFunctionDef): Statement[] => {
    const role = fnOf(api).Properties.Role['Fn::GetAtt'][0];
    return policies
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  };
  /** The statements of the tenant access role the function assumes (its MES_TENANT_ROLE_ARN names it). */
  const tenantStatementsOf = (api: ApiFunctionDef): Statement[] => {
    const arn = JSON.stringify(fnOf(api).Properties.Environment.Variables.MES_TENANT_ROLE_ARN ?? '');
    if (arn === '""') return [];
    const access = arn.includes('mes-tenant-write-') ? 'write' : 'read';
    const roleId = stacks.tenantAccess.getLogicalId(stacks.tenantAccess.roles[access].node.defaultChild as CfnElement);
    return Object.values(resourcesOf(tenantAccess, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  };

  /** Fair use (issue 17): the plant's request bucket, the one item a read-only session updates. */
  const isRateBucket = (s: Statement) => JSON.stringify(s).includes('#RATE');

  it("lets a read-only function's tenant session update its plant's request bucket, and nothing else, and no write session more", () => {
    for (const api of apiFunctions) {
      const bucket = tenantStatementsOf(api).filter(isRateBucket);
      if (api.table !== 'read') {
        assert.deepEqual(bucket, [], api.id);
        continue;
      }
      assert.deepEqual(
        bucket.map((s) => [s.Effect, actionsOf(s)]),
        [['Allow', ['dynamodb:UpdateItem']]],
        api.id,
      );
      assert.match(JSON.stringify(bucket[0]?.Condition), /ForAllValues:StringEquals.*dynamodb:LeadingKeys.*aws:PrincipalTag\/tenantId\}#RATE/);
    }
  });

  it('grants each function, through its tenant session, exactly the DynamoDB actions its routes need together', () => {
    for (const api of apiFunctions) {
      // Prepare: written out here rather than taken from api.table
      const needed = api.routes.some((r) => r.table === 'write') ? 'write' : api.routes.some((r) => r.table === 'read') ? 'read' : 'none';
      // Act
      const actions = tenantStatementsOf(api)
        .filter((s) => !isRateBucket(s))
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('dynamodb:'));
      // Assess
      assert.deepEqual([...new Set(actions)].sort(), EXPECTED[needed], `${api.id} (${needed})`);
    }
  });

  it("leaves the functions' own roles no tenant's item: read functions nothing, write functions a put into the tenant registries", () => {
    for (const api of apiFunctions) {
      const own = statementsOf(api).filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
      if (api.table !== 'write') assert.deepEqual(own, [], api.id);
      else {
        assert.deepEqual(own.flatMap(actionsOf), ['dynamodb:PutItem'], api.id);
        assert.deepEqual(own[0]?.Condition, {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['#AUDIT-TENANTS#*', '#LIVE-TENANTS#*', '#MAINT-TENANTS'] },
        });
      }
    }
  });

  it('keeps read-only contexts read-only: the equipment reads may not write, the system routes not touch the table', () => {
    const byId = new Map(apiFunctions.map((api) => [api.id, api]));
    assert.ok(byId.get('equipment')!.routes.every((r) => r.table !== 'write'));
    assert.deepEqual(
      [
        ...new Set(
          tenantStatementsOf(byId.get('equipment')!)
            .filter((s) => !isRateBucket(s))
            .flatMap(actionsOf)
            .filter((a) => a.startsWith('dynamodb:')),
        ),
      ].sort(),
      EXPECTED.read,
    );
    assert.deepEqual(tenantStatementsOf(byId.get('system')!), []);
    assert.deepEqual(
      statementsOf(byId.get('system')!)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('dynamodb:') || a.startsWith('sts:')),
      [],
    );
  });

  it('lets the GSIs be queried by name, and only queried', () => {
    for (const route of apiFunctions.filter((r) => r.table !== 'none')) {
      const onIndexes = tenantStatementsOf(route).filter((s) => JSON.stringify(s.Resource).includes('/index/'));
      assert.equal(onIndexes.length, 1, route.id);
      assert.deepEqual(actionsOf(onIndexes[0]!), ['dynamodb:Query']);
      const suffixes = resourcesOfStatement(onIndexes[0]!).map((r) => JSON.stringify(r).match(/\/index\/[^"]*/)?.[0]);
      assert.deepEqual(
        suffixes,
        TABLE.globalSecondaryIndexes.map((gsi) => `/index/${gsi.indexName}`),
      );
    }
  });

  it('attaches no managed policy to any role (each function writes only to its own log group)', () => {
    for (const role of Object.values(roles)) assert.equal(role.Properties.ManagedPolicyArns, undefined);
    for (const role of Object.values(resourcesOf(Template.fromStack(stacks.telemetry), 'AWS::IAM::Role'))) {
      assert.equal(role.Properties.ManagedPolicyArns, undefined);
    }
  });

  it('allows Scan, DeleteItem or dynamodb:* nowhere in the app', () => {
    for (const stack of Object.values(stacks)) {
      const all = Object.values(resourcesOf(Template.fromStack(stack), 'AWS::IAM::Policy'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
        .flatMap(actionsOf);
      const forbidden = all.filter((a) => /^dynamodb:(Scan|DeleteItem|\*)$/.test(a));
      assert.deepEqual(forbidden, [], stack.stackName);
    }
  });

  it('allows BatchWriteItem only to the two telemetry consumers', () => {
    // Prepare
    const telemetry = stacks.telemetry;
    const consumerRoles = [telemetry.consumers.state.role, telemetry.consumers.measurements.role].map((role) =>
      telemetry.getLogicalId(role.node.defaultChild as CfnElement),
    );
    // Act
    const holders = Object.values(stacks).flatMap((stack) =>
      Object.values(resourcesOf(Template.fromStack(stack), 'AWS::IAM::Policy'))
        .filter((p) => (p.Properties.PolicyDocument.Statement as Statement[]).flatMap(actionsOf).includes('dynamodb:BatchWriteItem'))
        .flatMap((p) => p.Properties.Roles.map((r: { Ref: string }) => `${stack.stackName}/${r.Ref}`)),
    );
    // Assess
    assert.deepEqual(holders.sort(), consumerRoles.map((id) => `${telemetry.stackName}/${id}`).sort());
  });
});

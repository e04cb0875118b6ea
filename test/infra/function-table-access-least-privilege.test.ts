/**
 * Each API function may do to the table exactly what its routes need: read-only when every
 * route only reads, write when any writes, nothing when none uses the table; and no policy
 * anywhere allows Scan or DeleteItem. BatchWriteItem (which could delete too) only the
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
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  write: ['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
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
  const statementsOf = (api: ApiFunctionDef): Statement[] => {
    const fn = functions.find((f) => String(f.Properties.Description).startsWith(`${api.id}: `))!;
    const role = fn.Properties.Role['Fn::GetAtt'][0];
    return policies
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  };

  /** Fair use (issue 17): the plant's request bucket, the one item a read-only function updates. */
  const isRateBucket = (s: Statement) => JSON.stringify(s).includes('#RATE');
  const tableStatementsOf = (api: ApiFunctionDef) => statementsOf(api).filter((s) => !isRateBucket(s));

  it("lets read-only functions update their plant's request bucket, and nothing else, and no other function more", () => {
    for (const api of apiFunctions) {
      const bucket = statementsOf(api).filter(isRateBucket);
      if (api.table !== 'read') {
        assert.deepEqual(bucket, [], api.id);
        continue;
      }
      assert.deepEqual(
        bucket.map((s) => [s.Effect, actionsOf(s), JSON.stringify(s.Condition)]),
        [
          ['Allow', ['dynamodb:UpdateItem'], JSON.stringify({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['*#RATE'] } })],
          ['Deny', ['dynamodb:UpdateItem'], JSON.stringify({ 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['*#*#RATE'] } })],
        ],
        api.id,
      );
    }
  });

  it('grants each function exactly the DynamoDB actions its routes need together', () => {
    for (const api of apiFunctions) {
      // Prepare: written out here rather than taken from api.table
      const needed = api.routes.some((r) => r.table === 'write') ? 'write' : api.routes.some((r) => r.table === 'read') ? 'read' : 'none';
      // Act
      const actions = tableStatementsOf(api)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('dynamodb:'));
      // Assess
      assert.deepEqual([...new Set(actions)].sort(), EXPECTED[needed], `${api.id} (${needed})`);
    }
  });

  it('keeps read-only contexts read-only: the equipment reads may not write, the system routes not touch the table', () => {
    const byId = new Map(apiFunctions.map((api) => [api.id, api]));
    assert.ok(byId.get('equipment')!.routes.every((r) => r.table !== 'write'));
    assert.deepEqual(
      [
        ...new Set(
          tableStatementsOf(byId.get('equipment')!)
            .flatMap(actionsOf)
            .filter((a) => a.startsWith('dynamodb:')),
        ),
      ].sort(),
      EXPECTED.read,
    );
    assert.deepEqual(
      statementsOf(byId.get('system')!)
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('dynamodb:')),
      [],
    );
  });

  it('lets the GSIs be queried by name, and only queried', () => {
    for (const route of apiFunctions.filter((r) => r.table !== 'none')) {
      const onIndexes = statementsOf(route).filter((s) => JSON.stringify(s.Resource).includes('/index/'));
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

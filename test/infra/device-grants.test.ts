/**
 * Devices and gateways on AWS (issue 17, docs/devices.md): the admin API function, and only it,
 * may make and revoke IoT things, certificates and plant thing groups, with exactly the actions
 * the device port calls (shared/telemetry/iot-device-provisioning.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { newMesApp } from './mes-app.ts';

type Statement = { Action: string | string[]; Resource: unknown };
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('device registration grants', () => {
  const { stacks } = newMesApp();
  const template = Template.fromStack(stacks.api);
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')) as [
    string,
    { Properties: { PolicyDocument: { Statement: Statement[] } } },
  ][];
  const iotActionsOf = (logicalIdPrefix: string) =>
    policies
      .filter(([id]) => id.startsWith(logicalIdPrefix))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .flatMap(actions)
      .filter((a) => a.startsWith('iot:'))
      .sort();

  it('grants the admin function exactly the IoT calls that register and revoke a device and make a plant group', () => {
    assert.deepEqual(iotActionsOf('AdminApi'), [
      'iot:AddThingToThingGroup',
      'iot:AttachPolicy',
      'iot:AttachThingPrincipal',
      'iot:CreateKeysAndCertificate',
      'iot:CreateThing',
      'iot:CreateThingGroup',
      'iot:DeleteConnection',
      'iot:DescribeEndpoint',
      'iot:DetachPolicy',
      'iot:DetachThingPrincipal',
      'iot:UpdateCertificate',
    ]);
  });

  it('attaches only the device policies, and deletes connections of clients only', () => {
    const statements = policies.filter(([id]) => id.startsWith('AdminApi')).flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const attach = statements.find((s) => actions(s).includes('iot:AttachPolicy'));
    const resources = JSON.stringify(attach?.Resource);
    assert.match(resources, /policy\/mes-equipment/);
    assert.match(resources, /policy\/mes-gateway/);
    assert.doesNotMatch(resources, /policy\/\*|mes-browser/);
    assert.match(JSON.stringify(statements.find((s) => actions(s).includes('iot:DeleteConnection'))?.Resource), /:client\/\*/);
  });

  it('grants no other API function device registration', () => {
    const others = policies
      .filter(([id]) => !id.startsWith('AdminApi'))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .flatMap(actions)
      .filter((a) => /^iot:(CreateThing|CreateKeysAndCertificate|UpdateCertificate|DeleteConnection|AttachThingPrincipal)/.test(a));
    assert.deepEqual(others, []);
  });
});

/**
 * The device policy is one definition (shared/telemetry/device-policy.ts): the IoT policy CDK
 * synthesizes and the local broker's rights are both derived from it. Here the synthesized
 * policy is read back, its variables replaced by a unit's ids, and a real MQTT client tries
 * every topic it allows (accepted locally) and a few it does not (refused locally), and every
 * subscription (the policy grants none, and neither does the broker).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Template } from 'aws-cdk-lib/assertions';
import { silentLog } from '../../infra/local/http-server.ts';
import { createDeviceAuthority } from '../../infra/local/device-credentials.ts';
import { type MqttBroker, startMqttBroker } from '../../infra/local/mqtt-broker.ts';
import { devicePublishTopics, deviceSubscriptions } from '../../shared/telemetry/device-policy.ts';
import { basicIngestTopic, TELEMETRY_RULES, telemetryTopic } from '../../shared/telemetry/rules.ts';
import { newMesApp } from '../infra/mes-app.ts';
import { connectWith, grantedQos, publishRefused } from '../helpers/mqtt.ts';

type Statement = { Action: string | string[]; Resource: unknown };
const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
const TOPIC_ARN = /^arn:\$\{AWS::Partition\}:iot:\$\{AWS::Region\}:\$\{AWS::AccountId\}:topic(filter)?\//;

/** `Fn::Join` of the policy resource as text, the account parts as `${...}`. */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `\${${v.Ref}}`;
  const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
  return parts.map(flat).join(sep);
}

describe('the device policy: what CDK deploys is what the local broker applies', () => {
  const tenant = 't-policy';
  const unit = 'wu-press-1';
  const devices = createDeviceAuthority();
  let broker: MqttBroker;
  const accepted: string[] = [];
  before(async () => {
    broker = await startMqttBroker({ port: 0, wsPort: false, log: silentLog, devices, onPublish: (p) => void accepted.push(p.topic) });
  });
  after(() => broker.stop());

  // Prepare: the synthesized IoT policy, with the unit's attributes put in for the policy variables.
  const { stacks } = newMesApp();
  const [policy] = Object.values(Template.fromStack(stacks.telemetry).findResources('AWS::IoT::Policy'));
  const statements = (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement;
  const resourcesOf = (action: string) =>
    statements
      .filter((s) => list(s.Action).includes(action))
      .flatMap((s) => list(s.Resource).map(flat))
      .map((r) =>
        r
          .replace(TOPIC_ARN, '')
          .replace('${iot:Connection.Thing.Attributes[tenantId]}', tenant)
          .replace('${iot:Connection.Thing.Attributes[equipmentId]}', unit),
      );

  it('deploys exactly the publish topics and subscriptions of the one definition', () => {
    assert.deepEqual(resourcesOf('iot:Publish').sort(), devicePublishTopics(tenant, unit).sort());
    assert.deepEqual(resourcesOf('iot:Subscribe'), deviceSubscriptions(tenant, unit));
    assert.deepEqual(resourcesOf('iot:Receive'), deviceSubscriptions(tenant, unit));
  });

  it('lets the unit publish locally to every topic the deployed policy allows', async () => {
    // Act
    const client = await connectWith(broker.url, devices.issue({ tenantId: tenant, equipmentId: unit }));
    for (const topic of resourcesOf('iot:Publish'))
      await client.publishAsync(topic, JSON.stringify({ ts: Date.now(), msgId: topic, state: 'running' }), { qos: 1 });
    await client.endAsync();
    // Assess
    assert.deepEqual(accepted.sort(), resourcesOf('iot:Publish').sort());
    assert.equal(accepted.length, 8, 'state, counts, process and presence, each directly and through Basic Ingest of its rule');
  });

  for (const topic of [
    telemetryTopic(tenant, 'wu-other-1', 'state'),
    telemetryTopic('t-other', unit, 'counts'),
    telemetryTopic(tenant, unit, 'alarms'),
    `${telemetryTopic(tenant, unit, 'process')}/extra`,
    basicIngestTopic(TELEMETRY_RULES.state, telemetryTopic(tenant, unit, 'counts')),
  ]) {
    it(`refuses locally what the deployed policy does not allow: ${topic}`, async () => {
      assert.ok(!resourcesOf('iot:Publish').includes(topic));
      const client = await connectWith(broker.url, devices.issue({ tenantId: tenant, equipmentId: unit }));
      await publishRefused(client, topic, JSON.stringify({ ts: Date.now(), msgId: 'x', state: 'running' }));
      assert.ok(!accepted.includes(topic));
    });
  }

  it('grants locally no subscription, as the deployed policy grants none', async () => {
    // Act
    const client = await connectWith(broker.url, devices.issue({ tenantId: tenant, equipmentId: unit }));
    const granted = await grantedQos(client, {
      [`cmd/mes/${tenant}/${unit}/#`]: { qos: 1 },
      [telemetryTopic(tenant, unit, 'state')]: { qos: 0 },
      '#': { qos: 0 },
    });
    await client.endAsync();
    // Assess
    assert.deepEqual(resourcesOf('iot:Subscribe'), []);
    assert.deepEqual(granted, [128, 128, 128]);
  });
});

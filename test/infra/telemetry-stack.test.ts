/**
 * The telemetry stack turns shared/telemetry/rules.ts into IoT topic rules, their targets and
 * consumers: rule SQL and targets, error actions, roles that allow one action each, event
 * source settings with partial batch responses, a thing policy confined by policy variables
 * (connect only as the thing itself, `{tenant}:{equipment}`; publish only under the thing's
 * tenantId and equipmentId attributes), and alarms on everything that can fall behind or fail.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CfnElement, Duration, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ownTopics, sqsBatching, type TelemetryStack } from '../../infra/stacks/telemetry-stack.ts';
import { TELEMETRY_TYPES } from '../../shared/telemetry/messages.ts';
import { basicIngestTopic, ruleFor, ruleSql, TELEMETRY_RULES, type TelemetryRule } from '../../shared/telemetry/rules.ts';
import { type CfnResource, newMesApp, resourcesOf } from './mes-app.ts';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

/** An intrinsic as readable text: `{Ref: X}` -> `${X}`, joins joined, GetAtt -> `${X.Attr}`. */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `\${${v.Ref}}`;
  if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(sep);
  }
  return JSON.stringify(value);
}

const RULES = Object.values(TELEMETRY_RULES) as TelemetryRule[];
const INSECURE_TRANSPORT = '{"Bool":{"aws:SecureTransport":"false"}}';
const TELEMETRY_TABLE_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];

describe('the telemetry stack', () => {
  // Prepare
  const { stacks } = newMesApp();
  const stack: TelemetryStack = stacks.telemetry;
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, CfnResource>;
  const ofType = (type: string) => resourcesOf(template, type);
  const idOf = (construct: IConstruct) => (construct.node.defaultChild ?? construct) as CfnElement;
  const logicalId = (construct: IConstruct) => (stack as Stack).getLogicalId(idOf(construct));
  const ids = {
    stateQueue: logicalId(stack.stateQueue),
    stateDeadLetters: logicalId(stack.stateDeadLetters),
    deadLetters: logicalId(stack.deadLetters),
    stream: logicalId(stack.measurementsStream),
    stateFn: logicalId(stack.consumers.state.function),
    measurementsFn: logicalId(stack.consumers.measurements.function),
    topic: logicalId(stack.alarmTopic),
  };
  const topicRuleOf = (rule: TelemetryRule) => {
    const found = Object.values(ofType('AWS::IoT::TopicRule')).filter((r) => r.Properties.RuleName === rule.name);
    assert.equal(found.length, 1, `one topic rule named ${rule.name}`);
    return found[0]!.Properties.TopicRulePayload;
  };
  const statementsOfRole = (roleId: string): Statement[] =>
    Object.values(ofType('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  /** Every allowed (action, resource) pair of a role, as text. */
  const grantsOfRole = (roleId: string) =>
    statementsOfRole(roleId)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => list(s.Action).flatMap((a) => list(s.Resource).map((r) => `${a} ${flat(r)}`)))
      .sort();
  const roleOfFunction = (fnId: string) => resources[fnId]!.Properties.Role['Fn::GetAtt'][0] as string;
  const mappingOf = (fnId: string) => {
    const found = Object.values(ofType('AWS::Lambda::EventSourceMapping')).filter((m) => m.Properties.FunctionName.Ref === fnId);
    assert.equal(found.length, 1, `one event source for ${fnId}`);
    return found[0]!.Properties;
  };

  describe('IoT rules', () => {
    it('has one topic rule per rule definition, with its generated SQL', () => {
      assert.equal(Object.keys(ofType('AWS::IoT::TopicRule')).length, RULES.length);
      for (const rule of RULES) {
        const payload = topicRuleOf(rule);
        assert.equal(payload.Sql, ruleSql(rule), rule.name);
        assert.equal(payload.AwsIotSqlVersion, '2016-03-23');
        assert.equal(payload.RuleDisabled, false);
      }
    });

    it("sends state to the state queue and measurements to the stream, keyed by the rule's partition key", () => {
      for (const rule of RULES) {
        const [action, ...others] = topicRuleOf(rule).Actions;
        assert.equal(others.length, 0, `${rule.name} has one action`);
        if (rule.target === 'sqs') {
          assert.deepEqual(action.Sqs.QueueUrl, { Ref: ids.stateQueue }, rule.name);
          assert.equal(action.Sqs.UseBase64, false, 'the SQL output (JSON) is the message body');
        } else {
          assert.deepEqual(action.Kinesis.StreamName, { Ref: ids.stream }, rule.name);
          assert.equal(action.Kinesis.PartitionKey, rule.partitionKey);
        }
      }
      assert.equal(TELEMETRY_RULES.measurements.partitionKey, '${topic(3)}', 'the tenant, as docs/telemetry.md says');
    });

    it("routes IoT Core's lifecycle events to the state queue, with the client id from the topic, and presence samples with state", () => {
      const lifecycle = topicRuleOf(TELEMETRY_RULES.lifecycle);
      assert.match(lifecycle.Sql, /FROM '\$aws\/events\/presence\/\+\/\+'/);
      assert.match(lifecycle.Sql, /topic\(5\) AS clientId/);
      assert.deepEqual(lifecycle.Actions[0].Sqs.QueueUrl, { Ref: ids.stateQueue });
      assert.ok(lifecycle.ErrorAction.Sqs, 'an error action');
      assert.equal(ruleFor('$aws/events/presence/connected/t1:wu-1')?.name, TELEMETRY_RULES.lifecycle.name);
      assert.equal(ruleFor('dt/mes/t1/wu-1/presence')?.name, TELEMETRY_RULES.state.name, 'presence goes at once, not to Kinesis');
      assert.equal(ruleFor('dt/mes/t1/wu-1/counts')?.name, TELEMETRY_RULES.measurements.name);
      assert.match(ruleSql(TELEMETRY_RULES.measurements), /WHERE topic\(5\) <> 'state' AND topic\(5\) <> 'presence'$/);
    });

    it('sends what a rule cannot deliver to the dead letters', () => {
      for (const rule of RULES) {
        assert.deepEqual(topicRuleOf(rule).ErrorAction.Sqs.QueueUrl, { Ref: ids.deadLetters }, rule.name);
      }
    });

    it('gives each rule its own role: assumable by IoT for that rule only, allowed only its action and error action', () => {
      const roleIds = RULES.map((rule) => topicRuleOf(rule).Actions[0][rule.target === 'sqs' ? 'Sqs' : 'Kinesis'].RoleArn['Fn::GetAtt'][0]);
      assert.equal(new Set(roleIds).size, RULES.length, 'one role per rule');
      RULES.forEach((rule, i) => {
        const roleId = roleIds[i]!;
        assert.deepEqual(topicRuleOf(rule).ErrorAction.Sqs.RoleArn, { 'Fn::GetAtt': [roleId, 'Arn'] });
        const [trust, ...more] = resources[roleId]!.Properties.AssumeRolePolicyDocument.Statement as Statement[];
        assert.equal(more.length, 0);
        assert.deepEqual(trust!.Principal, { Service: 'iot.amazonaws.com' });
        const condition = trust!.Condition as Record<string, Record<string, unknown>>;
        const ruleArn = `arn:\${AWS::Partition}:iot:\${AWS::Region}:\${AWS::AccountId}:rule/${rule.name}`;
        assert.equal(flat(condition.ArnEquals!['aws:SourceArn']), ruleArn);
        assert.deepEqual(condition.StringEquals!['aws:SourceAccount'], { Ref: 'AWS::AccountId' });
        const target = rule.target === 'sqs' ? `sqs:SendMessage \${${ids.stateQueue}.Arn}` : `kinesis:PutRecord \${${ids.stream}.Arn}`;
        assert.deepEqual(grantsOfRole(roleId), [target, `sqs:SendMessage \${${ids.deadLetters}.Arn}`].sort(), rule.name);
      });
    });
  });

  describe('queues and stream', () => {
    it('encrypts every queue and refuses requests without TLS', () => {
      const queuePolicies = Object.values(ofType('AWS::SQS::QueuePolicy'));
      for (const [id, queue] of Object.entries(ofType('AWS::SQS::Queue'))) {
        assert.ok(queue.Properties.SqsManagedSseEnabled === true || queue.Properties.KmsMasterKeyId, `${id} is encrypted`);
        const denies = queuePolicies
          .filter((p) => p.Properties.Queues.some((q: { Ref: string }) => q.Ref === id))
          .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
          .filter((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === INSECURE_TRANSPORT);
        assert.equal(denies.length, 1, `${id} enforces TLS`);
      }
    });

    it('parks a state message after a few receives, and waits long enough for a slow batch', () => {
      const queue = resources[ids.stateQueue]!.Properties;
      assert.deepEqual(queue.RedrivePolicy.deadLetterTargetArn, { 'Fn::GetAtt': [ids.stateDeadLetters, 'Arn'] });
      assert.ok(queue.RedrivePolicy.maxReceiveCount >= 3 && queue.RedrivePolicy.maxReceiveCount <= 10);
      assert.ok(queue.VisibilityTimeout >= 6 * resources[ids.stateFn]!.Properties.Timeout, 'six times the consumer timeout');
      assert.equal(resources[ids.deadLetters]!.Properties.MessageRetentionPeriod, Duration.days(14).toSeconds());
    });

    it('has a stream encrypted with the AWS managed key, keeping records 24 h, on one provisioned shard', () => {
      const streams = Object.values(ofType('AWS::Kinesis::Stream'));
      assert.equal(streams.length, 1);
      const p = streams[0]!.Properties;
      assert.deepEqual(p.StreamEncryption, { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
      assert.equal(p.RetentionPeriodHours, 24);
      assert.deepEqual(p.StreamModeDetails, { StreamMode: 'PROVISIONED' });
      assert.equal(p.ShardCount, 1);
    });

    it('takes the stream capacity from the mes:telemetryShards context', () => {
      const streamOf = (value: unknown) => {
        const { stacks: withContext } = newMesApp({ context: { 'mes:telemetryShards': value } });
        return Object.values(resourcesOf(Template.fromStack(withContext.telemetry), 'AWS::Kinesis::Stream'))[0]!.Properties;
      };
      const onDemand = streamOf('on-demand');
      assert.deepEqual(onDemand.StreamModeDetails, { StreamMode: 'ON_DEMAND' });
      assert.equal(onDemand.ShardCount, undefined);
      assert.equal(streamOf('3').ShardCount, 3);
      assert.throws(() => streamOf('zero'), /mes:telemetryShards/);
    });

    it('derives the shards from the expected units and message rate when no shard count is set', () => {
      const { stacks: withContext } = newMesApp({ context: { 'mes:telemetryUnits': '2000', 'mes:telemetryMessageRate': '1' } });
      const stream = Object.values(resourcesOf(Template.fromStack(withContext.telemetry), 'AWS::Kinesis::Stream'))[0]!.Properties;
      assert.equal(stream.ShardCount, 4);
    });
  });

  describe('scheduled rollup', () => {
    it('runs the rollup function hourly from an EventBridge rule, without retries, with table access but no batch writes', () => {
      const rollupFn = logicalId(stack.scheduled.rollupTelemetry!.mes.function);
      const rules = Object.values(ofType('AWS::Events::Rule')).map((r) => r.Properties);
      const rule = rules.find((r) => JSON.stringify(r.Targets).includes(rollupFn));
      assert.ok(rule, 'a rule targets the rollup function');
      assert.equal(rule.ScheduleExpression, 'rate(1 hour)');
      assert.equal(rule.Targets[0].RetryPolicy.MaximumRetryAttempts, 0);
      const role = ofType('AWS::Lambda::Function')[rollupFn]!.Properties.Role['Fn::GetAtt'][0];
      const policies = JSON.stringify(Object.values(ofType('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(role)));
      assert.ok(policies.includes('dynamodb:PutItem') && !policies.includes('dynamodb:BatchWriteItem'), policies);
    });
  });

  describe('consumers', () => {
    it('feeds the state consumer from the state queue, with partial batch responses', () => {
      const esm = mappingOf(ids.stateFn);
      const expected = sqsBatching(TELEMETRY_RULES.state);
      assert.deepEqual(esm.EventSourceArn, { 'Fn::GetAtt': [ids.stateQueue, 'Arn'] });
      assert.equal(esm.BatchSize, expected.batchSize);
      assert.equal(esm.MaximumBatchingWindowInSeconds, expected.maxBatchingWindow?.toSeconds());
      assert.deepEqual(esm.FunctionResponseTypes, ['ReportBatchItemFailures']);
    });

    it('takes the SQS batch from the rule, at most 10 messages when the rule has no batching window (a Lambda limit)', () => {
      const batching = (batchingWindowSeconds: number, batchSize: number) => {
        const b = sqsBatching({ ...TELEMETRY_RULES.state, batchingWindowSeconds, batchSize });
        return [b.batchSize, b.maxBatchingWindow?.toSeconds()];
      };
      assert.deepEqual(
        [batching(0, 100), batching(0, 5), batching(2, 100)],
        [
          [10, undefined],
          [5, undefined],
          [100, 2],
        ],
      );
    });

    it('feeds the measurements consumer from the stream: rule batch and window, bisect, partial batch, DLQ, ten lanes per shard, bounded retries', () => {
      const esm = mappingOf(ids.measurementsFn);
      const rule = TELEMETRY_RULES.measurements;
      assert.deepEqual(esm.EventSourceArn, { 'Fn::GetAtt': [ids.stream, 'Arn'] });
      assert.equal(esm.StartingPosition, 'TRIM_HORIZON');
      assert.equal(esm.BatchSize, rule.batchSize);
      assert.equal(esm.MaximumBatchingWindowInSeconds, rule.batchingWindowSeconds);
      assert.equal(esm.BisectBatchOnFunctionError, true);
      assert.deepEqual(esm.FunctionResponseTypes, ['ReportBatchItemFailures']);
      // A failing batch holds its lane minutes, not hours; its range can still be re-read from the stream (24 h).
      assert.ok(esm.MaximumRetryAttempts >= 3 && esm.MaximumRetryAttempts <= 6, `retries ${esm.MaximumRetryAttempts}`);
      const maxAge = esm.MaximumRecordAgeInSeconds;
      assert.ok(maxAge >= 60 && maxAge <= 3600, `record age ${maxAge}`);
      assert.deepEqual(esm.DestinationConfig, { OnFailure: { Destination: { 'Fn::GetAtt': [ids.deadLetters, 'Arn'] } } });
      // Another tenant's failing batch holds only the tenants hashed to its lane.
      assert.equal(esm.ParallelizationFactor, 10);
    });

    it('runs the consumers like every MesFunction: arm64, Node.js 22+, JSON logs to their own log group, no auth settings', () => {
      for (const id of [ids.stateFn, ids.measurementsFn, logicalId(stack.liveViewRefresh.mes.function)]) {
        const p = resources[id]!.Properties;
        assert.deepEqual(p.Architectures, ['arm64']);
        assert.ok(Number(/^nodejs(\d+)\.x$/.exec(p.Runtime)?.[1]) >= 22, p.Runtime);
        assert.equal(p.LoggingConfig.LogFormat, 'JSON');
        assert.ok(resources[p.LoggingConfig.LogGroup.Ref]?.Type === 'AWS::Logs::LogGroup');
        assert.ok(p.Environment.Variables.TABLE_NAME);
        assert.deepEqual(
          Object.keys(p.Environment.Variables).filter((k) => k.startsWith('AUTH_')),
          [],
        );
      }
      assert.equal(
        Object.keys(ofType('AWS::Lambda::Function')).length,
        6,
        "the two consumers, the rollup, the live view's refresh job, the audit checkpoint job and the maintenance plan job, no other function (no custom resource)",
      );
    });

    it('lets each consumer touch only its own source and the dead letters, besides the table', () => {
      const nonTable = (fnId: string) => [
        ...new Set(grantsOfRole(roleOfFunction(fnId)).filter((g) => !g.startsWith('dynamodb:') && !g.startsWith('logs:') && !g.startsWith('xray:'))),
      ];
      for (const g of nonTable(ids.stateFn)) assert.ok(g.startsWith('sqs:') && g.endsWith(` \${${ids.stateQueue}.Arn}`), g);
      assert.ok(nonTable(ids.stateFn).includes(`sqs:DeleteMessage \${${ids.stateQueue}.Arn}`));
      for (const g of nonTable(ids.measurementsFn)) {
        const [action, resource] = g.split(' ');
        if (action!.startsWith('kinesis:')) assert.equal(resource, `\${${ids.stream}.Arn}`, g);
        else {
          assert.ok(['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].includes(action!), g);
          assert.equal(resource, `\${${ids.deadLetters}.Arn}`, g);
        }
      }
    });

    it('grants the consumers exactly the telemetry table actions, and only Query on the indexes', () => {
      for (const fnId of [ids.stateFn, ids.measurementsFn]) {
        const statements = statementsOfRole(roleOfFunction(fnId));
        const onIndexes = statements.filter((s) => flat(s.Resource).includes('/index/'));
        const onTable = statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')) && !onIndexes.includes(s));
        assert.deepEqual([...new Set(onTable.flatMap((s) => list(s.Action)))].sort(), TELEMETRY_TABLE_ACTIONS, fnId);
        assert.deepEqual([...new Set(onIndexes.flatMap((s) => list(s.Action)))], ['dynamodb:Query'], fnId);
      }
    });
  });

  describe("the live view's refresh job", () => {
    const fnId = logicalId(stack.liveViewRefresh.mes.function);
    // The refresh job's rule: the one targeting its function (the rollup has its own).
    const scheduleOf = (tpl: Template) =>
      Object.values(resourcesOf(tpl, 'AWS::Events::Rule'))
        .map((r) => r.Properties)
        .filter((p) => JSON.stringify(p.Targets).includes('RefreshLiveView'));

    it('runs every 5 minutes by default, or as the mes:liveViewRefreshMinutes context says, without retries', () => {
      const [rule, ...others] = scheduleOf(template);
      assert.ok(rule);
      assert.equal(others.length, 0);
      assert.equal(rule.ScheduleExpression, 'rate(5 minutes)');
      assert.deepEqual(
        rule.Targets.map((t: { Arn: unknown; RetryPolicy?: unknown }) => [flat(t.Arn), t.RetryPolicy]),
        [[`\${${fnId}.Arn}`, { MaximumRetryAttempts: 0 }]],
      );
      const { stacks: withContext } = newMesApp({ context: { 'mes:liveViewRefreshMinutes': '2' } });
      assert.equal(scheduleOf(Template.fromStack(withContext.telemetry))[0]?.ScheduleExpression, 'rate(2 minutes)');
      assert.throws(() => newMesApp({ context: { 'mes:liveViewRefreshMinutes': 'often' } }), /whole number of minutes/);
    });

    it('reads and writes the table as the API does (no batch writes), and nothing else', () => {
      const statements = statementsOfRole(roleOfFunction(fnId));
      const onTable = statements.filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')) && !flat(s.Resource).includes('/index/'));
      assert.deepEqual([...new Set(onTable.flatMap((s) => list(s.Action)))].sort(), [
        'dynamodb:ConditionCheckItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ]);
      const other = grantsOfRole(roleOfFunction(fnId)).filter((g) => !g.startsWith('dynamodb:') && !g.startsWith('logs:') && !g.startsWith('xray:'));
      assert.deepEqual(other, []);
    });
  });

  describe('devices', () => {
    const policies = Object.values(ofType('AWS::IoT::Policy'));
    const policyOf = (name: string) => policies.find((p) => p.Properties.PolicyName === name)!;
    const arn = (resource: string) => `arn:\${AWS::Partition}:iot:\${AWS::Region}:\${AWS::AccountId}:${resource}`;

    it('has one thing policy per kind of device, a unit and a gateway, each of which only allows connecting and publishing', () => {
      assert.deepEqual(policies.map((p) => p.Properties.PolicyName).sort(), ['mes-equipment', 'mes-gateway']);
      for (const policy of policies) {
        const statements = policy.Properties.PolicyDocument.Statement as Statement[];
        assert.deepEqual([...new Set(statements.flatMap((s) => list(s.Action)))].sort(), ['iot:Connect', 'iot:Publish']);
        assert.ok(statements.every((s) => s.Effect === 'Allow'));
      }
    });

    for (const kind of [
      { what: 'a unit', policy: 'mes-equipment', thingType: 'mes-equipment', idAttribute: 'equipmentId' },
      { what: 'a gateway', policy: 'mes-gateway', thingType: 'mes-gateway', idAttribute: 'gatewayId' },
    ]) {
      const statements = () => policyOf(kind.policy).Properties.PolicyDocument.Statement as Statement[];
      const resourcesFor = (action: string) =>
        statements()
          .filter((s) => list(s.Action).includes(action))
          .flatMap((s) => list(s.Resource).map(flat));
      const OWN = `dt/mes/\${iot:Connection.Thing.Attributes[tenantId]}/\${iot:Connection.Thing.Attributes[${kind.idAttribute}]}/`;

      describe(kind.what, () => {
        it(`connects only with its thing name as client id, with a certificate attached to that thing, of type ${kind.thingType}`, () => {
          assert.deepEqual(resourcesFor('iot:Connect'), [arn('client/${iot:Connection.Thing.ThingName}')]);
          const connect = statements().find((s) => list(s.Action).includes('iot:Connect'))!;
          assert.deepEqual(connect.Condition, {
            Bool: { 'iot:Connection.Thing.IsAttached': 'true' },
            StringEquals: { 'iot:Connection.Thing.ThingTypeName': kind.thingType },
          });
        });

        it('never has the thing name in a topic: it is {tenant}:{id}, the topics take the attributes', () => {
          for (const resource of resourcesFor('iot:Publish')) assert.doesNotMatch(resource, /ThingName/);
        });

        it(`publishes only under its own tenant and ${kind.idAttribute}, through Basic Ingest of each rule or directly`, () => {
          const published = resourcesFor('iot:Publish');
          for (const rule of RULES) {
            // Each telemetry type the rule takes, named: a `*` would also match deeper levels and unknown types.
            for (const last of TELEMETRY_TYPES.filter((type) => ruleFor(`dt/mes/t/e/${type}`)?.name === rule.name)) {
              assert.ok(published.includes(arn(`topic/${basicIngestTopic(rule, OWN + last)}`)), `${rule.name} via Basic Ingest`);
              assert.ok(published.includes(arn(`topic/${OWN}${last}`)), `${rule.name} directly`);
            }
          }
          const escaped = OWN.replace(/[$[\]{}.]/g, '\\$&');
          const ownTopic = new RegExp(`^(\\$aws/rules/\\w+/)?${escaped}[a-z*]+$`);
          for (const resource of published) {
            assert.ok(resource.startsWith(arn('topic/')), resource);
            assert.match(resource.slice(arn('topic/').length), ownTopic);
          }
        });

        it('is never granted a wildcard topic, resource or action', () => {
          for (const s of statements()) {
            for (const action of list(s.Action)) assert.doesNotMatch(action, /\*/);
            for (const resource of list(s.Resource).map(flat)) {
              assert.doesNotMatch(resource, /#/);
              assert.notEqual(resource, '*');
              assert.doesNotMatch(resource, /:(topic|topicfilter|client)\/\*/);
              assert.doesNotMatch(resource, /\/dt\/mes\/\*|rules\/\*/);
            }
          }
        });
      });
    }

    it('derives publish topics from the rule filters, and refuses a filter it cannot confine to a unit', () => {
      const OWN = 'dt/mes/${iot:Connection.Thing.Attributes[tenantId]}/${iot:Connection.Thing.Attributes[equipmentId]}/';
      assert.deepEqual(ownTopics(TELEMETRY_RULES.state), [
        `$aws/rules/${TELEMETRY_RULES.state.name}/${OWN}state`,
        `${OWN}state`,
        // Presence too: a unit's Last Will is published to its own presence topic.
        `$aws/rules/${TELEMETRY_RULES.state.name}/${OWN}presence`,
        `${OWN}presence`,
      ]);
      assert.throws(() => ownTopics({ ...TELEMETRY_RULES.state, topicFilter: 'dt/mes/#' }), /cannot confine/);
      assert.throws(() => ownTopics({ ...TELEMETRY_RULES.state, topicFilter: 'other/+/+/state' }), /cannot confine/);
    });

    it('has the thing types mes-equipment, searchable by tenantId and equipmentId, and mes-gateway, by tenantId and gatewayId', () => {
      const types = Object.values(ofType('AWS::IoT::ThingType')).map((t) => t.Properties);
      assert.deepEqual(types.map((t) => [t.ThingTypeName, t.ThingTypeProperties.SearchableAttributes]).sort(), [
        ['mes-equipment', ['tenantId', 'equipmentId']],
        ['mes-gateway', ['tenantId', 'gatewayId']],
      ]);
      assert.match(types.find((t) => t.ThingTypeName === 'mes-equipment')!.ThingTypeProperties.ThingTypeDescription, /tenantId:equipmentId/);
      assert.match(types.find((t) => t.ThingTypeName === 'mes-gateway')!.ThingTypeProperties.ThingTypeDescription, /tenantId:gatewayId/);
    });
  });

  describe('alarms', () => {
    const alarms = Object.values(ofType('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const alarmOn = (namespace: string, metric: string, dimension: string, resourceId: string) => {
      const found = alarms.filter(
        (a) =>
          a.Namespace === namespace &&
          a.MetricName === metric &&
          a.Dimensions.some((d: { Name: string; Value: unknown }) => d.Name === dimension && JSON.stringify(d.Value).includes(`"${resourceId}"`)),
      );
      assert.equal(found.length, 1, `${metric} of ${resourceId}`);
      assert.equal(found[0]!.ComparisonOperator, 'GreaterThanThreshold');
      assert.deepEqual(found[0]!.AlarmActions, [{ Ref: ids.topic }]);
      return found[0]!;
    };

    it('alarms as soon as anything lands in a dead-letter queue', () => {
      for (const queue of [ids.deadLetters, ids.stateDeadLetters]) {
        const alarm = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', queue);
        assert.equal(alarm.Threshold, 0);
        assert.equal(alarm.EvaluationPeriods, 1);
      }
    });

    it('alarms when states wait in the queue, or the measurements consumer lags the stream, for more than 60 s', () => {
      assert.equal(alarmOn('AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', ids.stateQueue).Threshold, 60);
      assert.equal(alarmOn('AWS/Lambda', 'IteratorAge', 'FunctionName', ids.measurementsFn).Threshold, 60_000);
    });

    it('notifies an SNS topic encrypted with a rotated key CloudWatch may use, which refuses publishing without TLS', () => {
      const topic = resources[ids.topic]!.Properties;
      const keyId = topic.KmsMasterKeyId['Fn::GetAtt'][0];
      const key = resources[keyId]!.Properties;
      assert.equal(key.EnableKeyRotation, true);
      assert.ok(
        (key.KeyPolicy.Statement as Statement[]).some(
          (s) => JSON.stringify(s.Principal) === '{"Service":"cloudwatch.amazonaws.com"}' && list(s.Action).includes('kms:GenerateDataKey*'),
        ),
      );
      const topicStatements = Object.values(ofType('AWS::SNS::TopicPolicy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
      assert.ok(topicStatements.some((s) => s.Effect === 'Deny' && JSON.stringify(s.Condition) === INSECURE_TRANSPORT));
    });
  });

  it('outputs how to find the IoT endpoint, the rule names and their Basic Ingest topics', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    assert.match(flat(outputs.IotDataEndpoint!.Value), /aws iot describe-endpoint --endpoint-type iot:Data-ATS/);
    const values = Object.values(outputs).map((o) => flat(o.Value));
    for (const rule of RULES) {
      assert.ok(values.includes(rule.name), rule.name);
      if (rule.publishedBy === 'iot') continue;
      assert.ok(
        values.some((v) => v.startsWith(`$aws/rules/${rule.name}/dt/mes/`)),
        `Basic Ingest topic of ${rule.name}`,
      );
    }
  });
});

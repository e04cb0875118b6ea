/**
 * The integration stack: the outbox dispatcher on the table stream (only new outbox items, in
 * order, retried and bisected, dead-lettered), the webhook delivery queue and its deliverer
 * (partial batch responses, bounded concurrency, a visibility timeout of six deliverer
 * timeouts, a dead-letter queue), the secrets key, alarms on both dead-letter queues; and the
 * API functions granted the key and the queue exactly when a route of theirs `uses` them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CfnElement, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { DELIVERER_TIMEOUT, type IntegrationStack } from '../../infra/stacks/integration-stack.ts';
import { type ApiFunctionDef, apiFunctionsOf } from '../../shared/api/functions.ts';
import { routeList } from '../../shared/api/routes.ts';
import { type CfnResource, newMesApp, resourcesOf } from './mes-app.ts';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const INSECURE_TRANSPORT = '{"Bool":{"aws:SecureTransport":"false"}}';
const WRITE_ACTIONS = ['dynamodb:ConditionCheckItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'];
const TENANT_BOUND = { Null: { 'kms:EncryptionContext:tenantId': 'false' } };

/** A Lambda event filter pattern of exact values, applied to an event (enough for equality rules). */
function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.includes(value);
  if (pattern && typeof pattern === 'object') {
    return Object.entries(pattern).every(
      ([key, sub]) => value !== null && typeof value === 'object' && matches(sub, (value as Record<string, unknown>)[key]),
    );
  }
  return false;
}

describe('the integration stack', () => {
  // Prepare
  const { stacks } = newMesApp();
  const stack: IntegrationStack = stacks.integration;
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, CfnResource>;
  const ofType = (type: string) => resourcesOf(template, type);
  const logicalId = (construct: IConstruct) => stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
  const ids = {
    key: logicalId(stack.secretsKey),
    queue: logicalId(stack.deliveryQueue),
    deliveryDlq: logicalId(stack.deliveryDeadLetters),
    dispatchDlq: logicalId(stack.dispatchDeadLetters),
    dispatcher: logicalId(stack.dispatcher.function),
    deliverer: logicalId(stack.deliverer.function),
    topic: logicalId(stack.alarmTopic.topic),
  };
  const mappingOf = (fnId: string) => {
    const found = Object.values(ofType('AWS::Lambda::EventSourceMapping')).filter((m) => m.Properties.FunctionName.Ref === fnId);
    assert.equal(found.length, 1, `one event source for ${fnId}`);
    return found[0]!.Properties;
  };
  const grantsOf = (fnId: string) => {
    const role = resources[fnId]!.Properties.Role['Fn::GetAtt'][0];
    return Object.values(ofType('AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  };
  const actionsOn = (statements: Statement[], resourceId: string) =>
    statements
      .filter((s) => JSON.stringify(s.Resource).includes(`"${resourceId}"`))
      .flatMap((s) => list(s.Action))
      .sort();
  const envOf = (fnId: string) => resources[fnId]!.Properties.Environment.Variables;

  describe('the secrets key', () => {
    it('is customer managed, rotated, and kept when the stack goes (the sealed secrets outlive it)', () => {
      const key = resources[ids.key]!;
      assert.equal(key.Type, 'AWS::KMS::Key');
      assert.equal(key.Properties.EnableKeyRotation, true);
      assert.equal(key.DeletionPolicy, 'Retain');
    });
  });

  describe('queues', () => {
    it('encrypts every queue and refuses plain HTTP to it', () => {
      const queues = ofType('AWS::SQS::Queue');
      assert.equal(Object.keys(queues).length, 3);
      const policies = Object.values(ofType('AWS::SQS::QueuePolicy'));
      for (const [id, queue] of Object.entries(queues)) {
        assert.equal(queue.Properties.SqsManagedSseEnabled, true, id);
        const policy = policies.find((p) => p.Properties.Queues.some((q: { Ref: string }) => q.Ref === id));
        const deny = (policy?.Properties.PolicyDocument.Statement as Statement[] | undefined)?.find((s) => s.Effect === 'Deny');
        assert.equal(JSON.stringify(deny?.Condition), INSECURE_TRANSPORT, `${id} enforces TLS`);
      }
    });

    it('gives the delivery queue a visibility timeout of at least six deliverer timeouts and a dead-letter queue', () => {
      const queue = resources[ids.queue]!.Properties;
      assert.ok(queue.VisibilityTimeout >= 6 * DELIVERER_TIMEOUT.toSeconds());
      assert.equal(resources[ids.deliverer]!.Properties.Timeout, DELIVERER_TIMEOUT.toSeconds());
      assert.deepEqual(queue.RedrivePolicy, { deadLetterTargetArn: { 'Fn::GetAtt': [ids.deliveryDlq, 'Arn'] }, maxReceiveCount: 5 });
      assert.equal(resources[ids.deliveryDlq]!.Properties.MessageRetentionPeriod, 14 * 24 * 3600);
      assert.equal(resources[ids.dispatchDlq]!.Properties.MessageRetentionPeriod, 14 * 24 * 3600);
    });
  });

  describe('the dispatcher', () => {
    it('reads the table stream from the trim horizon, one batch per shard at a time, with partial batch responses', () => {
      const mapping = mappingOf(ids.dispatcher);
      assert.match(JSON.stringify(mapping.EventSourceArn), /MesData.*StreamArn/);
      assert.equal(mapping.StartingPosition, 'TRIM_HORIZON');
      assert.equal(mapping.ParallelizationFactor, 1);
      assert.equal(mapping.BatchSize, 100);
      assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
      assert.equal(mapping.BisectBatchOnFunctionError, true);
      assert.ok(mapping.MaximumRetryAttempts > 0 && mapping.MaximumRetryAttempts <= 10);
      assert.ok(
        mapping.MaximumRecordAgeInSeconds > 0 && mapping.MaximumRecordAgeInSeconds < 24 * 3600,
        'gives up while the stream still has the records',
      );
      assert.deepEqual(mapping.DestinationConfig, { OnFailure: { Destination: { 'Fn::GetAtt': [ids.dispatchDlq, 'Arn'] } } });
    });

    it('is invoked only for new outbox items', () => {
      // Prepare
      const filters = mappingOf(ids.dispatcher).FilterCriteria.Filters as { Pattern: string }[];
      assert.equal(filters.length, 1);
      const pattern = JSON.parse(filters[0]!.Pattern);
      const record = (eventName: string, entity: string) => ({
        eventName,
        dynamodb: { NewImage: { entity: { S: entity }, sk: { S: 'EVT#00000002#01' } } },
      });
      // Assess
      assert.deepEqual(pattern, { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['OutboxEvent'] } } } });
      assert.equal(matches(pattern, record('INSERT', 'OutboxEvent')), true);
      assert.equal(matches(pattern, record('MODIFY', 'OutboxEvent')), false);
      assert.equal(matches(pattern, record('INSERT', 'WorkOrder')), false);
      assert.equal(matches(pattern, { eventName: 'REMOVE', dynamodb: {} }), false);
    });

    it('may write the table and send to the delivery queue, and never use the secrets key', () => {
      const grants = grantsOf(ids.dispatcher);
      assert.deepEqual(actionsOn(grants, ids.queue), ['sqs:SendMessage']);
      assert.deepEqual(
        grants
          .flatMap((s) => list(s.Action))
          .filter((a) => a.startsWith('dynamodb:') && !/Stream|GetRecords|GetShardIterator/.test(a))
          .sort(),
        [...WRITE_ACTIONS, 'dynamodb:Query'].sort(),
      );
      assert.deepEqual(
        grants.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('kms:')),
        [],
      );
      assert.deepEqual(envOf(ids.dispatcher).WEBHOOK_QUEUE_URL, { Ref: ids.queue });
      assert.equal(envOf(ids.dispatcher).SECRETS_KMS_KEY_ID, undefined);
    });
  });

  describe('the deliverer', () => {
    it('takes up to 10 jobs per batch from the delivery queue, with partial batch responses and bounded concurrency', () => {
      const mapping = mappingOf(ids.deliverer);
      assert.deepEqual(mapping.EventSourceArn, { 'Fn::GetAtt': [ids.queue, 'Arn'] });
      assert.equal(mapping.BatchSize, 10);
      assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
      const concurrency = mapping.ScalingConfig?.MaximumConcurrency;
      assert.ok(concurrency >= 2 && concurrency <= 10, `maximum concurrency ${concurrency}`);
    });

    it('may only decrypt with the secrets key, with a tenant in the encryption context, and send the next attempt', () => {
      const grants = grantsOf(ids.deliverer);
      assert.deepEqual(actionsOn(grants, ids.key), ['kms:Decrypt']);
      assert.deepEqual(grants.find((s) => list(s.Action).includes('kms:Decrypt'))?.Condition, TENANT_BOUND);
      assert.ok(actionsOn(grants, ids.queue).includes('sqs:SendMessage'));
      assert.deepEqual(envOf(ids.deliverer).SECRETS_KMS_KEY_ID, { 'Fn::GetAtt': [ids.key, 'Arn'] });
      assert.deepEqual(envOf(ids.deliverer).WEBHOOK_QUEUE_URL, { Ref: ids.queue });
      assert.equal(envOf(ids.deliverer).AUTH_ISSUER, undefined, 'no user token reaches it');
    });
  });

  it('alarms, to an encrypted topic, as soon as either dead-letter queue holds a message', () => {
    // Prepare
    const alarms = Object.values(ofType('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const onQueue = (queueId: string) =>
      alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Dimensions).includes(`"${queueId}"`));
    // Assess
    for (const queueId of [ids.deliveryDlq, ids.dispatchDlq]) {
      const [alarm, ...more] = onQueue(queueId);
      assert.ok(alarm && more.length === 0, `one alarm on ${queueId}`);
      assert.equal(alarm.Threshold, 0);
      assert.equal(alarm.ComparisonOperator, 'GreaterThanThreshold');
      assert.deepEqual(alarm.AlarmActions, [{ Ref: ids.topic }]);
    }
    assert.ok(resources[ids.topic]!.Properties.KmsMasterKeyId, 'the topic is encrypted');
  });
});

describe('API routes and the integration resources', () => {
  // Prepare
  const { stacks } = newMesApp();
  const api = Template.fromStack(stacks.api);
  const functions = Object.values(resourcesOf(api, 'AWS::Lambda::Function'));
  const policies = Object.values(resourcesOf(api, 'AWS::IAM::Policy'));
  const integrationId = (construct: IConstruct) => stacks.integration.getLogicalId(construct.node.defaultChild as CfnElement);
  const keyId = integrationId(stacks.integration.secretsKey);
  const queueId = integrationId(stacks.integration.deliveryQueue);
  const apiFunctions = apiFunctionsOf(routeList);
  const fnOf = (fn: ApiFunctionDef) => functions.find((f) => String(f.Properties.Description).startsWith(`${fn.id}: `))!;
  const statementsOf = (route: ApiFunctionDef): Statement[] => {
    const role = fnOf(route).Properties.Role['Fn::GetAtt'][0];
    return policies
      .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
  };
  /** Actions on a resource of the integration stack, which the API stack reaches through a stack output. */
  const actionsOnIntegration = (statements: Statement[], id: string) =>
    statements
      .filter((s) => {
        const text = JSON.stringify(s.Resource);
        return text.includes('MesIntegration') && text.includes(id);
      })
      .flatMap((s) => list(s.Action))
      .sort();

  it('names the secrets key exactly to the functions with routes that use secrets, which reach it only through their tenant session (tenant-isolation.test.ts)', () => {
    for (const route of apiFunctions) {
      // Act
      const uses = route.routes.some((r) => r.uses?.includes('secrets'));
      const statements = statementsOf(route);
      const env = fnOf(route).Properties.Environment.Variables;
      // Assess: the function's own role holds no KMS grant (issue 17); the tenant write role does, bound to the session's tenant.
      assert.deepEqual(actionsOnIntegration(statements, keyId), [], route.id);
      assert.deepEqual(
        statements.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('kms:')),
        [],
        route.id,
      );
      assert.equal('SECRETS_KMS_KEY_ID' in env, uses, `${route.id} SECRETS_KMS_KEY_ID`);
      if (uses) assert.equal(route.table, 'write', `${route.id}: secrets are sealed with the tenant write role's session`);
    }
  });

  it('lets exactly the functions with routes that use the webhook queue send to it, and tells them its URL', () => {
    for (const route of apiFunctions) {
      const uses = route.routes.some((r) => r.uses?.includes('webhookQueue'));
      const statements = statementsOf(route);
      assert.deepEqual(actionsOnIntegration(statements, queueId), uses ? ['sqs:SendMessage'] : [], route.id);
      assert.deepEqual(
        statements.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('sqs:')),
        uses ? ['sqs:SendMessage'] : [],
        route.id,
      );
      assert.equal('WEBHOOK_QUEUE_URL' in fnOf(route).Properties.Environment.Variables, uses, `${route.id} WEBHOOK_QUEUE_URL`);
    }
  });

  it('some routes do use them (the route table is not silently empty)', () => {
    assert.ok(routeList.some((r) => r.uses?.includes('secrets')));
    assert.ok(routeList.some((r) => r.uses?.includes('webhookQueue')));
  });

  it("acknowledges a public route's missing authorizer with the route table's own reason when it gives one", () => {
    // Prepare
    const { app } = newMesApp();
    const reasons = new Map<string, string>();
    for (const c of app.node.findAll()) {
      for (const m of c.node.metadata) {
        if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [rule, reason] of Object.entries(m.data as Record<string, string>)) {
          if (rule.endsWith('AwsSolutions-APIG4')) reasons.set(c.node.path, reason);
        }
      }
    }
    // Assess
    const explained = routeList.filter((r) => r.roles === null && r.publicReason);
    assert.ok(
      explained.some((r) => r.path === '/v1/integrations/erp/events'),
      'the inbound ERP route is public, with a reason',
    );
    for (const route of explained) {
      assert.equal(reasons.get(`MesApi/HttpApi/${route.method}${route.path.replaceAll('/', '--')}`), route.publicReason, route.id);
    }
  });
});

describe('the stacks', () => {
  it('build the integration stack before the API, which depends on it', () => {
    // Prepare
    const { app } = newMesApp();
    const order = app.node.children.map((c) => c.node.id);
    // Act
    const assembly = app.synth();
    const dependencies = (id: string) => assembly.getStackArtifact(id).dependencies.map((d) => d.id);
    // Assess
    assert.ok(order.indexOf('MesIntegration') < order.indexOf('MesApi'));
    assert.ok(dependencies('MesApi').includes('MesIntegration'));
    assert.ok(dependencies('MesIntegration').includes('MesData'));
  });
});

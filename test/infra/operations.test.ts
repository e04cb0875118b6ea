/**
 * Operations on AWS (infra/stacks/operations-stack.ts, infra/operations.ts): X-Ray active
 * tracing on every function; errors and throttles alarms for every MesFunction of the app; an
 * alarm on every dead-letter queue and every stream consumer's iterator age (in whichever stack);
 * DynamoDB throttling of the table and each GSI; API 5xx rate and p99; the failing webhook
 * endpoint rule; subscribers from context on every alarm topic; the dashboard.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Alarm, type IMetric, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import { MesFunction } from '../../infra/constructs/mes-function.ts';
import { EVENT_FUNCTIONS } from '../../infra/event-sources.ts';
import { OPERATIONS_ALARMS } from '../../infra/operations.ts';
import { WEB_ACL_ARN_PARAMETER } from '../../infra/stacks/edge-stack.ts';
import { CONTEXT, parseAlarmEmails, parseAlarmWebhookUrl } from '../../infra/stacks/mes-stacks.ts';
import { TABLE } from '../../shared/db/table.ts';
import { newMesApp, resourcesOf } from './mes-app.ts';

const EMAIL = 'oncall@plant.example';
const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXX';
const { app, stacks } = newMesApp({ context: { [CONTEXT.alarmEmail]: EMAIL, [CONTEXT.alarmWebhookUrl]: WEBHOOK } });
const ops = Template.fromStack(stacks.operations);

const all = <T>(type: abstract new (...args: never[]) => T) => app.node.findAll().filter((c: IConstruct): c is IConstruct & T => c instanceof type);
const functions = all(MesFunction);
const alarms = all(Alarm);

/** The plain metrics an alarm watches (a math expression's too). */
function metricsOf(metric: IMetric): Metric[] {
  if (metric instanceof Metric) return [metric];
  if (metric instanceof MathExpression) return Object.values(metric.usingMetrics).flatMap(metricsOf);
  return [];
}
const alarmsOn = (metricName: string, dimension: string, value: string) =>
  alarms.filter((a) => metricsOf(a.metric).some((m) => m.metricName === metricName && m.dimensions?.[dimension] === value));

describe('operations', () => {
  it('traces every function with X-Ray (active tracing)', () => {
    assert.ok(functions.length >= 15, `found ${functions.length} functions`);
    for (const mes of functions) {
      const cfn = mes.function.node.defaultChild as CfnFunction;
      assert.deepEqual(Stack.of(mes).resolve(cfn.tracingConfig), { mode: 'Active' }, mes.node.path);
    }
  });

  it('alarms on errors and on throttles of every function, one alarm each, naming the function', () => {
    for (const mes of functions) {
      for (const metricName of ['Errors', 'Throttles']) {
        const found = alarmsOn(metricName, 'FunctionName', mes.function.functionName);
        assert.equal(found.length, 1, `${metricName} of ${mes.node.path}`);
      }
    }
    const descriptions = Object.values(resourcesOf(ops, 'AWS::CloudWatch::Alarm')).map((a) => String(a.Properties.AlarmDescription));
    for (const mes of functions)
      assert.ok(
        descriptions.some((d) => d.includes(mes.node.path)),
        mes.node.path,
      );
  });

  it('alarms on every dead-letter queue and every stream consumer, whichever stack owns them', () => {
    const deadLetters = all(Queue).filter((q) => q.node.id.endsWith('DeadLetters'));
    assert.ok(deadLetters.length >= 5);
    for (const queue of deadLetters) {
      assert.ok(alarmsOn('ApproximateNumberOfMessagesVisible', 'QueueName', queue.queueName).length >= 1, queue.node.path);
    }
    // Event functions are built with the PascalCase of their id (infra/constructs/event-function.ts).
    const streamConsumers = Object.entries(EVENT_FUNCTIONS)
      .filter(([, fn]) => fn.source.kind !== 'sqs')
      .map(([id]) => `${id.charAt(0).toUpperCase()}${id.slice(1)}`);
    const consumers = functions.filter((mes) => streamConsumers.includes(mes.node.id));
    assert.equal(consumers.length, streamConsumers.length);
    for (const mes of consumers) assert.ok(alarmsOn('IteratorAge', 'FunctionName', mes.function.functionName).length >= 1, mes.node.path);
  });

  it("alarms on the table's and each GSI's read and write throttles", () => {
    const gsis = TABLE.globalSecondaryIndexes.map((g) => g.indexName);
    for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      const watched = alarms.flatMap((a) => metricsOf(a.metric)).filter((m) => m.metricName === metricName);
      assert.ok(watched.some((m) => m.dimensions?.GlobalSecondaryIndexName === undefined && m.dimensions?.TableName));
      for (const gsi of gsis)
        assert.ok(
          watched.some((m) => m.dimensions?.GlobalSecondaryIndexName === gsi),
          `${metricName} ${gsi}`,
        );
    }
  });

  it('alarms on the API 5xx rate and p99 latency', () => {
    const api = stacks.api.api.apiId;
    assert.equal(alarmsOn('5xx', 'ApiId', api).length, 1);
    const latency = alarmsOn('Latency', 'ApiId', api);
    assert.equal(latency.length, 1);
    assert.equal((latency[0]?.metric as Metric | undefined)?.statistic, 'p99');
  });

  it("counts a webhook endpoint's failed attempts per tenant and endpoint from the deliverer log, with one alarm", () => {
    const [rule] = Object.values(resourcesOf(ops, 'AWS::CloudWatch::InsightRule'));
    const body = JSON.stringify(stacks.operations.resolve(rule?.Properties.RuleBody));
    assert.match(body, /\$\.tenant.*\$\.endpoint/);
    assert.match(body, /WebhookDeliveryFailed/);
    const alarm = Object.values(resourcesOf(ops, 'AWS::CloudWatch::Alarm')).find((a) =>
      JSON.stringify(a.Properties.Metrics ?? '').includes('INSIGHT_RULE_METRIC'),
    );
    assert.ok(alarm, 'an alarm on the rule');
    assert.equal(alarm.Properties.Threshold, OPERATIONS_ALARMS.webhookEndpointFailing.threshold);
  });

  it('notifies the e-mail and the chat webhook of context on every alarm topic, and every alarm notifies a topic', () => {
    const subscriptions = Object.values(resourcesOf(ops, 'AWS::SNS::Subscription')).map((s) => s.Properties);
    const topics = 3; // this stack's, the integration stack's and the telemetry stack's
    assert.equal(subscriptions.filter((s) => s.Protocol === 'email' && s.Endpoint === EMAIL).length, topics);
    assert.equal(subscriptions.filter((s) => s.Protocol === 'lambda').length, topics);
    ops.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { MES_ALARM_WEBHOOK_URL: WEBHOOK } } });
    for (const alarm of alarms)
      assert.ok(Stack.of(alarm).resolve((alarm.node.defaultChild as { alarmActions?: unknown }).alarmActions), alarm.node.path);
  });

  it('has no subscriber without context, and refuses a mistyped one', () => {
    const bare = newMesApp();
    assert.equal(Object.keys(resourcesOf(Template.fromStack(bare.stacks.operations), 'AWS::SNS::Subscription')).length, 0);
    assert.throws(() => parseAlarmEmails('oncall@plant'), /mes:alarmEmail/);
    assert.throws(() => parseAlarmWebhookUrl('http://hooks.example/x'), /mes:alarmWebhookUrl/);
    assert.deepEqual(parseAlarmEmails(' a@b.example, c@d.example '), ['a@b.example', 'c@d.example']);
  });

  it('has a dashboard with the API, every function, the table, ingest and webhooks', () => {
    const [dashboard] = Object.values(resourcesOf(ops, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(stacks.operations.resolve(dashboard?.Properties.DashboardBody));
    for (const title of [
      'API requests and errors',
      'API latency',
      'Lambda errors per function',
      'Lambda throttles per function',
      'DynamoDB consumed units',
      'Telemetry ingest',
      'Webhook deliveries',
      'Commands per tenant',
    ]) {
      assert.ok(body.includes(title), title);
    }
    for (const mes of functions) assert.ok(body.includes(mes.node.path.replace(/\/(Function|Api)?$/, '')), mes.node.path);
  });

  it("puts the web app's distribution behind a CLOUDFRONT web ACL of us-east-1 with the AWS managed rule groups and a rate limit", () => {
    assert.ok(stacks.edge);
    assert.equal(stacks.edge.region, 'us-east-1');
    const edge = Template.fromStack(stacks.edge);
    const [acl] = Object.values(resourcesOf(edge, 'AWS::WAFv2::WebACL'));
    assert.equal(acl?.Properties.Scope, 'CLOUDFRONT');
    const rules = acl?.Properties.Rules as { Statement: { ManagedRuleGroupStatement?: { Name: string }; RateBasedStatement?: { Limit: number } } }[];
    assert.deepEqual(rules.flatMap((r) => r.Statement.ManagedRuleGroupStatement?.Name ?? []).sort(), [
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    assert.ok(rules.some((r) => r.Statement.RateBasedStatement));
    edge.hasResourceProperties('AWS::SSM::Parameter', { Name: WEB_ACL_ARN_PARAMETER });
    // The web stack reads the ARN in us-east-1 at deploy time and gives it to the distribution.
    const web = Template.fromStack(stacks.web);
    const [distribution] = Object.values(resourcesOf(web, 'AWS::CloudFront::Distribution'));
    assert.ok(distribution?.Properties.DistributionConfig.WebACLId?.['Fn::GetAtt']?.[1] === 'Parameter.Value');
    const [reader] = Object.values(resourcesOf(web, 'Custom::AWS'));
    assert.match(JSON.stringify(reader?.Properties.Create), /us-east-1/);
    assert.ok(stacks.web.dependencies.includes(stacks.edge));
  });

  it('leaves the web ACL and the edge stack out with mes:webWaf=false', () => {
    const { stacks: without } = newMesApp({ context: { [CONTEXT.webWaf]: 'false' } });
    assert.equal(without.edge, undefined);
    const [distribution] = Object.values(resourcesOf(Template.fromStack(without.web), 'AWS::CloudFront::Distribution'));
    assert.equal(distribution?.Properties.DistributionConfig.WebACLId, undefined);
  });

  it('explains every alarm of the list in docs/operations.md', () => {
    const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    for (const alarm of Object.values(OPERATIONS_ALARMS)) assert.ok(doc.includes(`### ${alarm.title}`), alarm.title);
  });

  it('stays far from the 500-resource limit', () => {
    const count = Object.keys(ops.toJSON().Resources).length;
    assert.ok(count < 250, `${count} resources`);
  });
});

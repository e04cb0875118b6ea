/**
 * OperationsStack: what tells someone the deployment is unwell, and where they look then
 * (docs/operations.md). Its own stack because the API stack is close to CloudFormation's 500
 * resources, and because alarms and dashboards change on their own schedule.
 *
 * - One alarm topic for the new alarms; it and the older per-stack topics (telemetry,
 *   integration) all get the subscribers the deployer names in context: `mes:alarmEmail`
 *   (e-mail, confirmed by the recipient) and `mes:alarmWebhookUrl` (a chat webhook, posted to
 *   by functions/jobs/notify-chat.ts in plain words).
 * - The alarms of infra/operations.ts: API 5xx rate and p99 latency; errors and throttles of
 *   every MesFunction of the app, one alarm each (found in the construct tree, so a function a
 *   later stack adds is alarmed without a line here); DynamoDB throttling of the table and each
 *   GSI; the dead letters and stream consumers no other stack alarms; a webhook endpoint failing
 *   (a Contributor Insights rule on the deliverer's log, one static alarm on its top contributor).
 * - A dashboard: API, functions, table, ingest, webhooks, commands per tenant.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  CfnInsightRule,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Subscription, SubscriptionProtocol } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRIC_DIMENSIONS, METRIC_NAMES, METRICS_NAMESPACE } from '../../functions/lib/metrics.ts';
import { TABLE } from '../../shared/db/table.ts';
import { TELEMETRY_RULES } from '../../shared/telemetry/rules.ts';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { MesFunction } from '../constructs/mes-function.ts';
import { OPERATIONS_ALARMS, type OperationsAlarmId, alarmDescription } from '../operations.ts';

export interface OperationsStackProps extends StackProps {
  readonly appVersion: string;
  readonly api: HttpApi;
  readonly table: ITable;
  /** Every MesFunction of these scopes (the app) gets its errors and throttles alarms and dashboard lines. */
  readonly functionsOf: Construct;
  /** Alarm topics of other stacks: they get the same subscribers. */
  readonly otherAlarmTopics: readonly ITopic[];
  /** Dead-letter queues that no other stack alarms, by name. */
  readonly deadLetters: Readonly<Record<string, IQueue>>;
  /** Stream consumers whose iterator age no other stack alarms, by name. */
  readonly streamConsumers: Readonly<Record<string, MesFunction>>;
  /** The webhook deliverer: its log feeds the failing-endpoint rule. */
  readonly webhookDeliverer: MesFunction;
  /** Ingest, for the dashboard. */
  readonly ingest: { readonly measurementsStream: IStream; readonly stateQueue: IQueue };
  /** `mes:alarmEmail`: comma-separated addresses. */
  readonly alarmEmails?: readonly string[];
  /** `mes:alarmWebhookUrl`: a chat incoming webhook. */
  readonly alarmWebhookUrl?: string | undefined;
}

/** Identifiers CloudWatch and CloudFormation accept, from a construct path. */
const idOf = (path: string) => path.replace(/[^A-Za-z0-9]/g, '');

export class OperationsStack extends Stack {
  readonly alarmTopic: AlarmTopic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  readonly notifier: MesFunction | undefined;
  readonly webhookFailuresRule: CfnInsightRule;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { subject: 'MES operations' });

    // ---- Subscribers ----------------------------------------------------------------------------

    const topics: ITopic[] = [this.alarmTopic.topic, ...props.otherAlarmTopics];
    topics.forEach((topic, i) => {
      for (const [j, email] of (props.alarmEmails ?? []).entries()) {
        new Subscription(this, `EmailSubscription${i}x${j}`, { topic, protocol: SubscriptionProtocol.EMAIL, endpoint: email });
      }
    });
    if (props.alarmWebhookUrl) {
      this.notifier = new MesFunction(this, 'NotifyChat', {
        entry: 'functions/jobs/notify-chat.ts',
        description: 'Alarm topics to the chat webhook of mes:alarmWebhookUrl, in plain words',
        appVersion: props.appVersion,
        serviceName: 'mes-operations',
        memorySize: 256,
        timeout: Duration.seconds(30),
      });
      this.notifier.function.addEnvironment('MES_ALARM_WEBHOOK_URL', props.alarmWebhookUrl);
      topics.forEach((topic, i) => {
        new Subscription(this, `ChatSubscription${i}`, {
          topic,
          protocol: SubscriptionProtocol.LAMBDA,
          endpoint: this.notifier!.function.functionArn,
        });
        this.notifier!.function.addPermission(`InvokedByTopic${i}`, {
          principal: new ServicePrincipal('sns.amazonaws.com'),
          sourceArn: topic.topicArn,
        });
      });
    }

    // ---- Alarms -----------------------------------------------------------------------------------

    const alarm = (alarmId: string, kind: OperationsAlarmId, metric: IMetric, subject?: string) => {
      const def = OPERATIONS_ALARMS[kind];
      const a = new Alarm(this, alarmId, {
        alarmDescription: alarmDescription(kind, subject),
        metric,
        threshold: def.threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: def.evaluationPeriods,
        datapointsToAlarm: def.datapointsToAlarm,
        // Quiet nights and idle queues report nothing; that is not a problem.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new SnsAction(this.alarmTopic.topic));
      a.addOkAction(new SnsAction(this.alarmTopic.topic));
      this.alarms.push(a);
      return a;
    };
    const period = (kind: OperationsAlarmId) => Duration.minutes(OPERATIONS_ALARMS[kind].periodMinutes);

    // API: HTTP API metrics (per API id; the $default stage is the only one).
    const apiPeriod = period('apiServerErrors');
    alarm(
      'ApiServerErrorRate',
      'apiServerErrors',
      new MathExpression({
        expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
        usingMetrics: {
          requests: props.api.metricCount({ period: apiPeriod, statistic: 'Sum' }),
          errors: props.api.metricServerError({ period: apiPeriod, statistic: 'Sum' }),
        },
        period: apiPeriod,
        label: '5xx % of requests',
      }),
    );
    alarm('ApiLatencyP99', 'apiLatencyP99', props.api.metricLatency({ period: period('apiLatencyP99'), statistic: 'p99' }));

    // Every function: one alarm each for errors and throttles, so the notification names the
    // function (a metric math sum over all would say only "some function"). ~20 functions: about
    // $4 a month for both, per deployment, not per plant.
    const functions = props.functionsOf.node.findAll().filter((c): c is MesFunction => c instanceof MesFunction);
    const fnPeriod = period('functionErrors');
    for (const mes of functions) {
      const name = idOf(mes.node.path);
      alarm(`${name}Errors`, 'functionErrors', mes.function.metricErrors({ period: fnPeriod, statistic: 'Sum' }), mes.node.path);
      alarm(
        `${name}Throttles`,
        'functionThrottles',
        mes.function.metricThrottles({ period: period('functionThrottles'), statistic: 'Sum' }),
        mes.node.path,
      );
    }

    // DynamoDB: the table and each GSI, reads and writes together.
    const throttlesOf = (label: string, dimensions: Record<string, string>) =>
      new MathExpression({
        expression: 'reads + writes',
        usingMetrics: Object.fromEntries(
          (['reads', 'writes'] as const).map((key) => [
            key,
            new Metric({
              namespace: 'AWS/DynamoDB',
              metricName: key === 'reads' ? 'ReadThrottleEvents' : 'WriteThrottleEvents',
              dimensionsMap: dimensions,
              statistic: 'Sum',
              period: period('tableThrottles'),
            }),
          ]),
        ),
        period: period('tableThrottles'),
        label,
      });
    alarm('TableThrottles', 'tableThrottles', throttlesOf('table', { TableName: props.table.tableName }), 'the table');
    for (const gsi of TABLE.globalSecondaryIndexes) {
      alarm(
        `TableThrottles${idOf(gsi.indexName)}`,
        'tableThrottles',
        throttlesOf(gsi.indexName, { TableName: props.table.tableName, GlobalSecondaryIndexName: gsi.indexName }),
        `GSI ${gsi.indexName}`,
      );
    }

    for (const [name, queue] of Object.entries(props.deadLetters)) {
      alarm(
        `${idOf(name)}DeadLetters`,
        'deadLetters',
        queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: period('deadLetters') }),
        name,
      );
    }
    for (const [name, consumer] of Object.entries(props.streamConsumers)) {
      alarm(
        `${idOf(name)}IteratorAge`,
        'iteratorAge',
        consumer.function.metric('IteratorAge', { statistic: 'Maximum', period: period('iteratorAge') }),
        name,
      );
    }

    // A webhook endpoint failing: the deliverer writes one EMF line per failed attempt with
    // `tenant` and `endpoint` (functions/jobs/deliver-webhook.ts). An endpoint is not a metric
    // dimension (every tenant's endpoints would be custom metrics, and an alarm per endpoint
    // cannot be declared here); Contributor Insights counts failures per tenant and endpoint from
    // the log instead, and one alarm watches the largest count.
    const ruleName = `${this.stackName}-webhook-endpoint-failures`;
    this.webhookFailuresRule = new CfnInsightRule(this, 'WebhookEndpointFailures', {
      ruleName,
      ruleState: 'ENABLED',
      ruleBody: this.toJsonString({
        Schema: { Name: 'CloudWatchLogRule', Version: 1 },
        LogGroupNames: [props.webhookDeliverer.logGroup.logGroupName],
        LogFormat: 'JSON',
        Contribution: {
          Keys: [`$.${METRIC_DIMENSIONS.tenant}`, `$.${METRIC_DIMENSIONS.endpoint}`],
          Filters: [{ Match: `$.${METRIC_NAMES.webhookDeliveryFailed}`, GreaterThan: 0 }],
        },
        AggregateOn: 'Count',
      }),
    });
    const webhookPeriod = period('webhookEndpointFailing');
    const webhookAlarm = alarm(
      'WebhookEndpointFailing',
      'webhookEndpointFailing',
      new MathExpression({
        expression: `INSIGHT_RULE_METRIC("${ruleName}", "MaxContributorValue")`,
        usingMetrics: {},
        period: webhookPeriod,
        label: 'failed attempts of the worst endpoint',
      }),
      `Contributor Insights rule ${ruleName}`,
    );
    webhookAlarm.node.addDependency(this.webhookFailuresRule);

    // ---- Dashboard --------------------------------------------------------------------------------

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(3),
    });
    const fnMetrics = (of: (mes: MesFunction) => IMetric) => functions.map(of);
    const fnLabel = (mes: MesFunction) => mes.node.path.replace(/\/(Function|Api)?$/, '');
    const searchSum = (metricName: string, dimension: string) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${METRIC_DIMENSIONS.service},${dimension}} MetricName="${metricName}"', 'Sum', 300)`,
        usingMetrics: {},
        period: Duration.minutes(5),
        label: '',
      });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# MES operations (${props.appVersion})\nAlarms, what they mean and what to do: docs/operations.md. Logs carry tenantId, userId and correlationId.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [
          props.api.metricCount({ statistic: 'Sum', label: 'requests' }),
          props.api.metricClientError({ statistic: 'Sum', label: '4xx' }),
          props.api.metricServerError({ statistic: 'Sum', label: '5xx' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency',
        left: [props.api.metricLatency({ statistic: 'p50', label: 'p50' }), props.api.metricLatency({ statistic: 'p99', label: 'p99' })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors per function',
        left: fnMetrics((mes) => mes.function.metricErrors({ statistic: 'Sum', label: fnLabel(mes) })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda throttles per function',
        left: fnMetrics((mes) => mes.function.metricThrottles({ statistic: 'Sum', label: fnLabel(mes) })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda duration p99 per function',
        left: fnMetrics((mes) => mes.function.metricDuration({ statistic: 'p99', label: fnLabel(mes) })),
        width: 8,
      }),
    );
    const tableMetric = (metricName: string, label: string) =>
      new Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: { TableName: props.table.tableName }, statistic: 'Sum', label });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB consumed units',
        left: [tableMetric('ConsumedReadCapacityUnits', 'read units'), tableMetric('ConsumedWriteCapacityUnits', 'write units')],
        width: 12,
      }),
      new GraphWidget({
        title: 'DynamoDB throttles (table)',
        left: [tableMetric('ReadThrottleEvents', 'reads'), tableMetric('WriteThrottleEvents', 'writes')],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Telemetry ingest',
        left: [
          props.ingest.measurementsStream.metricIncomingRecords({ statistic: 'Sum', label: 'measurement records (Kinesis)' }),
          props.ingest.stateQueue.metricNumberOfMessagesSent({ statistic: 'Sum', label: 'state messages (SQS)' }),
          ...Object.values(TELEMETRY_RULES).map(
            (rule) =>
              new Metric({
                namespace: 'AWS/IoT',
                metricName: 'TopicMatch',
                dimensionsMap: { RuleName: rule.name },
                statistic: 'Sum',
                label: `IoT rule ${rule.name}`,
              }),
          ),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Webhook deliveries (all tenants)',
        left: [
          new MathExpression({
            expression: 'SUM(delivered)',
            usingMetrics: { delivered: searchSum(METRIC_NAMES.webhookDelivered, METRIC_DIMENSIONS.tenant) },
            label: 'delivered',
          }),
          new MathExpression({
            expression: 'SUM(failed)',
            usingMetrics: { failed: searchSum(METRIC_NAMES.webhookDeliveryFailed, METRIC_DIMENSIONS.tenant) },
            label: 'failed attempts',
          }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Commands per tenant', left: [searchSum(METRIC_NAMES.commands, METRIC_DIMENSIONS.tenant)], width: 12 }),
      new GraphWidget({
        title: 'Server errors per route group',
        left: [searchSum(METRIC_NAMES.serverErrors, METRIC_DIMENSIONS.routeGroup)],
        width: 12,
      }),
      // Fair use (docs/fair-use.md): which plants are held to their limits, and how often.
      new GraphWidget({
        title: 'Requests refused over the limit (429) per tenant',
        left: [searchSum(METRIC_NAMES.rateLimited, METRIC_DIMENSIONS.tenant)],
        width: 12,
      }),
    );
  }
}

/**
 * TelemetryStack: equipment telemetry through AWS IoT Core (issue 3, docs/telemetry.md).
 *
 *   device --MQTT (Basic Ingest)--> IoT rule mes_telemetry_state        -> SQS state queue -> Lambda ingest-state
 *   IoT Core lifecycle events    --> IoT rule mes_presence_lifecycle    -> SQS state queue    (presence)
 *                                   IoT rule mes_telemetry_measurements -> Kinesis stream  -> Lambda ingest-measurements
 *   rule error actions, and Kinesis batches that keep failing          -> SQS dead letters (alarmed)
 *
 * The rules come from shared/telemetry/rules.ts, which the local broker (infra/local) applies
 * too; this stack only turns each definition into a topic rule, its target, its role and its
 * consumer. Its own stack because things, certificates and the rule names devices publish to
 * outlive API deployments.
 *
 * Registering a unit or a gateway is done by a plant's admin through the API (issue 17,
 * docs/devices.md): POST /v1/devices makes the thing `<tenantId>:<id>` of the kind's thing type
 * with the attributes the policy confines its topics to, puts it in the plant's thing group,
 * creates its certificate, attaches the kind's policy and attaches the certificate to the thing
 * exclusively (shared/telemetry/iot-device-provisioning.ts), and answers the certificate, its
 * private key and the endpoint once. POST /v1/devices/{id}/revoke deactivates the certificate,
 * closes the device's connection (DeleteConnection) and detaches it. Only the admin API function
 * may create or update things (api-stack.ts, `uses: iot`). A gateway publishes for the units
 * whose master data name it (`gatewayId` on PUT /v1/equipment/{id}); the ingest refuses a
 * sample for a unit that does not name the publishing gateway. Gateway ids share the
 * thing-name space with equipment ids: choose ones no unit has (gw-...); registration refuses
 * a gateway id that is a unit's.
 *
 * The unit then connects with client id <tenantId>:<equipmentId> (its thing name) and publishes
 * to `$aws/rules/<rule>/dt/mes/<tenantId>/<equipmentId>/<type>` (see the stack outputs). A unit
 * with another client id, of another thing type or whose certificate is not attached to its
 * thing cannot connect; without both attributes it cannot publish. IoT Core ends a session
 * when another connects with the same client id, and only the thing's own certificate may
 * connect with that client id, so no one else can take a unit's session over.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPolicy, CfnThingType, CfnTopicRule } from 'aws-cdk-lib/aws-iot';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { basicIngestTopic, ruleSql, TELEMETRY_RULES, telemetryTopic, type TelemetryRule } from '../../shared/telemetry/rules.ts';
import { THING_ATTRIBUTES } from '../../shared/telemetry/device-identity.ts';
import { DEVICE_KINDS, type DeviceKind, devicePublishTopics, deviceSubscriptions, ruleTopics } from '../../shared/telemetry/device-policy.ts';
import { eventFunction, sqsEventSourceProps } from '../constructs/event-function.ts';
import type { MesFunction } from '../constructs/mes-function.ts';
import type { StreamCapacity } from '../stream-capacity.ts';
import { consumerOfRule, type EventFunction, type SqsSource, scheduledFunctions, visibilityTimeoutSecondsOf } from '../event-sources.ts';
import { scheduledFunction } from '../constructs/scheduled-function.ts';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { AUDIT_ANCHOR } from './data-stack.ts';
import { ENV } from '../../shared/config.ts';

/** The IoT SQL version the generated SQL is written for (`encode`, `topic(n)`, `<>`). */
export const IOT_SQL_VERSION = '2016-03-23';
/** Fixed names: plants register units against them, and Basic Ingest topics contain the rule names. */
export const THING_POLICY_NAME = DEVICE_KINDS.unit.policyName;
export const THING_TYPE_NAME = DEVICE_KINDS.unit.thingType;
export const GATEWAY_POLICY_NAME = DEVICE_KINDS.gateway.policyName;
export const GATEWAY_THING_TYPE_NAME = DEVICE_KINDS.gateway.thingType;
/** Policy variables, resolved by IoT Core per connection (`\${...}` is literal text here). */
const THING_NAME = '${iot:Connection.Thing.ThingName}';
const thingAttribute = (name: string) => `\${iot:Connection.Thing.Attributes[${name}]}`;
/** A unit's topics name its tenant and equipment id, which the thing name holds only encoded. */
const THING_TENANT = thingAttribute(THING_ATTRIBUTES.tenantId);
const THING_EQUIPMENT = thingAttribute(THING_ATTRIBUTES.equipmentId);

/** A rule that asks for more than 10 and no window gets 10: still "at once" (infra/event-sources.ts). */
export { SQS_MAX_BATCH_WITHOUT_WINDOW } from '../event-sources.ts';

/**
 * The measurements stream keeps records a day; its consumer's retries and record age
 * (infra/event-sources.ts) stay below that, so a failure record in the dead letters still
 * points at records that can be re-read, within the handlers' 24 h late-data window.
 */
export const KINESIS_RETENTION = Duration.hours(24);

/** Lag above which the telemetry pipeline alarms: queue age and iterator age. */
export const MAX_LAG = Duration.seconds(60);

/**
 * Capacity of the measurements stream: a number of provisioned shards, or 'on-demand'.
 *
 * Default: ONE provisioned shard. The cost target of issue 3 is about $100 a month for a
 * plant of 200 units at one message a second (518 M records a month), a tenth of the naive
 * design. us-east-1 list prices: one provisioned shard is 730 h x $0.015 = $10.95 plus
 * 518 M PUT payload units x $0.014/M = $7.26, about $18 a month (without gateway batching);
 * on-demand is 730 h x $0.04 = $29.20 per stream plus $0.08/GB ingested with every record
 * rounded up to 1 KB (about 494 GB: $40) plus $0.04/GB read, $75-90 a month, most of the
 * budget. One shard takes 1,000 records or 1 MB a second: 200 msg/s uses a fifth of it, and
 * gateway batching (several samples per message) leaves room for several plants. Past that,
 * raise the shard count (`-c mes:telemetryShards=N`, an in-place UpdateShardCount), or switch to
 * `on-demand` when the load is too spiky to plan. Or let the expected load decide
 * (`-c mes:telemetryUnits=600 -c mes:telemetryMessageRate=1`: infra/stream-capacity.ts
 * shardsFor). Partition key = tenant, so any shard count keeps one tenant on one shard, and
 * within it in one of the consumer's ten lanes, consumed in order.
 */
export type { StreamCapacity } from '../stream-capacity.ts';

export interface TelemetryStackProps extends StackProps {
  /** The table of the DataStack. */
  readonly table: ITable;
  /** Reported in the functions' logs, to tell deployments apart. */
  readonly appVersion: string;
  /** @default 1 (one provisioned shard, see StreamCapacity) */
  readonly streamCapacity?: StreamCapacity;
  /** Minutes between runs of the live view's refresh job (OEE today). @default SCHEDULED_FUNCTIONS.refreshLiveView.everyMinutes */
  readonly liveViewRefreshMinutes?: number;
}

/** The publish resources for one rule, confined to the unit's tenant and equipment id (shared/telemetry/device-policy.ts). */
export const ownTopics = (rule: TelemetryRule): string[] => ruleTopics(rule, THING_TENANT, THING_EQUIPMENT);

export class TelemetryStack extends Stack {
  readonly stateQueue: Queue;
  readonly stateDeadLetters: Queue;
  /** Rule error actions and measurement batches that failed for good. */
  readonly deadLetters: Queue;
  readonly measurementsStream: Stream;
  readonly rules: Readonly<Record<keyof typeof TELEMETRY_RULES, CfnTopicRule>>;
  readonly consumers: Readonly<{ state: MesFunction; measurements: MesFunction }>;
  /** The scheduled jobs (infra/event-sources.ts SCHEDULED_FUNCTIONS) and the schedules that run them. */
  readonly scheduled: Readonly<Record<string, { mes: MesFunction; rule: Rule }>>;
  /** The live view's refresh job and the schedule that runs it. */
  readonly liveViewRefresh: { mes: MesFunction; rule: Rule };
  readonly alarmTopic: Topic;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: TelemetryStackProps) {
    super(scope, id, props);
    const stateFn = consumerOfRule('state')[1] as EventFunction & { source: SqsSource };

    // ---- Queues and stream ----------------------------------------------------------------

    // SQS-managed encryption, not KMS: IoT and Lambda need no key grants, and there is no key
    // to pay for. Fourteen days (the maximum) to look into what failed.
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue: the IoT rules' error actions and the Kinesis event source's " +
        'on-failure destination write to it, nothing consumes it, and it is alarmed. cdk-nag only recognizes queues ' +
        "named in another queue's redrive policy or a function's DeadLetterConfig as dead-letter queues.",
    });

    // Its own dead-letter queue, not the one above: it holds only state envelopes, so after a
    // fix it can be redriven to the state queue as a whole.
    this.stateDeadLetters = new Queue(this, 'StateDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.stateQueue = new Queue(this, 'StateQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's advice: six times the consumer's timeout, so throttled retries do not
      // redeliver a batch that is still being processed.
      visibilityTimeout: Duration.seconds(visibilityTimeoutSecondsOf(stateFn)),
      deadLetterQueue: { queue: this.stateDeadLetters, maxReceiveCount: stateFn.source.maxReceiveCount },
    });

    const capacity = props.streamCapacity ?? 1;
    this.measurementsStream = new Stream(this, 'MeasurementsStream', {
      ...(capacity === 'on-demand' ? { streamMode: StreamMode.ON_DEMAND } : { streamMode: StreamMode.PROVISIONED, shardCount: capacity }),
      // The AWS managed key (alias/aws/kinesis): no key to pay for or grant; IoT and Lambda use it
      // without key policy statements.
      encryption: StreamEncryption.MANAGED,
      // The minimum and the price included: consumers are seconds behind, the dead letters say
      // which range to re-read, and the handlers accept data up to 24 h late anyway.
      retentionPeriod: KINESIS_RETENTION,
      // Holds at most a day of records that were already consumed.
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // ---- IoT rules ---------------------------------------------------------------------------

    const resources = {
      table: props.table,
      queues: { telemetryState: this.stateQueue, telemetryStateDeadLetters: this.stateDeadLetters, telemetryDeadLetters: this.deadLetters },
      streams: { telemetryMeasurements: this.measurementsStream },
    };
    const sqsAction = (queue: Queue, roleArn: string): CfnTopicRule.ActionProperty => ({
      sqs: { queueUrl: queue.queueUrl, roleArn, useBase64: false },
    });
    /** The rule sends to the queue or stream its consumer reads (infra/event-sources.ts). */
    const actionOf = (key: keyof typeof TELEMETRY_RULES, rule: TelemetryRule, role: Role): CfnTopicRule.ActionProperty => {
      const { source } = consumerOfRule(key)[1];
      if (source.kind !== rule.target) throw new Error(`rule ${rule.name} targets ${rule.target}, its consumer reads ${source.kind}`);
      if (source.kind === 'sqs') {
        const queue = resources.queues[source.queue as keyof typeof resources.queues];
        role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
        return sqsAction(queue, role.roleArn);
      }
      const stream = resources.streams[source.stream as keyof typeof resources.streams];
      if (!rule.partitionKey) throw new Error(`rule ${rule.name} sends to Kinesis but has no partitionKey`);
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['kinesis:PutRecord'], resources: [stream.streamArn] }));
      return { kinesis: { streamName: stream.streamName, partitionKey: rule.partitionKey, roleArn: role.roleArn } };
    };

    const rules: Partial<Record<keyof typeof TELEMETRY_RULES, CfnTopicRule>> = {};
    for (const [key, rule] of Object.entries(TELEMETRY_RULES) as [keyof typeof TELEMETRY_RULES, TelemetryRule][]) {
      const id = pascal(key);
      // One role per rule, assumable by IoT only for this rule of this account (confused deputy),
      // allowed exactly the rule's action and its error action.
      const role = new Role(this, `${id}RuleRole`, {
        description: `IoT rule ${rule.name}: its action and error action only`,
        assumedBy: new ServicePrincipal('iot.amazonaws.com').withConditions({
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnEquals: { 'aws:SourceArn': this.formatArn({ service: 'iot', resource: 'rule', resourceName: rule.name }) },
        }),
      });
      const action = actionOf(key, rule, role);
      role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }));

      const topicRule = new CfnTopicRule(this, `${id}Rule`, {
        ruleName: rule.name,
        topicRulePayload: {
          description: rule.description,
          sql: ruleSql(rule),
          awsIotSqlVersion: IOT_SQL_VERSION,
          ruleDisabled: false,
          actions: [action],
          errorAction: sqsAction(this.deadLetters, role.roleArn),
        },
      });
      // IoT checks the role when the rule is created; the first messages need its policy.
      topicRule.node.addDependency(role);
      rules[key] = topicRule;
    }
    this.rules = rules as Record<keyof typeof TELEMETRY_RULES, CfnTopicRule>;

    // ---- Consumers: built from infra/event-sources.ts ---------------------------------------

    const consumer = (rule: keyof typeof TELEMETRY_RULES) => {
      const [id, fn] = consumerOfRule(rule);
      return eventFunction(this, pascal(id), fn, { appVersion: props.appVersion, resources });
    };
    const stateConsumer = consumer('state');
    const measurementsConsumer = consumer('measurements');
    this.consumers = { state: stateConsumer, measurements: measurementsConsumer };

    // ---- Scheduled jobs (the daily rollup, the live view's refresh): built from infra/event-sources.ts

    this.scheduled = Object.fromEntries(
      scheduledFunctions('telemetry').map(([id, fn]) => [
        id,
        scheduledFunction(this, pascal(id), fn, {
          appVersion: props.appVersion,
          table: props.table,
          everyMinutes: id === 'refreshLiveView' ? props.liveViewRefreshMinutes : undefined,
        }),
      ]),
    );
    this.liveViewRefresh = this.scheduled.refreshLiveView as { mes: MesFunction; rule: Rule };
    const checkpoints = (this.scheduled as Record<string, { mes: MesFunction } | undefined>).checkpointAudit;
    if (checkpoints) {
      // The DataStack's Object Lock bucket: put (conditional, never over an object) and get only; no delete, no retention or legal hold change, no bypass.
      checkpoints.mes.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:PutObject', 's3:GetObjectVersion'], resources: [AUDIT_ANCHOR.objectsArn] }),
      );
      // A checkpoint's copy is read by its first version (functions/lib/audit-anchor.ts).
      checkpoints.mes.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: [AUDIT_ANCHOR.bucketArn] }));
      checkpoints.mes.function.addEnvironment(ENV.auditAnchorBucket, AUDIT_ANCHOR.bucketName);
      Validations.of(checkpoints.mes.role.node.findChild('DefaultPolicy')).acknowledge({
        id: AUDIT_ANCHOR.nagObjects,
        reason: AUDIT_ANCHOR.nagReason,
      });
    }

    // ---- Devices -----------------------------------------------------------------------------

    // One thing type and one policy per kind of device (shared/telemetry/device-policy.ts
    // DEVICE_KINDS): a unit and a gateway have the same rights on their own topics; a gateway
    // publishes FOR the units whose master data name it, which the ingest checks.
    const iotArn = (resource: string) => `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    for (const [kind, device] of Object.entries(DEVICE_KINDS) as [DeviceKind, (typeof DEVICE_KINDS)[DeviceKind]][]) {
      const id = kind === 'unit' ? 'Equipment' : pascal(kind);
      new CfnThingType(this, `${id}ThingType`, {
        thingTypeName: device.thingType,
        thingTypeProperties: { thingTypeDescription: device.description, searchableAttributes: Object.values(device.attributes) },
      });
      // The device policy of shared/telemetry/device-policy.ts, which the local broker applies too.
      const [tenant, own] = [thingAttribute(device.attributes.tenantId), thingAttribute(device.idAttribute)];
      const publishTopics = devicePublishTopics(tenant, own);
      const subscriptions = deviceSubscriptions(tenant, own);
      new CfnPolicy(this, `${id}Policy`, {
        policyName: device.policyName,
        policyDocument: new PolicyDocument({
          statements: [
            // Only as itself: client id = thing name, only with a certificate attached to that
            // thing, and only a thing of this kind (the type the attributes come with).
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['iot:Connect'],
              resources: [iotArn(`client/${THING_NAME}`)],
              conditions: {
                Bool: { 'iot:Connection.Thing.IsAttached': 'true' },
                StringEquals: { 'iot:Connection.Thing.ThingTypeName': device.thingType },
              },
            }),
            // Only its own telemetry topics, under its own tenant.
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['iot:Publish'],
              resources: publishTopics.map((topic) => iotArn(`topic/${topic}`)),
            }),
            // Today none: devices only report.
            ...(subscriptions.length > 0
              ? [
                  new PolicyStatement({
                    effect: Effect.ALLOW,
                    actions: ['iot:Subscribe'],
                    resources: subscriptions.map((t) => iotArn(`topicfilter/${t}`)),
                  }),
                  new PolicyStatement({ effect: Effect.ALLOW, actions: ['iot:Receive'], resources: subscriptions.map((t) => iotArn(`topic/${t}`)) }),
                ]
              : []),
          ],
        }),
      });
    }

    // ---- Alarms ------------------------------------------------------------------------------

    // CloudWatch can only publish to an encrypted topic through a customer managed key whose
    // policy lets it use the key (the AWS managed aws/sns key cannot be shared).
    const alarmKey = new Key(this, 'AlarmTopicKey', {
      description: 'MES telemetry alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    alarmKey.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudWatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] }),
    );
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'MES telemetry alarms',
      masterKey: alarmKey,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );

    const alarm = (aid: string, description: string, metric: IMetric, threshold: number, evaluationPeriods: number) => {
      const a = new Alarm(this, aid, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods,
        // Quiet nights and idle queues report nothing; that is not a problem.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new SnsAction(this.alarmTopic));
      a.addOkAction(new SnsAction(this.alarmTopic));
      return a;
    };
    const minute = Duration.minutes(1);
    this.alarms = [
      alarm(
        'DeadLettersAlarm',
        'Telemetry was lost to the dead letters: an IoT rule action failed, or measurement records failed for good.',
        this.deadLetters.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: minute }),
        0,
        1,
      ),
      alarm(
        'StateDeadLettersAlarm',
        'State messages failed five times and were parked; redrive them to the state queue after a fix.',
        this.stateDeadLetters.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: minute }),
        0,
        1,
      ),
      alarm(
        'StateQueueAgeAlarm',
        `Equipment states wait more than ${MAX_LAG.toSeconds()} s: the live status is behind.`,
        this.stateQueue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: minute }),
        MAX_LAG.toSeconds(),
        3,
      ),
      alarm(
        'MeasurementsIteratorAgeAlarm',
        `The measurements consumer is more than ${MAX_LAG.toSeconds()} s behind the stream.`,
        measurementsConsumer.function.metric('IteratorAge', { statistic: 'Maximum', period: minute }),
        MAX_LAG.toMilliseconds(),
        3,
      ),
    ];

    // ---- Outputs -----------------------------------------------------------------------------

    new CfnOutput(this, 'IotDataEndpoint', {
      description: 'The MQTT host units connect to (port 8883, or 443 with ALPN x-amzn-mqtt-ca)',
      value: 'aws iot describe-endpoint --endpoint-type iot:Data-ATS',
    });
    for (const [key, rule] of Object.entries(TELEMETRY_RULES) as [string, TelemetryRule][]) {
      const example = telemetryTopic('<tenantId>', '<equipmentId>', key === 'state' ? 'state' : 'counts');
      new CfnOutput(this, `${pascal(key)}RuleName`, { description: rule.description, value: rule.name });
      // IoT Core publishes the lifecycle events itself: no device topic to show.
      if (rule.publishedBy === 'iot') continue;
      new CfnOutput(this, `${pascal(key)}BasicIngestTopic`, {
        description: `Basic Ingest topic of ${rule.name} (no messaging charge)`,
        value: basicIngestTopic(rule, example),
      });
    }
    new CfnOutput(this, 'ThingPolicyName', { description: "Attach to each unit's certificate", value: THING_POLICY_NAME });
    new CfnOutput(this, 'ThingTypeName', {
      description: 'Create each unit as thing <tenantId>:<equipmentId> of this type, with attributes tenantId and equipmentId',
      value: THING_TYPE_NAME,
    });
    new CfnOutput(this, 'GatewayPolicyName', { description: "Attach to each gateway's certificate", value: GATEWAY_POLICY_NAME });
    new CfnOutput(this, 'GatewayThingTypeName', {
      description: 'Create each gateway as thing <tenantId>:<gatewayId> of this type, with attributes tenantId and gatewayId',
      value: GATEWAY_THING_TYPE_NAME,
    });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Subscribe the on-call address here', value: this.alarmTopic.topicArn });
  }
}

/** The SQS event source settings of a rule's batching (see SQS_MAX_BATCH_WITHOUT_WINDOW). */
export const sqsBatching = (rule: TelemetryRule): { batchSize: number; maxBatchingWindow?: Duration; reportBatchItemFailures: true } =>
  sqsEventSourceProps(rule);

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

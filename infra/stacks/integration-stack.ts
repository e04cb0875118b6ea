/**
 * IntegrationStack: the transactional outbox and outbound webhooks (issue 4, docs/webhooks.md).
 *
 *   work order command --TransactWriteItems--> table (state change + EVT# outbox item)
 *   table stream --filter: INSERT of an OutboxEvent--> Lambda dispatch-outbox --> webhook messages
 *                                                                          \--> SQS delivery queue
 *   SQS delivery queue --> Lambda deliver-webhook --signed POST--> subscriber (Standard Webhooks)
 *                                              \--> the next attempt, delayed, on the same queue
 *   dispatch batches that keep failing        --> SQS dispatch dead letters (alarmed)
 *   delivery jobs that keep failing           --> SQS delivery dead letters (alarmed)
 *
 * Also the KMS key that seals integration secrets (webhook signing secrets, inbound ERP
 * credentials): the API stack grants it, and the queue, to the routes whose table entry `uses`
 * them. infra/local runs the same two functions with a stream poller and an in-process queue.
 * Its own stack so retries, queues and alarms change without touching the API.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/config.ts';
import { AlarmTopic } from '../constructs/alarm-topic.ts';
import { eventFunction } from '../constructs/event-function.ts';
import type { MesFunction } from '../constructs/mes-function.ts';
import { EVENT_FUNCTIONS, type EventFunctionUse, visibilityTimeoutSecondsOf } from '../event-sources.ts';

export interface IntegrationStackProps extends StackProps {
  /** The table of the DataStack; its stream carries the outbox. */
  readonly table: ITable;
  /** Reported in the functions' logs, to tell deployments apart. */
  readonly appVersion: string;
}

const { deliverWebhook } = EVENT_FUNCTIONS;

/** The functions' settings live in infra/event-sources.ts; these names stay for the alarms and tests. */
export const DELIVERER_TIMEOUT = Duration.seconds(deliverWebhook.timeoutSeconds);
/** Lambda's advice for SQS sources: at least six times the consumer's timeout. */
export const DELIVERY_VISIBILITY_TIMEOUT = Duration.seconds(visibilityTimeoutSecondsOf(deliverWebhook));
export const DELIVERY_MAX_RECEIVE_COUNT = deliverWebhook.source.maxReceiveCount;
/** Outbox lag above which the dispatcher alarms. */
export const MAX_DISPATCH_LAG = Duration.seconds(60);

export class IntegrationStack extends Stack {
  /** Seals integration secrets (KMS Encrypt/Decrypt with a tenant-bound encryption context). */
  readonly secretsKey: Key;
  /** Delivery attempts (DeliveryJob JSON), each delayed until due. */
  readonly deliveryQueue: Queue;
  readonly deliveryDeadLetters: Queue;
  /** Failure records of stream batches the dispatcher gave up on. */
  readonly dispatchDeadLetters: Queue;
  readonly dispatcher: MesFunction;
  readonly deliverer: MesFunction;
  readonly alarmTopic: AlarmTopic;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: IntegrationStackProps) {
    super(scope, id, props);

    // ---- Secrets key ----------------------------------------------------------------------------

    this.secretsKey = new Key(this, 'SecretsKey', {
      description: 'MES integration secrets: webhook signing secrets and inbound ERP credentials, sealed per tenant',
      enableKeyRotation: true,
      // The sealed secrets live in the retained table: without the key they cannot be opened.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---- Queues ---------------------------------------------------------------------------------

    // SQS-managed encryption: the jobs carry ids only, never a secret, and Lambda needs no key
    // grant to read them. Fourteen days (the maximum) to look into what failed.
    const queueDefaults = { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;
    this.deliveryDeadLetters = new Queue(this, 'DeliveryDeadLetters', { ...queueDefaults, retentionPeriod: Duration.days(14) });
    this.deliveryQueue = new Queue(this, 'DeliveryQueue', {
      ...queueDefaults,
      visibilityTimeout: DELIVERY_VISIBILITY_TIMEOUT,
      deadLetterQueue: { queue: this.deliveryDeadLetters, maxReceiveCount: DELIVERY_MAX_RECEIVE_COUNT },
    });
    this.dispatchDeadLetters = new Queue(this, 'DispatchDeadLetters', { ...queueDefaults, retentionPeriod: Duration.days(14) });
    Validations.of(this.dispatchDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue: the dispatcher's stream event source writes the failure records of " +
        'batches it gave up on to it (on-failure destination), nothing consumes it, and it is alarmed. cdk-nag only ' +
        "recognizes queues named in another queue's redrive policy or a function's DeadLetterConfig as dead-letter queues.",
    });

    // ---- Functions ------------------------------------------------------------------------------

    const resources = {
      table: props.table,
      queues: {
        webhookDeliveries: this.deliveryQueue,
        webhookDeliveryDeadLetters: this.deliveryDeadLetters,
        dispatchDeadLetters: this.dispatchDeadLetters,
      },
    };
    const grantUse = (fn: MesFunction, use: EventFunctionUse) => {
      if (use === 'webhookQueue') {
        fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deliveryQueue.queueArn] }));
        fn.function.addEnvironment(ENV.webhookQueueUrl, this.deliveryQueue.queueUrl);
      } else {
        fn.role.addToPrincipalPolicy(secretsKeyStatement(this.secretsKey, ['kms:Decrypt']));
        fn.function.addEnvironment(ENV.secretsKeyId, this.secretsKey.keyArn);
      }
    };
    const build = (id: 'dispatchOutbox' | 'deliverWebhook') =>
      eventFunction(this, pascal(id), EVENT_FUNCTIONS[id], { appVersion: props.appVersion, resources, grantUse });

    this.dispatcher = build('dispatchOutbox');
    Validations.of(this.dispatcher.role.node.findChild('DefaultPolicy')).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which a Lambda event source on a DynamoDB stream needs, has no resource-level ' +
        "permissions; everything else this role may do names the table, its stream, its GSIs or the queue. The wildcard is the stream event source's own grant.",
    });
    this.deliverer = build('deliverWebhook');

    // ---- Alarms ---------------------------------------------------------------------------------

    this.alarmTopic = new AlarmTopic(this, 'Alarms', { subject: 'MES integration' });
    const minute = Duration.minutes(1);
    this.alarms = [
      this.alarmTopic.alarm('DispatchDeadLettersAlarm', {
        description:
          'Outbox events were not dispatched: stream batches failed for good. The dead letters name the shard and range; the EVT# items are still in the table.',
        metric: this.dispatchDeadLetters.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: minute }),
        threshold: 0,
        evaluationPeriods: 1,
      }),
      this.alarmTopic.alarm('DeliveryDeadLettersAlarm', {
        description: `Webhook delivery jobs failed ${DELIVERY_MAX_RECEIVE_COUNT} times and were parked; their messages stay pending. Redrive them to the delivery queue after a fix.`,
        metric: this.deliveryDeadLetters.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: minute }),
        threshold: 0,
        evaluationPeriods: 1,
      }),
      this.alarmTopic.alarm('DispatchIteratorAgeAlarm', {
        description: `The outbox dispatcher is more than ${MAX_DISPATCH_LAG.toSeconds()} s behind the table stream: webhooks are late.`,
        metric: this.dispatcher.function.metric('IteratorAge', { statistic: 'Maximum', period: minute }),
        threshold: MAX_DISPATCH_LAG.toMilliseconds(),
        evaluationPeriods: 3,
      }),
    ];

    new CfnOutput(this, 'DeliveryQueueUrl', { description: 'Webhook delivery attempts (SQS)', value: this.deliveryQueue.queueUrl });
    new CfnOutput(this, 'SecretsKeyArn', { description: 'KMS key sealing integration secrets', value: this.secretsKey.keyArn });
    new CfnOutput(this, 'AlarmTopicArn', { description: 'Subscribe the on-call address here', value: this.alarmTopic.topic.topicArn });
  }
}

/**
 * Use of the secrets key with a tenant-bound encryption context only: every sealed secret names
 * its tenant (functions/lib/secret-box.ts passes it as KMS encryption context), so this key
 * cannot be used as a general-purpose encryption oracle.
 */
export function secretsKeyStatement(key: { keyArn: string }, actions: ('kms:Encrypt' | 'kms:Decrypt')[]): PolicyStatement {
  return new PolicyStatement({
    actions,
    resources: [key.keyArn],
    conditions: { Null: { 'kms:EncryptionContext:tenantId': 'false' } },
  });
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

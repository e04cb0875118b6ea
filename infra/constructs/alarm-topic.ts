/**
 * AlarmTopic: an SNS topic CloudWatch alarms can notify, and `alarm()` to make such alarms.
 * Encrypted (cdk-nag SNS2) with a customer managed key, because CloudWatch can only publish to
 * an encrypted topic through a key whose policy lets it use the key; the AWS managed aws/sns
 * key cannot be shared. Publishing is confined to this account's CloudWatch.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** What the topic's notifications are about, e.g. `MES integration`. */
  readonly subject: string;
}

export interface AlarmProps {
  readonly description: string;
  readonly metric: IMetric;
  /** Alarms when the metric is above this. */
  readonly threshold: number;
  readonly evaluationPeriods: number;
}

export class AlarmTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: `${props.subject} alarm topic`,
      enableKeyRotation: true,
      // It encrypts notifications in flight only: nothing stored depends on it.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    this.key.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudWatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] }),
    );
    this.topic = new Topic(this, 'Topic', { displayName: `${props.subject} alarms`, masterKey: this.key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
  }

  /** An alarm that notifies this topic when it goes off and when it clears. */
  alarm(id: string, props: AlarmProps): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: props.evaluationPeriods,
      // Idle queues and quiet nights report nothing; that is not a problem.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    return alarm;
  }
}

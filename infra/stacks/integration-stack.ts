/**
 * IntegrationStack: talking to other systems, empty for now. Filled by issue 4, "Transactional
 * outbox dispatcher" (the table stream to functions/streams/, Standard Webhooks to ERP and
 * other subscribers), and by the scheduled jobs under functions/jobs/.
 * Its own stack so retries, queues and subscriber endpoints change without touching the API.
 */
import { CfnWaitConditionHandle, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export class IntegrationStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // CloudFormation rejects a template without resources; this no-op resource goes when the
    // first real one lands.
    new CfnWaitConditionHandle(this, 'Placeholder');
  }
}

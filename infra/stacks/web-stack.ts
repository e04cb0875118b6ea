/**
 * WebStack: hosting of the supervisor web app (web/), empty for now. Filled by the issue
 * "Supervisor web app": a private S3 bucket behind CloudFront, whose origin then joins the
 * web origins the Cognito app client accepts as OAuth callbacks (see infra/app.ts).
 * Its own stack because the static site deploys far more often than anything else.
 */
import { CfnWaitConditionHandle, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export class WebStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // CloudFormation rejects a template without resources; this no-op resource goes when the
    // first real one lands.
    new CfnWaitConditionHandle(this, 'Placeholder');
  }
}

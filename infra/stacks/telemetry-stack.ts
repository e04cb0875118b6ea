/**
 * TelemetryStack: machine data collection, empty for now. Filled by the issue "Machine
 * telemetry over AWS IoT Core": things and policies per work center, the IoT rules that the
 * local MQTT broker (infra/local) mirrors, and the functions under functions/iot/.
 * Its own stack because devices and certificates outlive API deployments.
 */
import { CfnWaitConditionHandle, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export class TelemetryStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // CloudFormation rejects a template without resources; this no-op resource goes when the
    // first real one lands.
    new CfnWaitConditionHandle(this, 'Placeholder');
  }
}

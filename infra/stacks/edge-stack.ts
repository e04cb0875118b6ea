/**
 * EdgeStack: the web ACL in front of the web app's CloudFront distribution (docs/operations.md,
 * WAF). CloudFront takes only web ACLs of scope CLOUDFRONT, which live in us-east-1, so this
 * small stack is pinned there; every other stack stays environment-agnostic. It publishes the
 * ACL's ARN as an SSM parameter in us-east-1, which the web stack reads at deploy time
 * (webAclArnReader below), so `cdk deploy --all` needs no value carried by hand. (CDK's
 * crossRegionReferences does the same, but only between stacks with concrete regions.)
 *
 * Rules, in order: the IP reputation list (bots, scanners), a rate limit per client IP, the
 * known bad inputs and the common rule set (OWASP-style), all AWS managed. The app is static
 * files, so the rules mostly keep scanners and floods off the distribution (and its bill).
 *
 * The HTTP API gets no web ACL: WAF attaches to REST APIs, not HTTP APIs (docs/operations.md says
 * what it would take and cost to put the API behind CloudFront instead).
 */
import { Arn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';

/** CloudFront web ACLs live here, whatever the region of the rest. */
export const EDGE_REGION = 'us-east-1';
/** Where the web ACL's ARN is published, in EDGE_REGION. */
export const WEB_ACL_ARN_PARAMETER = '/mes/edge/web-acl-arn';
/** Requests per client IP per 5 minutes before it is blocked for a while (AWS WAF's window). */
export const WEB_RATE_LIMIT_PER_5_MINUTES = 2000;

const managed = (name: string, priority: number): CfnWebACL.RuleProperty => ({
  name,
  priority,
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
  overrideAction: { none: {} },
  visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
});

export class EdgeStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, env: { ...props.env, region: EDGE_REGION } });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: 'mes-web',
      description: 'MES web app on CloudFront, AWS managed rule groups and a rate limit per IP',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'mes-web', sampledRequestsEnabled: true },
      rules: [
        managed('AWSManagedRulesAmazonIpReputationList', 0),
        {
          name: 'RatePerIp',
          priority: 1,
          statement: { rateBasedStatement: { limit: WEB_RATE_LIMIT_PER_5_MINUTES, aggregateKeyType: 'IP' } },
          action: { block: {} },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'RatePerIp', sampledRequestsEnabled: true },
        },
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        managed('AWSManagedRulesCommonRuleSet', 3),
      ],
    });
    new StringParameter(this, 'WebAclArn', {
      parameterName: WEB_ACL_ARN_PARAMETER,
      description: "The MES web app's CloudFront web ACL (read by the web stack at deploy time)",
      stringValue: this.webAcl.attrArn,
    });
  }
}

/** The web ACL's ARN, read from EDGE_REGION's parameter when the web stack deploys (a custom resource, refreshed on every deploy). */
export function webAclArnReader(scope: Construct, id: string): string {
  const stack = Stack.of(scope);
  const parameterArn = Arn.format(
    { service: 'ssm', region: EDGE_REGION, resource: 'parameter', resourceName: WEB_ACL_ARN_PARAMETER.slice(1) },
    stack,
  );
  const call = {
    service: 'SSM',
    action: 'getParameter',
    parameters: { Name: WEB_ACL_ARN_PARAMETER },
    region: EDGE_REGION,
    // The ACL keeps its ARN for its life (the edge stack replaces it only if its name changes).
    physicalResourceId: PhysicalResourceId.of(WEB_ACL_ARN_PARAMETER),
  };
  const reader = new AwsCustomResource(scope, id, {
    onCreate: call,
    onUpdate: call,
    policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [parameterArn] }),
    installLatestAwsSdk: false,
  });
  return reader.getResponseField('Parameter.Value');
}

/** The findings of the one Lambda function aws-cdk-lib's AwsCustomResource makes per stack: its grants are CDK's. */
export function acknowledgeAwsCustomResource(stack: Stack): void {
  const provider = stack.node.tryFindChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  if (!provider) return;
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: "aws-cdk-lib's AwsCustomResource provider comes with the AWS managed basic execution policy: it writes its own logs and nothing else.",
  });
  Validations.of(provider).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      "The runtime of aws-cdk-lib's AwsCustomResource provider is chosen by aws-cdk-lib and moves with its upgrades; the construct offers no setting for it.",
  });
}

/**
 * LiveStack: the live feed to browsers (issue 13, shared/telemetry/live-feed.ts).
 *
 *   table stream --(filter: live view entries)--> Lambda publish-live --IoT data plane Publish--> feed/mes/{tenant}/units/{unit}
 *   browser --Cognito ID token--> identity pool --credentials (tenant as principal tag)--> MQTT over WebSocket, SigV4
 *
 * A browser may subscribe to, and receive from, its own tenant's feed only, and publish nowhere:
 * the browser role's IAM policy renders `viewerSubscriptions` with the tenant principal tag
 * (the user pool's `custom:tenantId` claim, mapped by the identity pool as attributes for access
 * control), the rule the local broker applies to the same topics. IoT Core also needs an IoT
 * policy attached to each authenticated Cognito identity (AttachPolicy, target = identity id);
 * it grants only reading the feed, and IoT allows what both policies allow, so the IAM policy's
 * tenant condition is what confines a browser to its tenant.
 *
 * The account's IoT data endpoint (`aws iot describe-endpoint --endpoint-type iot:Data-ATS`) is
 * the `mes:iotEndpoint` context: the publisher publishes there, and the web app's config.json
 * names it. Without it the publisher uses the SDK's regional endpoint and the web app polls.
 */
import { Aws, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  CfnIdentityPool,
  CfnIdentityPoolPrincipalTag,
  CfnIdentityPoolRoleAttachment,
  type IUserPool,
  type IUserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, FederatedPrincipal, type IRole, Policy, PolicyDocument, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import { CfnPolicy } from 'aws-cdk-lib/aws-iot';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { ENV } from '../../shared/config.ts';
import { CLAIMS } from '../../shared/auth/claims.ts';
import {
  BROWSER_IDENTITY_POOL_PARAMETER,
  BROWSER_IOT_POLICY_NAME,
  LIVE_FEED_PREFIX,
  VIEWER_CLIENT_PREFIX,
  viewerSubscriptions,
} from '../../shared/telemetry/live-feed.ts';
import type { LiveFeedConfig } from '../../web/src/config.ts';
import { eventFunction } from '../constructs/event-function.ts';
import type { MesFunction } from '../constructs/mes-function.ts';
import { EVENT_FUNCTIONS } from '../event-sources.ts';

/** The principal tag that carries the tenant (from the ID token's custom:tenantId). */
export const TENANT_TAG = 'tenantId';
/** Fixed name: attached to each browser's Cognito identity. */
export { BROWSER_IOT_POLICY_NAME };

export interface LiveStackProps extends StackProps {
  readonly table: ITable;
  readonly appVersion: string;
  readonly userPool: IUserPool;
  readonly webClient: IUserPoolClient;
  /** The account's IoT Data-ATS host (mes:iotEndpoint); undefined = not known at synth. */
  readonly iotEndpoint?: string | undefined;
  /** Roles of the API functions that start live feed sessions (ApiStack.liveSessionRoles): granted GetId on the identity pool. */
  readonly sessionRoles?: readonly IRole[];
}

export class LiveStack extends Stack {
  readonly publisher: MesFunction;
  readonly deadLetters: Queue;
  readonly identityPool: CfnIdentityPool;
  readonly browserRole: Role;
  /** What the web app's config.json says about the feed, when the endpoint is known. */
  readonly webConfig: LiveFeedConfig | undefined;

  constructor(scope: Construct, id: string, props: LiveStackProps) {
    super(scope, id, props);
    const iotArn = (resource: string) => `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;

    // ---- Publisher: the table stream's live view entries to IoT Core ----------------------
    this.deadLetters = new Queue(this, 'PublishDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is itself a dead-letter queue: the live feed publisher's on-failure destination (shard and sequence range " +
        'of a batch that kept failing). cdk-nag only recognizes queues named in a redrive policy as dead-letter queues.',
    });
    const fn = EVENT_FUNCTIONS.publishLive;
    this.publisher = eventFunction(this, 'PublishLive', fn, {
      appVersion: props.appVersion,
      resources: { table: props.table, queues: { publishLiveDeadLetters: this.deadLetters } },
      grantUse: (mes, use) => {
        if (use !== 'iotPublishLive') throw new Error(`${fn.handler} uses ${use}, which the live stack does not grant`);
        mes.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:Publish'], resources: [iotArn(`topic/${LIVE_FEED_PREFIX}/*`)] }));
        if (props.iotEndpoint) mes.function.addEnvironment(ENV.iotDataEndpoint, `https://${props.iotEndpoint}`);
      },
    });

    const defaultPolicy = this.publisher.role.node.findChild('DefaultPolicy');
    Validations.of(defaultPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which a Lambda event source on a DynamoDB stream needs, has no resource-level ' +
        "permissions; everything else this role may do names the table, its stream, its GSIs or the queue. The wildcard is the stream event source's own grant.",
    });
    Validations.of(defaultPolicy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:topic/${LIVE_FEED_PREFIX}/*]`,
      reason:
        "The publisher publishes every tenant's live view changes, each to its unit's topic under the live feed: the wildcard is the feed's " +
        'topics (one per tenant and unit, not known at deploy time), and nothing else.',
    });

    // ---- Browsers: Cognito identities, read-only on their tenant's feed --------------------
    this.identityPool = new CfnIdentityPool(this, 'BrowserIdentityPool', {
      allowUnauthenticatedIdentities: false,
      allowClassicFlow: false,
      cognitoIdentityProviders: [
        { clientId: props.webClient.userPoolClientId, providerName: props.userPool.userPoolProviderName, serverSideTokenCheck: true },
      ],
    });
    // Attributes for access control: the ID token's tenant claim becomes the session's principal tag.
    new CfnIdentityPoolPrincipalTag(this, 'TenantPrincipalTag', {
      identityPoolId: this.identityPool.ref,
      identityProviderName: props.userPool.userPoolProviderName,
      principalTags: { [TENANT_TAG]: CLAIMS.tenantId },
      useDefaults: false,
    });
    const tenant = `\${aws:PrincipalTag/${TENANT_TAG}}`;
    const filters = viewerSubscriptions(tenant);
    this.browserRole = new Role(this, 'BrowserRole', {
      description: "Signed-in browsers: MQTT over WebSocket, subscribe and receive on their tenant's live feed only",
      assumedBy: new FederatedPrincipal(
        'cognito-identity.amazonaws.com',
        {
          StringEquals: { 'cognito-identity.amazonaws.com:aud': this.identityPool.ref },
          'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
        },
        'sts:AssumeRoleWithWebIdentity',
      ).withSessionTags(),
      maxSessionDuration: Duration.hours(1),
      inlinePolicies: {
        liveFeed: new PolicyDocument({
          statements: [
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['iot:Connect'],
              resources: [iotArn(`client/${VIEWER_CLIENT_PREFIX}*`)],
              conditions: { StringLike: { [`aws:PrincipalTag/${TENANT_TAG}`]: '?*' } },
            }),
            new PolicyStatement({ effect: Effect.ALLOW, actions: ['iot:Subscribe'], resources: filters.map((f) => iotArn(`topicfilter/${f}`)) }),
            new PolicyStatement({
              effect: Effect.ALLOW,
              actions: ['iot:Receive'],
              resources: filters.map((f) => iotArn(`topic/${f.replace(/#$/, '*')}`)),
            }),
          ],
        }),
      },
    });
    Validations.of(this.browserRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:client/${VIEWER_CLIENT_PREFIX}*]`,
      reason:
        'A browser connects with a client id of its own making (viewer- and a random suffix, one per tab), which grants nothing by ' +
        'itself: what it may read is the subscription and receive statements, confined to its tenant by the principal tag.',
    });
    Validations.of(this.browserRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:topic/${LIVE_FEED_PREFIX}/<aws:PrincipalTag/${TENANT_TAG}>/*]`,
      reason:
        "A browser receives every unit of its own tenant's live feed (the tenant fixed by the principal tag from its ID token): the wildcard " +
        'is the units of that tenant, which change with the master data.',
    });
    new CfnIdentityPoolRoleAttachment(this, 'BrowserRoles', {
      identityPoolId: this.identityPool.ref,
      roles: { authenticated: this.browserRole.roleArn },
    });
    // IoT's half for authenticated identities: only reading the feed; the tenant comes from the role above.
    new CfnPolicy(this, 'BrowserIotPolicy', {
      policyName: BROWSER_IOT_POLICY_NAME,
      policyDocument: new PolicyDocument({
        statements: [
          new PolicyStatement({ effect: Effect.ALLOW, actions: ['iot:Connect'], resources: [iotArn(`client/${VIEWER_CLIENT_PREFIX}*`)] }),
          new PolicyStatement({ effect: Effect.ALLOW, actions: ['iot:Subscribe'], resources: [iotArn(`topicfilter/${LIVE_FEED_PREFIX}/*`)] }),
          new PolicyStatement({ effect: Effect.ALLOW, actions: ['iot:Receive'], resources: [iotArn(`topic/${LIVE_FEED_PREFIX}/*`)] }),
        ],
      }),
    });

    // The session route (POST /v1/live-feed/session, an API function) attaches that policy to the
    // caller's identity. It finds the pool through this parameter (a fixed name, so the API stack
    // needs no reference to this one) and may ask the pool for its caller's identity id only.
    new StringParameter(this, 'BrowserIdentityPoolIdParameter', {
      parameterName: BROWSER_IDENTITY_POOL_PARAMETER,
      stringValue: this.identityPool.ref,
      description: 'The browser identity pool, for the API function that attaches the mes-browser IoT policy to a signed-in identity',
    });
    if (props.sessionRoles?.length) {
      new Policy(this, 'LiveSessionGetId', {
        roles: [...props.sessionRoles],
        statements: [
          new PolicyStatement({
            actions: ['cognito-identity:GetId'],
            resources: [`arn:${Aws.PARTITION}:cognito-identity:${Aws.REGION}:${Aws.ACCOUNT_ID}:identitypool/${this.identityPool.ref}`],
          }),
        ],
      });
    }

    this.webConfig = props.iotEndpoint
      ? {
          mode: 'iot',
          endpoint: props.iotEndpoint,
          region: Aws.REGION,
          identityPoolId: this.identityPool.ref,
          userPoolProvider: props.userPool.userPoolProviderName,
        }
      : undefined;

    new CfnOutput(this, 'BrowserIdentityPoolId', { value: this.identityPool.ref, description: 'Maps signed-in users to the browser role' });
    new CfnOutput(this, 'BrowserIotPolicyName', {
      value: BROWSER_IOT_POLICY_NAME,
      description: "Attached to each browser's Cognito identity by POST /v1/live-feed/session",
    });
  }
}

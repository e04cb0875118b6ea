/**
 * ApiStack: sign-in (Cognito) and the HTTP API. One Lambda per API function, a bounded context
 * of the route table (shared/api/functions.ts), with the union of its routes' needs as IAM:
 * read-only table access when every route only reads, the integration stack's secrets key or
 * webhook queue only when a route `uses` it. Every route of the table becomes an API Gateway
 * route integrated with its context's function, which finds the route by routeKey and loads
 * its module on first use; so a new route costs one resource here, its API Gateway route, not a
 * function.
 */
import { Aws, CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpNoneAuthorizer, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AUDIT_ANCHOR } from './data-stack.ts';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type ApiFunctionId, apiFunctionsOf } from '../../shared/api/functions.ts';
import { type RouteDef, routeList } from '../../shared/api/routes.ts';
import { ENV } from '../../shared/config.ts';
import { parseRateLimits } from '../../shared/domain/fair-use.ts';
import { BROWSER_IDENTITY_POOL_PARAMETER, BROWSER_IOT_POLICY_NAME } from '../../shared/telemetry/live-feed.ts';
import { DEVICE_KINDS } from '../../shared/telemetry/device-policy.ts';
import { MesFunction } from '../constructs/mes-function.ts';
import { MesUserPool } from '../constructs/mes-user-pool.ts';

export interface ApiStackProps extends StackProps {
  /** The table of the DataStack. */
  readonly table: ITable;
  /** Of the IntegrationStack: granted to the routes whose `uses` name them. */
  readonly integration: { readonly secretsKey: IKey; readonly deliveryQueue: IQueue };
  /** Reported by the health route and logged, to tell deployments apart. */
  readonly appVersion: string;
  /** Origins of the web app: OAuth redirect targets, and the only origins CORS lets call the API. */
  readonly webOrigins: readonly string[];
  /** Prefix of the Cognito hosted sign-in domain, unique per region. */
  readonly authDomainPrefix: string;
  /** The routes to serve; default the route table. The bench synthesizes more to project the stack's size. */
  readonly routes?: readonly (RouteDef & { id: string })[];
}

/** One line of JSON per request (cdk-nag wants structured access logs), HTTP API variables only. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    routeKey: '$context.routeKey',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    userId: '$context.authorizer.claims.sub',
    error: '$context.error.message',
    integrationError: '$context.integrationErrorMessage',
  }),
);

export class ApiStack extends Stack {
  readonly auth: MesUserPool;
  readonly api: HttpApi;
  /** The API functions, by id (shared/api/functions.ts). */
  readonly functions: Readonly<Partial<Record<ApiFunctionId, MesFunction>>>;
  /**
   * Roles of the functions serving the live feed session route (`uses: liveSession`): the live
   * stack grants them GetId on its identity pool (it owns the pool; a reference from here would
   * be a cycle, since it depends on this stack's user pool).
   */
  readonly liveSessionRoles: IRole[] = [];
  /** Roles of the functions that reach the table, by level: the tenant access roles trust exactly these (TenantAccessStack). */
  readonly tenantAccessRoles: Record<'read' | 'write', IRole[]> = { read: [], write: [] };

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? routeList;

    this.auth = new MesUserPool(this, 'Auth', { webOrigins: props.webOrigins, domainPrefix: props.authDomainPrefix });
    const audience = this.auth.webClient.userPoolClientId;

    // ID tokens, because they carry `aud` (the app client id), `custom:tenantId` and
    // `cognito:groups`. The authorizer proves who is calling; which roles may call a route is
    // checked in the handler chain, since JWT authorizers match OAuth scopes, not groups.
    const jwt = new HttpJwtAuthorizer('CognitoIdToken', this.auth.issuer, { jwtAudience: [audience] });

    // Secure by default: a route gets the JWT authorizer unless the route table says it is public.
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'mes',
      description: 'MES HTTP API: the routes of shared/api/routes.ts, one Lambda per bounded context',
      defaultAuthorizer: jwt,
      // Created below instead, because the default stage takes no logging or throttling options.
      createDefaultStage: false,
      // The supervisor app runs on its own origin (CloudFront). API Gateway answers the preflights
      // itself, before the authorizer; the headers are those the web client sends and reads
      // (web/src/api.ts), as the local runtime allows them (infra/local/http-server.ts).
      corsPreflight: {
        allowOrigins: [...props.webOrigins],
        allowMethods: [...new Set(routes.map((route) => CorsHttpMethod[route.method]))],
        // x-correlation-id: a client's own id for its request, echoed (functions/lib/logger.ts).
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-correlation-id'],
        exposeHeaders: ['etag', 'location', 'retry-after', 'apigw-requestid', 'x-correlation-id'],
        maxAge: Duration.minutes(10),
      },
    });
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // The account-level guard only (issue 17): fairness between plants is each plant's token
      // bucket (docs/fair-use.md, 50 a second by default). This caps the sum far below the
      // account's 10,000 a second that every API in it shares, and bounds the on-demand bill.
      throttle: { rateLimit: STAGE_THROTTLE.rateLimit, burstLimit: STAGE_THROTTLE.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS })),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const functions: Partial<Record<ApiFunctionId, MesFunction>> = {};
    for (const api of apiFunctionsOf(routes)) {
      const fn = new MesFunction(this, `${api.id[0]?.toUpperCase()}${api.id.slice(1)}Api`, {
        api,
        description: `${api.id}: ${api.description}`,
        appVersion: props.appVersion,
      });
      // Tenant isolation (issue 17): the table only through a tenant's session (TenantAccessStack);
      // a read-only function's session may also lease its plant's request tokens (fair use, `{t}#RATE`).
      if (api.table !== 'none') {
        fn.bindTenantTable(props.table, api.table);
        this.tenantAccessRoles[api.table].push(fn.role);
      }
      const rateLimitDefault = this.node.tryGetContext(RATE_LIMIT_CONTEXT);
      if (rateLimitDefault !== undefined) {
        if (!parseRateLimits(String(rateLimitDefault)))
          throw new Error(`${RATE_LIMIT_CONTEXT}: "${rateLimitDefault}" is not "requestsPerSecond/burst", e.g. 50/100`);
        fn.function.addEnvironment(ENV.rateLimitDefault, String(rateLimitDefault));
      }
      for (const use of api.uses)
        grantUse(fn, use, {
          ...props.integration,
          userPoolProvider: this.auth.userPool.userPoolProviderName,
          signingClientId: this.auth.signingClient.userPoolClientId,
          userPoolId: this.auth.userPool.userPoolId,
          userPoolArn: this.auth.userPool.userPoolArn,
        });
      if (api.uses.includes('liveSession')) this.liveSessionRoles.push(fn.role);
      functions[api.id] = fn;

      // One integration per function, shared by its routes, and one invoke permission for the API
      // (not one per route): a route then costs one resource, an API Gateway route. The function
      // answers only the routeKeys of its own routes (functions/lib/api-function.ts), so letting
      // any route of this API invoke it grants nothing more.
      const integration = new HttpLambdaIntegration(`${api.id}Integration`, fn.function, { scopePermissionToRoute: false });
      for (const route of api.routes) {
        const isPublic = route.roles === null;
        const apiRoutes = this.api.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration,
          ...(isPublic ? { authorizer: new HttpNoneAuthorizer() } : {}),
        });
        if (isPublic) {
          for (const apiRoute of apiRoutes) {
            Validations.of(apiRoute).acknowledge({
              id: 'AwsSolutions-APIG4',
              reason: route.publicReason ?? `Public by design in the route table (roles: null): ${route.summary}. It reads no tenant data.`,
            });
          }
        }
      }
    }
    this.functions = functions;

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'WebClientId', { value: audience });
    new CfnOutput(this, 'AuthIssuer', { value: this.auth.issuer });
  }
}

/** The stage's throttle: the account-level guard; the plants' own limits do the fairness (docs/fair-use.md). */
export const STAGE_THROTTLE = { rateLimit: 2_000, burstLimit: 4_000 } as const;

/** `-c mes:rateLimitDefault=50/100`: every plant's request limits unless its own are set (MES_RATE_LIMIT_DEFAULT). */
export const RATE_LIMIT_CONTEXT = 'mes:rateLimitDefault';

/** What a route's `uses` entry grants: exactly the actions, on exactly the resource, and the setting that names it. */
function grantUse(
  fn: MesFunction,
  use: NonNullable<RouteDef['uses']>[number],
  integration: ApiStackProps['integration'] & {
    readonly userPoolProvider: string;
    readonly signingClientId: string;
    readonly userPoolId: string;
    readonly userPoolArn: string;
  },
) {
  switch (use) {
    case 'secrets':
      // Sealed and opened with the tenant's session (functions/lib/secret-box.ts): the tenant
      // write role may use the key only with its own tenant as encryption context
      // (TenantAccessStack); the function's own role holds no KMS grant.
      fn.function.addEnvironment(ENV.secretsKeyId, integration.secretsKey.keyArn);
      return;
    case 'webhookQueue':
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [integration.deliveryQueue.queueArn] }));
      fn.function.addEnvironment(ENV.webhookQueueUrl, integration.deliveryQueue.queueUrl);
      return;
    case 'liveSession': {
      // Names, not references: the live stack writes the parameter and owns the IoT policy (cycle-free);
      // cognito-identity:GetId on its identity pool is granted there (LiveStack, liveSessionRoles).
      const arn = (service: string, resource: string) => `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [arn('ssm', `parameter${BROWSER_IDENTITY_POOL_PARAMETER}`)] }),
      );
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['iot:AttachPolicy'], resources: [arn('iot', `policy/${BROWSER_IOT_POLICY_NAME}`)] }),
      );
      fn.function.addEnvironment(ENV.liveIdentityPoolParameter, BROWSER_IDENTITY_POOL_PARAMETER);
      fn.function.addEnvironment(ENV.userPoolProvider, integration.userPoolProvider);
      return;
    }
    case 'auditAnchor':
      // Verification compares checkpoints with their published copies (the DataStack's Object Lock bucket): read only.
      // Reads a checkpoint's first version (functions/lib/audit-anchor.ts): list the key's versions, get one.
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObjectVersion'], resources: [AUDIT_ANCHOR.objectsArn] }));
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucketVersions'], resources: [AUDIT_ANCHOR.bucketArn] }));
      fn.function.addEnvironment(ENV.auditAnchorBucket, AUDIT_ANCHOR.bucketName);
      Validations.of(fn.role.node.findChild('DefaultPolicy')).acknowledge({ id: AUDIT_ANCHOR.nagObjects, reason: AUDIT_ANCHOR.nagReason });
      return;
    case 'signing':
      // InitiateAuth is Cognito's public API: no IAM grant, only where to send the password and with which client.
      fn.function.addEnvironment(ENV.signingAuthEndpoint, `https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}/`);
      fn.function.addEnvironment(ENV.signingClientId, integration.signingClientId);
      return;
    case 'identity':
      // Plants and users (issue 17): the admin function invites users, sets their groups and disables them; nothing else.
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [
            'cognito-idp:AdminCreateUser',
            'cognito-idp:AdminGetUser',
            'cognito-idp:AdminAddUserToGroup',
            'cognito-idp:AdminRemoveUserFromGroup',
            'cognito-idp:AdminListGroupsForUser',
            'cognito-idp:AdminDisableUser',
          ],
          resources: [integration.userPoolArn],
        }),
      );
      fn.function.addEnvironment(ENV.userPoolId, integration.userPoolId);
      return;
    case 'iot': {
      // Devices and gateways (issue 17, docs/devices.md; shared/telemetry/iot-device-provisioning.ts):
      // exactly the calls that register and revoke a device and make a plant's thing group.
      const arn = (resource: string) => `arn:${Aws.PARTITION}:iot:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
      const things = arn('thing/*');
      const certs = arn('cert/*');
      const policies = Object.values(DEVICE_KINDS).map((k) => arn(`policy/${k.policyName}`));
      const groups = arn('thinggroup/mes-*');
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['iot:CreateThing'],
          resources: [things, ...Object.values(DEVICE_KINDS).map((k) => arn(`thingtype/${k.thingType}`))],
        }),
      );
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['iot:CreateThingGroup', 'iot:AddThingToThingGroup'], resources: [groups, things] }),
      );
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:AttachPolicy', 'iot:DetachPolicy'], resources: [...policies, certs] }));
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['iot:AttachThingPrincipal', 'iot:DetachThingPrincipal'], resources: [things, certs] }),
      );
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:UpdateCertificate'], resources: [certs] }));
      // Closes a revoked device's open connection at once (the certificate's deactivation takes minutes to).
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:DeleteConnection'], resources: [arn('client/*')] }));
      // These two act on no resource IAM can name.
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['iot:CreateKeysAndCertificate', 'iot:DescribeEndpoint'], resources: ['*'] }));
      // cdk-nag names each wildcard resource; one reason covers them.
      const reason =
        'Device registration (issue 17, docs/devices.md): thing names are {tenantId}:{id} of every tenant this function serves (thing/*), certificates are made by the call (cert/*), a revoked client is named by its thing name (client/*), plant thing groups are mes-{tenantId} (thinggroup/mes-*); CreateKeysAndCertificate and DescribeEndpoint take no resource (*).';
      for (const resource of ['thing/*', 'cert/*', 'client/*', 'thinggroup/mes-*']) {
        Validations.of(fn.role.node.findChild('DefaultPolicy')).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iot:<AWS::Region>:<AWS::AccountId>:${resource}]`,
          reason,
        });
      }
      Validations.of(fn.role.node.findChild('DefaultPolicy')).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
      return;
    }
    default:
      throw new Error(`route table: unknown use ${String(use satisfies never)}`);
  }
}

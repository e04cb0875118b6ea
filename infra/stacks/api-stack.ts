/**
 * ApiStack: sign-in (Cognito) and the HTTP API, one Lambda per entry of the route table
 * (shared/api/routes.ts). Adding a route there adds its function, IAM grant and API route here;
 * its `uses` grant it the integration stack's secrets key or webhook delivery queue.
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpNoneAuthorizer, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { type RouteDef, routeList, type RouteId } from '../../shared/api/routes.ts';
import { ENV } from '../../shared/config.ts';
import { MesFunction } from '../constructs/mes-function.ts';
import { MesUserPool } from '../constructs/mes-user-pool.ts';
import { secretsKeyStatement } from './integration-stack.ts';

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
  readonly functions: Readonly<Record<RouteId, MesFunction>>;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);

    this.auth = new MesUserPool(this, 'Auth', { webOrigins: props.webOrigins, domainPrefix: props.authDomainPrefix });
    const audience = this.auth.webClient.userPoolClientId;

    // ID tokens, because they carry `aud` (the app client id), `custom:tenantId` and
    // `cognito:groups`. The authorizer proves who is calling; which roles may call a route is
    // checked in the handler chain, since JWT authorizers match OAuth scopes, not groups.
    const jwt = new HttpJwtAuthorizer('CognitoIdToken', this.auth.issuer, { jwtAudience: [audience] });

    // Secure by default: a route gets the JWT authorizer unless the route table says it is public.
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'mes',
      description: 'MES HTTP API: one Lambda per route of shared/api/routes.ts',
      defaultAuthorizer: jwt,
      // Created below instead, because the default stage takes no logging or throttling options.
      createDefaultStage: false,
      // The supervisor app runs on its own origin (CloudFront). API Gateway answers the preflights
      // itself, before the authorizer; the headers are those the web client sends and reads
      // (web/src/api.ts), as the local runtime allows them (infra/local/http-server.ts).
      corsPreflight: {
        allowOrigins: [...props.webOrigins],
        allowMethods: [...new Set(routeList.map((route) => CorsHttpMethod[route.method]))],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
        exposeHeaders: ['etag', 'location', 'retry-after', 'apigw-requestid'],
        maxAge: Duration.minutes(10),
      },
    });
    const stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Caps a runaway client or integration loop far below the account limit, which every
      // API in the account shares, and bounds the on-demand DynamoDB bill it could run up.
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS })),
        format: ACCESS_LOG_FORMAT,
      },
    });

    const functions: Partial<Record<RouteId, MesFunction>> = {};
    for (const route of routeList) {
      const fn = new MesFunction(this, route.id, {
        handler: route.handler,
        description: `${route.method} ${route.path}`,
        auth: { issuer: this.auth.issuer, audience },
        appVersion: props.appVersion,
      });
      if (route.table !== 'none') fn.bindTable(props.table, route.table);
      for (const use of route.uses ?? []) grantUse(fn, use, props.integration);
      functions[route.id] = fn;

      const isPublic = route.roles === null;
      const apiRoutes = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.id}Integration`, fn.function),
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
    this.functions = functions as Record<RouteId, MesFunction>;

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'WebClientId', { value: audience });
    new CfnOutput(this, 'AuthIssuer', { value: this.auth.issuer });
  }
}

/** What a route's `uses` entry grants: exactly the actions, on exactly the resource, and the setting that names it. */
function grantUse(fn: MesFunction, use: NonNullable<RouteDef['uses']>[number], integration: ApiStackProps['integration']) {
  switch (use) {
    case 'secrets':
      fn.role.addToPrincipalPolicy(secretsKeyStatement(integration.secretsKey, ['kms:Encrypt', 'kms:Decrypt']));
      fn.function.addEnvironment(ENV.secretsKeyId, integration.secretsKey.keyArn);
      return;
    case 'webhookQueue':
      fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [integration.deliveryQueue.queueArn] }));
      fn.function.addEnvironment(ENV.webhookQueueUrl, integration.deliveryQueue.queueUrl);
      return;
    default:
      throw new Error(`route table: unknown use ${String(use satisfies never)}`);
  }
}

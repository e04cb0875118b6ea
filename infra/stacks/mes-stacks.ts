/**
 * The MES on AWS, as stacks split by lifecycle: data outlives everything, the API redeploys
 * often, telemetry, integration and the web app change on their own schedules. infra/app.ts
 * and the infra tests both build the app through this one function.
 */
import { readFileSync } from 'node:fs';
import { Aws, Tags, type App } from 'aws-cdk-lib';
import { ApiStack, type ApiStackProps } from './api-stack.ts';
import { DataStack } from './data-stack.ts';
import { EdgeStack } from './edge-stack.ts';
import { IntegrationStack } from './integration-stack.ts';
import { LiveStack } from './live-stack.ts';
import { OperationsStack } from './operations-stack.ts';
import { buildWebSync } from '../../web/build.ts';
import { TelemetryStack } from './telemetry-stack.ts';
import { TenantAccessStack } from './tenant-access-stack.ts';
import { type StreamCapacity, shardsFor } from '../stream-capacity.ts';
import { WebStack } from './web-stack.ts';

/** Context keys (`cdk synth -c key=value` or cdk.json) that tune a deployment. */
export const CONTEXT = {
  /**
   * Comma-separated origins of the web app (`https://host[:port]`, no path): the Cognito web
   * client's callback URLs (`<origin>/`) and the API's CORS origins. Put the web stack's WebUrl
   * output here after the first deployment. Default: the local runtime (npm start).
   */
  webOrigins: 'mes:webOrigins',
  /**
   * A directory holding a built web app (web/build.ts) to deploy as it is, e.g. from a CI build
   * step. Default: synth builds web/ into web/dist.
   */
  webDist: 'mes:webDist',
  /** Cognito hosted domain prefix, unique per region. Default: `mes-<account id>`. */
  authDomainPrefix: 'mes:authDomainPrefix',
  /** Version string for APP_VERSION, e.g. a git sha from CI. Default: package.json version. */
  appVersion: 'mes:appVersion',
  /**
   * Capacity of the telemetry measurements stream: a number of provisioned shards, or
   * `on-demand`. Default 1 shard (the cost reasoning is at StreamCapacity in telemetry-stack.ts).
   */
  telemetryShards: 'mes:telemetryShards',
  /**
   * Without `mes:telemetryShards`: the units the stream serves (every tenant's) and the MQTT
   * messages each sends a second (default 1); the shards follow from them (infra/stream-capacity.ts).
   */
  telemetryUnits: 'mes:telemetryUnits',
  telemetryMessageRate: 'mes:telemetryMessageRate',
  /** Minutes between runs of the live view's refresh job (OEE today on the plant overview). Default 5. */
  liveViewRefreshMinutes: 'mes:liveViewRefreshMinutes',
  /**
   * The account's IoT Data-ATS host (`aws iot describe-endpoint --endpoint-type iot:Data-ATS`):
   * the live feed publishes there and browsers connect there. Default: none, the web app polls.
   */
  iotEndpoint: 'mes:iotEndpoint',
  /** Days a published audit checkpoint is kept in the Object Lock bucket (compliance mode: it cannot be shortened). Default 3650. */
  auditRetentionDays: 'mes:auditRetentionDays',
  /** Who hears the alarms: comma-separated e-mail addresses (each confirms the subscription once). Default: nobody (docs/operations.md). */
  alarmEmail: 'mes:alarmEmail',
  /** A chat channel's incoming webhook URL (Slack, Teams, Chime, ...) the alarms are posted to in plain words. Default: none. */
  alarmWebhookUrl: 'mes:alarmWebhookUrl',
  /** `false`: no web ACL in front of the web app (and no us-east-1 edge stack). Default true (docs/operations.md, WAF). */
  webWaf: 'mes:webWaf',
} as const;

export interface MesStacks {
  data: DataStack;
  api: ApiStack;
  tenantAccess: TenantAccessStack;
  telemetry: TelemetryStack;
  integration: IntegrationStack;
  live: LiveStack;
  web: WebStack;
  operations: OperationsStack;
  /** Undefined with mes:webWaf=false. */
  edge: EdgeStack | undefined;
}

const packageVersion = (): string => JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/** Origins as URL.origin writes them; a path, a trailing slash or a typo fails synth here rather than the OAuth redirect later. */
export function parseWebOrigins(value: unknown): string[] {
  const origins = String(value ?? DEFAULT_WEB_ORIGIN)
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {}
    if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      throw new Error(
        `${CONTEXT.webOrigins}: ${JSON.stringify(origin)} is not an origin like https://d111111abcdef8.cloudfront.net (scheme and host, no path or trailing slash)`,
      );
    }
  }
  if (origins.length === 0) throw new Error(`${CONTEXT.webOrigins} names no origin`);
  return origins;
}

/** Where `npm start` serves the app; Cognito allows plain http only for localhost. */
const DEFAULT_WEB_ORIGIN = 'http://localhost:3000';

/**
 * `-c mes:telemetryShards=2` arrives as a string, cdk.json may hold a number. Without it, the
 * expected units and message rate decide (shardsFor), else one shard.
 */
export function parseStreamCapacity(value: unknown, expected: { units?: unknown; messageRate?: unknown } = {}): StreamCapacity {
  if (value === undefined && expected.units !== undefined) {
    const units = Number(expected.units);
    const rate = Number(expected.messageRate ?? 1);
    if (!Number.isFinite(units) || units < 0 || !Number.isFinite(rate) || rate < 0) {
      throw new Error(`${CONTEXT.telemetryUnits} and ${CONTEXT.telemetryMessageRate} must be numbers (0 or more), not ${JSON.stringify(expected)}`);
    }
    return shardsFor({ units, messagesPerUnitPerSecond: rate });
  }
  if (value === undefined) return 1;
  if (value === 'on-demand') return 'on-demand';
  const shards = Number(value);
  if (!Number.isInteger(shards) || shards < 1) {
    throw new Error(`${CONTEXT.telemetryShards} must be a whole number of shards (1 or more) or 'on-demand', not ${JSON.stringify(value)}`);
  }
  return shards;
}

/** `routes` (default the route table) lets the bench synthesize the app with more routes than it has. */
export function addMesStacks(app: App, options: { routes?: ApiStackProps['routes'] } = {}): MesStacks {
  const context = (key: string): string | undefined => app.node.tryGetContext(key);
  const appVersion = context(CONTEXT.appVersion) ?? packageVersion();
  Tags.of(app).add('app', 'mes');

  // Env-agnostic stacks (no account or region): `cdk synth` needs no credentials, and one
  // template deploys to any account and region.
  const data = new DataStack(app, 'MesData', {
    description: 'MES data: the DynamoDB table (retained, deletion-protected) and the audit checkpoints bucket (Object Lock)',
    terminationProtection: true,
    ...(context(CONTEXT.auditRetentionDays) !== undefined ? { auditRetentionDays: Number(context(CONTEXT.auditRetentionDays)) } : {}),
  });
  // Before the API: routes that seal secrets or queue deliveries are granted its key and queue.
  const integration = new IntegrationStack(app, 'MesIntegration', {
    description: 'MES integration: outbox dispatcher on the table stream, webhook delivery queue and deliverer, secrets key, alarms',
    table: data.table,
    appVersion,
  });
  const api = new ApiStack(app, 'MesApi', {
    description: 'MES API: Cognito user pool, HTTP API, one Lambda per bounded context of the route table',
    table: data.table,
    integration: { secretsKey: integration.secretsKey, deliveryQueue: integration.deliveryQueue },
    appVersion,
    webOrigins: parseWebOrigins(context(CONTEXT.webOrigins)),
    authDomainPrefix: context(CONTEXT.authDomainPrefix) ?? `mes-${Aws.ACCOUNT_ID}`,
    ...(options.routes ? { routes: options.routes } : {}),
  });
  // After the API: the tenant access roles trust its functions' roles (docs/isolation.md).
  const tenantAccess = new TenantAccessStack(app, 'MesTenantAccess', {
    description: "MES tenant isolation: the roles an API request runs as, scoped to its tenant's keys and encryption context",
    table: data.table,
    secretsKey: integration.secretsKey,
    assumedBy: api.tenantAccessRoles,
  });
  const telemetry = new TelemetryStack(app, 'MesTelemetry', {
    description: 'MES telemetry: IoT rules, state queue and measurements stream, ingest Lambdas, thing policy, alarms',
    table: data.table,
    appVersion,
    streamCapacity: parseStreamCapacity(app.node.tryGetContext(CONTEXT.telemetryShards), {
      units: app.node.tryGetContext(CONTEXT.telemetryUnits),
      messageRate: app.node.tryGetContext(CONTEXT.telemetryMessageRate),
    }),
    ...(context(CONTEXT.liveViewRefreshMinutes) !== undefined ? { liveViewRefreshMinutes: Number(context(CONTEXT.liveViewRefreshMinutes)) } : {}),
  });
  const live = new LiveStack(app, 'MesLive', {
    description: 'MES live feed: table stream to IoT Core for browsers, Cognito identity pool and browser policies',
    table: data.table,
    appVersion,
    userPool: api.auth.userPool,
    webClient: api.auth.webClient,
    iotEndpoint: context(CONTEXT.iotEndpoint),
    sessionRoles: api.liveSessionRoles,
  });
  // The web ACL of the web app's distribution: in us-east-1, as CloudFront requires.
  const webWaf = String(context(CONTEXT.webWaf) ?? 'true') !== 'false';
  const edge = webWaf
    ? new EdgeStack(app, 'MesEdge', { description: "MES edge (us-east-1): the web ACL of the web app's CloudFront distribution" })
    : undefined;
  // After the API: config.json and the CSP carry its URL, hosted UI and client id.
  const web = new WebStack(app, 'MesWeb', {
    webAcl: webWaf,
    description: 'MES web app: private S3 bucket behind CloudFront, config.json written at deploy time',
    webDist: context(CONTEXT.webDist) ?? buildWebSync().outDir,
    apiUrl: api.api.apiEndpoint,
    authDomain: api.auth.hostedUiUrl,
    webClientId: api.auth.webClient.userPoolClientId,
    ...(live.webConfig ? { live: live.webConfig } : {}),
  });
  if (edge) web.addStackDependency(edge, 'the web ACL ARN parameter is read from the edge stack');
  // Last: it alarms every MesFunction of the app (a stack added above is covered without a line here).
  const operations = new OperationsStack(app, 'MesOperations', {
    description: 'MES operations: alarms and their subscribers (e-mail, chat), dashboard, webhook failure insights',
    appVersion,
    api: api.api,
    table: data.table,
    functionsOf: app,
    otherAlarmTopics: [integration.alarmTopic.topic, telemetry.alarmTopic],
    // The telemetry and integration dead letters and iterator ages are alarmed by their own stacks.
    deadLetters: { publishLiveDeadLetters: live.deadLetters },
    streamConsumers: { publishLive: live.publisher },
    webhookDeliverer: integration.deliverer,
    ingest: { measurementsStream: telemetry.measurementsStream, stateQueue: telemetry.stateQueue },
    alarmEmails: parseAlarmEmails(context(CONTEXT.alarmEmail)),
    alarmWebhookUrl: parseAlarmWebhookUrl(context(CONTEXT.alarmWebhookUrl)),
  });
  return { data, api, tenantAccess, telemetry, integration, live, web, operations, edge };
}

/** `a@x.example, b@y.example` to addresses; a typo fails synth, not the subscription. */
export function parseAlarmEmails(value: unknown): string[] {
  const emails = String(value ?? '')
    .split(',')
    .map((email) => email.trim())
    .filter(Boolean);
  for (const email of emails) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Error(`${CONTEXT.alarmEmail}: ${JSON.stringify(email)} is not an e-mail address`);
  }
  return emails;
}

/** An https URL (chat webhooks are), or nothing. */
export function parseAlarmWebhookUrl(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {}
  if (url?.protocol !== 'https:') throw new Error(`${CONTEXT.alarmWebhookUrl}: ${JSON.stringify(value)} is not an https URL`);
  return url.href;
}

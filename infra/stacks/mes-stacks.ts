/**
 * The MES on AWS, as stacks split by lifecycle: data outlives everything, the API redeploys
 * often, telemetry, integration and the web app change on their own schedules. infra/app.ts
 * and the infra tests both build the app through this one function.
 */
import { readFileSync } from 'node:fs';
import { Aws, Tags, type App } from 'aws-cdk-lib';
import { ApiStack } from './api-stack.ts';
import { DataStack } from './data-stack.ts';
import { IntegrationStack } from './integration-stack.ts';
import { type StreamCapacity, TelemetryStack } from './telemetry-stack.ts';
import { WebStack } from './web-stack.ts';

/** Context keys (`cdk synth -c key=value` or cdk.json) that tune a deployment. */
export const CONTEXT = {
  /** Comma-separated web app origins for OAuth redirects. Default: the local dev server. */
  webOrigins: 'mes:webOrigins',
  /** Cognito hosted domain prefix, unique per region. Default: `mes-<account id>`. */
  authDomainPrefix: 'mes:authDomainPrefix',
  /** Version string for APP_VERSION, e.g. a git sha from CI. Default: package.json version. */
  appVersion: 'mes:appVersion',
  /**
   * Capacity of the telemetry measurements stream: a number of provisioned shards, or
   * `on-demand`. Default 1 shard (the cost reasoning is at StreamCapacity in telemetry-stack.ts).
   */
  telemetryShards: 'mes:telemetryShards',
} as const;

export interface MesStacks {
  data: DataStack;
  api: ApiStack;
  telemetry: TelemetryStack;
  integration: IntegrationStack;
  web: WebStack;
}

const packageVersion = (): string =>
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/** `-c mes:telemetryShards=2` arrives as a string, cdk.json may hold a number. */
export function parseStreamCapacity(value: unknown): StreamCapacity {
  if (value === undefined) return 1;
  if (value === 'on-demand') return 'on-demand';
  const shards = Number(value);
  if (!Number.isInteger(shards) || shards < 1) {
    throw new Error(`${CONTEXT.telemetryShards} must be a whole number of shards (1 or more) or 'on-demand', not ${JSON.stringify(value)}`);
  }
  return shards;
}

export function addMesStacks(app: App): MesStacks {
  const context = (key: string): string | undefined => app.node.tryGetContext(key);
  const appVersion = context(CONTEXT.appVersion) ?? packageVersion();
  Tags.of(app).add('app', 'mes');

  // Env-agnostic stacks (no account or region): `cdk synth` needs no credentials, and one
  // template deploys to any account and region.
  const data = new DataStack(app, 'MesData', {
    description: 'MES data: the DynamoDB table (retained, deletion-protected)',
    terminationProtection: true,
  });
  // Before the API: routes that seal secrets or queue deliveries are granted its key and queue.
  const integration = new IntegrationStack(app, 'MesIntegration', {
    description: 'MES integration: outbox dispatcher on the table stream, webhook delivery queue and deliverer, secrets key, alarms',
    table: data.table,
    appVersion,
  });
  const api = new ApiStack(app, 'MesApi', {
    description: 'MES API: Cognito user pool, HTTP API, one Lambda per route',
    table: data.table,
    integration: { secretsKey: integration.secretsKey, deliveryQueue: integration.deliveryQueue },
    appVersion,
    webOrigins: (context(CONTEXT.webOrigins) ?? 'http://localhost:5173').split(',').map((origin) => origin.trim()),
    authDomainPrefix: context(CONTEXT.authDomainPrefix) ?? `mes-${Aws.ACCOUNT_ID}`,
  });
  const telemetry = new TelemetryStack(app, 'MesTelemetry', {
    description: 'MES telemetry: IoT rules, state queue and measurements stream, ingest Lambdas, thing policy, alarms',
    table: data.table,
    appVersion,
    streamCapacity: parseStreamCapacity(app.node.tryGetContext(CONTEXT.telemetryShards)),
  });
  const web = new WebStack(app, 'MesWeb', { description: 'MES web app hosting (placeholder)' });
  return { data, api, telemetry, integration, web };
}

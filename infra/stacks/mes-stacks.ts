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
import { TelemetryStack } from './telemetry-stack.ts';
import { WebStack } from './web-stack.ts';

/** Context keys (`cdk synth -c key=value` or cdk.json) that tune a deployment. */
export const CONTEXT = {
  /** Comma-separated web app origins for OAuth redirects. Default: the local dev server. */
  webOrigins: 'mes:webOrigins',
  /** Cognito hosted domain prefix, unique per region. Default: `mes-<account id>`. */
  authDomainPrefix: 'mes:authDomainPrefix',
  /** Version string for APP_VERSION, e.g. a git sha from CI. Default: package.json version. */
  appVersion: 'mes:appVersion',
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

export function addMesStacks(app: App): MesStacks {
  const context = (key: string): string | undefined => app.node.tryGetContext(key);
  Tags.of(app).add('app', 'mes');

  // Env-agnostic stacks (no account or region): `cdk synth` needs no credentials, and one
  // template deploys to any account and region.
  const data = new DataStack(app, 'MesData', {
    description: 'MES data: the DynamoDB table (retained, deletion-protected)',
    terminationProtection: true,
  });
  const api = new ApiStack(app, 'MesApi', {
    description: 'MES API: Cognito user pool, HTTP API, one Lambda per route',
    table: data.table,
    appVersion: context(CONTEXT.appVersion) ?? packageVersion(),
    webOrigins: (context(CONTEXT.webOrigins) ?? 'http://localhost:5173').split(',').map((origin) => origin.trim()),
    authDomainPrefix: context(CONTEXT.authDomainPrefix) ?? `mes-${Aws.ACCOUNT_ID}`,
  });
  const telemetry = new TelemetryStack(app, 'MesTelemetry', { description: 'MES telemetry (placeholder)' });
  const integration = new IntegrationStack(app, 'MesIntegration', { description: 'MES integration (placeholder)' });
  const web = new WebStack(app, 'MesWeb', { description: 'MES web app hosting (placeholder)' });
  return { data, api, telemetry, integration, web };
}

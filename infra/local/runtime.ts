/**
 * The whole MES in one process: DynamoDB Local (or one already running), the MES table, the
 * local identity provider, the local API Gateway calling the Lambda handlers in-process and,
 * when asked, the MQTT broker with the telemetry rules feeding functions/iot/.
 * `npm start` (main.ts) and the tests both start it through here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV } from '../../shared/config.ts';
import { TABLE } from '../../shared/db/table.ts';
import { type DynamoDbLocal, ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from './dynamodb.ts';
import { createHttpServer, type HandlerResolver, type Log, consoleLog } from './http-server.ts';
import { createLocalIdentity, type LocalIdentity, loadSigningKey, type TokenRequest } from './identity.ts';
import { type MqttBroker, startMqttBroker } from './mqtt-broker.ts';
import { DEMO_TENANT, seedDemoPlant, type SeedResult } from './seed.ts';
import { createTelemetryPipeline, type TelemetryHandlerResolver, type TelemetryPipeline } from './telemetry-pipeline.ts';

export interface RuntimeOptions {
  /** 0 = a free port. */
  port: number;
  host?: string;
  /** Where DynamoDB data and the signing key persist; undefined = in memory. */
  dataDir?: string | undefined;
  /** Forces in-memory even when dataDir is set. */
  inMemory?: boolean;
  /** Reuse a DynamoDB Local that is already running (the tests start one for all files). */
  dynamoDbEndpoint?: string;
  tableName?: string;
  /** Seed the demo plant (tenant `demo`) through the API when it is not there yet. */
  seed?: boolean;
  log?: Log;
  /** Test-only: load handlers from elsewhere than functions/http/. */
  handlerResolver?: HandlerResolver;
  /** Start the MQTT broker and telemetry rules on this port (0 = free); undefined = no MQTT. */
  mqttPort?: number;
  /** MQTT over WebSocket for browsers (0 = free); undefined = none. Needs mqttPort. */
  mqttWsPort?: number;
  /** Local batching window of every telemetry rule, ms (0 = next tick); default: the rule's, at most 1 s. */
  telemetryWindowMs?: number;
  /** Test-only: consume telemetry with something else than functions/iot/. */
  telemetryHandlerResolver?: TelemetryHandlerResolver;
}

export interface RuntimeMqtt {
  /** mqtt://127.0.0.1:port */
  url: string;
  wsUrl?: string | undefined;
  broker: MqttBroker;
  pipeline: TelemetryPipeline;
}

export interface Runtime {
  baseUrl: string;
  dynamoDbEndpoint: string;
  tableName: string;
  identity: LocalIdentity;
  issueToken(request: TokenRequest): Promise<string>;
  seed?: SeedResult | undefined;
  mqtt?: RuntimeMqtt | undefined;
  stop(): Promise<void>;
}

export const APP_VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const log = options.log ?? consoleLog;
  const dataDir = options.inMemory ? undefined : options.dataDir;
  const tableName = options.tableName ?? TABLE.localName;
  const cleanup: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of cleanup.splice(0).reverse()) await step().catch((error) => log.error('stopping failed', error));
  };

  try {
    let dynamoDb: DynamoDbLocal | undefined;
    if (!options.dynamoDbEndpoint) {
      dynamoDb = await startDynamoDbLocal(dataDir ? { dataDir: join(dataDir, 'dynamodb') } : {});
      cleanup.push(() => (dynamoDb as DynamoDbLocal).stop());
    }
    const dynamoDbEndpoint = options.dynamoDbEndpoint ?? (dynamoDb as DynamoDbLocal).endpoint;
    await ensureTable(dynamoDbEndpoint, tableName);

    const key = await loadSigningKey(dataDir && join(dataDir, 'identity'));
    let identity: LocalIdentity | undefined;
    // The access log starts once the runtime is up: the seed's sixty requests are not news.
    let ready = false;
    const http = createHttpServer({
      identity: () => identity as LocalIdentity,
      log: { info: (message) => ready && log.info(message), error: log.error },
      ...(options.handlerResolver ? { handlerResolver: options.handlerResolver } : {}),
    });
    const baseUrl = await http.listen(options.port, options.host);
    cleanup.push(() => http.close());
    identity = createLocalIdentity(key, baseUrl);
    // Handlers are imported on their first request, after this: they read their settings from here.
    setFunctionEnvironment({ tableName, dynamoDbEndpoint, identity });

    const mqtt = options.mqttPort === undefined ? undefined : await startMqtt(options, log, cleanup);

    const runtime: Runtime = {
      baseUrl,
      dynamoDbEndpoint,
      tableName,
      identity,
      issueToken: (request) => (identity as LocalIdentity).issueToken(request),
      mqtt,
      stop,
    };
    if (options.seed) {
      log.info(`Seeding the demo plant (tenant ${DEMO_TENANT}) if it is not there yet...`);
      runtime.seed = await seedDemoPlant(runtime, log);
    }
    ready = true;
    return runtime;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The broker stops first (no new publishes), then the pipeline flushes into the still-running table. */
async function startMqtt(options: RuntimeOptions, log: Log, cleanup: (() => Promise<void>)[]): Promise<RuntimeMqtt> {
  const pipeline = createTelemetryPipeline({
    log,
    ...(options.telemetryWindowMs === undefined ? {} : { windowMs: options.telemetryWindowMs }),
    ...(options.telemetryHandlerResolver ? { handlerResolver: options.telemetryHandlerResolver } : {}),
  });
  cleanup.push(() => pipeline.stop());
  const broker = await startMqttBroker({
    port: options.mqttPort,
    wsPort: options.mqttWsPort ?? false,
    ...(options.host ? { host: options.host } : {}),
    onPublish: ({ topic, payload }) => void pipeline.accept(topic, payload),
    log,
  });
  cleanup.push(() => broker.stop());
  return { url: broker.url, wsUrl: broker.wsUrl, broker, pipeline };
}

/** What CDK sets on each function on AWS (shared/config.ts), set here for the in-process handlers. */
function setFunctionEnvironment(settings: { tableName: string; dynamoDbEndpoint: string; identity: LocalIdentity }) {
  process.env[ENV.tableName] = settings.tableName;
  process.env[ENV.dynamoDbEndpoint] = settings.dynamoDbEndpoint;
  process.env[ENV.authIssuer] = settings.identity.issuer;
  process.env[ENV.authAudience] = settings.identity.audience;
  process.env[ENV.authJwksUrl] = settings.identity.jwksUrl;
  process.env[ENV.appVersion] = APP_VERSION;
  // DynamoDB Local runs with -sharedDb: any region and key pair reach the same tables.
  process.env.AWS_REGION ??= LOCAL_REGION;
  if (!process.env.AWS_ACCESS_KEY_ID) {
    process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  }
}

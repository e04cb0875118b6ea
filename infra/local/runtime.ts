/**
 * The whole MES in one process: DynamoDB Local (or one already running), the MES table, the
 * local identity provider, the local API Gateway calling the Lambda handlers in-process, the
 * transactional outbox (the table stream polled into functions/streams/, webhook deliveries
 * queued for functions/jobs/) and, when asked, the MQTT broker with the telemetry rules
 * feeding functions/iot/, and the built supervisor app on `/` (web.ts). `npm start` (main.ts)
 * and the tests both start it through here.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localBindings, setLocalBindings } from '../../functions/lib/local-bindings.ts';
import { ENV } from '../../shared/config.ts';
import { LOCAL_ONLY_PATHS } from '../../shared/api/routes.ts';
import { TABLE } from '../../shared/db/table.ts';
import { claimDurationMs, DEFAULT_WEBHOOK_TIMEOUT_MS } from '../../shared/integration/deliverer.ts';
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { EVENT_FUNCTIONS, functionNameOf, SCHEDULED_FUNCTIONS, type ScheduledFunction, scheduledFunctions } from '../event-sources.ts';
import type { TelemetryRule } from '../../shared/telemetry/rules.ts';
import { LocalDeliveryQueue, scanPendingDeliveries, type SqsFunction } from './delivery-queue.ts';
import { invoke, lazyHandler } from './lambda-engine.ts';
import { writeDurably } from './durable-file.ts';
import { type DynamoDbLocal, ensureTable, LOCAL_CREDENTIALS, LOCAL_REGION, startDynamoDbLocal } from './dynamodb.ts';
import type { JournalMode } from './sqlite-wal.ts';
import { createHttpServer, type HandlerResolver, type Log, consoleLog } from './http-server.ts';
import { createLocalIdentity, type LocalIdentity, loadSigningKey, type TokenRequest } from './identity.ts';
import { createDeviceAuthority, type DeviceAuthority, loadDeviceKey } from './device-credentials.ts';
import { localDeviceProvisioning, registryVerifier } from './device-provisioning.ts';
import { DynamoDbDeviceRepository } from '../../shared/db/device-repository.ts';
import type { Device, DeviceCredentials } from '../../shared/telemetry/device-identity.ts';
import { type MqttBroker, startMqttBroker } from './mqtt-broker.ts';
import { type IotDataEndpoint, startIotDataEndpoint } from './iot-data-endpoint.ts';
import { verifyBearer } from './jwt-authorizer.ts';
import { CLAIMS, userIdOf } from '../../shared/auth/claims.ts';
import { DEMO_TENANT, DEMO_USERS, seedDemoPlant, type SeedResult } from './seed.ts';
import { createPasswordStore } from './passwords.ts';
import { createUserDirectory } from './user-directory.ts';
import { type StartingPosition, type StreamFunction, type StreamPoller, startStreamPoller } from './stream-poller.ts';
import { createTelemetryPipeline, type TelemetryHandlerResolver, type TelemetryPipeline } from './telemetry-pipeline.ts';
import { type SchedulingClock, SystemClock } from './virtual-clock.ts';
import { createWebHost, type WebHostOptions } from './web.ts';
import type { AppConfig } from '../../web/src/config.ts';

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
  /**
   * When the broker acknowledges a QoS 1 publish: 'stored' (once its handler has written it, so
   * a crash loses nothing a device saw acknowledged; the default with a data dir) or 'received'
   * (once the in-memory rules have it, as IoT Core does; the default in memory).
   */
  telemetryAck?: 'received' | 'stored';
  /** Local batching window of every telemetry rule, ms (0 = next tick), or per rule (the bench plays plant time faster); default: the rule's, at most 1 s. */
  telemetryWindowMs?: number | ((rule: TelemetryRule) => number);
  /** Test-only: consume telemetry with something else than functions/iot/. */
  telemetryHandlerResolver?: TelemetryHandlerResolver;
  /**
   * The transactional outbox: the table stream polled into functions/streams/dispatch-outbox.ts,
   * webhook deliveries queued for functions/jobs/deliver-webhook.ts. Default true.
   */
  outbox?: boolean;
  /**
   * Where the stream poller starts when it has no checkpoint (there is one per data dir).
   * Default TRIM_HORIZON; LATEST for tests that share one DynamoDB Local.
   */
  outboxStartingPosition?: StartingPosition;
  /** Queue again, at startup, the webhook messages left pending in the table. Default true. */
  recoverWebhookDeliveries?: boolean;
  /** The delivery queue's and the functions' clock: a VirtualClock in tests. Default: the system clock. */
  clock?: SchedulingClock;
  /** Per-attempt webhook timeout in ms (MES_WEBHOOK_TIMEOUT_MS); default: the functions' own, 15 s. */
  webhookTimeoutMs?: number;
  /**
   * Webhooks may target loopback addresses (MES_WEBHOOK_ALLOW_LOOPBACK=1), so a receiver on
   * this machine can be tried out. Default true: this is the local runtime; AWS refuses them.
   */
  allowLoopbackWebhooks?: boolean;
  /** Run the scheduled functions (infra/event-sources.ts SCHEDULED_FUNCTIONS: the daily rollup) on their timers. Default: with MQTT. */
  schedules?: boolean;
  /**
   * Every plant's request limits (fair use, issue 17), "rps/burst", as MES_RATE_LIMIT_DEFAULT
   * sets them on AWS; undefined: that variable, else DEFAULT_RATE_LIMITS (50/100). A plant's own
   * limits (set by a platform operator) win either way.
   */
  rateLimitDefault?: string;
  /** Where the live feed's publisher starts without a checkpoint; default its event source's (LATEST). */
  liveFeedStartingPosition?: StartingPosition;
  /** Test-only: consume the outbox with something else than functions/streams/ and functions/jobs/. */
  outboxHandlers?: Partial<OutboxHandlers>;
  /**
   * Serve a built supervisor app (web/build.ts) on `/`, beside the API: `{ dir }`, optionally
   * with the /config.json to hand out. Default off: main.ts passes web/dist, tests a dir they built.
   */
  web?: WebHostOptions | false;
  /**
   * Seconds between runs of the live view's refresh job (OEE today, functions/jobs/refresh-live-view.ts);
   * 0 = never. Default MES_LIVE_REFRESH_SECONDS, else the schedule's local period (infra/event-sources.ts).
   */
  liveViewRefreshSeconds?: number;
}

/** The two outbox consumers, found lazily: the runtime starts before they are imported. */
export interface OutboxHandlers {
  dispatcher: () => Promise<StreamFunction>;
  deliverer: () => Promise<SqsFunction>;
}

export interface RuntimeOutbox {
  /** Await `poller.idle()` for every committed outbox event to have been dispatched. */
  poller: StreamPoller;
  /** Await `queue.idle()` for the deliveries due now to be done. */
  queue: LocalDeliveryQueue;
  /** The clock the queue and the functions read; advance it when it is a VirtualClock. */
  clock: SchedulingClock;
}

export interface RuntimeMqtt {
  /** mqtt://127.0.0.1:port */
  url: string;
  wsUrl?: string | undefined;
  broker: MqttBroker;
  pipeline: TelemetryPipeline;
  /** When a QoS 1 publish is acknowledged (RuntimeOptions.telemetryAck). */
  ackWhen: 'received' | 'stored';
  /** The IoT data plane stand-in the live feed publishes through (MES_IOT_DATA_ENDPOINT). */
  iotData: IotDataEndpoint;
  /**
   * The live feed's publisher on the table stream (functions/streams/publish-live.ts); await
   * `idle()` for every live view change written so far to have been published. Undefined with `outbox: false`.
   */
  liveFeed?: StreamPoller | undefined;
}

/** What a crash can cost (README, "Crash guarantees"); undefined when another process owns the DynamoDB Local. */
export type Durability = { kind: 'in-memory' } | { kind: 'on-disk'; dataDir: string; journal: JournalMode; flushesDiskCache: boolean };

export interface Runtime {
  baseUrl: string;
  /** `${baseUrl}/` when the runtime serves the web app. */
  webUrl?: string | undefined;
  dynamoDbEndpoint: string;
  tableName: string;
  durability?: Durability | undefined;
  identity: LocalIdentity;
  issueToken(request: TokenRequest): Promise<string>;
  /** A unit's MQTT credentials, as POST /local/device-credentials hands them to an admin of its tenant. */
  deviceCredentials(device: Device): DeviceCredentials;
  seed?: SeedResult | undefined;
  mqtt?: RuntimeMqtt | undefined;
  outbox?: RuntimeOutbox | undefined;
  stop(): Promise<void>;
}

/** The local stand-in of the signing-only app client. */
const LOCAL_SIGNING_CLIENT_ID = 'mes-local-signing';
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
      dynamoDb = await startDynamoDbLocal(dataDir ? { dataDir: join(dataDir, 'dynamodb'), log } : {});
      cleanup.push(() => (dynamoDb as DynamoDbLocal).stop());
    }
    const dynamoDbEndpoint = options.dynamoDbEndpoint ?? (dynamoDb as DynamoDbLocal).endpoint;
    await ensureTable(dynamoDbEndpoint, tableName);

    const key = await loadSigningKey(dataDir && join(dataDir, 'identity'));
    const devices = createDeviceAuthority(loadDeviceKey(dataDir && join(dataDir, 'identity')));
    setIntegrationEnvironment(options, dataDir, log);
    // The queue exists before any handler runs: the functions find it through the local bindings.
    const clock = options.clock ?? new SystemClock();
    const queue = options.outbox === false ? undefined : createDeliveryQueue(options, clock, log);
    const passwords = createPasswordStore(
      dataDir && join(dataDir, 'identity'),
      Object.values(DEMO_USERS).map((u) => u.userId),
    );
    // The admin function's identity port locally (issue 17): users it invites sign in here.
    const directory = createUserDirectory(passwords, dataDir && join(dataDir, 'identity'));
    let identity: LocalIdentity | undefined;
    let mqtt: RuntimeMqtt | undefined;
    // The device port (issue 17): registration passwords, and revocation closing the connection at once.
    const deviceProvisioning = localDeviceProvisioning({
      authority: devices,
      brokerUrl: () => mqtt?.url,
      disconnect: (clientId) => mqtt?.broker.disconnect(clientId),
    });
    const bindings = { ...(queue ? { deliveryQueue: queue } : {}), clock, identity: directory, devices: deviceProvisioning };
    setLocalBindings(bindings);
    cleanup.push(async () => {
      if (localBindings() === bindings) setLocalBindings(undefined);
    });
    // The access log starts once the runtime is up: the seed's sixty requests are not news.
    let ready = false;
    const http = createHttpServer({
      identity: () => identity as LocalIdentity,
      passwords,
      directory,
      devices,
      log: { info: (message) => ready && log.info(message), error: log.error },
      ...(options.handlerResolver ? { handlerResolver: options.handlerResolver } : {}),
      ...(options.web ? { web: createWebHost({ ...options.web, extendConfig: (config) => withLiveFeed(config, mqtt) }) } : {}),
    });
    const baseUrl = await http.listen(options.port, options.host);
    cleanup.push(() => http.close());
    identity = createLocalIdentity(key, baseUrl);
    // Handlers are imported on their first request, after this: they read their settings from here.
    setFunctionEnvironment({ tableName, dynamoDbEndpoint, identity });

    mqtt = options.mqttPort === undefined ? undefined : await startMqtt(options, devices, identity, log, cleanup);
    if (options.schedules ?? mqtt !== undefined) startSchedules(options, clock, log, cleanup);

    const runtime: Runtime = {
      baseUrl,
      webUrl: options.web ? `${baseUrl}/` : undefined,
      dynamoDbEndpoint,
      tableName,
      durability: durabilityOf(dynamoDb, dataDir),
      identity,
      issueToken: (request) => (identity as LocalIdentity).issueToken(request),
      deviceCredentials: (device) => devices.issue(device),
      mqtt,
      stop,
    };
    if (options.seed) {
      log.info(`Seeding the demo plant (tenant ${DEMO_TENANT}) if it is not there yet...`);
      runtime.seed = await seedDemoPlant(
        {
          ...runtime,
          // Issue 18: the demo's machine data for a stop, through the ingest core as the IoT rules hand it on.
          ingestTelemetry: async (envelopes) => {
            const { telemetryIngest } = await import('../../functions/lib/telemetry-ingest.ts');
            const failed = await telemetryIngest.ingest(
              envelopes.map((e, i) => ({ id: `seed-${i}`, body: JSON.stringify(e) })),
              { warn: (message, details) => log.error(`seed telemetry: ${message} ${JSON.stringify(details ?? {})}`) },
            );
            if (failed.size) throw new Error(`the demo telemetry was not stored (${failed.size} records)`);
          },
        },
        log,
      );
    }
    // Last to start, first to stop: no dispatch into a queue that is gone, nor into stopped parts.
    // After the seed, whose events it then dispatches: loading the functions does not slow it down.
    if (queue) runtime.outbox = await startOutbox(options, { dynamoDbEndpoint, tableName, dataDir, clock, queue, log }, cleanup);
    if (queue && mqtt) mqtt.liveFeed = await startLiveFeed(options, { dynamoDbEndpoint, tableName, dataDir, log }, cleanup);
    ready = true;
    return runtime;
  } catch (error) {
    await stop();
    throw error;
  }
}

function durabilityOf(dynamoDb: DynamoDbLocal | undefined, dataDir: string | undefined): Durability | undefined {
  if (!dynamoDb) return undefined;
  if (!dataDir || !dynamoDb.journal) return { kind: 'in-memory' };
  return { kind: 'on-disk', dataDir, journal: dynamoDb.journal, flushesDiskCache: dynamoDb.flushesDiskCache };
}

/** A PUBACK means stored wherever the data is kept on disk; in memory nothing is kept anyway. */
export const telemetryAck = (options: RuntimeOptions): 'received' | 'stored' =>
  options.telemetryAck ?? (options.dataDir && !options.inMemory ? 'stored' : 'received');

/** The broker stops first (no new publishes), then the pipeline flushes into the still-running table. */
async function startMqtt(
  options: RuntimeOptions,
  devices: DeviceAuthority,
  identity: LocalIdentity,
  log: Log,
  cleanup: (() => Promise<void>)[],
): Promise<RuntimeMqtt> {
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
    ackWhen: telemetryAck(options),
    onPublish: (publish) =>
      new Promise<boolean>((resolve) => {
        if (!pipeline.accept(publish, Date.now(), resolve)) resolve(false);
      }),
    // Connects and disconnects, as IoT Core's lifecycle events, through the same rules.
    onLifecycle: (event) => {
      pipeline.accept(event, Date.now());
    },
    ...(options.clock ? { clock: options.clock } : {}),
    // Registered and active in the device registry, with its registration's password (device-provisioning.ts).
    devices: registryVerifier(devices, new DynamoDbDeviceRepository()),
    authenticateViewer: (username, password) => authenticateViewer(identity, username, password),
    log,
  });
  cleanup.push(() => broker.stop());
  // The live feed's way out: the IoT data plane, here publishing through the broker.
  const iotData = await startIotDataEndpoint({ publish: (topic, payload, qos) => broker.publish(topic, payload, qos), log });
  cleanup.push(() => iotData.stop());
  process.env[ENV.iotDataEndpoint] = iotData.url;
  return { url: broker.url, wsUrl: broker.wsUrl, broker, pipeline, ackWhen: telemetryAck(options), iotData };
}

/**
 * A browser following the live feed: username = its tenant id, password = its ID token from the
 * local identity provider, verified as the API verifies it. What it may then subscribe to is the
 * broker's rule (viewerSubscriptions, shared/telemetry/live-feed.ts): its tenant's feed, read-only.
 */
export async function authenticateViewer(identity: LocalIdentity, username: string, token: string) {
  try {
    const claims = await verifyBearer(`Bearer ${token}`, identity);
    const tenantId = claims[CLAIMS.tenantId];
    const userId = userIdOf(claims, typeof tenantId === 'string' ? tenantId : undefined);
    if (typeof tenantId !== 'string' || !userId || tenantId !== username) return undefined;
    return { tenantId, userId };
  } catch {
    return undefined;
  }
}

/** The app's config with the broker's WebSocket as its live feed, when there is one. */
function withLiveFeed(config: AppConfig, mqtt: RuntimeMqtt | undefined): AppConfig {
  return mqtt?.wsUrl && !config.live ? { ...config, live: { mode: 'local', url: mqtt.wsUrl } } : config;
}

/** The live feed's event source mapping (infra/event-sources.ts publishLive): a second reader of the table stream. */
async function startLiveFeed(
  options: RuntimeOptions,
  context: Pick<OutboxContext, 'dynamoDbEndpoint' | 'tableName' | 'dataDir' | 'log'>,
  cleanup: (() => Promise<void>)[],
): Promise<StreamPoller> {
  const { publishLive } = EVENT_FUNCTIONS;
  const poller = await startStreamPoller({
    endpoint: context.dynamoDbEndpoint,
    tableName: context.tableName,
    handler: lazyHandler<DynamoDBStreamEvent>(publishLive.handler),
    functionName: functionNameOf(publishLive),
    timeoutMs: publishLive.timeoutSeconds * 1000,
    batchSize: publishLive.source.batchSize,
    filter: publishLive.source.filter,
    retryAttempts: publishLive.source.retryAttempts,
    bisectBatchOnError: publishLive.source.bisectBatchOnError,
    startingPosition: options.liveFeedStartingPosition ?? publishLive.source.startingPosition,
    ...(context.dataDir ? { checkpointFile: join(context.dataDir, 'streams', `${context.tableName}.live-feed.json`) } : {}),
    log: context.log,
  });
  cleanup.push(() => poller.stop());
  return poller;
}

/**
 * Each scheduled function on a timer of the runtime's clock, as EventBridge runs it on AWS: every
 * `localEverySeconds` (else `everyMinutes`), a failed run not retried; the next run is armed when
 * the last one ends, so runs never overlap. The live view's refresh: `liveViewRefreshSeconds`, else
 * MES_LIVE_REFRESH_SECONDS; 0 = never.
 */
function startSchedules(options: RuntimeOptions, clock: SchedulingClock, log: Log, cleanup: (() => Promise<void>)[]) {
  const fromEnv = process.env.MES_LIVE_REFRESH_SECONDS ? Number(process.env.MES_LIVE_REFRESH_SECONDS) : undefined;
  for (const [, fn] of scheduledFunctions()) {
    const seconds: number =
      fn === SCHEDULED_FUNCTIONS.refreshLiveView
        ? (options.liveViewRefreshSeconds ?? (Number.isFinite(fromEnv) ? (fromEnv as number) : SCHEDULED_FUNCTIONS.refreshLiveView.localEverySeconds))
        : (fn.localEverySeconds ?? fn.everyMinutes * 60);
    if (!(seconds > 0)) continue;
    const load = lazyHandler(fn.handler);
    let cancel = () => {};
    let stopped = false;
    const arm = () => {
      cancel = clock.schedule(clock.now().getTime() + seconds * 1000, async () => {
        await runScheduled(fn, load).catch((error) => log.error(`${functionNameOf(fn)} failed`, error));
        if (!stopped) arm();
      });
    };
    arm();
    cleanup.push(async () => {
      stopped = true;
      cancel();
    });
  }
}

const runScheduled = (fn: ScheduledFunction, load: ReturnType<typeof lazyHandler>) =>
  invoke(load, {}, { functionName: functionNameOf(fn), timeoutMs: fn.timeoutSeconds * 1000, ...(fn.memoryMb ? { memoryMb: fn.memoryMb } : {}) });

function createDeliveryQueue(options: RuntimeOptions, clock: SchedulingClock, log: Log): LocalDeliveryQueue {
  return new LocalDeliveryQueue({
    clock,
    handler: options.outboxHandlers?.deliverer ?? lazyHandler<SQSEvent>(EVENT_FUNCTIONS.deliverWebhook.handler),
    log,
  });
}

interface OutboxContext {
  dynamoDbEndpoint: string;
  tableName: string;
  dataDir: string | undefined;
  clock: SchedulingClock;
  queue: LocalDeliveryQueue;
  log: Log;
}

/** The stream poller, then the recovery of pending deliveries in the background (startup stays fast). */
async function startOutbox(options: RuntimeOptions, context: OutboxContext, cleanup: (() => Promise<void>)[]): Promise<RuntimeOutbox> {
  const { queue, clock, log } = context;
  // Before anything of this run can claim a delivery: the claims older than this are a dead run's.
  const runStart = clock.now();
  let poller: StreamPoller | undefined;
  // One step: the poller stops (no new dispatches), then the queue finishes what is in flight.
  cleanup.push(async () => {
    await poller?.stop();
    await queue.stop();
  });
  const { dispatchOutbox } = EVENT_FUNCTIONS;
  poller = await startStreamPoller({
    endpoint: context.dynamoDbEndpoint,
    tableName: context.tableName,
    handler: options.outboxHandlers?.dispatcher ?? lazyHandler<DynamoDBStreamEvent>(dispatchOutbox.handler),
    // The event source mapping the integration stack deploys (infra/event-sources.ts).
    functionName: functionNameOf(dispatchOutbox),
    timeoutMs: dispatchOutbox.timeoutSeconds * 1000,
    batchSize: dispatchOutbox.source.batchSize,
    filter: dispatchOutbox.source.filter,
    retryAttempts: dispatchOutbox.source.retryAttempts,
    bisectBatchOnError: dispatchOutbox.source.bisectBatchOnError,
    startingPosition: options.outboxStartingPosition ?? dispatchOutbox.source.startingPosition,
    ...(context.dataDir ? { checkpointFile: join(context.dataDir, 'streams', `${context.tableName}.json`) } : {}),
    log,
  });
  if (options.recoverWebhookDeliveries !== false) {
    const claimMs = claimDurationMs(options.webhookTimeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS);
    void queue.recover(scanPendingDeliveries(context.dynamoDbEndpoint, context.tableName, runStart, claimMs));
  }
  return { poller, queue, clock };
}

/**
 * The integration settings of the in-process functions: the local secrets key (kept in the data
 * dir beside the signing key, else one per process), loopback webhooks, the attempt timeout.
 * The AWS adapters' settings are cleared: a shell that has them set must not reach AWS from here.
 */
function setIntegrationEnvironment(options: RuntimeOptions, dataDir: string | undefined, log: Log) {
  delete process.env[ENV.webhookQueueUrl];
  delete process.env[ENV.secretsKeyId];
  // No identity pool locally: the live feed session route answers 204 and attaches nothing.
  delete process.env[ENV.liveIdentityPoolParameter];
  // The audit checkpoints' anchor store (functions/lib/audit-anchor.ts): files written once, under the data dir.
  process.env.MES_AUDIT_ANCHOR_DIR = dataDir ? join(dataDir, 'audit-anchor') : mkdtempSync(join(tmpdir(), 'mes-audit-anchor-'));
  if (dataDir) process.env[ENV.localSecretsKey] = loadSecretsKey(join(dataDir, 'identity'));
  else process.env[ENV.localSecretsKey] ??= randomBytes(32).toString('base64');
  if (options.allowLoopbackWebhooks ?? true) {
    process.env[ENV.webhookAllowLoopback] = '1';
    log.info('Webhooks may go to loopback addresses (127.0.0.1, ::1, localhost) because this is the local runtime; AWS refuses them.');
  } else delete process.env[ENV.webhookAllowLoopback];
  if (options.webhookTimeoutMs !== undefined) process.env[ENV.webhookTimeoutMs] = String(options.webhookTimeoutMs);
  if (options.rateLimitDefault !== undefined) process.env[ENV.rateLimitDefault] = options.rateLimitDefault;
}

/** The AES key that seals integration secrets locally: base64 of 32 random bytes, owner-only. */
function loadSecretsKey(dir: string): string {
  const file = join(dir, 'secrets.key');
  try {
    const key = readFileSync(file, 'utf8').trim();
    if (Buffer.from(key, 'base64').length !== 32) throw new Error('it is not base64 of 32 bytes');
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot read the local secrets key ${file}: ${(error as Error).message}. Secrets sealed with it cannot be opened without it.`);
    }
  }
  const key = randomBytes(32).toString('base64');
  mkdirSync(dir, { recursive: true });
  // Durably: secrets sealed with it are on disk the moment they are answered.
  writeDurably(file, `${key}\n`, 0o600);
  return key;
}

/** What CDK sets on each function on AWS (shared/config.ts), set here for the in-process handlers. */
function setFunctionEnvironment(settings: { tableName: string; dynamoDbEndpoint: string; identity: LocalIdentity }) {
  process.env[ENV.tableName] = settings.tableName;
  process.env[ENV.dynamoDbEndpoint] = settings.dynamoDbEndpoint;
  process.env[ENV.appVersion] = APP_VERSION;
  // The signing password check speaks Cognito's protocol to the local identity provider (issue 16).
  process.env[ENV.signingAuthEndpoint] = `${settings.identity.issuer.replace(/\/local$/, '')}${LOCAL_ONLY_PATHS.cognito}`;
  process.env[ENV.signingClientId] = LOCAL_SIGNING_CLIENT_ID;
  // DynamoDB Local runs with -sharedDb: any region and key pair reach the same tables.
  process.env.AWS_REGION ??= LOCAL_REGION;
  if (!process.env.AWS_ACCESS_KEY_ID) {
    process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
  }
}

/**
 * `npm start`: the whole MES on loopback, no AWS account, no Docker. DynamoDB data persists
 * under .data/ unless --in-memory. The MQTT broker (1883, WebSocket 9001) feeds telemetry to
 * functions/iot/ unless --no-mqtt; --simulate makes the demo plant's units publish. The
 * outbox runs too: the table stream feeds functions/streams/, webhook deliveries wait in an
 * in-process queue for functions/jobs/; webhooks may go to loopback addresses unless
 * --no-loopback-webhooks. The supervisor app is built into web/dist and served on the same
 * port as the API, at `/`, unless --no-web. Ctrl-C (SIGINT) or SIGTERM stops everything, JVM
 * included.
 *
 *   npm start -- [--in-memory] [--port N] [--data-dir DIR] [--no-seed]
 *                [--mqtt-port N] [--mqtt-ws-port N] [--no-mqtt] [--simulate]
 *                [--no-loopback-webhooks] [--no-web]
 */
import { parseArgs } from 'node:util';
import { LOCAL_ONLY_PATHS } from '../../shared/api/routes.ts';
import { ENV } from '../../shared/config.ts';
import { type RunningSimulation, runLive } from '../../simulator/run.ts';
import { DEMO_WORK_UNITS, fetchWorkUnitGateways } from '../../simulator/plant.ts';
import { checkJava, DynamoDbLocalError } from './dynamodb.ts';
import { consoleLog } from './http-server.ts';
import { DEFAULT_MQTT_PORT, DEFAULT_MQTT_WS_PORT } from './mqtt-broker.ts';
import { isPortFree } from './net.ts';
import { type Runtime, startRuntime } from './runtime.ts';
import { DEMO_PASSWORD } from './passwords.ts';
import { DEMO_GATEWAY, DEMO_TENANT, DEMO_USERS } from './seed.ts';
import { buildWeb } from '../../web/build.ts';

// The SDK warns on Node 20 at the first client; it is noise for someone starting the app.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HOST = '127.0.0.1';

const USAGE =
  'usage: npm start -- [--in-memory] [--port N (default 3000, env PORT)] [--data-dir DIR (default .data)] [--no-seed]\n' +
  `                    [--mqtt-port N (default ${DEFAULT_MQTT_PORT}, env MQTT_PORT)] [--mqtt-ws-port N (default ${DEFAULT_MQTT_WS_PORT})] [--no-mqtt] [--simulate]\n` +
  '                    [--no-loopback-webhooks (refuse webhook URLs on 127.0.0.1, ::1, localhost, as AWS does)]\n' +
  '                    [--no-web (do not build and serve the supervisor app)]\n' +
  '                    [--telemetry-ack stored|received (default stored with a data dir: a PUBACK means the message is on disk)]';

function parseOptions() {
  const parse = () =>
    parseArgs({
      options: {
        'in-memory': { type: 'boolean', default: false },
        port: { type: 'string', default: process.env.PORT ?? '3000' },
        'data-dir': { type: 'string', default: '.data' },
        'no-seed': { type: 'boolean', default: false },
        'mqtt-port': { type: 'string', default: process.env.MQTT_PORT ?? String(DEFAULT_MQTT_PORT) },
        'mqtt-ws-port': { type: 'string', default: String(DEFAULT_MQTT_WS_PORT) },
        'no-mqtt': { type: 'boolean', default: false },
        simulate: { type: 'boolean', default: false },
        'no-loopback-webhooks': { type: 'boolean', default: false },
        'no-web': { type: 'boolean', default: false },
        'telemetry-ack': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse().values;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const portOf = (flag: string, text: string) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`--${flag} must be a port number, not "${text}"`);
    return n;
  };
  const mqtt = !values['no-mqtt'];
  if (values.simulate && !mqtt) fail('--simulate needs the MQTT broker: leave out --no-mqtt');
  const telemetryAck = values['telemetry-ack'];
  if (telemetryAck !== undefined && telemetryAck !== 'stored' && telemetryAck !== 'received') {
    fail(`--telemetry-ack must be stored or received, not "${telemetryAck}"`);
  }
  return {
    inMemory: values['in-memory'],
    port: portOf('port', values.port),
    dataDir: values['data-dir'],
    seed: !values['no-seed'],
    mqttPort: mqtt ? portOf('mqtt-port', values['mqtt-port']) : undefined,
    mqttWsPort: mqtt ? portOf('mqtt-ws-port', values['mqtt-ws-port']) : undefined,
    simulate: values.simulate,
    allowLoopbackWebhooks: !values['no-loopback-webhooks'],
    web: !values['no-web'],
    telemetryAck: telemetryAck as 'stored' | 'received' | undefined,
  };
}

function fail(message: string): never {
  console.error(`\nnpm start: ${message}\n`);
  process.exit(1);
}

async function main() {
  const options = parseOptions();
  try {
    checkJava();
  } catch (error) {
    fail((error as Error).message);
  }
  if (!(await isPortFree(options.port, HOST))) {
    fail(`port ${options.port} is in use: stop the other process or run npm start -- --port ${options.port + 1}`);
  }
  for (const [flag, port] of [
    ['mqtt-port', options.mqttPort],
    ['mqtt-ws-port', options.mqttWsPort],
  ] as const) {
    if (port !== undefined && !(await isPortFree(port, HOST))) {
      fail(`port ${port} is in use (another MQTT broker?): stop it, or run npm start -- --${flag} ${port + 1}, or --no-mqtt`);
    }
  }

  console.log(`Starting the MES (${options.inMemory ? 'in memory' : `data in ${options.dataDir}/`})...`);
  const web = options.web ? await buildWebApp() : undefined;
  let runtime: Runtime | undefined;
  let simulation: RunningSimulation | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    const simulated = await simulation?.stop();
    if (simulated) console.log(`Simulator: ${simulated.messages} MQTT messages published.`);
    await runtime?.stop();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    runtime = await startRuntime({
      port: options.port,
      host: HOST,
      dataDir: options.dataDir,
      inMemory: options.inMemory,
      seed: options.seed,
      allowLoopbackWebhooks: options.allowLoopbackWebhooks,
      log: consoleLog,
      web: web ?? false,
      ...(options.mqttPort === undefined ? {} : { mqttPort: options.mqttPort, mqttWsPort: options.mqttWsPort }),
      ...(options.telemetryAck ? { telemetryAck: options.telemetryAck } : {}),
    });
  } catch (error) {
    fail(error instanceof DynamoDbLocalError ? error.message : String((error as Error).stack ?? error));
  }
  if (stopping) return;
  await printWelcome(runtime, options.seed, options.simulate);
  if (options.simulate && runtime.mqtt) simulation = await startSimulation(runtime);
}

/**
 * Builds the supervisor app into web/dist (esbuild, about a second). A broken build does not stop
 * the API: the error is shown and the app is not served.
 */
async function buildWebApp(): Promise<{ dir: string } | undefined> {
  const started = Date.now();
  try {
    const { outDir, budget } = await buildWeb();
    console.log(`Built the web app in ${Date.now() - started} ms (initial JavaScript ${(budget.initialJs.gzip / 1024).toFixed(1)} KiB gzipped).`);
    return { dir: outDir };
  } catch (error) {
    console.error(`The web app did not build, so it is not served (the API is):\n${(error as Error).message}`);
    return undefined;
  }
}

/**
 * The demo plant's units publish once a second each, in real time, until Ctrl-C: each as itself,
 * or through the gateway its master data names (the packing line's, DEMO_GATEWAY), which batches
 * their counts and process values and now and then loses a unit's PLC link for a few minutes.
 */
async function startSimulation(runtime: Runtime): Promise<RunningSimulation> {
  const listed = (await fetchWorkUnitGateways(runtime.baseUrl, DEMO_TENANT)) ?? [];
  const gateways = new Map(listed.flatMap((u) => (u.gatewayId ? [[u.id, u.gatewayId] as const] : [])));
  return runLive({
    mqttUrl: runtime.mqtt?.url as string,
    credentials: (device) => runtime.deviceCredentials(device),
    tenantId: DEMO_TENANT,
    units: listed.length ? listed.map((u) => u.id) : DEMO_WORK_UNITS,
    rate: 1,
    speed: 1,
    batch: 50,
    basicIngest: false,
    gatewayOf: (unit) => gateways.get(unit),
    flushAfterMs: 5000,
    linkDropEveryMs: 2 * 3600_000,
    log: consoleLog,
  });
}

async function printWelcome(runtime: Runtime, seed: boolean, simulate: boolean) {
  const { baseUrl } = runtime;
  const supervisor = await runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.supervisor });
  const lines = [
    '',
    `MES is running on ${baseUrl}`,
    '',
    `  Web app      ${runtime.webUrl ? `${runtime.webUrl}  (sign in with any plant, user and role; demo plant "${DEMO_TENANT}")` : 'off'}`,
    `  API base     ${baseUrl}/v1`,
    `  Health       ${baseUrl}/v1/health`,
    `  OpenAPI      ${baseUrl}/v1/openapi.json`,
    `  Token        POST ${baseUrl}${LOCAL_ONLY_PATHS.token}  {"tenantId","userId","roles":[...]}`,
    `  JWKS         ${baseUrl}${LOCAL_ONLY_PATHS.jwks}`,
    `  DynamoDB     ${runtime.dynamoDbEndpoint} (table ${runtime.tableName})`,
    ...durabilityLines(runtime),
    ...mqttLines(runtime, simulate),
    ...webhookLines(runtime),
    `  Demo data    ${seed ? (runtime.seed?.detail ?? '') : 'not seeded (--no-seed)'}`,
    '',
    `Demo users: ${Object.values(DEMO_USERS)
      .map((u) => `${u.userId} (${u.roles.join(', ')})`)
      .join(', ')}`,
    `Their password, asked again at every electronic signature: ${DEMO_PASSWORD}`,
    '',
    `A supervisor token for tenant "${DEMO_TENANT}" (valid 12 h):`,
    '',
    `export TOKEN=${supervisor}`,
    '',
    'Try:',
    `  curl -s ${baseUrl}/v1/health`,
    `  curl -s -H "authorization: Bearer $TOKEN" "${baseUrl}/v1/work-orders?limit=10"`,
    `  curl -s -X POST ${baseUrl}${LOCAL_ONLY_PATHS.token} -H 'content-type: application/json' \\`,
    `       -d '{"tenantId":"${DEMO_TENANT}","userId":"p-olivia","roles":["operator"]}'`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
}

/** What a crash can cost, in one line (the README's "Crash guarantees" says more). */
function durabilityLines(runtime: Runtime): string[] {
  const d = runtime.durability;
  if (!d) return [];
  if (d.kind === 'in-memory') return ['  Durability   none: --in-memory keeps nothing once the MES stops'];
  if (d.journal.mode === 'rollback') {
    return [`  Durability   a crash of the MES loses no answered write; a power cut may lose the last ones this run (${d.journal.why})`];
  }
  const flush = d.flushesDiskCache ? ', and the disk cache flushed' : '';
  return [
    `  Durability   each write is on disk (fsync'ed${flush}) before it is answered: it survives a crash of the MES or a power cut`,
    ...(runtime.mqtt?.ackWhen === 'received'
      ? ['               except MQTT telemetry (--telemetry-ack received): about the last second before a crash can be lost']
      : runtime.mqtt
        ? ['               MQTT telemetry too: a device gets its PUBACK once its message is stored']
        : []),
  ];
}

/** Where outbox events go: the same functions as on AWS, fed by the local stream poller and queue. */
function webhookLines(runtime: Runtime): string[] {
  if (!runtime.outbox) return ['  Webhooks     off'];
  const loopback = process.env[ENV.webhookAllowLoopback] === '1' ? 'loopback URLs allowed' : 'loopback URLs refused';
  return [`  Webhooks     subscribe: POST ${runtime.baseUrl}/v1/webhook-endpoints  (${loopback})`];
}

/** Where devices connect, as whom, and how to make one speak. */
function mqttLines(runtime: Runtime, simulate: boolean): string[] {
  const mqtt = runtime.mqtt;
  if (!mqtt) return ['  MQTT         off (--no-mqtt)'];
  const port = new URL(mqtt.url).port;
  const unit = 'wu-press-1';
  const press = runtime.deviceCredentials({ tenantId: DEMO_TENANT, equipmentId: unit });
  return [
    `  MQTT         ${mqtt.url}  (client id {tenantId}:{equipmentId}, username the tenant id, password its credential)`,
    `  MQTT/WS      ${mqtt.wsUrl ?? 'off'}`,
    `  Devices      POST ${runtime.baseUrl}${LOCAL_ONLY_PATHS.deviceCredentials}  {"equipmentId"} or {"gatewayId"} with an admin's token -> {"clientId","username","password"}`,
    `  Gateways     ${DEMO_GATEWAY} publishes for the packing line's units (their gatewayId); see docs/telemetry.md`,
    `  Telemetry    ${simulate ? 'the demo plant is publishing (--simulate)' : `npm run simulate   or, by hand as ${unit} of ${DEMO_TENANT}:`}`,
    ...(simulate
      ? []
      : [
          `    npx mqtt pub -h 127.0.0.1 -p ${port} -i ${press.clientId} -u ${press.username} -P ${press.password} -q 1 \\`,
          `      -t dt/mes/${DEMO_TENANT}/${unit}/state -m '{"ts":'$(date +%s000)',"msgId":"m-'$RANDOM'","state":"down","reasonCode":"BD-JAM"}'`,
        ]),
  ];
}

await main();

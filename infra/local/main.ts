/**
 * `npm start`: the whole MES on loopback, no AWS account, no Docker. DynamoDB data persists
 * under .data/ unless --in-memory. Ctrl-C (SIGINT) or SIGTERM stops everything, JVM included.
 *
 *   npm start -- [--in-memory] [--port N] [--data-dir DIR] [--no-seed]
 */
import { parseArgs } from 'node:util';
import { LOCAL_ONLY_PATHS } from '../../shared/api/routes.ts';
import { checkJava, DynamoDbLocalError } from './dynamodb.ts';
import { consoleLog } from './http-server.ts';
import { isPortFree } from './net.ts';
import { type Runtime, startRuntime } from './runtime.ts';
import { DEMO_TENANT, DEMO_USERS } from './seed.ts';

// The SDK warns on Node 20 at the first client; it is noise for someone starting the app.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HOST = '127.0.0.1';

const USAGE = 'usage: npm start -- [--in-memory] [--port N (default 3000, env PORT)] [--data-dir DIR (default .data)] [--no-seed]';

function parseOptions() {
  const parse = () =>
    parseArgs({
      options: {
        'in-memory': { type: 'boolean', default: false },
        port: { type: 'string', default: process.env.PORT ?? '3000' },
        'data-dir': { type: 'string', default: '.data' },
        'no-seed': { type: 'boolean', default: false },
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
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port must be a port number, not "${values.port}"`);
  return { inMemory: values['in-memory'], port, dataDir: values['data-dir'], seed: !values['no-seed'] };
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

  console.log(`Starting the MES (${options.inMemory ? 'in memory' : `data in ${options.dataDir}/`})...`);
  let runtime: Runtime | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
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
      log: consoleLog,
    });
  } catch (error) {
    fail(error instanceof DynamoDbLocalError ? error.message : String((error as Error).stack ?? error));
  }
  if (stopping) return;
  await printWelcome(runtime, options.seed);
}

async function printWelcome(runtime: Runtime, seed: boolean) {
  const { baseUrl } = runtime;
  const supervisor = await runtime.issueToken({ tenantId: DEMO_TENANT, ...DEMO_USERS.supervisor });
  const lines = [
    '',
    `MES is running on ${baseUrl}`,
    '',
    `  API base     ${baseUrl}/v1`,
    `  Health       ${baseUrl}/v1/health`,
    `  OpenAPI      ${baseUrl}/v1/openapi.json`,
    `  Token        POST ${baseUrl}${LOCAL_ONLY_PATHS.token}  {"tenantId","userId","roles":[...]}`,
    `  JWKS         ${baseUrl}${LOCAL_ONLY_PATHS.jwks}`,
    `  DynamoDB     ${runtime.dynamoDbEndpoint} (table ${runtime.tableName})`,
    `  Demo data    ${seed ? (runtime.seed?.detail ?? '') : 'not seeded (--no-seed)'}`,
    '',
    `Demo users: ${Object.values(DEMO_USERS).map((u) => `${u.userId} (${u.roles.join(', ')})`).join(', ')}`,
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

await main();

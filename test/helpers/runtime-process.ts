/**
 * The local runtime as a real child process, as `npm start` runs it (infra/local/main.ts), for
 * tests that must kill it for real. It gets its own DynamoDB Local on `dataDir`, never the one
 * `npm test` shares; `dynamoDbLocalsOn(dataDir)` finds that JVM.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV } from '../../shared/config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RuntimeProcess {
  baseUrl: string;
  /** The endpoint the runtime gives its functions (the durable one in front of the JVM). */
  dynamoDbEndpoint: string;
  pid: number;
  /** What the runtime printed, for failure messages. */
  output(): string;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts `npm start -- --data-dir DIR --port PORT` without web app or seed (and without MQTT unless given its ports); resolves when it is up. */
export async function startRuntimeProcess(options: {
  dataDir: string;
  port: number;
  mqtt?: { port: number; wsPort: number };
  timeoutMs?: number;
}): Promise<RuntimeProcess> {
  // The shared test table's settings must not leak into it: it runs its own DynamoDB Local.
  const { [ENV.dynamoDbEndpoint]: _endpoint, [ENV.tableName]: _table, ...env } = process.env;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'infra/local/main.ts',
      '--data-dir',
      options.dataDir,
      '--port',
      String(options.port),
      ...(options.mqtt ? ['--mqtt-port', String(options.mqtt.port), '--mqtt-ws-port', String(options.mqtt.wsPort)] : ['--no-mqtt']),
      '--no-web',
      '--no-seed',
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  const keep = (chunk: Buffer) => {
    text = (text + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const baseUrl = /MES is running on (\S+)/.exec(text)?.[1];
    const dynamoDbEndpoint = /DynamoDB\s+(http:\/\/\S+)/.exec(text)?.[1];
    if (baseUrl && dynamoDbEndpoint) {
      return {
        baseUrl,
        dynamoDbEndpoint,
        pid: child.pid as number,
        output: () => text,
        exited,
        kill: (signal) => child.kill(signal),
      };
    }
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the runtime exited before it was up:\n${text}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the runtime was not up within ${options.timeoutMs ?? 60_000} ms:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The pids of every DynamoDB Local running on `dataDir` (by `ps`, on Linux and macOS). */
export function dynamoDbLocalsOn(dataDir: string): number[] {
  const dbPath = resolve(dataDir, 'dynamodb');
  const ps = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal.jar') && line.includes(`-dbPath ${dbPath}`))
    .map((line) => Number.parseInt(line.trim(), 10));
}

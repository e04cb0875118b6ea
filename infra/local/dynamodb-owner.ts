/**
 * One DynamoDB Local per data dir, and none outliving its runtime. Two JVMs on one SQLite file
 * break each other: each counts stream sequence numbers on its own, and a COMMIT that meets the
 * other's lock fails with SQLITE_BUSY after DynamoDB Local has already answered the write, which
 * it then rolls back without a word. So:
 * - where the OS offers it, the JVM dies with the process that started it (Linux: the parent
 *   death signal, set by util-linux's `setpriv --pdeathsig` before it runs java);
 * - everywhere, the data dir records its owner (owner.json: runtime and JVM pids) and the next
 *   start stops a JVM whose runtime is gone before starting its own, or refuses to start while
 *   the owning runtime is alive.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from './http-server.ts';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

interface Owner {
  /** The Node process that started the JVM. */
  runtimePid: number;
  jvmPid: number;
  startedAt: string;
}

const OWNER_FILE = 'owner.json';

/** The command prefix that makes java die with this process, or [] where the OS has none. */
export function dieWithParentPrefix(): string[] {
  if (process.platform !== 'linux') return [];
  const help = spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
  // util-linux 2.33+; without it the owner file below still keeps the data dir to one JVM.
  return !help.error && help.stdout.includes('--pdeathsig') ? ['setpriv', '--pdeathsig', 'KILL', '--'] : [];
}

/**
 * Makes this process the data dir's owner: stops a DynamoDB Local left running on it by a
 * runtime that died, and refuses when a live runtime still uses it. `record` notes the new JVM;
 * `release` gives the data dir up once the JVM is gone.
 */
export async function claimDataDir(dbPath: string, log: Pick<Log, 'info'>) {
  const file = join(dbPath, OWNER_FILE);
  const previous = readOwner(file);
  if (previous && isDynamoDbLocalOn(previous.jvmPid, dbPath)) {
    if (isAlive(previous.runtimePid)) {
      throw new DataDirInUseError(
        `${dbPath} is in use by another MES runtime (pid ${previous.runtimePid}, DynamoDB Local pid ${previous.jvmPid}). ` +
          'Stop it first, or start this one with another --data-dir.',
      );
    }
    log.info(
      `DynamoDB Local (pid ${previous.jvmPid}) was still running on ${dbPath} after its runtime ended without stopping it; stopping it first.`,
    );
    await stopProcess(previous.jvmPid, dbPath);
  }
  return {
    record(jvmPid: number) {
      const owner: Owner = { runtimePid: process.pid, jvmPid, startedAt: new Date().toISOString() };
      writeFileSync(file, `${JSON.stringify(owner)}\n`);
    },
    release() {
      rmSync(file, { force: true });
    },
  };
}

function readOwner(file: string): Owner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<Owner>;
    return Number.isInteger(owner.runtimePid) && Number.isInteger(owner.jvmPid) ? (owner as Owner) : undefined;
  } catch {
    // Absent, or torn by a power cut, which no process survived anyway.
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True only for a live DynamoDB Local on this data dir: after a reboot the pid may be anyone's,
 * and a killed JVM nobody reaped is a zombie without files. `ps` is on Linux and macOS.
 */
function isDynamoDbLocalOn(pid: number, dbPath: string): boolean {
  const ps = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  if (ps.error || ps.status !== 0) return false;
  const args = ps.stdout.trim();
  return args.includes('DynamoDBLocal.jar') && args.includes(`-dbPath ${dbPath}`);
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the JVM is gone (a zombie counts as gone). */
async function stopProcess(pid: number, dbPath: string): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Gone already.
    }
  };
  signal('SIGTERM');
  for (let waited = 0; isDynamoDbLocalOn(pid, dbPath); waited += 100) {
    if (waited === 5_000) signal('SIGKILL');
    if (waited > 15_000) throw new DataDirInUseError(`DynamoDB Local (pid ${pid}) on ${dbPath} does not stop; stop it by hand and start again.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

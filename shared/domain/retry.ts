/**
 * Commands sent without If-Match mean "apply to whatever is current". When such a command loses
 * an optimistic-lock race (VersionConflictError: someone else's write landed between its read
 * and its own), it is run again from the read, so every rule is checked anew on the record as
 * it now is: the legal ones succeed, the rest get their rule's own refusal. With If-Match the
 * client named the version it decided on, so a conflict stays a 409.
 *
 * Two layers, because conflicts cost a round of reads and a refused transaction each:
 * - within one process, commands on the same record wait their turn (`oneAtATime`), so a burst
 *   of them is a queue, not a storm of refused transactions. On Lambda an instance serves one
 *   request at a time, so this only matters where one process serves many (the local runtime);
 * - across processes, the version condition decides and the loser runs again, with exponential
 *   backoff and full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"), bounded
 *   by attempts and by the invocation's deadline, less what the last attempt needs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { VersionConflictError } from './errors.ts';

export interface RetryPolicy {
  /** Most runs of the command, the first included. */
  attempts: number;
  /** First backoff ceiling; it doubles per attempt up to capMs. */
  baseMs: number;
  capMs: number;
  /** Without a deadline (withDeadline): no attempt starts after this long, its wait included. */
  budgetMs: number;
  /** With a deadline: what the last attempt and the answer keep for themselves. */
  reserveMs: number;
}

export const COMMAND_RETRY: RetryPolicy = { attempts: 50, baseMs: 10, capMs: 1_000, budgetMs: 6_000, reserveMs: 2_000 };

const deadlines = new AsyncLocalStorage<number>();

/**
 * Runs `fn` with a deadline (epoch ms) for the commands in it: the HTTP edge passes the
 * invocation's, from Lambda's getRemainingTimeInMillis (10 s on AWS, 30 s in the local gateway).
 */
export const withDeadline = <T>(deadline: number, fn: () => Promise<T>): Promise<T> => deadlines.run(deadline, fn);
/** The deadline (epoch ms) of the work in progress, when the edge set one: long work (a recall) stops in time and says how far it got. */
export const currentDeadline = (): number | undefined => deadlines.getStore();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `command`; runs it again on a version conflict unless the caller pinned a version. */
export async function retryOnConflict<T>(
  expectedVersion: number | undefined,
  command: () => Promise<T>,
  policy: RetryPolicy = COMMAND_RETRY,
): Promise<T> {
  if (expectedVersion !== undefined) return command();
  // The last attempt must start, and end, before the invocation does.
  const deadline = deadlines.getStore();
  const startBy = deadline === undefined ? Date.now() + policy.budgetMs : deadline - policy.reserveMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await command();
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      const delay = Math.random() * Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
      if (attempt >= policy.attempts || Date.now() + delay >= startBy) {
        throw new VersionConflictError(`the record kept changing while this was tried ${attempt} times; try again in a moment`);
      }
      await sleep(delay);
    }
  }
}

const tails = new Map<string, Promise<void>>();
let takingTurns = true;

/**
 * Tests switch the in-process turn-taking off to race commands as separate Lambda instances
 * would, through the version condition and the retry alone.
 */
export function setTurnTaking(on: boolean): void {
  takingTurns = on;
}

/** Runs `task` once every earlier task with the same key in this process has settled. */
export function oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
  if (!takingTurns) return task();
  const run = (tails.get(key) ?? Promise.resolve()).then(task);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return run;
}

/**
 * A command on one record: in turn with the other commands on it in this process, and run again
 * on a version conflict unless If-Match pinned the version. `record` names it within the tenant.
 */
export function runCommand<T>(tenantId: string, record: string, expectedVersion: number | undefined, command: () => Promise<T>): Promise<T> {
  return oneAtATime(`${tenantId}/${record}`, () => retryOnConflict(expectedVersion, command));
}

/**
 * The local Lambda: what the service does around a handler, written once for every source.
 * - lazy import of the handler module, once, cached, imported again after a failed import;
 * - invoke with the function's timeout and a Lambda-like context;
 * - partial batch responses (`batchItemFailures`), read as Lambda reads them;
 * - retries and dead letters per source kind: SQS (`settleSqsBatch`: failed messages come back
 *   after the visibility timeout, then go to the dead letters after maxReceiveCount) and
 *   streams (`processStreamBatch`: in order, from the first failure, bisecting, then the
 *   on-failure destination);
 * - Lambda event filtering (`matchesFilter`) for the sources that declare a filter.
 * The feeders (delivery-queue.ts, stream-poller.ts, telemetry-pipeline.ts) only bring records,
 * and the local API gateway (http-server.ts) uses the invoke, context and lazy import.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context, SQSRecord } from 'aws-lambda';
import { type EventFunction, type FilterPattern, type FilterValue, functionNameOf } from '../event-sources.ts';

export const LOCAL_ACCOUNT_ID = '000000000000';
/** API Gateway's integration timeout, the default deadline of an invocation without its own. */
const DEFAULT_TIMEOUT_MS = 30_000;
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: a handler takes whatever event its source sends.
export type Handler<E = any> = (event: E, context: Context) => Promise<unknown>;

/** The function did not answer within its timeout (HTTP: a 503; a batch: failed whole). */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}
/** The handler module does not exist (yet): the local gateway answers 501. */
export class HandlerMissingError extends Error {
  override name = 'HandlerMissingError';
}

/** A Lambda context for one invocation, its deadline `timeoutMs` from now. */
export function lambdaContext(functionName: string, timeoutMs = DEFAULT_TIMEOUT_MS, memoryMb = 512): Context {
  const deadline = Date.now() + timeoutMs;
  const gone = () => {
    throw new Error('callback-style Lambda handlers are not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION ?? 'us-east-1'}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${randomUUID().replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: gone,
    fail: gone,
    succeed: gone,
  };
}

/**
 * The handler of a module, imported on first use (after the runtime has set the function
 * environment), once; a failed import is tried again at the next call. `file` is relative to
 * the repository root (`functions/iot/ingest-state.ts`) or absolute.
 */
export function lazyHandler<E = unknown>(file: string): () => Promise<Handler<E>> {
  const path = file.startsWith('/') ? file : `${REPO_ROOT}${file}`;
  const shown = path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length) : path;
  let loading: Promise<Handler<E>> | undefined;
  return () => {
    if (!loading) {
      if (!existsSync(path)) return Promise.reject(new HandlerMissingError(`${shown} does not exist yet`));
      loading = import(pathToFileURL(path).href).then((mod: { handler?: unknown }) => {
        if (typeof mod.handler !== 'function') throw new Error(`${shown} exports no handler`);
        return mod.handler as Handler<E>;
      });
      loading.catch(() => {
        loading = undefined;
      });
    }
    return loading;
  };
}

export interface Invocation {
  functionName: string;
  timeoutMs?: number;
  memoryMb?: number;
}

/** Loads the handler and calls it with a fresh context; rejects with TimeoutError when it takes longer than the timeout. */
export async function invoke<E>(
  load: () => Promise<Handler<E>> | Handler<E>,
  event: E,
  { functionName, timeoutMs = DEFAULT_TIMEOUT_MS, memoryMb }: Invocation,
): Promise<unknown> {
  const handler = await load();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${functionName} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => handler(event, lambdaContext(functionName, timeoutMs, memoryMb))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A function of infra/event-sources.ts, ready to invoke locally: its name, timeout, memory and lazily imported handler. */
// biome-ignore lint/suspicious/noExplicitAny: by default, as each feeder builds its own source's event shape.
export interface LocalFunction<E = any> extends Invocation {
  load: () => Promise<Handler<E>>;
}

// biome-ignore lint/suspicious/noExplicitAny: as LocalFunction.
export function localFunction<E = any>(fn: EventFunction, load: () => Promise<Handler<E>> = lazyHandler<E>(fn.handler)): LocalFunction<E> {
  return { functionName: functionNameOf(fn), timeoutMs: fn.timeoutSeconds * 1000, ...(fn.memoryMb ? { memoryMb: fn.memoryMb } : {}), load };
}

// ---- partial batch responses ----------------------------------------------------------------

/**
 * Reads `{ batchItemFailures: [{ itemIdentifier }] }` as Lambda does: no response or no list is
 * success; an unknown or empty identifier, or a list that is not one, fails the whole batch.
 */
export function failedItems(result: unknown, ids: ReadonlySet<string>): Set<string> | 'all' {
  const failures = (result as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const failed = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

/** Invokes a batch; the ids it failed, or 'all' when it threw, timed out or answered nonsense. */
async function invokeBatch<E>(fn: LocalFunction<E>, event: E, ids: string[], onError: (error: unknown) => void): Promise<Set<string> | 'all'> {
  try {
    return failedItems(await invoke(fn.load, event, fn), new Set(ids));
  } catch (error) {
    onError(error);
    return 'all';
  }
}

// ---- SQS ----------------------------------------------------------------------------------

/** A message of a local queue, as SQS keeps it between receives. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
}

export interface SqsBatchOptions {
  queueArn: string;
  senderId: string;
  /** Receives after which SQS moves a failed message to the dead letters. */
  maxReceiveCount: number;
  now?: number;
  onError?: (error: unknown) => void;
}

export interface SqsOutcome<M> {
  delivered: M[];
  /** To be received again once the visibility timeout has passed. */
  retry: M[];
  /** Received maxReceiveCount times and failed each time. */
  deadLetter: M[];
}

/** One receive of a batch: the SQSEvent Lambda sends, the invocation, and what SQS does with each message after it. */
export async function settleSqsBatch<M extends QueuedMessage>(fn: LocalFunction, batch: M[], options: SqsBatchOptions): Promise<SqsOutcome<M>> {
  const now = options.now ?? Date.now();
  for (const m of batch) {
    m.receiveCount++;
    m.firstReceivedAt ??= now;
  }
  const event = { Records: batch.map((m) => sqsRecord(m, options)) };
  const failed = await invokeBatch(
    fn,
    event,
    batch.map((m) => m.messageId),
    options.onError ?? (() => {}),
  );
  const outcome: SqsOutcome<M> = { delivered: [], retry: [], deadLetter: [] };
  for (const m of batch) {
    if (failed !== 'all' && !failed.has(m.messageId)) outcome.delivered.push(m);
    else if (m.receiveCount >= options.maxReceiveCount) outcome.deadLetter.push(m);
    else outcome.retry.push(m);
  }
  return outcome;
}

function sqsRecord(m: QueuedMessage, options: SqsBatchOptions): SQSRecord {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return {
    messageId: m.messageId,
    // A new receipt handle per receive, as SQS gives.
    receiptHandle: randomBytes(48).toString('base64'),
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: options.senderId,
      ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? options.now ?? Date.now()),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(m.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: options.queueArn,
    awsRegion: region,
  };
}

// ---- streams ------------------------------------------------------------------------------

export interface StreamBatchOptions<R> {
  /** The record's sequence number: what `batchItemFailures` names. */
  idOf: (record: R) => string;
  /** The event of a batch: `{ Records }`. */
  eventOf?: (records: R[]) => unknown;
  /** Retries after the first attempt before the rest goes to the on-failure destination; undefined = until it succeeds (Lambda's -1). */
  retryAttempts?: number | undefined;
  /** A batch that fails whole is split in two, each half retried on its own. */
  bisectBatchOnError?: boolean | undefined;
  /** Pause before retry number `attempt` (1, 2, ...). */
  retryDelayMs: (attempt: number) => number;
  sleep: (ms: number) => Promise<void>;
  /** Checked before every invocation: a stopping feeder keeps the rest for the next run. */
  stopped?: () => boolean;
  /** Records done, in order: the feeder checkpoints after them. */
  onAcknowledged?: (records: R[]) => void;
  /** A failed attempt that will be retried, with the records to retry and the failure. */
  onRetry?: (records: R[], attempt: number, failure: unknown) => void;
  /** Records given up on after the last retry (the on-failure destination). */
  onDeadLetter?: (records: R[], attempts: number) => void;
}

/**
 * One shard's batch, as Lambda's stream poller handles it: in order, checkpointing before the
 * first failed record and retrying from it; a batch that fails whole (throws, times out,
 * answers nonsense) is bisected when asked; after `retryAttempts` retries the rest is dead-lettered.
 * Resolves with the records left when `stopped()` turned true, else with none.
 */
export async function processStreamBatch<R>(fn: LocalFunction, batch: R[], options: StreamBatchOptions<R>): Promise<R[]> {
  const segments: R[][] = batch.length > 0 ? [batch] : [];
  let attempts = 0;
  while (segments.length > 0) {
    if (options.stopped?.()) return segments.flat();
    const segment = segments[0] as R[];
    const ids = segment.map(options.idOf);
    let failure: unknown = 'it reported a record failed';
    const failed = await invokeBatch(fn, options.eventOf ? options.eventOf(segment) : { Records: segment }, ids, (error) => (failure = error));
    const firstFailed = failed === 'all' ? 0 : ids.findIndex((id) => failed.has(id));
    const acknowledged = firstFailed === -1 ? segment.length : firstFailed;
    if (acknowledged > 0) options.onAcknowledged?.(segment.slice(0, acknowledged));
    if (firstFailed === -1) {
      segments.shift();
      attempts = 0;
      continue;
    }
    const rest = segment.slice(acknowledged);
    attempts++;
    if (options.retryAttempts !== undefined && attempts > options.retryAttempts) {
      options.onDeadLetter?.(rest, attempts);
      segments.shift();
      attempts = 0;
      continue;
    }
    if (failed === 'all' && options.bisectBatchOnError && rest.length > 1) {
      const half = Math.ceil(rest.length / 2);
      segments.splice(0, 1, rest.slice(0, half), rest.slice(half));
    } else segments[0] = rest;
    options.onRetry?.(rest, attempts, failure);
    const delay = options.retryDelayMs(attempts);
    if (delay > 0) await options.sleep(delay);
  }
  return [];
}

// ---- event filtering ----------------------------------------------------------------------

/**
 * Lambda event filtering, for the patterns infra/event-sources.ts uses: nested fields, each a
 * list of allowed values. Other operators (prefix, numeric, exists...) are refused at startup
 * rather than guessed.
 */
/** One value of a filter's list: equal, or a string's start (`prefix`) or end (`suffix`). */
function matchesValue(allowed: FilterValue, actual: unknown): boolean {
  if (allowed === null || typeof allowed !== 'object') return allowed === actual;
  if ('prefix' in allowed && Object.keys(allowed).length === 1) return typeof actual === 'string' && actual.startsWith(allowed.prefix);
  if ('suffix' in allowed && Object.keys(allowed).length === 1) return typeof actual === 'string' && actual.endsWith(allowed.suffix);
  throw new Error(`filter operator ${JSON.stringify(allowed)} is not supported locally`);
}

export function matchesFilter(pattern: FilterPattern, value: unknown): boolean {
  for (const [field, rule] of Object.entries(pattern)) {
    const actual = (value as Record<string, unknown> | null | undefined)?.[field];
    if (Array.isArray(rule)) {
      if (!rule.some((allowed) => matchesValue(allowed, actual))) return false;
    } else if (!matchesFilter(rule as FilterPattern, actual)) return false;
  }
  return true;
}

/**
 * The local stand-in for a Lambda event source mapping on the table's DynamoDB stream: reads
 * DynamoDB Local's stream (every shard, children after their parents) and hands the records,
 * in order and in batches of up to 100, to a handler as a Lambda DynamoDBStreamEvent. As on
 * AWS, a batch that throws, times out or reports batchItemFailures is retried from the first
 * failed record after a short backoff; nothing is skipped, so a record that always fails
 * holds up its shard (and says so in the log) until the handler is fixed.
 *
 * Position: with a checkpoint file (the runtime's data dir), each shard's last processed
 * sequence number is written after every successful batch and reading resumes after it on
 * restart: a crash between a commit and its delivery loses nothing, and what was processed
 * is not handed over again (at least once, like Lambda). Without one, reading starts at the
 * trim horizon, or at the latest record when asked (tests sharing one DynamoDB Local).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type AttributeValue as SdkAttributeValue,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as SdkRecord,
  type Shard,
  type ShardIteratorType,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { FilterPattern } from '../event-sources.ts';
import { localClientConfig } from './dynamodb.ts';
import { consoleLog, type Log } from './http-server.ts';
import { type LocalFunction, matchesFilter, processStreamBatch } from './lambda-engine.ts';

export type StreamFunction = (event: DynamoDBStreamEvent, context: Context) => Promise<unknown>;
const MAX_DEAD_LETTERS_KEPT = 1000;
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';

export interface StreamPollerOptions {
  /** DynamoDB Local's endpoint. */
  endpoint: string;
  tableName: string;
  /** The consumer, asked for at every batch (the runtime imports it lazily). */
  handler: () => Promise<StreamFunction>;
  /** Shown in the Lambda context and the log. Default `dispatch-outbox`. */
  functionName?: string;
  /** Where a shard without a checkpoint starts, at startup. Shards found later start at their beginning. Default TRIM_HORIZON. */
  startingPosition?: StartingPosition;
  /** JSON file of the last processed sequence number per shard; undefined = no checkpoints. */
  checkpointFile?: string;
  /** Records per invocation (Lambda's default for DynamoDB streams, 100). */
  batchSize?: number;
  /** Pause between polls of a shard that had nothing new. Default 100 ms. */
  pollIntervalMs?: number;
  /** First retry delay of a failed batch; it doubles per attempt up to `maxRetryDelayMs`. Default 100 ms. */
  retryDelayMs?: number;
  /** Default 10 s. */
  maxRetryDelayMs?: number;
  /** How often the stream is described again for new shards. Default 10 s. */
  rediscoverIntervalMs?: number;
  /** Per-invocation timeout (the function's). Default 60 s. */
  timeoutMs?: number;
  /** Retries of a failing batch before it is dead-lettered; undefined = until it succeeds (Lambda's default). */
  retryAttempts?: number;
  /** Split a batch that fails whole until the bad record is alone. */
  bisectBatchOnError?: boolean;
  /** Lambda event filtering: only matching records are handed over. */
  filter?: FilterPattern;
  log?: Log;
}

/** A batch given up on: the failure record Lambda sends to the on-failure destination. */
export interface StreamDeadLetter {
  shardId: string;
  firstSequenceNumber: string | undefined;
  lastSequenceNumber: string | undefined;
  size: number;
  attempts: number;
}

export interface StreamPollerCounters {
  /** Records a handler acknowledged. */
  processed: number;
  /** Invocations. */
  batches: number;
  /** Invocations that failed at least one record. */
  failedBatches: number;
}

export interface StreamPoller {
  readonly streamArn: string;
  readonly counters: Readonly<StreamPollerCounters>;
  /** Batches given up on after the last retry, newest last (at most 1,000 kept). */
  readonly deadLetters: readonly StreamDeadLetter[];
  /**
   * Resolves once every record written before the call has been handed to the handler and
   * acknowledged: each live shard has polled empty since, with nothing buffered or in flight.
   * A batch that keeps failing keeps it waiting; `timeoutMs` turns that into a rejection.
   */
  idle(options?: { timeoutMs?: number }): Promise<void>;
  /** Lets the batch in flight finish, stops polling and writes the checkpoints. */
  stop(): Promise<void>;
}

interface ShardState {
  id: string;
  parentId: string | undefined;
  /** Where a new iterator starts: after the checkpoint when there is one. */
  start: { type: 'TRIM_HORIZON' | 'LATEST' } | { type: 'AFTER_SEQUENCE_NUMBER' | 'AT_SEQUENCE_NUMBER'; sequenceNumber: string };
  /** Nothing acknowledged yet: the position is not saved. */
  unsaved: boolean;
  iterator: string | undefined;
  buffer: DynamoDBRecord[];
  /** The shard is closed and read to its end. */
  ended: boolean;
  done: boolean;
  /** Poll tick of the last GetRecords that found nothing new (with the buffer empty). */
  caughtUpAt: number;
  busy: boolean;
  attempts: number;
  wake: (() => void) | undefined;
  loop: Promise<void> | undefined;
}

/**
 * Per shard: `after` the last processed record; or, for a shard that started at LATEST and has
 * not processed anything yet, `at` its first record, so a restart does not jump past it.
 */
type Checkpoint = { after: string } | { at: string };
interface CheckpointFile {
  streamArn: string;
  shards: Record<string, Checkpoint>;
}

export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const log = options.log ?? consoleLog;
  const functionName = options.functionName ?? 'dispatch-outbox';
  const batchSize = options.batchSize ?? 100;
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
  const rediscoverIntervalMs = options.rediscoverIntervalMs ?? 10_000;
  const fn: LocalFunction<DynamoDBStreamEvent> = { functionName, timeoutMs: options.timeoutMs ?? 60_000, load: options.handler };
  const deadLetters: StreamDeadLetter[] = [];

  const ddb = new DynamoDBClient(localClientConfig(options.endpoint));
  const streams = new DynamoDBStreamsClient(localClientConfig(options.endpoint));
  const destroyClients = () => {
    ddb.destroy();
    streams.destroy();
  };

  let streamArn: string;
  try {
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: options.tableName }));
    if (!Table?.LatestStreamArn || !Table.StreamSpecification?.StreamEnabled) {
      throw new Error(`table ${options.tableName} has no stream: the outbox cannot be read`);
    }
    streamArn = Table.LatestStreamArn;
  } catch (error) {
    destroyClients();
    throw error;
  }

  const checkpoints = readCheckpoints(options.checkpointFile, streamArn, log);
  const shards = new Map<string, ShardState>();
  const counters: StreamPollerCounters = { processed: 0, batches: 0, failedBatches: 0 };
  let stopping = false;
  let tick = 0;
  let idleWaiters: { since: number; resolve: () => void }[] = [];

  // ---- shards -----------------------------------------------------------------------------

  async function describeShards(): Promise<Shard[]> {
    const found: Shard[] = [];
    let from: string | undefined;
    do {
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: from }));
      found.push(...(StreamDescription?.Shards ?? []));
      from = StreamDescription?.LastEvaluatedShardId;
    } while (from);
    return found;
  }

  /** Adds shards not seen before; `initial` ones without a checkpoint start at the starting position. */
  function addShards(found: Shard[], initial: boolean) {
    for (const shard of found) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const checkpoint = checkpoints.get(shard.ShardId);
      const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
      const start: ShardState['start'] = checkpoint
        ? 'after' in checkpoint
          ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint.after }
          : { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: checkpoint.at }
        : // LATEST only means something for a shard still written to; a closed one is read whole.
          { type: initial && open && options.startingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON' };
      shards.set(shard.ShardId, {
        id: shard.ShardId,
        parentId: shard.ParentShardId,
        start,
        unsaved: start.type === 'LATEST',
        iterator: undefined,
        buffer: [],
        ended: false,
        done: false,
        caughtUpAt: -1,
        busy: false,
        attempts: 0,
        wake: undefined,
        loop: undefined,
      });
    }
    // Shards read to their end and then trimmed from the stream (after 24 h) are gone for good.
    const present = new Set(found.map((s) => s.ShardId));
    for (const [id, state] of shards) {
      if (state.done && !present.has(id)) {
        shards.delete(id);
        checkpoints.delete(id);
      }
    }
  }

  async function iteratorFor(shard: ShardState): Promise<string | undefined> {
    const { start } = shard;
    try {
      const { ShardIterator } = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.id,
          ShardIteratorType: start.type as ShardIteratorType,
          ...('sequenceNumber' in start ? { SequenceNumber: start.sequenceNumber } : {}),
        }),
      );
      return ShardIterator;
    } catch (error) {
      if (error instanceof TrimmedDataAccessException && 'sequenceNumber' in start) {
        // The checkpoint is older than the stream's 24 h: what followed it is gone already.
        log.error(
          `outbox: records after ${start.sequenceNumber} in shard ${shard.id} were trimmed from the stream (older than 24 h); reading from the oldest left`,
        );
        shard.start = { type: 'TRIM_HORIZON' };
        return iteratorFor(shard);
      }
      throw error;
    }
  }

  // ---- reading and handing over -------------------------------------------------------------

  /** One GetRecords; true when it brought records. */
  async function read(shard: ShardState): Promise<boolean> {
    const startedAt = ++tick;
    shard.iterator ??= await iteratorFor(shard);
    if (!shard.iterator) {
      shard.ended = true;
      return false;
    }
    let page: GetRecordsCommandOutput;
    try {
      page = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }));
    } catch (error) {
      // Iterators last 15 minutes; a new one starts after the last record taken.
      if (error instanceof ExpiredIteratorException) {
        shard.iterator = undefined;
        return read(shard);
      }
      throw error;
    }
    const records = page.Records ?? [];
    shard.iterator = page.NextShardIterator;
    const first = records[0]?.dynamodb?.SequenceNumber;
    if (shard.unsaved && first) {
      shard.unsaved = false;
      saveCheckpoint(shard.id, { at: first });
    }
    if (!shard.iterator) shard.ended = true;
    for (const record of records) {
      const lambdaRecord = toLambdaRecord(record, streamArn);
      // Lambda event filtering: a record the filter drops never reaches the function.
      if (!options.filter || matchesFilter(options.filter, lambdaRecord)) shard.buffer.push(lambdaRecord);
      // A later iterator starts after what was taken, even if it is not processed yet.
      const sequenceNumber = record.dynamodb?.SequenceNumber;
      if (sequenceNumber) shard.start = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber };
    }
    if (records.length === 0 && shard.buffer.length === 0) shard.caughtUpAt = startedAt;
    return records.length > 0;
  }

  /** Hands the first batch of the buffer to the engine, which retries it in place as Lambda does. */
  async function handOver(shard: ShardState): Promise<void> {
    const batch = shard.buffer.slice(0, batchSize);
    await processStreamBatch(fn, batch, {
      idOf: (r) => r.dynamodb?.SequenceNumber as string,
      eventOf: (records) => {
        counters.batches++;
        return { Records: records };
      },
      retryAttempts: options.retryAttempts,
      bisectBatchOnError: options.bisectBatchOnError,
      retryDelayMs: (attempt) => Math.min(retryDelayMs * 2 ** (attempt - 1), maxRetryDelayMs),
      sleep: (ms) => sleep(shard, ms),
      stopped: () => stopping,
      onAcknowledged: (records) => {
        consume(shard, records);
        shard.attempts = 0;
      },
      onRetry: (records, attempt, failure) => {
        counters.failedBatches++;
        shard.attempts = attempt;
        reportFailure(shard, records, attempt, failure);
      },
      onDeadLetter: (records, attempts) => {
        counters.failedBatches++;
        const range = `${records[0]?.dynamodb?.SequenceNumber}..${records.at(-1)?.dynamodb?.SequenceNumber}`;
        log.error(
          `outbox: ${fn.functionName} gave up on ${records.length} record(s) of shard ${shard.id} (${range}) after ${attempts} attempts: dead-lettered`,
        );
        deadLetters.push({
          shardId: shard.id,
          firstSequenceNumber: records[0]?.dynamodb?.SequenceNumber,
          lastSequenceNumber: records.at(-1)?.dynamodb?.SequenceNumber,
          size: records.length,
          attempts,
        });
        deadLetters.splice(0, Math.max(0, deadLetters.length - MAX_DEAD_LETTERS_KEPT));
        consume(shard, records, false);
        shard.attempts = 0;
      },
    });
  }

  /** Records done (handled, or dead-lettered): out of the buffer, and the checkpoint moves past them. */
  function consume(shard: ShardState, records: DynamoDBRecord[], processed = true) {
    shard.buffer.splice(0, records.length);
    if (processed) counters.processed += records.length;
    shard.unsaved = false;
    saveCheckpoint(shard.id, { after: records.at(-1)?.dynamodb?.SequenceNumber as string });
  }

  function reportFailure(shard: ShardState, batch: DynamoDBRecord[], attempt: number, failure: unknown) {
    // A record that keeps failing would flood the log: the 1st, 2nd, 4th, 8th... failure only.
    if ((attempt & (attempt - 1)) !== 0) return;
    const message = `outbox: ${fn.functionName} failed a batch of ${batch.length} from shard ${shard.id} (attempt ${attempt}); retrying from the first failed record`;
    if (typeof failure === 'string') log.error(`${message}: ${failure}`);
    else log.error(message, failure);
  }

  async function runShard(shard: ShardState) {
    // Records of a key move to the child shard when its shard splits: the parent goes first.
    for (;;) {
      const parent = shard.parentId ? shards.get(shard.parentId) : undefined;
      if (!parent || parent.done || stopping) break;
      await sleep(shard, pollIntervalMs);
    }
    while (!stopping) {
      let progressed = false;
      let backoff = 0;
      shard.busy = true;
      try {
        if (shard.buffer.length < batchSize && !shard.ended) progressed = await read(shard);
        if (shard.buffer.length > 0) {
          progressed = true;
          await handOver(shard);
        }
      } catch (error) {
        if (stopping) break;
        log.error(`outbox: reading shard ${shard.id} of ${options.tableName}'s stream failed; trying again`, error);
        backoff = maxRetryDelayMs;
      } finally {
        shard.busy = false;
      }
      if (shard.ended && shard.buffer.length === 0) {
        shard.done = true;
        notifyIdle();
        return;
      }
      notifyIdle();
      if (backoff > 0) await sleep(shard, backoff);
      else if (!progressed && !awaitedByIdle(shard)) await sleep(shard, pollIntervalMs);
    }
  }

  function sleep(shard: ShardState, ms: number): Promise<void> {
    if (stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        shard.wake = undefined;
        resolve();
      }
      shard.wake = done;
    });
  }

  function startShards() {
    for (const shard of shards.values()) shard.loop ??= runShard(shard);
  }

  // ---- idle ---------------------------------------------------------------------------------

  /** Someone waits for idle and this shard has not polled empty since: poll again now. */
  const awaitedByIdle = (shard: ShardState) => idleWaiters.some((w) => shard.caughtUpAt <= w.since);

  const isIdleSince = (since: number) => [...shards.values()].every((s) => s.done || (!s.busy && s.buffer.length === 0 && s.caughtUpAt > since));

  function notifyIdle() {
    if (idleWaiters.length === 0) return;
    const still: typeof idleWaiters = [];
    for (const waiter of idleWaiters) {
      if (isIdleSince(waiter.since)) waiter.resolve();
      else still.push(waiter);
    }
    idleWaiters = still;
  }

  // ---- checkpoints --------------------------------------------------------------------------

  let writing: Promise<void> = Promise.resolve();
  let dirty = false;
  function saveCheckpoint(shardId: string, checkpoint: Checkpoint) {
    checkpoints.set(shardId, checkpoint);
    if (!options.checkpointFile || dirty) return;
    dirty = true;
    // Coalesced: one write at a time, the latest positions each time. Write, then rename: a
    // crash leaves the old file or the new one, never half of one.
    writing = writing.then(async () => {
      dirty = false;
      const file = options.checkpointFile as string;
      const content: CheckpointFile = { streamArn, shards: Object.fromEntries(checkpoints) };
      try {
        await writeFile(`${file}.tmp`, `${JSON.stringify(content, null, 2)}\n`);
        await rename(`${file}.tmp`, file);
      } catch (error) {
        log.error(`outbox: could not write the stream checkpoint ${file}`, error);
      }
    });
  }

  // ---- start --------------------------------------------------------------------------------

  try {
    if (options.checkpointFile) mkdirSync(dirname(options.checkpointFile), { recursive: true });
    addShards(await describeShards(), true);
    // LATEST is fixed now, before start() returns: what is written afterwards is seen.
    await Promise.all(
      [...shards.values()]
        .filter((s) => s.start.type === 'LATEST')
        .map(async (s) => {
          s.iterator = await iteratorFor(s);
        }),
    );
  } catch (error) {
    destroyClients();
    throw error;
  }
  startShards();

  let rediscoverTimer: NodeJS.Timeout | undefined;
  let rediscovering: Promise<void> = Promise.resolve();
  const rediscover = () => {
    rediscovering = describeShards()
      .then((found) => {
        if (stopping) return;
        addShards(found, false);
        startShards();
      })
      .catch((error: unknown) => {
        if (!stopping) log.error(`outbox: describing ${options.tableName}'s stream failed`, error);
      })
      .finally(() => {
        if (!stopping) rediscoverTimer = setTimeout(rediscover, rediscoverIntervalMs);
      });
  };
  rediscoverTimer = setTimeout(rediscover, rediscoverIntervalMs);

  return {
    streamArn,
    counters,
    deadLetters,
    idle({ timeoutMs: limit }: { timeoutMs?: number } = {}) {
      const since = tick;
      if (stopping) return Promise.resolve();
      // Poll now rather than after the pause: a test waiting for idle should not wait long.
      for (const shard of shards.values()) if (!shard.busy && shard.attempts === 0) shard.wake?.();
      return new Promise<void>((resolve, reject) => {
        let timer: NodeJS.Timeout | undefined;
        const waiter = {
          since,
          resolve: () => {
            clearTimeout(timer);
            // What was processed is also saved: a restart right after resumes behind it.
            void writing.then(resolve);
          },
        };
        if (limit !== undefined) {
          timer = setTimeout(() => {
            idleWaiters = idleWaiters.filter((w) => w !== waiter);
            const behind = [...shards.values()].filter((s) => !s.done && (s.busy || s.buffer.length > 0 || s.caughtUpAt <= since));
            reject(
              new Error(
                `the stream poller is not idle after ${limit} ms: ${behind.map((s) => `shard ${s.id} (${s.buffer.length} buffered, ${s.attempts} failed attempts)`).join(', ')}`,
              ),
            );
          }, limit);
        }
        idleWaiters.push(waiter);
        notifyIdle();
      });
    },
    async stop() {
      if (stopping) return;
      stopping = true;
      clearTimeout(rediscoverTimer);
      for (const shard of shards.values()) shard.wake?.();
      await Promise.allSettled([rediscovering, ...[...shards.values()].map((s) => s.loop)]);
      await writing;
      for (const waiter of idleWaiters.splice(0)) waiter.resolve();
      destroyClients();
    },
  };
}

function readCheckpoints(file: string | undefined, streamArn: string, log: Log): Map<string, Checkpoint> {
  if (!file) return new Map();
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as CheckpointFile;
    // Another stream (the table was created again): its positions mean nothing here.
    if (content.streamArn !== streamArn) return new Map();
    const valid = (c: Checkpoint) => typeof (c as { after?: unknown }).after === 'string' || typeof (c as { at?: unknown }).at === 'string';
    return new Map(Object.entries(content.shards ?? {}).filter(([, checkpoint]) => checkpoint && valid(checkpoint)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      log.error(`outbox: the stream checkpoint ${file} is unreadable; reading the stream from its oldest record`, error);
    }
    return new Map();
  }
}

/**
 * A stream record as Lambda delivers it: the same fields, creation time in epoch seconds,
 * binary values base64-encoded (the SDK hands them over as bytes), empty maps typed.
 */
export function toLambdaRecord(record: SdkRecord, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      ...(d.Keys ? { Keys: toLambdaImage(d.Keys) } : {}),
      ...(d.NewImage ? { NewImage: toLambdaImage(d.NewImage) } : {}),
      ...(d.OldImage ? { OldImage: toLambdaImage(d.OldImage) } : {}),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
    ...(record.userIdentity ? { userIdentity: record.userIdentity } : {}),
    eventSourceARN: streamArn,
  };
}

function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, toLambdaValue(value)]));
}

function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  const v = value as { B?: Uint8Array; BS?: Uint8Array[]; L?: SdkAttributeValue[]; M?: Record<string, SdkAttributeValue> };
  // DynamoDB Local's stream writes an empty map as `{}` where DynamoDB writes `{"M":{}}`, and
  // unmarshall() throws on it. No other value is typeless (empty sets do not exist), so: a map.
  if (Object.keys(v).length === 0) return { M: {} };
  if (v.B !== undefined) return { B: Buffer.from(v.B).toString('base64') };
  if (v.BS !== undefined) return { BS: v.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (v.L !== undefined) return { L: v.L.map(toLambdaValue) };
  if (v.M !== undefined) return { M: toLambdaImage(v.M) };
  return value as AttributeValue;
}

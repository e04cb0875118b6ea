/**
 * The local stand-in for IoT rules -> SQS / Kinesis -> Lambda event source mapping. Every
 * publish the broker accepted goes through `applyRules` (shared/telemetry/rules.ts, the same
 * definitions CDK deploys); records are buffered per rule and handed to the rule's consumer
 * (infra/event-sources.ts) as an SQSEvent or a KinesisStreamEvent, in batches of the rule's
 * size or when the (local) batching window closes. The engine (lambda-engine.ts) invokes the
 * consumer and applies its source's retries: SQS brings back only the failed records, up to
 * maxReceiveCount; Kinesis retries from the first failed record in place (its lane waits: a
 * stream consumer's records are spread over `parallelizationFactor` lanes by partition key, as
 * Lambda does within a shard, so one tenant's failing batch holds only its own lane).
 * Records given up on are dead-lettered (logged and kept in `deadLetters`).
 * Nothing a handler does can throw out of here: the broker must keep running.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Context, KinesisStreamRecord, SQSRecord } from 'aws-lambda';
import { applyRules, type RuleEnvelope, type RulePublish, TELEMETRY_RULES, type TelemetryRule } from '../../shared/telemetry/rules.ts';
import { consumerOfRule, type StreamSource } from '../event-sources.ts';
import { LOCAL_REGION } from './dynamodb.ts';
import { consoleLog, type Log } from './http-server.ts';
import {
  LOCAL_ACCOUNT_ID,
  lazyHandler,
  type LocalFunction,
  localFunction,
  type QueuedMessage,
  processStreamBatch,
  settleSqsBatch,
} from './lambda-engine.ts';

export type TelemetryEvent = { Records: SQSRecord[] } | { Records: KinesisStreamRecord[] };
export type TelemetryFunction = (event: TelemetryEvent, context: Context) => Promise<unknown>;
/** Finds the handler of a rule. Tests swap it for a spy, so they need no ingest code. */
export type TelemetryHandlerResolver = (rule: TelemetryRule) => Promise<TelemetryFunction>;

/** `npm start` should feel live: no rule waits longer than this locally. */
export const MAX_LOCAL_WINDOW_MS = 1000;

export interface TelemetryPipelineOptions {
  /** Batching window for every rule, ms; 0 = the next tick. Default: the rule's, capped at 1 s. */
  windowMs?: number | ((rule: TelemetryRule) => number);
  /** Overrides every rule's batch size (tests). */
  batchSize?: number;
  /** Tries per record before it is dead-lettered. Default: the consumer's (maxReceiveCount, or 1 + retryAttempts). */
  maxAttempts?: number;
  /**
   * Pause before a retry (the visibility timeout or stream backoff), so a transient fault can
   * clear. Default 100 ms rather than AWS's minutes, so `npm start` stays live; 0 in tests.
   */
  retryDelayMs?: number;
  /** Per-invocation timeout; a handler that takes longer failed its whole batch. Default: the consumer's. */
  timeoutMs?: number;
  handlerResolver?: TelemetryHandlerResolver;
  /** Timer functions, swappable so tests close a window deterministically. */
  timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
  log?: Log;
}

export interface DeadLetter {
  rule: string;
  id: string;
  envelope: RuleEnvelope;
  attempts: number;
}

export interface TelemetryCounters {
  /** Publishes a rule took. */
  received: number;
  /** Records a handler acknowledged. */
  delivered: number;
  /** Records given up on after `maxAttempts` (dead-lettered). */
  failed: number;
  /** Redeliveries (one per record per extra attempt). */
  retried: number;
  /** Publishes no rule took. */
  unmatched: number;
}

export interface TelemetryPipeline {
  /**
   * Applies the rules to one publish (the broker's AcceptedPublish will do); false when no rule
   * takes it. Never throws. `onSettled` hears once whether its handler stored it (true) or it was
   * dead-lettered (false): what the broker waits for before a PUBACK when acks follow storage.
   */
  accept(publish: RulePublish, receivedAt?: number, onSettled?: (stored: boolean) => void): boolean;
  /** Flushes every buffer now and resolves once every record received so far was handled. */
  drain(): Promise<void>;
  /** Drains, then refuses further publishes. */
  stop(): Promise<void>;
  readonly counters: Readonly<TelemetryCounters>;
  /** Publishes each rule took, by rule name (lifecycle events apart from the devices' telemetry). */
  readonly receivedByRule: Readonly<Record<string, number>>;
  readonly deadLetters: readonly DeadLetter[];
}

/** A record between the rule and its consumer: the queue's message, or the stream's record (messageId = sequence number). */
interface PendingRecord extends QueuedMessage {
  envelope: RuleEnvelope;
  partitionKey: string;
  onSettled?: ((stored: boolean) => void) | undefined;
  /** Stored or dead-lettered: counted once, never again. */
  settled?: true;
}

interface RuleQueue {
  rule: TelemetryRule;
  buffer: PendingRecord[];
  timer?: unknown;
  /** One batch in flight per lane: the order of each partition key, as Lambda keeps it. */
  busy: boolean;
}

/**
 * The lane of a partition key among a stream consumer's `parallelizationFactor` concurrent
 * batches of one shard: by a hash of the key, so a key always takes the same lane (its order kept).
 */
export function laneOf(partitionKey: string, lanes: number): number {
  if (lanes <= 1) return 0;
  return createHash('md5').update(partitionKey).digest().readUInt32BE(0) % lanes;
}

const MAX_DEAD_LETTERS_KEPT = 1000;
/** Kinesis sequence numbers are large decimal strings that grow per shard. */
const SEQUENCE_BASE = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;

export function createTelemetryPipeline(options: TelemetryPipelineOptions = {}): TelemetryPipeline {
  const log = options.log ?? consoleLog;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
  const resolveHandler = options.handlerResolver ?? fileTelemetryHandlerResolver();
  const region = process.env.AWS_REGION ?? LOCAL_REGION;
  const counters: TelemetryCounters = { received: 0, delivered: 0, failed: 0, retried: 0, unmatched: 0 };
  const receivedByRule: Record<string, number> = {};
  const deadLetters: DeadLetter[] = [];
  const queues = new Map<string, RuleQueue>();
  let sequence = 0n;
  let stopped = false;
  let idleWaiters: (() => void)[] = [];

  const consumers = new Map<string, LocalFunction>();
  /** The rule's consumer as infra/event-sources.ts declares it, with the test's resolver when given. */
  const consumerOf = (rule: TelemetryRule): LocalFunction => {
    let fn = consumers.get(rule.name);
    if (!fn) {
      const [, def] = consumerOfRule(ruleKey(rule));
      fn = { ...localFunction(def, () => resolveHandler(rule)), ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) };
      consumers.set(rule.name, fn);
    }
    return fn;
  };
  const maxAttemptsOf = (rule: TelemetryRule) => {
    if (options.maxAttempts !== undefined) return options.maxAttempts;
    const { source } = consumerOfRule(ruleKey(rule))[1];
    return source.kind === 'sqs' ? source.maxReceiveCount : source.retryAttempts + 1;
  };
  const windowOf = (rule: TelemetryRule) =>
    typeof options.windowMs === 'function'
      ? options.windowMs(rule)
      : (options.windowMs ?? Math.min(rule.batchingWindowSeconds * 1000, MAX_LOCAL_WINDOW_MS));
  const batchSizeOf = (rule: TelemetryRule) => options.batchSize ?? rule.batchSize;
  const outstanding = () => counters.received - counters.delivered - counters.failed;

  function accept(publish: RulePublish, receivedAt = Date.now(), onSettled?: (stored: boolean) => void): boolean {
    const { topic } = publish;
    try {
      if (stopped) throw new Error('the telemetry pipeline is stopped');
      const match = applyRules(publish, receivedAt);
      if (!match) {
        counters.unmatched++;
        return false;
      }
      const { rule, envelope } = match;
      const key = partitionKey(rule, topic);
      const queue = queueOf(rule, laneOf(key, streamSourceOf(rule)?.parallelizationFactor ?? 1));
      sequence++;
      const id = rule.target === 'kinesis' ? (SEQUENCE_BASE + sequence).toString() : randomUUID();
      queue.buffer.push({
        messageId: id,
        body: JSON.stringify(envelope),
        sentAt: envelope.receivedAt,
        envelope,
        partitionKey: key,
        receiveCount: 0,
        onSettled,
      });
      counters.received++;
      receivedByRule[rule.name] = (receivedByRule[rule.name] ?? 0) + 1;
      schedule(queue);
      return true;
    } catch (error) {
      log.error(`telemetry: dropped a publish on ${topic}`, error);
      return false;
    }
  }

  function queueOf(rule: TelemetryRule, lane: number): RuleQueue {
    let queue = queues.get(`${rule.name}#${lane}`);
    if (!queue) queues.set(`${rule.name}#${lane}`, (queue = { rule, buffer: [], busy: false }));
    return queue;
  }

  /** Deliver now when a batch is full, else once the window closes (the window opens with the first record). */
  function schedule(queue: RuleQueue, now = false) {
    if (queue.busy || queue.buffer.length === 0) return;
    if (now || queue.buffer.length >= batchSizeOf(queue.rule)) {
      if (queue.timer !== undefined) timers.clearTimeout(queue.timer);
      queue.timer = undefined;
      void flush(queue);
    } else if (queue.timer === undefined) {
      queue.timer = timers.setTimeout(() => {
        queue.timer = undefined;
        schedule(queue, true);
      }, windowOf(queue.rule));
    }
  }

  async function flush(queue: RuleQueue) {
    queue.busy = true;
    const batch = queue.buffer.splice(0, batchSizeOf(queue.rule));
    try {
      if (queue.rule.target === 'kinesis') await deliverKinesis(queue.rule, batch);
      else await deliverSqs(queue, batch);
    } catch (error) {
      // Not the handler's failure (that is retried above) but this code's: the batch is given
      // up on as dead letters, so its publishes hear they were not stored and drain() ends.
      log.error(`telemetry: ${queue.rule.name} delivery failed`, error);
      deadLetter(
        queue.rule,
        batch.filter((r) => !r.settled && !queue.buffer.includes(r)),
      );
    } finally {
      queue.busy = false;
    }
    // What came in meanwhile: a full batch goes at once, the rest waits for its window (or goes now when draining).
    schedule(queue, draining > 0);
    notifyIdle();
  }

  async function deliverSqs(queue: RuleQueue, batch: PendingRecord[]) {
    const { rule } = queue;
    const {
      delivered,
      retry,
      deadLetter: parked,
    } = await settleSqsBatch(consumerOf(rule), batch, {
      queueArn: `arn:aws:sqs:${region}:${LOCAL_ACCOUNT_ID}:${rule.name}`,
      senderId: `AROA${LOCAL_ACCOUNT_ID}:iot-rule-${rule.name}`,
      maxReceiveCount: maxAttemptsOf(rule),
      onError: (error) => log.error(`telemetry: ${consumerOf(rule).functionName} failed a batch of ${batch.length}`, error),
    });
    counters.delivered += delivered.length;
    settle(delivered, true);
    deadLetter(rule, parked);
    if (retry.length === 0) return;
    counters.retried += retry.length;
    // SQS makes a failed message visible again after the visibility timeout: a pause, then the next batch.
    if (retryDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    queue.buffer.unshift(...retry);
  }

  async function deliverKinesis(rule: TelemetryRule, batch: PendingRecord[]) {
    const fn = consumerOf(rule);
    await processStreamBatch(fn, batch, {
      idOf: (r) => r.messageId,
      eventOf: (records) => ({ Records: records.map((r) => kinesisRecord(rule, r, region)) }),
      retryAttempts: maxAttemptsOf(rule) - 1,
      bisectBatchOnError: streamSourceOf(rule)?.bisectBatchOnError,
      retryDelayMs: () => retryDelayMs,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      onAcknowledged: (records) => {
        counters.delivered += records.length;
        settle(records, true);
      },
      onRetry: (records, _attempt, failure) => {
        counters.retried += records.length;
        if (failure instanceof Error) log.error(`telemetry: ${fn.functionName} failed a batch of ${records.length}`, failure);
      },
      onDeadLetter: (records, attempts) => {
        for (const r of records) r.receiveCount = attempts;
        deadLetter(rule, records);
      },
    });
  }

  function settle(records: readonly PendingRecord[], stored: boolean) {
    for (const r of records) {
      r.settled = true;
      try {
        r.onSettled?.(stored);
      } catch (error) {
        log.error('telemetry: a settle callback failed', error);
      }
      r.onSettled = undefined;
    }
  }

  function deadLetter(rule: TelemetryRule, records: PendingRecord[]) {
    if (records.length === 0) return;
    counters.failed += records.length;
    settle(records, false);
    log.error(
      `telemetry: ${records.length} ${rule.name} record(s) dead-lettered after ${maxAttemptsOf(rule)} attempts: ${records.map((r) => ('tenantId' in r.envelope ? `${r.envelope.tenantId}/${r.envelope.equipmentId}/${r.envelope.type}` : `${r.envelope.clientId} ${r.envelope.type}`)).join(', ')}`,
    );
    deadLetters.push(...records.map((r) => ({ rule: rule.name, id: r.messageId, envelope: r.envelope, attempts: r.receiveCount })));
    deadLetters.splice(0, Math.max(0, deadLetters.length - MAX_DEAD_LETTERS_KEPT));
  }

  let draining = 0;
  function notifyIdle() {
    if (outstanding() > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  async function drain() {
    draining++;
    try {
      for (const queue of queues.values()) schedule(queue, true);
      if (outstanding() > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    } finally {
      draining--;
    }
  }

  return {
    accept,
    drain,
    async stop() {
      await drain();
      stopped = true;
      for (const queue of queues.values()) if (queue.timer !== undefined) timers.clearTimeout(queue.timer);
    },
    counters,
    receivedByRule,
    deadLetters,
  };
}

/** The consumer of each rule, from infra/event-sources.ts (which the telemetry stack deploys), imported lazily. */
export function fileTelemetryHandlerResolver(): TelemetryHandlerResolver {
  const loaders = new Map<string, () => Promise<TelemetryFunction>>();
  return (rule) => {
    let load = loaders.get(rule.name);
    if (!load) loaders.set(rule.name, (load = lazyHandler<TelemetryEvent>(consumerOfRule(ruleKey(rule))[1].handler)));
    return load();
  };
}

const ruleKey = (rule: TelemetryRule) => {
  const key = (Object.keys(TELEMETRY_RULES) as (keyof typeof TELEMETRY_RULES)[]).find((k) => TELEMETRY_RULES[k].name === rule.name);
  if (!key) throw new Error(`no IoT rule named ${rule.name}`);
  return key;
};

const streamSourceOf = (rule: TelemetryRule): StreamSource | undefined => {
  const { source } = consumerOfRule(ruleKey(rule))[1];
  return source.kind === 'sqs' ? undefined : source;
};

/** The rule's partition key template, e.g. `${topic(3)}`, against the topic without its Basic Ingest prefix. */
function partitionKey(rule: TelemetryRule, topic: string): string {
  const levels = topic.replace(/^\$aws\/rules\/[^/]+\//, '').split('/');
  return (rule.partitionKey ?? '${topic(3)}').replace(/\$\{topic\((\d+)\)\}/g, (_, n: string) => levels[Number(n) - 1] ?? '');
}

function kinesisRecord(rule: TelemetryRule, r: PendingRecord, region: string): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.partitionKey,
      sequenceNumber: r.messageId,
      data: Buffer.from(JSON.stringify(r.envelope)).toString('base64'),
      // Seconds with a fraction, as Lambda delivers it.
      approximateArrivalTimestamp: r.envelope.receivedAt / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${r.messageId}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/local-telemetry-consumer`,
    awsRegion: region,
    eventSourceARN: `arn:aws:kinesis:${region}:${LOCAL_ACCOUNT_ID}:stream/${rule.name}`,
  };
}

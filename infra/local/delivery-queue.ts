/**
 * The local stand-in for the SQS webhook delivery queue and its Lambda event source mapping.
 * `enqueue` holds each DeliveryJob until its `dueAt` on an injectable clock, then hands due
 * jobs, up to 10 at a time, to functions/jobs/deliver-webhook.ts as an SQSEvent of the Lambda
 * shape. As with SQS and a partial batch response, a job the handler reports failed (or all of
 * them, when it throws or times out) comes back after the visibility timeout, and after
 * `maxReceiveCount` receives it is dead-lettered (logged and kept in `deadLetters`).
 *
 * The queue lives in memory. What it loses on a stop is not lost: every job belongs to a
 * webhook message still `pending` in the table, and `recover` (fed by
 * `scanPendingDeliveries` at startup) queues each one again at its `nextAttemptAt`, the one
 * the last run was sending too.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import type { DeliveryJob, DeliveryQueue } from '../../shared/integration/ports.ts';
import { LOCAL_REGION, localClientConfig } from './dynamodb.ts';
import { EVENT_FUNCTIONS, visibilityTimeoutSecondsOf } from '../event-sources.ts';
import { consoleLog, type Log } from './http-server.ts';
import { LOCAL_ACCOUNT_ID, type LocalFunction, localFunction, type QueuedMessage, settleSqsBatch } from './lambda-engine.ts';
import type { SchedulingClock } from './virtual-clock.ts';

export type SqsFunction = (event: SQSEvent, context: Context) => Promise<unknown>;

/** The queue's name locally (the AWS one is CloudFormation's). */
export const DELIVERY_QUEUE_NAME = 'mes-webhook-deliveries';
/** The deliverer's entry in infra/event-sources.ts, which the integration stack deploys. */
const DELIVERER = EVENT_FUNCTIONS.deliverWebhook;
export const DEFAULT_VISIBILITY_TIMEOUT_MS = visibilityTimeoutSecondsOf(DELIVERER) * 1000;
export const DEFAULT_MAX_RECEIVE_COUNT = DELIVERER.source.maxReceiveCount;
const SQS_MAX_BATCH = 10;
const MAX_DEAD_LETTERS_KEPT = 1000;

export interface LocalDeliveryQueueOptions {
  clock: SchedulingClock;
  /** The deliver-webhook function, asked for at every batch (the runtime imports it lazily). */
  handler: () => Promise<SqsFunction>;
  /** Jobs per invocation, at most 10 (as the event source mapping). */
  batchSize?: number;
  /** How long a job the handler failed stays invisible before it is received again. */
  visibilityTimeoutMs?: number;
  /** Receives before a job is dead-lettered. */
  maxReceiveCount?: number;
  /** Batches in flight at once (the event source's maximum concurrency). Default 5. */
  maxConcurrency?: number;
  /** Per-invocation timeout (the function's), in real time. Default 60 s. */
  timeoutMs?: number;
  functionName?: string;
  log?: Log;
}

export interface DeliveryQueueCounters {
  /** Jobs taken by `enqueue` (recovered ones included). */
  enqueued: number;
  /** Jobs a handler acknowledged. */
  delivered: number;
  /** Receives after the first (one per job per extra receive). */
  redelivered: number;
  /** Jobs given up after `maxReceiveCount` receives. */
  deadLettered: number;
  /** Jobs queued again by `recover`. */
  recovered: number;
}

interface QueuedJob extends QueuedMessage {
  job: DeliveryJob;
  visibleAt: number;
  seq: number;
}

export class LocalDeliveryQueue implements DeliveryQueue {
  readonly counters: DeliveryQueueCounters = { enqueued: 0, delivered: 0, redelivered: 0, deadLettered: 0, recovered: 0 };
  /** Jobs given up on, newest last (at most 1,000 kept). */
  readonly deadLetters: DeliveryJob[] = [];
  private readonly clock: SchedulingClock;
  private readonly log: Log;
  private readonly batchSize: number;
  private readonly visibilityTimeoutMs: number;
  private readonly maxReceiveCount: number;
  private readonly maxConcurrency: number;
  private readonly fn: LocalFunction<SQSEvent>;
  private readonly region = process.env.AWS_REGION ?? LOCAL_REGION;
  /** Waiting jobs, by visibleAt then arrival. */
  private jobs: QueuedJob[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly recovering = new Set<Promise<unknown>>();
  private timer: { at: number; cancel: () => void } | undefined;
  private waiters: (() => void)[] = [];
  private stopped = false;
  private seq = 0;

  constructor(options: LocalDeliveryQueueOptions) {
    this.clock = options.clock;
    this.log = options.log ?? consoleLog;
    this.batchSize = Math.min(options.batchSize ?? DELIVERER.source.batchSize, SQS_MAX_BATCH);
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? DEFAULT_VISIBILITY_TIMEOUT_MS;
    this.maxReceiveCount = options.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT;
    this.maxConcurrency = Math.max(1, options.maxConcurrency ?? DELIVERER.source.maxConcurrency);
    this.fn = {
      ...localFunction(DELIVERER, options.handler),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.functionName ? { functionName: options.functionName } : {}),
    };
  }

  /** Jobs waiting (due or not), not counting those being delivered. */
  get size(): number {
    return this.jobs.length;
  }

  /** Each job becomes visible at its dueAt (at once when that is past), as an SQS message with a delay. */
  async enqueue(jobs: DeliveryJob[]): Promise<void> {
    if (this.stopped) throw new Error('the local delivery queue is stopped');
    const now = this.clock.now().getTime();
    for (const job of jobs) {
      const dueAt = Date.parse(job.dueAt);
      const body = JSON.stringify(job);
      this.insert({
        messageId: randomUUID(),
        job,
        body,
        visibleAt: Number.isNaN(dueAt) ? now : dueAt,
        sentAt: now,
        receiveCount: 0,
        seq: this.seq++,
      });
    }
    this.counters.enqueued += jobs.length;
    this.arm();
  }

  /** Queues the jobs `scan` finds (pending messages of an earlier run). `idle()` waits for it. */
  recover(scan: Promise<DeliveryJob[]>): Promise<number> {
    const recovery = scan.then(
      async (jobs) => {
        if (this.stopped || jobs.length === 0) return 0;
        await this.enqueue(jobs);
        this.counters.recovered += jobs.length;
        this.log.info(`Webhooks: ${jobs.length} pending deliver${jobs.length === 1 ? 'y' : 'ies'} from the last run queued again.`);
        return jobs.length;
      },
      (error: unknown) => {
        this.log.error('webhooks: could not look for pending deliveries of the last run', error);
        return 0;
      },
    );
    this.recovering.add(recovery);
    void recovery.finally(() => {
      this.recovering.delete(recovery);
      this.notify();
    });
    return recovery;
  }

  /** Resolves once recovery is done, nothing is being delivered and no job is due now. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.recovering.size > 0) await Promise.allSettled([...this.recovering]);
      if (this.isIdle()) return;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** No new deliveries start; those in flight finish. Jobs still waiting are dropped (recovered at the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await Promise.allSettled([...this.recovering]);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    this.notify(true);
  }

  private isIdle() {
    const now = this.clock.now().getTime();
    return this.inFlight.size === 0 && (this.stopped || !this.jobs.some((j) => j.visibleAt <= now));
  }

  private notify(force = false) {
    if (!force && !this.isIdle()) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private insert(job: QueuedJob) {
    const index = this.jobs.findIndex((j) => j.visibleAt > job.visibleAt || (j.visibleAt === job.visibleAt && j.seq > job.seq));
    this.jobs.splice(index === -1 ? this.jobs.length : index, 0, job);
  }

  /** One clock timer, at the first waiting job's time; due jobs wait only for a free slot. */
  private arm() {
    if (this.stopped) return;
    const next = this.jobs[0];
    const now = this.clock.now().getTime();
    if (!next || (next.visibleAt <= now && this.inFlight.size >= this.maxConcurrency)) {
      this.timer?.cancel();
      this.timer = undefined;
      return;
    }
    const at = Math.max(next.visibleAt, now);
    if (this.timer && this.timer.at === at) return;
    this.timer?.cancel();
    const cancel = this.clock.schedule(at, () => {
      if (this.timer?.cancel === cancel) this.timer = undefined;
      return this.pump();
    });
    this.timer = { at, cancel };
  }

  /** Starts batches of due jobs while there are free slots; resolves when they (and what they queued for now) are done. */
  private async pump(): Promise<void> {
    const started: Promise<void>[] = [];
    const now = this.clock.now().getTime();
    while (!this.stopped && this.inFlight.size < this.maxConcurrency && this.jobs[0] && this.jobs[0].visibleAt <= now) {
      let count = 0;
      while (count < this.batchSize && this.jobs[count] && (this.jobs[count] as QueuedJob).visibleAt <= now) count++;
      const batch = this.jobs.splice(0, count);
      const delivery: Promise<void> = this.deliver(batch).finally(() => {
        this.inFlight.delete(delivery);
        this.arm();
        this.notify();
      });
      this.inFlight.add(delivery);
      started.push(delivery);
    }
    this.arm();
    await Promise.all(started);
  }

  private async deliver(batch: QueuedJob[]) {
    for (const j of batch) if (j.receiveCount > 0) this.counters.redelivered++;
    const { delivered, retry, deadLetter } = await settleSqsBatch(this.fn, batch, {
      queueArn: `arn:aws:sqs:${this.region}:${LOCAL_ACCOUNT_ID}:${DELIVERY_QUEUE_NAME}`,
      senderId: `AROA${LOCAL_ACCOUNT_ID}:local-runtime`,
      maxReceiveCount: this.maxReceiveCount,
      now: this.clock.now().getTime(),
      onError: (error) =>
        this.log.error(
          `webhooks: ${this.fn.functionName} failed a batch of ${batch.length}; the jobs come back in ${Math.round(this.visibilityTimeoutMs / 1000)} s`,
          error,
        ),
    });
    this.counters.delivered += delivered.length;
    for (const j of deadLetter) this.deadLetter(j);
    // The job becomes visible again when its visibility timeout runs out, as on SQS.
    const visibleAt = this.clock.now().getTime() + this.visibilityTimeoutMs;
    for (const j of retry) this.insert({ ...j, visibleAt });
  }

  private deadLetter(j: QueuedJob) {
    this.counters.deadLettered++;
    this.log.error(
      `webhooks: delivery job of message ${j.job.messageId} (tenant ${j.job.tenantId}, endpoint ${j.job.endpointId}) dead-lettered after ${j.receiveCount} receives; the message stays pending and is queued again at the next start`,
    );
    this.deadLetters.push(j.job);
    this.deadLetters.splice(0, Math.max(0, this.deadLetters.length - MAX_DEAD_LETTERS_KEPT));
  }
}

/**
 * Local only (on AWS the jobs outlive a deployment in SQS): every webhook message still
 * `pending`, as a job for its next attempt. A Scan, which no function is allowed; the local
 * table is small, and this runs once, in the background, at startup.
 *
 * A message claimed for an attempt that was never recorded was being sent when the last run
 * died. On AWS its SQS job comes back after the visibility timeout, when the claim has lapsed;
 * here the job died with the process, and the deliverer drops a job whose attempt is claimed.
 * The claim is released instead: its sender is gone (a data dir has one runtime), and the
 * attempt is sent again under the same webhook-id (at least once, as on AWS). Only claims made
 * before this run started are released: a claim lasts `claimMs` from when it is made, so one
 * that ends before `runStart + claimMs` is the dead run's, and one this run took is left to it.
 */
export async function scanPendingDeliveries(endpoint: string, tableName: string, runStart: Date, claimMs: number): Promise<DeliveryJob[]> {
  const now = runStart;
  const madeBeforeThisRun = (claimUntil: string) => claimUntil < new Date(runStart.getTime() + claimMs).toISOString();
  const client = new DynamoDBClient(localClientConfig(endpoint));
  try {
    const doc = DynamoDBDocumentClient.from(client);
    const jobs: DeliveryJob[] = [];
    const pages = paginateScan(
      { client: doc, pageSize: 1000 },
      {
        TableName: tableName,
        FilterExpression: '#entity = :entity AND #status = :pending',
        ProjectionExpression: 'pk, sk, tenantId, endpointId, id, nextAttemptAt, attemptCount, claimUntil',
        ExpressionAttributeNames: { '#entity': 'entity', '#status': 'status' },
        ExpressionAttributeValues: { ':entity': 'WebhookMessage', ':pending': 'pending' },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (typeof item.tenantId !== 'string' || typeof item.endpointId !== 'string' || typeof item.id !== 'string') continue;
        if (typeof item.claimUntil === 'string' && madeBeforeThisRun(item.claimUntil)) await releaseClaim(doc, tableName, item);
        jobs.push({
          tenantId: item.tenantId,
          endpointId: item.endpointId,
          messageId: item.id,
          attempt: (typeof item.attemptCount === 'number' ? item.attemptCount : 0) + 1,
          dueAt: typeof item.nextAttemptAt === 'string' ? item.nextAttemptAt : now.toISOString(),
        });
      }
    }
    return jobs;
  } finally {
    client.destroy();
  }
}

/** Removes a dead run's claim, unless the message changed since the scan (this run claimed it). */
async function releaseClaim(doc: DynamoDBDocumentClient, tableName: string, item: Record<string, unknown>) {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: 'REMOVE claimAttempt, claimUntil',
        ConditionExpression: 'claimUntil = :seen AND #status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':seen': item.claimUntil, ':pending': 'pending' },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

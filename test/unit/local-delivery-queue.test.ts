/**
 * The local delivery queue (SQS and its Lambda event source, in process): jobs reach the
 * handler at their due time on the clock, in time order, as Lambda-shaped SQS events of at
 * most 10; failed jobs come back after the visibility timeout and are dead-lettered after
 * the last receive. A virtual clock runs a three-day retry schedule in milliseconds.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { SQSEvent } from 'aws-lambda';
import { LocalDeliveryQueue, type LocalDeliveryQueueOptions, type SqsFunction } from '../../infra/local/delivery-queue.ts';
import { silentLog } from '../../infra/local/http-server.ts';
import { SystemClock, VirtualClock } from '../../infra/local/virtual-clock.ts';
import type { DeliveryJob } from '../../shared/integration/ports.ts';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const job = (messageId: string, dueInMs = 0, attempt = 1): DeliveryJob => ({
  tenantId: 't-1',
  endpointId: 'ep-1',
  messageId,
  attempt,
  dueAt: at(dueInMs),
});

interface Delivery {
  at: string;
  messageIds: string[];
  receiveCounts: string[];
}

/** A queue on a virtual clock whose handler records each batch and answers with `answer`. */
function virtualQueue(
  answer: (event: SQSEvent, deliveries: Delivery[]) => unknown = () => ({ batchItemFailures: [] }),
  options: Partial<LocalDeliveryQueueOptions> = {},
) {
  const clock = new VirtualClock(T0);
  const deliveries: Delivery[] = [];
  const events: SQSEvent[] = [];
  const handler: SqsFunction = async (event) => {
    events.push(event);
    deliveries.push({
      at: clock.now().toISOString(),
      messageIds: event.Records.map((r) => (JSON.parse(r.body) as DeliveryJob).messageId),
      receiveCounts: event.Records.map((r) => r.attributes.ApproximateReceiveCount),
    });
    return answer(event, deliveries);
  };
  const queue = new LocalDeliveryQueue({ clock, handler: async () => handler, log: silentLog, ...options });
  return { clock, queue, deliveries, events };
}

describe('the local delivery queue', () => {
  describe('on a virtual clock', () => {
    it('delivers each job at its due time, in time order, whatever order they came in', async () => {
      // Prepare
      const { clock, queue, deliveries } = virtualQueue();
      // Act
      await queue.enqueue([job('c', 5 * MINUTE), job('a', 5 * SECOND), job('d', 2 * HOUR), job('b', 5 * SECOND)]);
      await clock.runUntilIdle();
      // Assess
      assert.deepEqual(deliveries, [
        { at: at(5 * SECOND), messageIds: ['a', 'b'], receiveCounts: ['1', '1'] },
        { at: at(5 * MINUTE), messageIds: ['c'], receiveCounts: ['1'] },
        { at: at(2 * HOUR), messageIds: ['d'], receiveCounts: ['1'] },
      ]);
      assert.equal(queue.counters.delivered, 4);
      assert.equal(queue.size, 0);
    });

    it('delivers a job due now without the clock moving, and idle() waits for it', async () => {
      // Prepare
      const { clock, queue, deliveries } = virtualQueue();
      // Act
      await queue.enqueue([job('now'), job('past', -HOUR)]);
      await queue.idle();
      // Assess
      assert.deepEqual(deliveries, [{ at: at(0), messageIds: ['past', 'now'], receiveCounts: ['1', '1'] }]);
      assert.equal(clock.now().getTime(), T0);
    });

    it('advance() fires only what falls due within the time it moves', async () => {
      // Prepare
      const { clock, queue, deliveries } = virtualQueue();
      await queue.enqueue([job('soon', 10 * SECOND), job('later', HOUR)]);
      // Act
      await clock.advance(MINUTE);
      // Assess
      assert.deepEqual(
        deliveries.map((d) => [d.at, d.messageIds]),
        [[at(10 * SECOND), ['soon']]],
      );
      assert.equal(clock.now().toISOString(), at(MINUTE));
      assert.equal(queue.size, 1);
    });

    it('hands over SQS events of the Lambda shape, at most 10 records each', async () => {
      // Prepare
      const { queue, events } = virtualQueue();
      const jobs = Array.from({ length: 12 }, (_, i) => job(`m-${i}`));
      // Act
      await queue.enqueue(jobs);
      await queue.idle();
      // Assess
      assert.deepEqual(
        events.map((e) => e.Records.length),
        [10, 2],
      );
      const record = events[0]!.Records[0]!;
      assert.deepEqual(Object.keys(record).sort(), [
        'attributes',
        'awsRegion',
        'body',
        'eventSource',
        'eventSourceARN',
        'md5OfBody',
        'messageAttributes',
        'messageId',
        'receiptHandle',
      ]);
      assert.deepEqual(JSON.parse(record.body), jobs[0]);
      assert.equal(record.eventSource, 'aws:sqs');
      assert.match(record.eventSourceARN, /^arn:aws:sqs:[a-z0-9-]+:\d{12}:mes-webhook-deliveries$/);
      assert.equal(record.md5OfBody, createHash('md5').update(record.body).digest('hex'));
      assert.deepEqual(record.messageAttributes, {});
      assert.deepEqual(Object.keys(record.attributes).sort(), [
        'ApproximateFirstReceiveTimestamp',
        'ApproximateReceiveCount',
        'SenderId',
        'SentTimestamp',
      ]);
      assert.equal(record.attributes.ApproximateReceiveCount, '1');
      assert.equal(record.attributes.SentTimestamp, String(T0));
      const ids = events.flatMap((e) => e.Records.map((r) => r.messageId));
      assert.equal(new Set(ids).size, 12, 'every message has its own id');
    });

    it('runs a three-day retry schedule in time order, in milliseconds', async () => {
      // Prepare: a stand-in deliverer that fails every attempt and queues the next one, as the real one does
      const schedule = [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR];
      const { clock, queue, deliveries } = virtualQueue((event) => {
        const current = JSON.parse(event.Records[0]!.body) as DeliveryJob;
        const delay = schedule[current.attempt];
        if (delay !== undefined) {
          void queue.enqueue([{ ...current, attempt: current.attempt + 1, dueAt: new Date(clock.now().getTime() + delay).toISOString() }]);
        }
        return {};
      });
      const started = performance.now();
      // Act
      await queue.enqueue([job('m-1')]);
      await clock.runUntilIdle();
      // Assess
      let expected = T0;
      const times = schedule.map((delay) => new Date((expected += delay)).toISOString());
      assert.deepEqual(
        deliveries.map((d) => d.at),
        times,
      );
      assert.ok(clock.now().getTime() - T0 > 3 * 24 * HOUR, 'more than three days passed on the clock');
      assert.ok(performance.now() - started < 2000, 'in well under two seconds of real time');
    });
  });

  describe('failures', () => {
    it('brings back only the jobs a batch reported failed, after the visibility timeout', async () => {
      // Prepare
      const { clock, queue, deliveries } = virtualQueue(
        (event, all) => (all.length === 1 ? { batchItemFailures: [{ itemIdentifier: event.Records[1]!.messageId }] } : {}),
        { visibilityTimeoutMs: 6 * MINUTE },
      );
      // Act
      await queue.enqueue([job('a'), job('b'), job('c')]);
      await clock.runUntilIdle();
      // Assess
      assert.deepEqual(deliveries, [
        { at: at(0), messageIds: ['a', 'b', 'c'], receiveCounts: ['1', '1', '1'] },
        { at: at(6 * MINUTE), messageIds: ['b'], receiveCounts: ['2'] },
      ]);
      assert.deepEqual(queue.counters, { enqueued: 3, delivered: 3, redelivered: 1, deadLettered: 0, recovered: 0 });
    });

    it('brings back the whole batch when the handler throws or names an unknown message', async () => {
      // Prepare
      let calls = 0;
      const { clock, queue, deliveries } = virtualQueue(() => {
        calls++;
        if (calls === 1) throw new Error('the handler failed');
        if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
        return { batchItemFailures: [] };
      });
      // Act
      await queue.enqueue([job('a'), job('b')]);
      await clock.runUntilIdle();
      // Assess
      assert.deepEqual(
        deliveries.map((d) => d.receiveCounts),
        [
          ['1', '1'],
          ['2', '2'],
          ['3', '3'],
        ],
      );
      assert.equal(queue.counters.delivered, 2);
    });

    it('dead-letters a job after its last receive, and goes on with the others', async () => {
      // Prepare
      const { clock, queue, deliveries } = virtualQueue(
        (event) => ({ batchItemFailures: event.Records.filter((r) => r.body.includes('"poison"')).map((r) => ({ itemIdentifier: r.messageId })) }),
        { maxReceiveCount: 3 },
      );
      // Act
      await queue.enqueue([job('poison'), job('fine')]);
      await clock.runUntilIdle();
      // Assess
      assert.deepEqual(
        deliveries.map((d) => d.messageIds),
        [['poison', 'fine'], ['poison'], ['poison']],
      );
      assert.deepEqual(
        queue.deadLetters.map((j) => j.messageId),
        ['poison'],
      );
      assert.equal(queue.counters.deadLettered, 1);
      assert.equal(queue.size, 0);
    });

    it('treats a handler that cannot be loaded as a failed batch', async () => {
      // Prepare
      const clock = new VirtualClock(T0);
      let loads = 0;
      const received: string[] = [];
      const queue = new LocalDeliveryQueue({
        clock,
        log: silentLog,
        handler: async () => {
          if (++loads === 1) throw new Error('functions/jobs/deliver-webhook.ts does not exist yet');
          return async (event) => {
            received.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
          };
        },
      });
      // Act
      await queue.enqueue([job('a')]);
      await clock.runUntilIdle();
      // Assess
      assert.deepEqual(received, ['2']);
    });
  });

  describe('lifecycle', () => {
    it('queues recovered jobs, and idle() waits for the recovery', async () => {
      // Prepare
      const { clock, queue, deliveries } = virtualQueue();
      // Act
      void queue.recover(new Promise((resolve) => setTimeout(() => resolve([job('old-1', -MINUTE, 3), job('old-2', HOUR, 2)]), 20)));
      await queue.idle();
      // Assess
      assert.deepEqual(
        deliveries.map((d) => d.messageIds),
        [['old-1']],
      );
      await clock.runUntilIdle();
      assert.deepEqual(
        deliveries.map((d) => [d.at, d.messageIds]),
        [
          [at(0), ['old-1']],
          [at(HOUR), ['old-2']],
        ],
      );
      assert.equal(queue.counters.recovered, 2);
    });

    it('lets the batch in flight finish on stop, then refuses new jobs', async () => {
      // Prepare
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let finished = false;
      const clock = new VirtualClock(T0);
      const queue = new LocalDeliveryQueue({
        clock,
        log: silentLog,
        handler: async () => async () => {
          await gate;
          finished = true;
        },
      });
      await queue.enqueue([job('a'), job('later', HOUR)]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      // Act
      const stopping = queue.stop();
      release();
      await stopping;
      // Assess
      assert.equal(finished, true);
      await assert.rejects(queue.enqueue([job('b')]), /stopped/);
      assert.equal(clock.pending, 0, 'no timer is left behind');
    });

    it('runs on real timers with the system clock', async () => {
      // Prepare
      const received: number[] = [];
      const queue = new LocalDeliveryQueue({
        clock: new SystemClock(),
        log: silentLog,
        handler: async () => async () => {
          received.push(Date.now());
        },
      });
      const start = Date.now();
      // Act
      await queue.enqueue([{ ...job('a'), dueAt: new Date(start + 50).toISOString() }]);
      while (received.length === 0 && Date.now() - start < 5000) await new Promise((resolve) => setTimeout(resolve, 10));
      await queue.stop();
      // Assess
      assert.equal(received.length, 1);
      assert.ok(received[0]! >= start + 50, 'not before its due time');
    });
  });
});

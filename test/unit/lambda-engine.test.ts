/**
 * The local Lambda engine, per source kind, with fixture handler modules: a module is imported
 * once; an invocation gets a Lambda context and fails with a timeout; SQS brings back only the
 * failed messages and dead-letters them after maxReceiveCount; a stream batch is retried in
 * order from the first failed record, bisected when it fails whole, and dead-lettered after its
 * retries; event filters drop what the function is not invoked for.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SQSEvent } from 'aws-lambda';
import {
  type Handler,
  HandlerMissingError,
  invoke,
  lazyHandler,
  type LocalFunction,
  matchesFilter,
  processStreamBatch,
  type QueuedMessage,
  settleSqsBatch,
  TimeoutError,
} from '../../infra/local/lambda-engine.ts';
import { EVENT_FUNCTIONS } from '../../infra/event-sources.ts';

const fixture = (name: string) => new URL(`../fixtures/engine/${name}.ts`, import.meta.url).pathname;
const fnOf = <E>(handler: Handler<E>, timeoutMs = 1000): LocalFunction<E> => ({ functionName: 'test-fn', timeoutMs, load: async () => handler });
const message = (messageId: string): QueuedMessage => ({ messageId, body: messageId, sentAt: 0, receiveCount: 0 });
const SQS = { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q', senderId: 'test', maxReceiveCount: 3 };

describe('the local Lambda engine', () => {
  describe('lazy import and invoke', () => {
    it('imports a handler module once, on first use, however often it is invoked', async () => {
      // Prepare
      const load = lazyHandler(fixture('counting-handler'));
      const { imports } = await import(fixture('counting-handler'));
      const before = imports();
      // Act
      const results = await Promise.all([1, 2, 3].map((n) => invoke(load, { n }, { functionName: 'counting', timeoutMs: 5000 })));
      // Assess
      assert.equal(imports(), before, 'no second import');
      assert.deepEqual(
        results.map((r) => (r as { event: unknown }).event),
        [{ n: 1 }, { n: 2 }, { n: 3 }],
      );
      const ids = results.map((r) => (r as { awsRequestId: string }).awsRequestId);
      assert.equal(new Set(ids).size, 3, 'a request id per invocation');
      for (const r of results as { functionName: string; remainingMs: number }[]) {
        assert.equal(r.functionName, 'counting');
        assert.ok(r.remainingMs > 0 && r.remainingMs <= 5000);
      }
    });

    it('reports a missing module, and imports it once it is there', async () => {
      // Prepare
      const load = lazyHandler('/nonexistent/functions/not-yet.ts');
      // Act + Assess
      await assert.rejects(load(), HandlerMissingError);
      await assert.rejects(load(), /does not exist yet/);
    });

    it('fails an invocation that outlives its timeout with a TimeoutError', async () => {
      await assert.rejects(invoke(lazyHandler(fixture('slow-handler')), { ms: 5000 }, { functionName: 'slow', timeoutMs: 20 }), TimeoutError);
    });
  });

  describe('SQS', () => {
    it('brings back only the messages reported failed, and dead-letters them after maxReceiveCount', async () => {
      // Prepare: b always fails
      const calls: string[][] = [];
      const fn = fnOf(async (event: SQSEvent) => {
        calls.push(event.Records.map((r) => `${r.body}:${r.attributes.ApproximateReceiveCount}`));
        return { batchItemFailures: event.Records.filter((r) => r.body === 'b').map((r) => ({ itemIdentifier: r.messageId })) };
      });
      let batch = [message('a'), message('b'), message('c')];
      const delivered: string[] = [];
      const dead: string[] = [];
      // Act: receive until nothing comes back
      while (batch.length > 0) {
        const outcome = await settleSqsBatch(fn, batch, SQS);
        delivered.push(...outcome.delivered.map((m) => m.messageId));
        dead.push(...outcome.deadLetter.map((m) => m.messageId));
        batch = outcome.retry;
      }
      // Assess
      assert.deepEqual(calls, [['a:1', 'b:1', 'c:1'], ['b:2'], ['b:3']]);
      assert.deepEqual(delivered, ['a', 'c']);
      assert.deepEqual(dead, ['b']);
    });

    it('brings back the whole batch when the function times out', async () => {
      const fn: LocalFunction = { functionName: 'slow', timeoutMs: 20, load: lazyHandler(fixture('slow-handler')) };
      const outcome = await settleSqsBatch(fn, [message('a'), message('b')], SQS);
      assert.deepEqual(
        outcome.retry.map((m) => [m.messageId, m.receiveCount]),
        [
          ['a', 1],
          ['b', 1],
        ],
      );
    });
  });

  describe('streams', () => {
    const records = ['1', '2', '3', '4'];
    const stream = (answer: (batch: string[], call: number) => unknown, options: { retryAttempts?: number; bisect?: boolean } = {}) => {
      const calls: string[][] = [];
      const acknowledged: string[] = [];
      const dead: string[][] = [];
      const run = processStreamBatch(
        fnOf(async (event: { Records: string[] }) => {
          calls.push(event.Records);
          return answer(event.Records, calls.length);
        }),
        records,
        {
          idOf: (r) => r,
          retryAttempts: options.retryAttempts,
          bisectBatchOnError: options.bisect,
          retryDelayMs: () => 0,
          sleep: async () => {},
          onAcknowledged: (done) => acknowledged.push(...done),
          onDeadLetter: (rest) => dead.push(rest),
        },
      );
      return { run, calls, acknowledged, dead };
    };

    it('retries in order from the first record reported failed, acknowledging what came before it', async () => {
      const s = stream((batch, call) => (call <= 2 ? { batchItemFailures: [{ itemIdentifier: batch[1] }] } : {}));
      await s.run;
      assert.deepEqual(s.calls, [
        ['1', '2', '3', '4'],
        ['2', '3', '4'],
        ['3', '4'],
      ]);
      assert.deepEqual(s.acknowledged, ['1', '2', '3', '4']);
    });

    it('bisects a batch that fails whole, until the bad record is alone, and dead-letters it after its retries', async () => {
      const s = stream(
        (batch) => {
          if (batch.includes('3')) throw new Error('record 3 is poison');
          return undefined;
        },
        { retryAttempts: 2, bisect: true },
      );
      await s.run;
      // [3,4] fails (attempt 1 after the good half reset the count), [3] alone fails twice more: one more than its 2 retries.
      assert.deepEqual(s.calls, [['1', '2', '3', '4'], ['1', '2'], ['3', '4'], ['3'], ['3'], ['4']]);
      assert.deepEqual(s.acknowledged, ['1', '2', '4']);
      assert.deepEqual(s.dead, [['3']]);
    });

    it('without bisect, dead-letters the rest of the batch after the last retry', async () => {
      const s = stream(() => ({ batchItemFailures: [{ itemIdentifier: 'unknown' }] }), { retryAttempts: 1 });
      await s.run;
      assert.deepEqual(s.calls, [records, records]);
      assert.deepEqual(s.dead, [records]);
    });
  });

  it("filters events as the dispatcher's event source does: new outbox items only", () => {
    const { filter } = EVENT_FUNCTIONS.dispatchOutbox.source;
    const record = (eventName: string, entity: string) => ({ eventName, dynamodb: { NewImage: { entity: { S: entity } } } });
    assert.equal(matchesFilter(filter, record('INSERT', 'OutboxEvent')), true);
    assert.equal(matchesFilter(filter, record('MODIFY', 'OutboxEvent')), false);
    assert.equal(matchesFilter(filter, record('INSERT', 'WorkOrder')), false);
    assert.equal(matchesFilter(filter, { eventName: 'REMOVE' }), false);
  });

  it("filters events as the live feed publisher's event source does: a unit's live view entry written or changed", () => {
    const { filter } = EVENT_FUNCTIONS.publishLive.source;
    const record = (eventName: string, pk: string, sk: string) => ({ eventName, dynamodb: { NewImage: { pk: { S: pk }, sk: { S: sk } } } });
    assert.equal(matchesFilter(filter, record('INSERT', 't-1#LIVE', 'UNIT#wu-1')), true);
    assert.equal(matchesFilter(filter, record('MODIFY', 't-1#LIVE', 'UNIT#wu-1')), true);
    assert.equal(matchesFilter(filter, record('REMOVE', 't-1#LIVE', 'UNIT#wu-1')), false);
    assert.equal(matchesFilter(filter, record('MODIFY', 't-1#LIVE', 'META')), false);
    assert.equal(matchesFilter(filter, record('MODIFY', 't-1#EQ#wu-1', 'UNIT#wu-1')), false);
    assert.equal(matchesFilter(filter, record('MODIFY', 't-1#LIVE#x', 'UNIT#wu-1')), false);
  });
});

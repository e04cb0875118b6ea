import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { SqsDeliveryQueue, delaySeconds } from '#functions/lib/sqs-delivery-queue.ts';
import type { DeliveryJob } from '#shared/integration/ports.ts';

const NOW = new Date('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const job = (n: number, dueInMs: number): DeliveryJob => ({ tenantId: 't', endpointId: 'ep_1', messageId: `m${n}`, attempt: 1, dueAt: at(dueInMs) });

describe('webhook delivery queue on SQS', () => {
  it('delays each job until it is due, in whole seconds, at most 15 minutes', () => {
    assert.equal(delaySeconds(at(0), NOW), 0);
    assert.equal(delaySeconds(at(-60_000), NOW), 0);
    assert.equal(delaySeconds(at(4_200), NOW), 5);
    assert.equal(delaySeconds(at(300_000), NOW), 300);
    assert.equal(delaySeconds(at(24 * 3_600_000), NOW), 900);
  });

  it('sends ten jobs per SendMessageBatch, each body the job as JSON', async () => {
    // Prepare
    const sent: SendMessageBatchCommand[] = [];
    const sqs = { send: async (command: SendMessageBatchCommand) => (sent.push(command), { Successful: [], Failed: [] }) };
    const queue = new SqsDeliveryQueue('https://sqs.example/q', { now: () => NOW }, sqs as never);
    const jobs = Array.from({ length: 23 }, (_, n) => job(n, n * 1000));
    // Act
    await queue.enqueue(jobs);
    // Assess
    assert.deepEqual(
      sent.map((c) => c.input.Entries?.length),
      [10, 10, 3],
    );
    const entries = sent.flatMap((c) => c.input.Entries ?? []);
    assert.deepEqual(
      entries.map((e) => JSON.parse(e.MessageBody!)),
      jobs,
    );
    assert.deepEqual(
      entries.map((e) => e.DelaySeconds),
      jobs.map((_, n) => n),
    );
    assert.ok(sent.every((c) => c.input.QueueUrl === 'https://sqs.example/q'));
  });

  it('throws when SQS refuses an entry, so the caller retries', async () => {
    const sqs = { send: async () => ({ Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] }) };
    const queue = new SqsDeliveryQueue('https://sqs.example/q', { now: () => NOW }, sqs as never);
    await assert.rejects(queue.enqueue([job(1, 0)]), /SQS refused 1 of 1 delivery jobs: InternalError/);
  });
});

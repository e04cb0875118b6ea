/**
 * DeliveryQueue on SQS: jobs sent ten at a time (SendMessageBatch), each delayed until it is due
 * (SQS delays stop at 15 minutes: a job due later arrives early and the deliverer queues it again).
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '#shared/domain/clock.ts';
import type { DeliveryJob, DeliveryQueue } from '#shared/integration/ports.ts';

const MAX_DELAY_SECONDS = 900;
const BATCH = 10;

/** Seconds until `dueAt`, within what SQS allows (0..900). */
export const delaySeconds = (dueAt: string, now: Date): number =>
  Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((Date.parse(dueAt) - now.getTime()) / 1000)));

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly clock: Clock,
    private readonly sqs: Pick<SQSClient, 'send'> = new SQSClient({}),
  ) {}

  async enqueue(jobs: DeliveryJob[]): Promise<void> {
    const now = this.clock.now();
    for (let i = 0; i < jobs.length; i += BATCH) {
      const chunk = jobs.slice(i, i + BATCH);
      const { Failed = [] } = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((job, n) => ({ Id: String(n), MessageBody: JSON.stringify(job), DelaySeconds: delaySeconds(job.dueAt, now) })),
        }),
      );
      if (Failed.length > 0) {
        throw new Error(
          `SQS refused ${Failed.length} of ${chunk.length} delivery jobs: ${Failed.map((f) => `${f.Code}: ${f.Message ?? ''}`).join('; ')}`,
        );
      }
    }
  }
}

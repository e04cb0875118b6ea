/**
 * Delivery queue -> one webhook attempt per record (a JSON DeliveryJob), records in parallel.
 * A record that throws (a DynamoDB or queue error) is reported alone and comes back; an
 * attempt that failed at the receiver is not an error here: the deliverer scheduled the next.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeliveryJob } from '#shared/integration/ports.ts';
import { logger } from '#functions/lib/logger.ts';
import { webhookDeliverer } from '#functions/lib/webhook-services.ts';

const processor = new BatchProcessor(EventType.SQS);

async function deliver(record: SQSRecord) {
  const job = JSON.parse(record.body) as DeliveryJob;
  const outcome = await webhookDeliverer().attempt(job);
  logger.debug('webhook attempt', { ...job, outcome });
  return outcome;
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, deliver, processor, { context, processInParallel: true });

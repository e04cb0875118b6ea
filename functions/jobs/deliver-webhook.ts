/**
 * Delivery queue -> one webhook attempt per record (a JSON DeliveryJob), records in parallel.
 * A record that throws (a DynamoDB or queue error) is reported alone and comes back; an
 * attempt that failed at the receiver is not an error here: the deliverer scheduled the next.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeliveryJob } from '#shared/integration/ports.ts';
import { logger } from '#functions/lib/logger.ts';
import { METRIC_DIMENSIONS, METRIC_NAMES, recordMetrics } from '#functions/lib/metrics.ts';
import { webhookDeliverer } from '#functions/lib/webhook-services.ts';

const processor = new BatchProcessor(EventType.SQS);

async function deliver(record: SQSRecord) {
  const job = JSON.parse(record.body) as DeliveryJob;
  const outcome = await webhookDeliverer().attempt(job);
  logger.debug('webhook attempt', { ...job, outcome });
  await recordAttemptMetric(job, outcome);
  return outcome;
}

export const handler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, deliver, processor, { context, processInParallel: true });

/** Attempts that reached the receiver (docs/operations.md): per tenant; the endpoint rides along for the failing-endpoint rule. */
const ATTEMPT_METRICS: Partial<Record<string, string>> = {
  delivered: METRIC_NAMES.webhookDelivered,
  'retry-scheduled': METRIC_NAMES.webhookDeliveryFailed,
  failed: METRIC_NAMES.webhookDeliveryFailed,
  gone: METRIC_NAMES.webhookDeliveryFailed,
};

export function recordAttemptMetric(job: DeliveryJob, outcome: string): Promise<void> {
  const name = ATTEMPT_METRICS[outcome];
  if (!name) return Promise.resolve();
  return recordMetrics({
    metrics: { [name]: 1 },
    dimensionSets: [{ [METRIC_DIMENSIONS.tenant]: job.tenantId }],
    properties: { [METRIC_DIMENSIONS.endpoint]: job.endpointId },
  });
}

/**
 * IoT rule `mes_telemetry_state` -> SQS -> here: equipment state changes, at once.
 * Partial batch failure: a record that fails is retried alone; an invalid one is kept as a
 * rejected-message record and counts as handled.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { telemetryIngest } from '#functions/lib/telemetry-ingest.ts';

const processor = new BatchProcessor(EventType.SQS);

export const handler = async (event: SQSEvent, context: Context) => {
  // One ingest call for the whole batch (it groups writes); records it could not store fail alone.
  const failed = await telemetryIngest.ingest(event.Records.map((r) => ({ id: r.messageId, body: r.body })));
  return processPartialResponse(
    event,
    async (record: SQSRecord) => {
      if (failed.has(record.messageId)) throw new Error(`record ${record.messageId} was not stored`);
    },
    processor,
    { context },
  );
};

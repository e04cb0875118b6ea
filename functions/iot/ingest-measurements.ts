/**
 * IoT rule `mes_telemetry_measurements` -> Kinesis (partition key: tenant) -> here: counts and
 * process values, merged into per-minute aggregates once per batch. Partial batch failure:
 * Kinesis retries from the first failed record, and the merges are idempotent.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { telemetryIngest } from '#functions/lib/telemetry-ingest.ts';

const processor = new BatchProcessor(EventType.KinesisDataStreams);

export const handler = async (event: KinesisStreamEvent, context: Context) => {
  const failed = await telemetryIngest.ingest(
    event.Records.map((r) => ({ id: r.kinesis.sequenceNumber, body: Buffer.from(r.kinesis.data, 'base64').toString('utf8') })),
  );
  return processPartialResponse(
    event,
    async (record: KinesisStreamRecord) => {
      if (failed.has(record.kinesis.sequenceNumber)) throw new Error(`record ${record.kinesis.sequenceNumber} was not stored`);
    },
    processor,
    { context },
  );
};

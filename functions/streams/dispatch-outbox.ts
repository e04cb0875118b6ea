/**
 * Table stream -> webhook messages. Only new outbox events matter (INSERT, entity OutboxEvent);
 * every other change (telemetry items are rewritten all the time) is dropped before any work.
 * The tenant's endpoints are read once per batch; an event that fails is reported alone
 * (batchItemFailures) and the stream hands it back, which the dispatcher tolerates.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { OutboxEvent } from '#shared/domain/work-order/model.ts';
import { outboxDispatcher } from '#functions/lib/webhook-services.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

const isNewOutboxEvent = (record: DynamoDBRecord) => record.eventName === 'INSERT' && record.dynamodb?.NewImage?.entity?.S === 'OutboxEvent';

function toEvent(record: DynamoDBRecord): OutboxEvent {
  const { pk: _pk, sk: _sk, entity: _entity, ...event } = unmarshall(record.dynamodb?.NewImage as Record<string, AttributeValue>);
  return event as OutboxEvent;
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  const Records = event.Records.filter(isNewOutboxEvent);
  if (Records.length === 0) return { batchItemFailures: [] };
  const dispatch = outboxDispatcher().batch();
  return processPartialResponse({ Records }, async (record: DynamoDBRecord) => dispatch(toEvent(record)), processor, { context });
};

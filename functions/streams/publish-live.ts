/**
 * Table stream -> the live feed (issue 13, shared/telemetry/live-feed.ts). Every change of a
 * unit's entry in a plant's live view (pk `{tenantId}#LIVE`, sk `UNIT#{equipmentId}`, attributes
 * `unit` and `at`) is published, whole, to `feed/mes/{tenantId}/units/{equipmentId}` through the
 * IoT data plane: on AWS IoT Core's HTTPS publish, locally the runtime's stand-in for it
 * (infra/local/iot-data-endpoint.ts), the same client with an endpoint override. The event
 * source's filter (infra/event-sources.ts) already dropped everything else; a change that left
 * `at` as it was (bookkeeping only) is not news and is not published, nor is a state that a newer
 * one of the same unit in the same batch supersedes. Publishes run in parallel and may arrive out
 * of order: a browser keeps the newest `at` per unit.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ENV } from '#shared/config.ts';
import { type LiveFeedMessage, liveUnitTopic } from '#shared/telemetry/live-feed.ts';

const processor = new BatchProcessor(EventType.DynamoDBStreams);
const LIVE_PK = /^(.+)#LIVE$/;
const UNIT_SK = /^UNIT#(.+)$/;

/** The topic and message of a live view record, or undefined when it is not news. */
export function liveFeedPublication(record: DynamoDBRecord): { topic: string; message: LiveFeedMessage } | undefined {
  const image = record.dynamodb?.NewImage;
  if (!image || record.eventName === 'REMOVE') return undefined;
  const tenantId = LIVE_PK.exec(image.pk?.S ?? '')?.[1];
  const equipmentId = UNIT_SK.exec(image.sk?.S ?? '')?.[1];
  if (!tenantId || !equipmentId || !image.unit?.M || !image.at?.N) return undefined;
  const oldAt = record.dynamodb?.OldImage?.at?.N;
  if (oldAt !== undefined && oldAt === image.at.N) return undefined;
  const { unit, at } = unmarshall({ unit: image.unit, at: image.at } as Record<string, AttributeValue>);
  return { topic: liveUnitTopic(tenantId, equipmentId), message: { kind: 'unit', at: Number(at), unit } };
}

let client: IoTDataPlaneClient | undefined;
/** The data plane of the account (MES_IOT_DATA_ENDPOINT: IoT Core's Data-ATS endpoint on AWS, the local stand-in locally). */
function dataPlane(): IoTDataPlaneClient {
  const endpoint = process.env[ENV.iotDataEndpoint];
  client ??= new IoTDataPlaneClient(endpoint ? { endpoint } : {});
  return client;
}

export const handler = async (event: DynamoDBStreamEvent, context: Context) => {
  const iot = dataPlane();
  // A unit changed twice in one batch: only its newest state goes out (the browser keeps the newest `at` anyway).
  const newest = new Map<string, number>();
  for (const record of event.Records) {
    const publication = liveFeedPublication(record);
    if (publication) newest.set(publication.topic, Math.max(newest.get(publication.topic) ?? 0, publication.message.at));
  }
  return processPartialResponse(
    event,
    async (record: DynamoDBRecord) => {
      const publication = liveFeedPublication(record);
      if (!publication || publication.message.at < (newest.get(publication.topic) ?? 0)) return;
      // QoS 0: a browser that misses one keeps the newest `at` per unit, and the next change brings it along.
      await iot.send(
        new PublishCommand({ topic: publication.topic, qos: 0, payload: new TextEncoder().encode(JSON.stringify(publication.message)) }),
      );
    },
    processor,
    { context },
  );
};

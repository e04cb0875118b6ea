/**
 * Table stream -> the live feed (issue 13, shared/telemetry/live-feed.ts). Every change of a
 * unit's entry in a plant's live view (pk `{tenantId}#LIVE`, sk `UNIT#{equipmentId}`, attributes
 * `unit` and `at`) is published, whole, through the
 * IoT data plane (a batch's changes of one plant together, on `feed/mes/{tenantId}/units`): on
 * AWS IoT Core's HTTPS publish, locally the runtime's stand-in for it
 * (infra/local/iot-data-endpoint.ts), the same client with an endpoint override. The event
 * source's filter (infra/event-sources.ts) already dropped everything else; a change that left
 * `at` as it was (bookkeeping only) is not news and is not published, nor is a state that a newer
 * one of the same unit in the same batch supersedes. Publishes run in parallel and may arrive out
 * of order: a browser keeps the newest `at` per unit.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { IoTDataPlaneClient, PublishCommand } from '@aws-sdk/client-iot-data-plane';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '#functions/lib/logger.ts';
import { ENV } from '#shared/config.ts';
import { type LiveFeedMessage, type LiveUnitChange, liveUnitsTopic, liveUnitTopic, MAX_UNITS_PER_MESSAGE } from '#shared/telemetry/live-feed.ts';

const LIVE_PK = /^(.+)#LIVE$/;
const UNIT_SK = /^UNIT#(.+)$/;

/** The topic and message of a live view record, or undefined when it is not news. */
export function liveFeedPublication(record: DynamoDBRecord): { tenantId: string; topic: string; message: LiveFeedMessage } | undefined {
  const image = record.dynamodb?.NewImage;
  if (!image || record.eventName === 'REMOVE') return undefined;
  const tenantId = LIVE_PK.exec(image.pk?.S ?? '')?.[1];
  const equipmentId = UNIT_SK.exec(image.sk?.S ?? '')?.[1];
  if (!tenantId || !equipmentId || !image.unit?.M || !image.at?.N) return undefined;
  const oldAt = record.dynamodb?.OldImage?.at?.N;
  if (oldAt !== undefined && oldAt === image.at.N) return undefined;
  const { unit, at } = unmarshall({ unit: image.unit, at: image.at } as Record<string, AttributeValue>);
  return { tenantId, topic: liveUnitTopic(tenantId, equipmentId), message: { kind: 'unit', at: Number(at), unit } };
}

let client: { endpoint: string | undefined; client: IoTDataPlaneClient } | undefined;
/**
 * The data plane of the account (MES_IOT_DATA_ENDPOINT: IoT Core's Data-ATS endpoint on AWS, the
 * local stand-in locally). Made again when the endpoint changes: a process that starts a second
 * local runtime (the bench does) publishes to that runtime's broker, not the first one's.
 */
function dataPlane(): IoTDataPlaneClient {
  const endpoint = process.env[ENV.iotDataEndpoint];
  if (!client || client.endpoint !== endpoint) client = { endpoint, client: new IoTDataPlaneClient(endpoint ? { endpoint } : {}) };
  return client.client;
}

/**
 * The batch's news, by plant: each unit's newest change (a unit changed twice in one batch sends
 * only its newest), in messages of at most MAX_UNITS_PER_MESSAGE units, one publish each.
 */
export function liveFeedMessages(records: readonly DynamoDBRecord[]): { topic: string; message: LiveFeedMessage; records: DynamoDBRecord[] }[] {
  const byTenant = new Map<string, Map<string, { change: LiveUnitChange; records: DynamoDBRecord[] }>>();
  for (const record of records) {
    const publication = liveFeedPublication(record);
    if (publication?.message.kind !== 'unit') continue;
    const { at, unit } = publication.message;
    const units = byTenant.get(publication.tenantId) ?? new Map();
    byTenant.set(publication.tenantId, units);
    const known = units.get(unit.equipmentId);
    units.set(unit.equipmentId, {
      change: !known || known.change.at <= at ? { at, unit } : known.change,
      records: [...(known?.records ?? []), record],
    });
  }
  const out: { topic: string; message: LiveFeedMessage; records: DynamoDBRecord[] }[] = [];
  for (const [tenantId, units] of byTenant) {
    const all = [...units.values()];
    for (let i = 0; i < all.length; i += MAX_UNITS_PER_MESSAGE) {
      const chunk = all.slice(i, i + MAX_UNITS_PER_MESSAGE);
      out.push({
        topic: liveUnitsTopic(tenantId),
        message: { kind: 'units', units: chunk.map((c) => c.change) },
        records: chunk.flatMap((c) => c.records),
      });
    }
  }
  return out;
}

export const handler = async (event: DynamoDBStreamEvent, _context: Context): Promise<DynamoDBBatchResponse> => {
  const iot = dataPlane();
  const failed: DynamoDBRecord[] = [];
  await Promise.all(
    liveFeedMessages(event.Records).map(async ({ topic, message, records }) => {
      try {
        // QoS 0: a browser that misses one keeps the newest `at` per unit, and the next change brings it along.
        await iot.send(new PublishCommand({ topic, qos: 0, payload: new TextEncoder().encode(JSON.stringify(message)) }));
      } catch (error) {
        logger.warn('live feed publish failed', { topic, error: String(error) });
        failed.push(...records);
      }
    }),
  );
  // A stream retries from the first failed record on: report the earliest.
  const sequence = (r: DynamoDBRecord) => r.dynamodb?.SequenceNumber ?? '';
  const first = failed.sort((a, b) => (BigInt(sequence(a) || 0) < BigInt(sequence(b) || 0) ? -1 : 1))[0];
  return { batchItemFailures: first ? [{ itemIdentifier: sequence(first) }] : [] };
};

/**
 * Turns what a rule delivered into valid samples and rejections. A message's invalid samples
 * are rejected one by one; the rest of the message and the batch go on. A sample is for the
 * unit it names (`equipmentId`), else for the topic's; whether a publisher may speak for a unit
 * other than itself (a gateway for its units) is master data, checked by the ingest
 * (refuseForeignSamples in ingest.ts, gateways.ts).
 */
import { IdSchema, TenantIdSchema } from '../api/schemas.ts';
import type { RejectedMessage } from '../domain/telemetry/repository.ts';
import { parseThingName, thingName } from './device-identity.ts';
import {
  MAX_SAMPLES_PER_MESSAGE,
  SAMPLE_SCHEMAS,
  type Sample,
  TELEMETRY_TYPES,
  type TelemetryEnvelope,
  TelemetryEnvelopeSchema,
  type TelemetryType,
} from './messages.ts';

/** Late data (gateways that buffered offline) is merged within this window. */
export const LATE_WINDOW_MS = Number(process.env.MES_TELEMETRY_LATE_WINDOW_MS ?? 24 * 3600_000);
/** A sample this far ahead of its arrival has a wrong clock. */
export const CLOCK_SKEW_MS = 5 * 60_000;

export interface ValidSample {
  tenantId: string;
  /** The unit the sample is for: the one it names, else the topic's. */
  equipmentId: string;
  /** The topic's id: the unit itself, or the gateway that published for it. */
  publisherId: string;
  type: TelemetryType;
  sample: Sample;
  receivedAt: number;
  recordId: string;
  /** Its place in the message's `samples` (0 for a single sample). */
  index: number;
  /** The message as published, base64 (for a rejection naming it). */
  raw: string;
}

/** A message that failed validation, kept for the tenant to see (the ingest port's record). */
export type Rejection = RejectedMessage;

export interface Validated {
  samples: ValidSample[];
  rejections: Rejection[];
  /** Records that name no valid tenant: nowhere to keep them, so they are only logged. */
  unattributable: { recordId: string; reason: string }[];
}

export function validateRecord(recordId: string, body: string, into: Validated): void {
  let envelope: TelemetryEnvelope;
  try {
    envelope = TelemetryEnvelopeSchema.parse(JSON.parse(body));
  } catch (error) {
    into.unattributable.push({ recordId, reason: `not a telemetry envelope: ${(error as Error).message}` });
    return;
  }
  if (!TenantIdSchema.safeParse(envelope.tenantId).success) {
    into.unattributable.push({ recordId, reason: `invalid tenant id ${JSON.stringify(envelope.tenantId)}` });
    return;
  }
  const reject = (reason: string): void => {
    into.rejections.push({
      tenantId: envelope.tenantId,
      equipmentId: envelope.equipmentId,
      type: envelope.type,
      receivedAt: envelope.receivedAt,
      recordId,
      reason,
      raw: envelope.raw,
    });
  };
  if (!IdSchema.safeParse(envelope.equipmentId).success) {
    reject(`invalid equipment id ${JSON.stringify(envelope.equipmentId)}`);
    return;
  }
  // Defence in depth: the IoT policy confines a thing to the topics of its attributes; this
  // holds those attributes to the thing's name, so a mis-registered thing publishes nothing.
  const publisher = envelope.clientId === undefined ? undefined : parseThingName(envelope.clientId);
  if (publisher?.tenantId !== envelope.tenantId || publisher.equipmentId !== envelope.equipmentId) {
    reject(`published by client id ${JSON.stringify(envelope.clientId ?? null)}, not by this unit's thing ${thingName(envelope)}`);
    return;
  }
  if (!(TELEMETRY_TYPES as readonly string[]).includes(envelope.type)) {
    reject(`unknown type ${JSON.stringify(envelope.type)}`);
    return;
  }
  const type = envelope.type as TelemetryType;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(envelope.raw, 'base64').toString('utf8'));
  } catch {
    reject('payload is not JSON');
    return;
  }
  const list = payload && typeof payload === 'object' && 'samples' in payload ? (payload as { samples: unknown }).samples : [payload];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_SAMPLES_PER_MESSAGE) {
    reject(`samples must be an array of 1 to ${MAX_SAMPLES_PER_MESSAGE}`);
    return;
  }
  list.forEach((candidate, i) => {
    const parsed = SAMPLE_SCHEMAS[type].safeParse(candidate);
    const at = list.length > 1 ? `samples/${i}: ` : '';
    if (!parsed.success) {
      reject(at + parsed.error.issues.map((issue) => `/${issue.path.join('/')} ${issue.message}`).join('; '));
      return;
    }
    // A presence sample without a time or id (a Last Will) is dated and named by its arrival.
    const sample = (type === 'presence' ? { ts: envelope.receivedAt, msgId: `${recordId}:${i}`, ...parsed.data } : parsed.data) as Sample;
    if (sample.ts < envelope.receivedAt - LATE_WINDOW_MS) reject(`${at}ts is older than the ${LATE_WINDOW_MS / 3600_000} h late window`);
    else if (sample.ts > envelope.receivedAt + CLOCK_SKEW_MS) reject(`${at}ts is ahead of the time it arrived: check the device clock`);
    else
      into.samples.push({
        tenantId: envelope.tenantId,
        equipmentId: sample.equipmentId ?? envelope.equipmentId,
        publisherId: envelope.equipmentId,
        type,
        sample,
        receivedAt: envelope.receivedAt,
        recordId,
        index: i,
        raw: envelope.raw,
      });
  });
}

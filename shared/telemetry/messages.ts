/**
 * Equipment telemetry as devices and gateways publish it (issues 3 and 13). Topics:
 * `dt/mes/{tenantId}/{publisherId}/{type}`, type state | counts | process | presence, where the
 * publisher is a unit (its equipment id) or a gateway (its gateway id). Every sample carries its
 * own timestamp and message id; a message may carry one sample or `{ samples: [...] }`
 * (gateways batch, because IoT Core, rules and queues charge per message). A gateway's samples
 * name their unit (`equipmentId`), which must be registered under that gateway; a unit's own
 * samples may leave it out (or name the unit itself).
 */
import * as z from 'zod/mini';
import { boundedDateTime, EARLIEST_TIME, LATEST_TIME, measured } from '../api/numbers.ts';

export const TELEMETRY_TYPES = ['state', 'counts', 'process', 'presence'] as const;
export type TelemetryType = (typeof TELEMETRY_TYPES)[number];

import { EQUIPMENT_STATES } from '../domain/telemetry/states.ts';

/** The states a message may report are the domain's (`offline` is derived: no data for a while). */
export { EQUIPMENT_STATES, type EquipmentState } from '../domain/telemetry/states.ts';

/** ISO 8601 with offset, or epoch milliseconds, between 2000 and 2099; normalised to epoch ms. */
const Timestamp = z.pipe(
  z.union([boundedDateTime(), z.number().check(z.int(), z.gte(EARLIEST_TIME), z.lt(LATEST_TIME))]),
  z.transform((v) => (typeof v === 'number' ? v : Date.parse(v))),
);
const MsgId = z.string().check(z.minLength(1), z.maxLength(128));
const ReasonCode = z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/));
/** Machine counters are unsigned integers (PLCs keep them as UINT32 or UDINT). */
const Counter = z.int().check(z.gte(0), z.lte(2 ** 53 - 1));
/** The unit a sample is for: required in a gateway's batch, optional (the topic's unit) otherwise. */
const ForUnit = { equipmentId: z.optional(z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/))) };

export const StateSampleSchema = z.object({
  ...ForUnit,
  ts: Timestamp,
  msgId: MsgId,
  state: z.enum(EQUIPMENT_STATES),
  reasonCode: z.optional(ReasonCode),
});
export const CountsSampleSchema = z.object({ ...ForUnit, ts: Timestamp, msgId: MsgId, good: Counter, reject: Counter });
export const ProcessSampleSchema = z.object({
  ...ForUnit,
  ts: Timestamp,
  msgId: MsgId,
  // Measured values as the API takes them (shared/api/numbers.ts): sums and extremes stay storable.
  values: z
    .record(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/)), measured(1e12, 1e-30))
    .check(z.refine((v) => Object.keys(v).length > 0 && Object.keys(v).length <= 50, 'between 1 and 50 values')),
});

/**
 * A unit's link as its gateway sees it: `online: false` when the gateway lost the unit (its PLC
 * link is down; Sparkplug's DDEATH), `true` when it is back (DBIRTH). The unit is offline from
 * then, whatever its last state, until the gateway says it is back or a state arrives.
 */
export const PresenceSampleSchema = z.object({
  ...ForUnit,
  // Optional here only: a Last Will (`{ "online": false }`) is written when the unit connects, so
  // it cannot know when it will be sent; the ingest dates it when it arrives (validate.ts).
  ts: z.optional(Timestamp),
  msgId: z.optional(MsgId),
  online: z.boolean(),
  reason: z.optional(z.string().check(z.maxLength(200))),
});

export const SAMPLE_SCHEMAS = {
  state: StateSampleSchema,
  counts: CountsSampleSchema,
  process: ProcessSampleSchema,
  presence: PresenceSampleSchema,
} as const;
export type StateSample = z.output<typeof StateSampleSchema>;
export type CountsSample = z.output<typeof CountsSampleSchema>;
export type ProcessSample = z.output<typeof ProcessSampleSchema>;
/** A presence sample as validated: dated (a Last Will by its arrival) and identified. */
export type PresenceSample = Omit<z.output<typeof PresenceSampleSchema>, 'ts' | 'msgId'> & { ts: number; msgId: string };
export type Sample = StateSample | CountsSample | ProcessSample | PresenceSample;

/** Most samples one message may carry (IoT Core payloads stop at 128 KB). */
export const MAX_SAMPLES_PER_MESSAGE = 1000;

/** What the rule hands on: the topic's parts, the publisher's client id and the untouched payload, base64. */
export const TelemetryEnvelopeSchema = z.object({
  tenantId: z.string(),
  equipmentId: z.string(),
  type: z.string(),
  /**
   * The MQTT client id that published it (IoT SQL `clientid()`): the thing name of the topic's
   * unit, or the message is rejected. Optional in the schema so that a message without one is
   * kept as rejected, where the tenant sees it, rather than dropped.
   */
  clientId: z.optional(z.string()),
  /** When IoT Core (or the local broker) received it, epoch ms. */
  receivedAt: z.number(),
  /** The payload as published, base64: an invalid one is kept as it came. */
  raw: z.string(),
});
export type TelemetryEnvelope = z.output<typeof TelemetryEnvelopeSchema>;

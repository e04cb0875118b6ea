/**
 * How many shards the telemetry measurements stream needs for the plants it serves. Plain
 * arithmetic, no aws-cdk-lib: infra/stacks/mes-stacks.ts reads it from the CDK context
 * (`mes:telemetryUnits`, `mes:telemetryMessageRate`), and docs/telemetry.md shows the table.
 *
 * A provisioned shard takes 1,000 records and 1 MiB a second in. Each MQTT message is one
 * record (the IoT rule's envelope: the payload base64-encoded plus a few ids, ~0.5 KB for a
 * unit's sample, more for a gateway's batch). Planned at half a shard's limits, so bursts (a
 * gateway flushing its buffer after a link loss, a shift start) and Kinesis's per-second
 * accounting do not throttle the IoT rule (its error action would dead-letter the messages).
 * Past MAX_PROVISIONED_SHARDS, on-demand: a fleet that large is cheaper to let AWS scale.
 */
export type StreamCapacity = number | 'on-demand';

export const SHARD_RECORDS_PER_SECOND = 1000;
export const SHARD_BYTES_PER_SECOND = 1024 * 1024;
/** The share of a shard's limits planned for. */
export const SHARD_UTILISATION = 0.5;
/** The envelope of one unit's sample (state, counts or process) as the rule forwards it. */
export const DEFAULT_RECORD_BYTES = 600;
export const MAX_PROVISIONED_SHARDS = 50;

export interface ExpectedTelemetry {
  /** Units reporting, over every tenant the stream serves. */
  units: number;
  /** MQTT messages a unit sends a second (a gateway's batch counts once for its units: divide by the units per gateway). */
  messagesPerUnitPerSecond: number;
  /** Bytes per record; default DEFAULT_RECORD_BYTES. */
  recordBytes?: number;
}

/** Shards for the expected load (at least 1), or 'on-demand' past MAX_PROVISIONED_SHARDS. */
export function shardsFor({ units, messagesPerUnitPerSecond, recordBytes = DEFAULT_RECORD_BYTES }: ExpectedTelemetry): StreamCapacity {
  if (!(units >= 0) || !(messagesPerUnitPerSecond >= 0) || !(recordBytes > 0)) {
    throw new Error(`expected telemetry must be non-negative numbers, not ${JSON.stringify({ units, messagesPerUnitPerSecond, recordBytes })}`);
  }
  const records = units * messagesPerUnitPerSecond;
  const shards = Math.max(
    1,
    Math.ceil(records / (SHARD_RECORDS_PER_SECOND * SHARD_UTILISATION)),
    Math.ceil((records * recordBytes) / (SHARD_BYTES_PER_SECOND * SHARD_UTILISATION)),
  );
  return shards > MAX_PROVISIONED_SHARDS ? 'on-demand' : shards;
}

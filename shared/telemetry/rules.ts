/**
 * The IoT rules, defined once. On AWS they become IoT topic rules (SQL generated here); the
 * local broker applies the same topic filter and projection to every publish. Devices publish
 * through Basic Ingest (`$aws/rules/<name>/dt/mes/...`), which skips the messaging charge;
 * `topic(n)` then sees the topic without that prefix, as the local broker does.
 */
import type { TelemetryEnvelope } from './messages.ts';

export interface TelemetryRule {
  /** IoT rule names allow letters, digits and underscores. */
  name: string;
  /** MQTT topic filter: `+` one level, `#` the rest. */
  topicFilter: string;
  description: string;
  /**
   * Seconds the consumer may wait to fill a batch: state changes go out at once (the live
   * status), counts and process values wait to be aggregated cheaply (bench/RESULTS.md).
   */
  batchingWindowSeconds: number;
  batchSize: number;
  /**
   * Where the rule sends: state changes are rare and go through SQS (any number of consumers;
   * each state change is its own idempotent item); measurements go through Kinesis with the
   * tenant as partition key, so one consumer at a time merges a tenant's aggregates, in order.
   */
  target: 'sqs' | 'kinesis';
  /** Kinesis partition key (IoT substitution template). */
  partitionKey?: string;
}

export const TELEMETRY_TOPIC_PREFIX = 'dt/mes';

export const TELEMETRY_RULES = {
  state: {
    name: 'mes_telemetry_state',
    topicFilter: 'dt/mes/+/+/state',
    description: 'Equipment state changes: forwarded at once for the live status.',
    batchingWindowSeconds: 0,
    // Lambda takes at most 10 SQS messages per batch without a batching window.
    batchSize: 10,
    target: 'sqs',
  },
  measurements: {
    name: 'mes_telemetry_measurements',
    topicFilter: 'dt/mes/+/+/+',
    description: 'Counts and process values, aggregated in batches.',
    // A minute item is rewritten about once per batch: a minute's worth per batch keeps the
    // writes near 2 per item per minute (bench/RESULTS.md). Live state does not wait: it has its own rule.
    batchingWindowSeconds: 60,
    batchSize: 10000,
    target: 'kinesis',
    partitionKey: '${topic(3)}',
  },
} as const satisfies Record<string, TelemetryRule>;

/**
 * The rule SQL. The payload travels base64-encoded so that even a payload that is not JSON
 * reaches the handler (and is kept as a rejected message) instead of failing in the rule.
 * The client id goes along so that the ingest can hold the topic to the thing that published
 * it (shared/telemetry/validate.ts). The measurements rule leaves state messages to the state rule.
 */
export function ruleSql(rule: TelemetryRule): string {
  const where = rule.name === TELEMETRY_RULES.measurements.name ? " WHERE topic(5) <> 'state'" : '';
  return (
    "SELECT encode(*, 'base64') AS raw, topic(3) AS tenantId, topic(4) AS equipmentId, topic(5) AS type, " +
    `clientid() AS clientId, timestamp() AS receivedAt FROM '${rule.topicFilter}'${where}`
  );
}

/** The Basic Ingest topic a device publishes to on AWS. */
export const basicIngestTopic = (rule: TelemetryRule, topic: string) => `$aws/rules/${rule.name}/${topic}`;

export const telemetryTopic = (tenantId: string, equipmentId: string, type: string) => `${TELEMETRY_TOPIC_PREFIX}/${tenantId}/${equipmentId}/${type}`;

/** MQTT topic filter matching, as IoT Core applies it. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** The rule that takes a topic (Basic Ingest or not), as the rules' filters and WHERE clauses decide. */
export function ruleFor(topic: string): TelemetryRule | undefined {
  const bare = topic.replace(/^\$aws\/rules\/[^/]+\//, '');
  return (Object.values(TELEMETRY_RULES) as TelemetryRule[]).find(
    (rule) => topicMatches(rule.topicFilter, bare) && !(rule.name === TELEMETRY_RULES.measurements.name && bare.split('/')[4] === 'state'),
  );
}

/** A publish as the rules see it: where, what, and from which client. */
export interface RulePublish {
  topic: string;
  payload: Uint8Array;
  clientId: string;
}

/** What the rule's SQL does, for the local broker: which rule takes a publish, and its output. */
export function applyRules(
  { topic, payload, clientId }: RulePublish,
  receivedAt: number,
): { rule: TelemetryRule; envelope: TelemetryEnvelope } | undefined {
  const rule = ruleFor(topic);
  if (!rule) return undefined;
  const levels = topic.replace(/^\$aws\/rules\/[^/]+\//, '').split('/');
  return {
    rule,
    envelope: {
      tenantId: levels[2] ?? '',
      equipmentId: levels[3] ?? '',
      type: levels[4] ?? '',
      clientId,
      receivedAt,
      raw: Buffer.from(payload).toString('base64'),
    },
  };
}

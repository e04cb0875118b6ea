/**
 * The IoT rules, defined once. On AWS they become IoT topic rules (SQL generated here); the
 * local broker applies the same topic filter and projection to every publish. Devices publish
 * through Basic Ingest (`$aws/rules/<name>/dt/mes/...`), which skips the messaging charge;
 * `topic(n)` then sees the topic without that prefix, as the local broker does.
 */
import type { TelemetryEnvelope, TelemetryType } from './messages.ts';

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
  /**
   * The telemetry types (last topic level) the rule takes, when its filter's last level is `+`;
   * absent: every type no rule declared before it takes (the catch-all). The device policy
   * derives a unit's topics from these (shared/telemetry/device-policy.ts).
   */
  types?: readonly TelemetryType[];
  /**
   * Who publishes what the rule takes: devices (the default; the device policy lets a unit
   * publish to the rule's topics), or IoT Core itself (lifecycle events: no device publishes them).
   */
  publishedBy?: 'device' | 'iot';
}

export const TELEMETRY_TOPIC_PREFIX = 'dt/mes';
/** IoT Core's lifecycle events: `$aws/events/presence/connected|disconnected/{clientId}`. */
export const LIFECYCLE_TOPIC_PREFIX = '$aws/events/presence';
export const lifecycleTopic = (eventType: 'connected' | 'disconnected', clientId: string) => `${LIFECYCLE_TOPIC_PREFIX}/${eventType}/${clientId}`;

export const TELEMETRY_RULES = {
  state: {
    name: 'mes_telemetry_state',
    topicFilter: 'dt/mes/+/+/+',
    // Presence too: a gateway saying a unit's link is down (or a unit's Last Will) is a change, as rare and as urgent.
    types: ['state', 'presence'],
    description: 'Equipment state changes and declared presence: forwarded at once for the live status.',
    batchingWindowSeconds: 0,
    // Lambda takes at most 10 SQS messages per batch without a batching window.
    batchSize: 10,
    target: 'sqs',
  },
  lifecycle: {
    name: 'mes_presence_lifecycle',
    topicFilter: `${LIFECYCLE_TOPIC_PREFIX}/+/+`,
    description: 'IoT Core connect and disconnect events of units and gateways: presence, at once, to the state queue.',
    publishedBy: 'iot',
    batchingWindowSeconds: 0,
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

const RULES = (): TelemetryRule[] => Object.values(TELEMETRY_RULES);

/** The types the rules declared before this one (on the same filter) take: the catch-all leaves them. */
function typesTakenBefore(rule: TelemetryRule): string[] {
  const all = RULES();
  const at = all.findIndex((r) => r.name === rule.name);
  return all
    .slice(0, at < 0 ? all.length : at)
    .filter((r) => r.topicFilter === rule.topicFilter)
    .flatMap((r) => r.types ?? []);
}

/** Whether a device rule takes a type (the topic's last level), as its WHERE clause says. */
const takesType = (rule: TelemetryRule, type: string | undefined): boolean =>
  rule.types ? (rule.types as readonly string[]).includes(type ?? '') : !typesTakenBefore(rule).includes(type ?? '');

function whereTypes(rule: TelemetryRule): string {
  if (rule.types) return ` WHERE ${rule.types.map((t) => `topic(5) = '${t}'`).join(' OR ')}`;
  const taken = typesTakenBefore(rule);
  return taken.length ? ` WHERE ${taken.map((t) => `topic(5) <> '${t}'`).join(' AND ')}` : '';
}

/**
 * The rule SQL. The payload travels base64-encoded so that even a payload that is not JSON
 * reaches the handler (and is kept as a rejected message) instead of failing in the rule.
 * The client id goes along so that the ingest can hold the topic to the thing that published
 * it (shared/telemetry/validate.ts). Each rule takes its types; the catch-all the rest.
 * Lifecycle events name their client in the topic (IoT Core publishes them, not the client):
 * the ingest reads tenant and unit (or gateway) from that client id.
 */
export function ruleSql(rule: TelemetryRule): string {
  if (rule.publishedBy === 'iot') {
    return `SELECT encode(*, 'base64') AS raw, 'lifecycle' AS type, topic(5) AS clientId, timestamp() AS receivedAt FROM '${rule.topicFilter}'`;
  }
  return (
    "SELECT encode(*, 'base64') AS raw, topic(3) AS tenantId, topic(4) AS equipmentId, topic(5) AS type, " +
    `clientid() AS clientId, timestamp() AS receivedAt FROM '${rule.topicFilter}'${whereTypes(rule)}`
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
  const type = bare.split('/')[4];
  return RULES().find((rule) => {
    if (!topicMatches(rule.topicFilter, bare)) return false;
    return rule.publishedBy === 'iot' || takesType(rule, type);
  });
}

/** A publish as the rules see it: where, what, and from which client. */
export interface RulePublish {
  topic: string;
  payload: Uint8Array;
  clientId: string;
}

/** What the lifecycle rule hands on: the event as IoT Core published it, base64, and the client it is about. */
export interface LifecycleEnvelope {
  type: 'lifecycle';
  clientId: string;
  receivedAt: number;
  raw: string;
}
export type RuleEnvelope = TelemetryEnvelope | LifecycleEnvelope;

/** What the rule's SQL does, for the local broker: which rule takes a publish, and its output. */
export function applyRules(
  { topic, payload, clientId }: RulePublish,
  receivedAt: number,
): { rule: TelemetryRule; envelope: TelemetryEnvelope } | { rule: TelemetryRule; envelope: LifecycleEnvelope } | undefined {
  const rule = ruleFor(topic);
  if (!rule) return undefined;
  const levels = topic.replace(/^\$aws\/rules\/[^/]+\//, '').split('/');
  if (rule.publishedBy === 'iot') {
    return { rule, envelope: { type: 'lifecycle', clientId: levels[4] ?? '', receivedAt, raw: Buffer.from(payload).toString('base64') } };
  }
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

/**
 * What an equipment unit may do over MQTT, declared once: the topics it may publish to and
 * subscribe to, given its tenant and equipment id. The IoT policy (infra/stacks/telemetry-stack.ts)
 * renders it with policy variables for the ids; the local broker (infra/local/mqtt-broker.ts)
 * renders it with the connected unit's ids and allows exactly those topics. No wildcards: a
 * `*` in an IoT policy would also match deeper levels and types no rule takes.
 */
import { TELEMETRY_TYPES } from './messages.ts';
import { basicIngestTopic, ruleFor, TELEMETRY_RULES, TELEMETRY_TOPIC_PREFIX, type TelemetryRule } from './rules.ts';

/**
 * Topic filters a unit may subscribe to. None: units only report. Commands to units would be
 * added here, confined like the telemetry topics, and both CDK and the local broker follow.
 */
export const DEVICE_SUBSCRIPTIONS: readonly ((tenantId: string, equipmentId: string) => string)[] = [];

/** A rule's topics for one unit: each telemetry type the rule takes, through Basic Ingest and directly. */
export function ruleTopics(rule: TelemetryRule, tenantId: string, equipmentId: string): string[] {
  const unitLevels = `${TELEMETRY_TOPIC_PREFIX}/+/+/`;
  const rest = rule.topicFilter.slice(unitLevels.length).split('/');
  if (!rule.topicFilter.startsWith(unitLevels) || rest.length !== 1 || rest[0] === '#') {
    throw new Error(`rule ${rule.name}: topic filter ${rule.topicFilter} is not ${unitLevels}<type>; the thing policy cannot confine it`);
  }
  // The types this rule takes, as its filter and WHERE clause decide (the state rule: state and presence; measurements: the rest).
  const types = TELEMETRY_TYPES.filter(
    (type) => (rest[0] === '+' || rest[0] === type) && (ruleFor(`${TELEMETRY_TOPIC_PREFIX}/t/e/${type}`)?.name ?? rule.name) === rule.name,
  );
  return types.flatMap((type) => {
    const own = [TELEMETRY_TOPIC_PREFIX, tenantId, equipmentId, type].join('/');
    return [basicIngestTopic(rule, own), own];
  });
}

/** The rules devices publish to (not the lifecycle rule: IoT Core publishes those events itself). */
export const deviceRules = (): TelemetryRule[] => (Object.values(TELEMETRY_RULES) as TelemetryRule[]).filter((rule) => rule.publishedBy !== 'iot');

/** Every topic a unit may publish to (its Last Will's topic included: its `presence`). */
export const devicePublishTopics = (tenantId: string, equipmentId: string): string[] => [
  ...new Set(deviceRules().flatMap((rule) => ruleTopics(rule, tenantId, equipmentId))),
];

/** Every topic filter a unit may subscribe to. */
export const deviceSubscriptions = (tenantId: string, equipmentId: string): string[] =>
  DEVICE_SUBSCRIPTIONS.map((topic) => topic(tenantId, equipmentId));

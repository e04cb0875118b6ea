/**
 * What a device may do over MQTT, declared once: the topics it may publish to and subscribe
 * to, given its tenant and its id. A device is a unit (its equipment id) or a gateway (its
 * gateway id, issue 13): both publish only on their own topics, `dt/mes/{tenant}/{own id}/{type}`,
 * so one rule serves both. The IoT policies (infra/stacks/telemetry-stack.ts, one per kind of
 * thing, DEVICE_KINDS) render it with policy variables for the ids; the local broker
 * (infra/local/mqtt-broker.ts) renders it with the connected device's ids and allows exactly
 * those topics. No wildcards: a `*` in an IoT policy would also match deeper levels and types
 * no rule takes. Which units a gateway may publish FOR is master data, not policy: the ingest
 * checks each sample's unit names the gateway (shared/telemetry/gateways.ts).
 */
import { GATEWAY_THING_ATTRIBUTES, THING_ATTRIBUTES } from './device-identity.ts';
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

/**
 * The kinds of thing that connect, each an IoT thing type with its own policy on AWS. The
 * policies differ only in the thing type a connection must have and the attribute that holds
 * the id in the topics; both render devicePublishTopics and deviceSubscriptions.
 */
export const DEVICE_KINDS = {
  unit: {
    thingType: 'mes-equipment',
    policyName: 'mes-equipment',
    attributes: THING_ATTRIBUTES,
    idAttribute: THING_ATTRIBUTES.equipmentId,
    description: 'MES equipment unit: thing name = client id = tenantId:equipmentId (dots as colons); attributes tenantId and equipmentId',
  },
  gateway: {
    thingType: 'mes-gateway',
    policyName: 'mes-gateway',
    attributes: GATEWAY_THING_ATTRIBUTES,
    idAttribute: GATEWAY_THING_ATTRIBUTES.gatewayId,
    description:
      'MES gateway, publishing for the units whose gatewayId names it: thing name = client id = tenantId:gatewayId (dots as colons); attributes tenantId and gatewayId',
  },
} as const;
export type DeviceKind = keyof typeof DEVICE_KINDS;

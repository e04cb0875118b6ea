/**
 * A device's identity, declared once. On AWS an equipment unit is an IoT thing whose name is
 * also its MQTT client id (the thing policy allows `client/${iot:Connection.Thing.ThingName}`
 * and nothing else); locally the broker admits the same client id. Thing names and client ids
 * are unique per AWS account (a second connection with a client id ends the first), while
 * equipment ids are chosen per tenant (`wu-press-1` in two plants), so the name carries both:
 *
 *   thing name = MQTT client id = `{tenantId}:{equipmentId, each '.' written ':'}`
 *
 * Thing names allow only `[a-zA-Z0-9:_-]`, 1 to 128 characters. Tenant ids (`[a-z0-9-]`, up to
 * 63) and equipment ids (`[A-Za-z0-9._-]`, up to 64) never contain ':', so the first ':' ends
 * the tenant and every later one was a '.': one name per unit, read back without ambiguity,
 * and 63 + 1 + 64 = 128 always fits. The thing also carries the two ids as attributes
 * (THING_ATTRIBUTES), which the IoT policy puts into the unit's topics.
 *
 * A gateway (issue 13) is a device too: it publishes for the units whose master data name it
 * (`gatewayId`), on its own topics, with its own identity of the same format:
 *
 *   thing name = MQTT client id = `{tenantId}:{gatewayId, each '.' written ':'}`
 *
 * Gateway ids and equipment ids share this name space (a thing name is unique in the account):
 * give gateways ids no unit has, e.g. `gw-hall-1`. On AWS a gateway is a thing of its own type
 * with the attributes GATEWAY_THING_ATTRIBUTES; its policy confines it to its own topics
 * exactly as a unit's (shared/telemetry/device-policy.ts). What it may publish FOR is master
 * data, checked by the ingest (shared/telemetry/gateways.ts).
 *
 * Read by the local broker, the IoT policy and registration (infra/stacks/telemetry-stack.ts),
 * the ingest's client id check, the simulator, the bench and the tests.
 */
import * as z from 'zod/mini';
import { THING_NAME_SEPARATOR, thingNameOf } from '../domain/devices/thing-name.ts';
import { IdSchema, TenantIdSchema } from '../api/schemas.ts';

/** A unit as the MES knows it: its tenant and its equipment id. */
export interface Device {
  tenantId: string;
  equipmentId: string;
}

const SEPARATOR = THING_NAME_SEPARATOR;
/** What AWS IoT allows in a thing name. */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

/** The thing attributes the IoT policy substitutes into a unit's topics. */
export const THING_ATTRIBUTES = { tenantId: 'tenantId', equipmentId: 'equipmentId' } as const satisfies Record<keyof Device, string>;

/** A gateway as the MES knows it: its tenant and its gateway id (what units name as `gatewayId`). */
export interface Gateway {
  tenantId: string;
  gatewayId: string;
}

/** The thing attributes the IoT policy substitutes into a gateway's topics. */
export const GATEWAY_THING_ATTRIBUTES = { tenantId: 'tenantId', gatewayId: 'gatewayId' } as const satisfies Record<keyof Gateway, string>;

/** A gateway's identity as a publisher: the same thing-name format, its id in the topics' place of a unit's. */
export const gatewayDevice = (gateway: Gateway): Device => ({ tenantId: gateway.tenantId, equipmentId: gateway.gatewayId });

/** The thing name, which is also the MQTT client id. */
export function thingName(device: Device): string {
  return thingNameOf(device.tenantId, device.equipmentId);
}

/** The unit a thing name (client id) names, or undefined when it is not one. */
export function parseThingName(name: string): Device | undefined {
  if (!THING_NAME.test(name)) return undefined;
  const at = name.indexOf(SEPARATOR);
  if (at < 0) return undefined;
  const device = { tenantId: name.slice(0, at), equipmentId: name.slice(at + 1).replaceAll(SEPARATOR, '.') };
  if (!TenantIdSchema.safeParse(device.tenantId).success || !IdSchema.safeParse(device.equipmentId).success) return undefined;
  return device;
}

export const ThingNameSchema = z
  .string()
  .check(
    z.refine(
      (name) => parseThingName(name) !== undefined,
      'must be a thing name: {tenantId}:{equipmentId}, with each "." of the equipment id written ":"',
    ),
  );

/**
 * `POST /local/device-credentials`: an administrator registers a unit, `{ equipmentId }`, or a
 * gateway, `{ gatewayId }`, of their tenant (the tenant comes from the token, so naming one is
 * refused). Local only: on AWS this is create-thing, a certificate and attach-thing-principal
 * (infra/stacks/telemetry-stack.ts).
 */
export const DeviceCredentialsRequestSchema = z
  .strictObject({ equipmentId: z.optional(IdSchema), gatewayId: z.optional(IdSchema) })
  .check(
    z.refine((r) => (r.equipmentId === undefined) !== (r.gatewayId === undefined), 'name exactly one: equipmentId (a unit) or gatewayId (a gateway)'),
  );
export type DeviceCredentialsRequest = z.infer<typeof DeviceCredentialsRequestSchema>;

/** The device a credentials request names: a unit, or a gateway (its id where a unit's would be). */
export const requestedDevice = (tenantId: string, request: DeviceCredentialsRequest): Device =>
  request.gatewayId !== undefined
    ? gatewayDevice({ tenantId, gatewayId: request.gatewayId })
    : { tenantId, equipmentId: request.equipmentId as string };

/** What a device connects with: client id = thing name, username = tenant, password = its credential. */
export const DeviceCredentialsSchema = z.object({
  clientId: ThingNameSchema,
  username: TenantIdSchema,
  password: z.string().check(z.minLength(1)),
});
export type DeviceCredentials = z.infer<typeof DeviceCredentialsSchema>;

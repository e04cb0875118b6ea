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
 * Read by the local broker, the IoT policy and registration (infra/stacks/telemetry-stack.ts),
 * the ingest's client id check, the simulator, the bench and the tests.
 */
import * as z from 'zod/mini';
import { IdSchema, TenantIdSchema } from '../api/schemas.ts';

/** A unit as the MES knows it: its tenant and its equipment id. */
export interface Device {
  tenantId: string;
  equipmentId: string;
}

const SEPARATOR = ':';
/** What AWS IoT allows in a thing name. */
const THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;

/** The thing attributes the IoT policy substitutes into a unit's topics. */
export const THING_ATTRIBUTES = { tenantId: 'tenantId', equipmentId: 'equipmentId' } as const satisfies Record<keyof Device, string>;

/** The thing name, which is also the MQTT client id. */
export function thingName(device: Device): string {
  return `${device.tenantId}${SEPARATOR}${device.equipmentId.replaceAll('.', SEPARATOR)}`;
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
 * `POST /local/device-credentials`: an administrator registers a unit of their tenant (the
 * tenant comes from the token, so naming one is refused). Local only: on AWS this is
 * create-thing, a certificate and attach-thing-principal (infra/stacks/telemetry-stack.ts).
 */
export const DeviceCredentialsRequestSchema = z.strictObject({ equipmentId: IdSchema });

/** What a device connects with: client id = thing name, username = tenant, password = its credential. */
export const DeviceCredentialsSchema = z.object({
  clientId: ThingNameSchema,
  username: TenantIdSchema,
  password: z.string().check(z.minLength(1)),
});
export type DeviceCredentials = z.infer<typeof DeviceCredentialsSchema>;

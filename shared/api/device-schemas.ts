/**
 * The wire contract of devices and gateways (issue 17, docs/devices.md): register one (its
 * credentials answered ONCE), list, read, revoke. Admins only.
 */
import * as z from 'zod/mini';
import { DEVICE_KINDS, DEVICE_STATUSES } from '../domain/devices/model.ts';
import { IdSchema, meta, Text, Timestamp } from './schemas.ts';

/** Most units one gateway registration names (a hall's worth). */
export const MAX_GATEWAY_UNITS = 200;

export const RegisterDeviceSchema = meta(
  z
    .strictObject({
      /** A plain name people know it by: "Press 1 PLC", "Hall 2 gateway". */
      name: Text(100),
      /** A unit: its equipment id (the unit publishes for itself). */
      equipmentId: z.optional(IdSchema),
      /** A gateway: its id (no unit may have it: thing names share one space), with `units`. */
      gatewayId: z.optional(IdSchema),
      /** A gateway: the equipment units it publishes for (each must exist in master data). */
      units: z.optional(z.array(IdSchema).check(z.minLength(1), z.maxLength(MAX_GATEWAY_UNITS))),
    })
    .check(
      z.refine((r) => (r.equipmentId === undefined) !== (r.gatewayId === undefined), {
        message: 'name exactly one: equipmentId (a unit) or gatewayId (a gateway)',
        path: ['equipmentId'],
      }),
      z.refine((r) => r.gatewayId === undefined || (r.units?.length ?? 0) > 0, {
        message: 'a gateway names the units it publishes for',
        path: ['units'],
      }),
      z.refine((r) => r.equipmentId === undefined || r.units === undefined, {
        message: 'a unit publishes for itself only: leave units out',
        path: ['units'],
      }),
    ),
  'RegisterDevice',
  'A unit (equipmentId) or a gateway (gatewayId and the units it publishes for), with a name.',
);

export const DeviceSchema = meta(
  z.object({
    id: IdSchema,
    kind: z.enum(DEVICE_KINDS),
    name: z.string(),
    units: z.array(z.string()),
    /** Its MQTT client id = IoT thing name, `{tenantId}:{id}`. */
    clientId: z.string(),
    status: z.enum(DEVICE_STATUSES),
    registeredAt: Timestamp,
    registeredBy: z.string(),
    revokedAt: z.optional(Timestamp),
    revokedBy: z.optional(z.string()),
    revokeReason: z.optional(z.string()),
    /** When the MES last heard from one of its units (the live view), when known. */
    lastSeen: z.optional(z.nullable(z.string())),
    version: z.int(),
    updatedAt: Timestamp,
    updatedBy: z.string(),
  }),
  'Device',
  'A registered unit or gateway; never its credentials.',
);

export const DeviceSecretSchema = meta(
  z.object({
    /** `local-password` (the local runtime's broker) or `x509` (AWS IoT Core). */
    kind: z.enum(['local-password', 'x509']),
    clientId: z.string(),
    username: z.optional(z.string()),
    password: z.optional(z.string()),
    brokerUrl: z.optional(z.string()),
    certificateId: z.optional(z.string()),
    certificatePem: z.optional(z.string()),
    privateKey: z.optional(z.string()),
    endpoint: z.optional(z.string()),
  }),
  'DeviceSecret',
  'What the device connects with. Shown in the registration answer only: the MES keeps no copy of a password or private key.',
);

export const RegisteredDeviceSchema = meta(
  z.object({ device: DeviceSchema, credentials: DeviceSecretSchema }),
  'RegisteredDevice',
  'The device registered and its credentials, shown this once.',
);

export const RevokeDeviceSchema = meta(z.strictObject({ reason: Text(500) }), 'RevokeDevice', 'Why the device is revoked (kept in its audit trail).');

export type RegisterDevice = z.infer<typeof RegisterDeviceSchema>;
export type DeviceView = z.infer<typeof DeviceSchema>;
export type RegisteredDevice = z.infer<typeof RegisteredDeviceSchema>;

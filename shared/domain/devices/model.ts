/**
 * Devices and gateways (issue 17, docs/devices.md): what the device registry stores about each
 * thing a plant's admin registered. A device is a unit (an equipment unit publishing for itself)
 * or a gateway (publishing for the units named in its registration and in their master data).
 * Its id is the unit's equipment id or the gateway's id, so its MQTT client id (thing name) is
 * `{tenantId}:{id}` (shared/telemetry/device-identity.ts).
 *
 * One item collection per device: the record (`DEVICE`), its audit trail (`AUDIT#{version}`)
 * and its outbox events (`EVT#{version}#{n}`). A device is registered once and revoked once;
 * registering a revoked id again gives it new credentials and a new version (the history stays).
 */

export const DEVICE_KINDS = ['unit', 'gateway'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const DEVICE_STATUSES = ['active', 'revoked'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** Outbox events, each to the device's own outbox (`EVT#` in its partition). */
export const DEVICE_EVENT_TYPES = ['device.registered', 'device.revoked'] as const;
export type DeviceEventType = (typeof DEVICE_EVENT_TYPES)[number];
export const isDeviceEventType = (type: string): type is DeviceEventType => (DEVICE_EVENT_TYPES as readonly string[]).includes(type);

/**
 * What proves a device, as stored (never answered): locally the registration's random id the
 * broker password is bound to; on AWS the IoT certificate attached to its thing.
 */
export type DeviceCredentialRef = { kind: 'local'; credentialId: string } | { kind: 'x509'; certificateId: string; certificateArn: string };

/** The device as the API shows it. */
export interface Device {
  id: string;
  kind: DeviceKind;
  name: string;
  /** The equipment units it publishes for: a unit, itself; a gateway, those named at registration. */
  units: string[];
  /** Its MQTT client id, which is its IoT thing name: `{tenantId}:{id}`. */
  clientId: string;
  status: DeviceStatus;
  registeredAt: string;
  registeredBy: string;
  revokedAt?: string | undefined;
  revokedBy?: string | undefined;
  revokeReason?: string | undefined;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** The stored record: the device and what proves it. */
export interface StoredDevice extends Device {
  credential: DeviceCredentialRef;
}

/** What a device connects with, shown ONCE in the registration's answer. */
export type DeviceSecret =
  | {
      kind: 'local-password';
      clientId: string;
      /** The MQTT username: the tenant id. */
      username: string;
      password: string;
      /** mqtt://host:port of the local broker. */
      brokerUrl: string;
    }
  | {
      kind: 'x509';
      clientId: string;
      certificateId: string;
      certificatePem: string;
      privateKey: string;
      /** The account's IoT data endpoint (iot:Data-ATS), port 8883 (or 443 with ALPN x-amzn-mqtt-ca). */
      endpoint: string;
    };

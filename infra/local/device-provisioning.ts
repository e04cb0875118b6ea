/**
 * The device port in the local runtime (issue 17, docs/devices.md): what IoT Core does on AWS,
 * done by the runtime and its aedes broker.
 *
 * - issue: a random credential id per registration, kept in the registry record, and the
 *   password bound to it and the client id (device-credentials.ts `registrationPassword`); the
 *   answer carries the broker's URL.
 * - CONNECT: the broker asks `registryVerifier`, which reads the device's registry record
 *   (strongly consistent GetItem, no cache): a device with a record is admitted only while it is
 *   active and with the password of its current registration. A client id with no record is
 *   admitted only with the password the runtime hands out in-process (`runtime.deviceCredentials`,
 *   for tests, the bench and `npm start -- --simulate`) or POST /local/device-credentials gave.
 * - revoke: the record says revoked first (so a reconnect is refused from that write on), then
 *   this closes the open connection at once, as DeleteConnection does on AWS.
 */
import { randomUUID } from 'node:crypto';
import type { DeviceProvisioning } from '../../shared/domain/devices/provisioning.ts';
import type { StoredDevice } from '../../shared/domain/devices/model.ts';
import { parseThingName } from '../../shared/telemetry/device-identity.ts';
import type { DeviceAuthority } from './device-credentials.ts';
import { DEFAULT_MQTT_PORT } from './mqtt-broker.ts';

export interface LocalDeviceProvisioningOptions {
  authority: DeviceAuthority;
  /** The broker's mqtt:// URL once it runs (undefined: no MQTT in this runtime). */
  brokerUrl: () => string | undefined;
  /** Closes the connection of a client id, when one is open. */
  disconnect: (clientId: string) => void;
}

export function localDeviceProvisioning(options: LocalDeviceProvisioningOptions): DeviceProvisioning {
  return {
    async issue(thing) {
      const credentialId = randomUUID();
      return {
        secret: {
          kind: 'local-password',
          clientId: thing.clientId,
          username: thing.tenantId,
          password: options.authority.registrationPassword(thing.clientId, credentialId),
          brokerUrl: options.brokerUrl() ?? `mqtt://127.0.0.1:${DEFAULT_MQTT_PORT}`,
        },
        credential: { kind: 'local', credentialId },
      };
    },
    async revoke(thing) {
      options.disconnect(thing.clientId);
    },
  };
}

/** The broker's check at CONNECT: the registry decides for a registered device; see the header. */
export function registryVerifier(
  authority: DeviceAuthority,
  registry: { get(tenantId: string, id: string): Promise<StoredDevice | undefined> },
): { verify(clientId: string, password: Buffer | undefined): Promise<boolean> } {
  return {
    async verify(clientId, password) {
      const device = parseThingName(clientId);
      if (!device) return false;
      const stored = await registry.get(device.tenantId, device.equipmentId);
      if (!stored) return authority.verify(clientId, password);
      return (
        stored.status === 'active' &&
        stored.credential.kind === 'local' &&
        authority.verifyRegistration(clientId, stored.credential.credentialId, password)
      );
    },
  };
}

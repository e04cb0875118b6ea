/**
 * The device port (issue 17, docs/devices.md): what makes a registered device able to connect,
 * and what stops it. Two adapters: the local runtime's (a password bound to the registration,
 * checked by the aedes broker against the registry at CONNECT; revocation drops the connection
 * at once, infra/local/device-provisioning.ts) and AWS IoT Core's (a thing, a certificate and
 * the kind's policy; revocation deactivates the certificate, detaches it and closes the
 * connection, shared/telemetry/iot-device-provisioning.ts).
 */
import type { DeviceCredentialRef, DeviceKind, DeviceSecret } from './model.ts';

/** The thing a device is, as the port needs it. */
export interface DeviceThing {
  tenantId: string;
  id: string;
  kind: DeviceKind;
  /** Its thing name, which is its MQTT client id. */
  clientId: string;
}

export interface DeviceProvisioning {
  /**
   * New credentials for the device: the secret to hand out once, and the reference the registry
   * keeps. Safe to call again for the same thing (a new credential each time).
   */
  issue(thing: DeviceThing): Promise<{ secret: DeviceSecret; credential: DeviceCredentialRef }>;
  /**
   * Stops the device at once: the credential is no longer accepted and an open connection is
   * closed. Idempotent (a revocation retried, or undoing an issue whose record was not written).
   */
  revoke(thing: DeviceThing, credential: DeviceCredentialRef): Promise<void>;
}

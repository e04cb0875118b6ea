/**
 * What the local runtime lends the in-process functions where AWS has a managed service: the
 * delivery queue (SQS on AWS), the user directory (Cognito), the device port (IoT Core on AWS) and, in tests, a virtual clock. infra/local/runtime.ts sets them
 * before any function runs; on AWS nothing is set and the wiring uses the AWS adapters.
 */
import type { Clock } from '#shared/domain/clock.ts';
import type { IdentityPort } from '#shared/domain/identity/port.ts';
import type { DeliveryQueue } from '#shared/integration/ports.ts';
import type { DeviceProvisioning } from '#shared/domain/devices/provisioning.ts';

export interface LocalBindings {
  deliveryQueue?: DeliveryQueue;
  clock?: Clock;
  /** The local identity provider's user directory (Cognito on AWS; issue 17). */
  identity?: IdentityPort;
  /** The local device port (issue 17): broker passwords bound to the registry, revocation dropping the connection. */
  devices?: DeviceProvisioning;
}

const KEY = Symbol.for('mes.localBindings');
type Holder = { [KEY]?: LocalBindings };

export function setLocalBindings(bindings: LocalBindings | undefined): void {
  (globalThis as Holder)[KEY] = bindings;
}

export function localBindings(): LocalBindings {
  return (globalThis as Holder)[KEY] ?? {};
}

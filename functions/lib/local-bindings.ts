/**
 * What the local runtime lends the in-process functions where AWS has a managed service: the
 * delivery queue (SQS on AWS) and, in tests, a virtual clock. infra/local/runtime.ts sets them
 * before any function runs; on AWS nothing is set and the wiring uses the AWS adapters.
 */
import type { Clock } from '#shared/domain/clock.ts';
import type { DeliveryQueue } from '#shared/integration/ports.ts';

export interface LocalBindings {
  deliveryQueue?: DeliveryQueue;
  clock?: Clock;
}

const KEY = Symbol.for('mes.localBindings');
type Holder = { [KEY]?: LocalBindings };

export function setLocalBindings(bindings: LocalBindings | undefined): void {
  (globalThis as Holder)[KEY] = bindings;
}

export function localBindings(): LocalBindings {
  return (globalThis as Holder)[KEY] ?? {};
}

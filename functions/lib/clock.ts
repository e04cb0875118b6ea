/**
 * The clock the wiring hands every service: the one the local runtime lends (a test's
 * VirtualClock, say), else the system's. Read on every call: the runtime may bind its clock
 * after this module loaded.
 */
import { type Clock, systemClock } from '#shared/domain/clock.ts';
import { localBindings } from './local-bindings.ts';

export const clock: Clock = { now: () => (localBindings().clock ?? systemClock).now() };

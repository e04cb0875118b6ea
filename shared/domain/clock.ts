/**
 * Now, injectable: the one Clock every service reads. On AWS and under `npm start` it is the
 * system clock; tests lend the local runtime a VirtualClock (infra/local/virtual-clock.ts),
 * which stands still until moved, so a three-day retry schedule runs in seconds.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

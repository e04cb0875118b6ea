/**
 * The simulator's two ways to publish, shared by `npm run simulate` and `npm start -- --simulate`:
 * live (the generator, in plant time that runs `speed` times faster than the wall clock) and
 * replay (a recorded shift, its own timestamps, `speed` times faster than it happened).
 */
import { randomInt } from 'node:crypto';
import type { Payload, TelemetryMessage } from './generator.ts';
import { createUnitSimulator } from './generator.ts';
import { type CredentialSource, createPublisher, type PublisherStats } from './publisher.ts';

export interface SimLog {
  info(message: string): void;
  error(message: string, error?: unknown): void;
}

interface PublishOptions {
  mqttUrl: string;
  /** Each unit's MQTT credentials: `runtime.deviceCredentials` in-process, else credentialsFrom(apiUrl). */
  credentials: CredentialSource;
  batch: number;
  basicIngest: boolean;
  log: SimLog;
}

export interface LiveOptions extends PublishOptions {
  tenantId: string;
  units: readonly string[];
  /** Messages per second per unit (counts or process values; state changes come on top). */
  rate: number;
  /** Plant time per wall-clock time. */
  speed: number;
  /** Plant time to simulate; undefined = until stopped. */
  durationMs?: number | undefined;
  /** Plant time of the first message; default: now, or so that an accelerated run ends now. */
  startTs?: number | undefined;
  seed?: number | undefined;
}

export interface RunningSimulation {
  /** Resolves when the duration is over (or after stop()). */
  done: Promise<PublisherStats>;
  stop(): Promise<PublisherStats>;
}

export function runLive(options: LiveOptions): RunningSimulation {
  const seed = options.seed ?? randomInt(2 ** 31);
  const wallStart = Date.now();
  const duration = options.durationMs;
  // Accelerated plant time ends at the wall clock's now, not in the future the ingest may refuse.
  const startTs =
    options.startTs ?? (options.speed > 1 && duration !== undefined ? Math.round(wallStart + duration / options.speed - duration) : wallStart);
  const endTs = duration === undefined ? Number.POSITIVE_INFINITY : startTs + duration;
  const sampleEveryMs = Math.max(1, Math.round((options.speed * 1000) / options.rate));
  const runId = `${seed.toString(36)}${wallStart.toString(36)}`;
  const sims = options.units.map((unitId) => createUnitSimulator({ tenantId: options.tenantId, unitId, seed, startTs, sampleEveryMs, runId }));
  const publisher = createPublisher({
    url: options.mqttUrl,
    credentials: options.credentials,
    batch: options.batch,
    basicIngest: options.basicIngest,
    onError: (e) => options.log.error(`simulator: ${e.message}`),
  });
  // Often enough that state changes go out promptly, rarely enough to stay cheap.
  const tickMs = Math.min(1000, Math.max(20, 1000 / options.rate));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveDone: (stats: PublisherStats) => void = () => {};
  const done = new Promise<PublisherStats>((resolve) => (resolveDone = resolve));

  const publishAll = async (messages: TelemetryMessage[]) => {
    for (const m of messages) await publisher.publish(m);
  };
  async function tick(): Promise<void> {
    timer = undefined;
    const plantNow = startTs + (Date.now() - wallStart) * options.speed;
    const last = stopped || plantNow >= endTs;
    const until = Math.min(plantNow, endTs);
    for (const sim of sims) await publishAll(last ? sim.finish(until) : sim.advance(until));
    if (last) return finish();
    // stop() came while this tick was publishing: one more closes the run.
    if (stopped) return tick();
    timer = setTimeout(() => void tick().catch(fail), tickMs);
  }
  let finished = false;
  async function finish() {
    if (finished) return;
    finished = true;
    await publisher.close();
    resolveDone(publisher.stats);
  }
  const fail = (error: unknown) => {
    options.log.error('simulator: stopped on an error', error);
    void finish();
  };

  options.log.info(
    `simulator: ${sims.length} unit(s) of tenant ${options.tenantId} -> ${options.mqttUrl}, ${options.rate} msg/s per unit, ` +
      `plant time x${options.speed} from ${new Date(startTs).toISOString()}${duration === undefined ? '' : ` for ${duration / 1000} s`}, seed ${seed}`,
  );
  void (async () => {
    for (const sim of sims) await publishAll(sim.start());
    await tick();
  })().catch(fail);

  return {
    done,
    async stop() {
      stopped = true;
      if (timer) {
        clearTimeout(timer);
        void tick().catch(fail);
      }
      return done;
    },
  };
}

export interface ReplayOptions extends PublishOptions {
  messages: readonly TelemetryMessage[];
  /** Replay under this tenant instead of the recorded one. */
  tenantId?: string | undefined;
  /** How many times faster than recorded; Infinity = no waiting. */
  speed: number;
  /** Move every timestamp so that the first is this (the ingest refuses data older than its late window). */
  startTs?: number | undefined;
}

/** Publishes a recording in its order, spaced by its own timestamps divided by `speed`. */
export async function replay(options: ReplayOptions): Promise<PublisherStats> {
  const publisher = createPublisher({
    url: options.mqttUrl,
    credentials: options.credentials,
    tenantId: options.tenantId,
    batch: options.batch,
    basicIngest: options.basicIngest,
    onError: (e) => options.log.error(`replay: ${e.message}`),
  });
  const first = options.messages[0] ? tsOf(options.messages[0].payload) : 0;
  const shift = options.startTs === undefined ? 0 : options.startTs - first;
  const wallStart = Date.now();
  try {
    for (const m of options.messages) {
      const ts = tsOf(m.payload);
      const dueAt = wallStart + (ts - first) / options.speed;
      const wait = dueAt - Date.now();
      if (wait > 5) await new Promise((resolve) => setTimeout(resolve, wait));
      await publisher.publish(shift === 0 ? m : { topic: m.topic, payload: { ...m.payload, ts: ts + shift } });
    }
  } finally {
    await publisher.close();
  }
  return publisher.stats;
}

/** Recordings may hold ISO timestamps too (the schema allows both). */
const tsOf = (payload: Payload | { ts: string | number }) => (typeof payload.ts === 'number' ? payload.ts : Date.parse(payload.ts));

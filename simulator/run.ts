/**
 * The simulator's two ways to publish, shared by `npm run simulate` and `npm start -- --simulate`:
 * live (the generator, in plant time that runs `speed` times faster than the wall clock) and
 * replay (a recorded shift, its own timestamps, `speed` times faster than it happened).
 */
import { randomInt } from 'node:crypto';
import type { Payload, TelemetryMessage } from './generator.ts';
import { createUnitSimulator } from './generator.ts';
import { createRng, hash32 } from './prng.ts';
import { type CredentialSource, createPublisher, type GatewayPayload, type PublisherStats } from './publisher.ts';

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
  /** Gateway mode: the gateway that publishes for each unit (undefined = the unit itself); see publisher.ts. */
  gatewayOf?: ((equipmentId: string) => string | undefined) | undefined;
  /** Gateway mode: most wall-clock time a part-filled batch waits. */
  flushAfterMs?: number | undefined;
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
  /**
   * Gateway mode: now and then (about every `linkDropEveryMs` of plant time per unit) a gateway
   * loses a unit's PLC link for a few minutes: it says so (presence `online: false`), publishes
   * nothing of the unit meanwhile, then says it is back and sends the unit's state as it is then.
   */
  linkDropEveryMs?: number | undefined;
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
    gatewayOf: options.gatewayOf,
    ...(options.flushAfterMs === undefined ? {} : { flushAfterMs: options.flushAfterMs }),
    onError: (e) => options.log.error(`simulator: ${e.message}`),
  });
  const links = linkDrops(options, seed, startTs, runId);
  // Often enough that state changes go out promptly, rarely enough to stay cheap.
  const tickMs = Math.min(1000, Math.max(20, 1000 / options.rate));
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveDone: (stats: PublisherStats) => void = () => {};
  const done = new Promise<PublisherStats>((resolve) => (resolveDone = resolve));

  const publishAll = async (messages: TelemetryMessage[]) => {
    for (const m of links ? links.filter(messages) : messages) await publisher.publish(m);
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

  const gatewayCount = new Set(options.units.map((u) => options.gatewayOf?.(u)).filter(Boolean)).size;
  options.log.info(
    `simulator: ${sims.length} unit(s) of tenant ${options.tenantId}${gatewayCount ? ` (through ${gatewayCount} gateway(s))` : ''} -> ${options.mqttUrl}, ${options.rate} msg/s per unit, ` +
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

/**
 * The gateway's view of its units' PLC links in live mode: a seeded schedule of drops per unit.
 * While a unit's link is down, its messages never reach the gateway, so none are published; the
 * drop and the return are presence samples, and the unit's latest state goes out on return.
 */
function linkDrops(options: LiveOptions, seed: number, startTs: number, runId: string) {
  const every = options.linkDropEveryMs;
  if (!every || !options.gatewayOf) return undefined;
  const units = new Map(
    options.units
      .filter((u) => options.gatewayOf?.(u))
      .map((u) => {
        const rng = createRng(seed ^ hash32(`link:${u}`));
        return [u, { rng, nextDrop: startTs + rng.exponential(every), back: 0, lastState: undefined as Payload | undefined, seq: 0 }];
      }),
  );
  return {
    filter(messages: TelemetryMessage[]): { topic: string; payload: GatewayPayload }[] {
      const out: { topic: string; payload: GatewayPayload }[] = [];
      for (const m of messages) {
        const [, , tenant = '', unit = '', type = ''] = m.topic.split('/');
        const link = units.get(unit);
        if (!link) {
          out.push(m);
          continue;
        }
        const presence = (ts: number, online: boolean) => ({
          topic: `dt/mes/${tenant}/${unit}/presence`,
          payload: { ts, msgId: `${runId}-${unit}-link-${++link.seq}`, online, ...(online ? {} : { reason: 'PLC link lost (simulated)' }) },
        });
        const ts = m.payload.ts;
        if (link.back > 0 && ts >= link.back) {
          out.push(presence(link.back, true));
          if (link.lastState)
            out.push({
              topic: `dt/mes/${tenant}/${unit}/state`,
              payload: { ...link.lastState, ts: link.back, msgId: `${runId}-${unit}-relink-${link.seq}` },
            });
          link.back = 0;
          link.lastState = undefined;
          link.nextDrop = ts + link.rng.exponential(every);
        }
        if (link.back === 0 && ts >= link.nextDrop) {
          link.back = ts + Math.round(link.rng.between(60_000, 5 * 60_000));
          out.push(presence(ts, false));
        }
        if (link.back > 0) {
          if (type === 'state') link.lastState = m.payload;
          continue;
        }
        out.push(m);
      }
      return out;
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
    gatewayOf: options.gatewayOf,
    ...(options.flushAfterMs === undefined ? {} : { flushAfterMs: options.flushAfterMs }),
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

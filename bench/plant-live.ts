/**
 * Issue 13's figures, section 7 of bench/RESULTS.md: a plant of 200 units, live, at a bounded cost.
 * Its own runtime (DynamoDB Local in memory, the MQTT broker with its WebSocket for browsers,
 * the rule pipeline, the live feed, the built web app):
 *   a. the plant: 200 units behind 20 gateways (10 units each, registered in master data), played
 *      by the simulator in gateway mode over real MQTT (Basic Ingest, QoS 1), one sample a second
 *      per unit plus their state changes, for 10 minutes of plant time run 4x faster than the
 *      wall clock (ending now, so the ingest takes every sample as on time). Each gateway sends
 *      its units' samples in batches of 10 (one message a plant second). The local measurements
 *      window is the rule's 60 s in plant time (6 s of wall clock), as on AWS; state goes at once.
 *      Every consumer invocation of the rules is metered (ReturnConsumedCapacity on the real code
 *      path): WRU and RRU per 1,000 samples, the live view's writes included;
 *   b. a supervisor's phone (Chromium, 390x844) on the plant overview while the plant plays: the
 *      API requests it makes after its first load (target: none while the push works) and the
 *      live feed messages it receives;
 *   c. state change to browser: a probe gateway (10 more units) publishes a state change; the
 *      clock stops when the unit's card on that phone shows it (p50, p99);
 *   d. one plant-overview load (GET /v1/plant/status): DynamoDB calls and read units from the
 *      x-mes-dynamodb header for plants of 50, 200 and 1,000 units (target: at most 5 calls);
 *   e. the jobs: one refresh of the live view's OEE today and one rollup run, metered;
 *   f. the month of a 200-unit plant with the new pieces, beside the naive design.
 * Every wait is bounded; all traffic stays on 127.0.0.1.
 */
import { performance } from 'node:perf_hooks';
import type { Context } from 'aws-lambda';
import { connectAsync, type MqttClient } from 'mqtt';
import type { BrowserContext, Page } from 'playwright-core';
import type { Log } from '../infra/local/http-server.ts';
import { startRuntime, type Runtime } from '../infra/local/runtime.ts';
import { fileTelemetryHandlerResolver, type TelemetryEvent, type TelemetryFunction } from '../infra/local/telemetry-pipeline.ts';
import { withUsage } from '../shared/db/usage.ts';
import { basicIngestTopic, TELEMETRY_RULES, type TelemetryRule, telemetryTopic } from '../shared/telemetry/rules.ts';
import { runLive } from '../simulator/run.ts';
import { request } from './http-client.ts';
import { launch } from './web.ts';

export const PLANT_LIVE_TARGETS = { overviewCalls: 5, requestsPerSecond: 0, wruPer1000: 20, costRatio: 0.1 } as const;
export const PLANT_LIVE_TARGET_NAMES = {
  overviewCalls: `7. Plant overview load: at most ${PLANT_LIVE_TARGETS.overviewCalls} DynamoDB calls, whatever the number of units`,
  requests: '7. An open plant overview makes no request while the push works',
  wru: `7. A 200-unit plant through gateways: at most ${PLANT_LIVE_TARGETS.wruPer1000} WRU per 1,000 samples`,
  cost: '7. A 200-unit plant: a month with the new pieces costs at most 10 % of the naive design',
} as const;

const TENANT = 'plant-200';
const GATEWAYS = 20;
const UNITS_PER_GATEWAY = 10;
const SPEED = 4;
const PLANT_MS = 10 * 60_000;
const SAMPLES_PER_MESSAGE = 10;
const PROBE_GATEWAY = 'gw-probe';
const PROBE_UNITS = 10;
const PROBE_CHANGES = Number(process.env.BENCH_PROBE_CHANGES ?? 60);
const PROBE_TIMEOUT_MS = 5_000;
const SCREEN_MS = 20_000;
const OVERVIEW_SIZES = [50, 200, 1000] as const;
const MAX_WAIT_MS = 120_000;

const gatewayId = (g: number) => `gw-${String(g + 1).padStart(2, '0')}`;
const unitOf = (g: number, u: number) => `wu-${String(g + 1).padStart(2, '0')}-${String(u + 1).padStart(2, '0')}`;
const probeUnit = (u: number) => `wu-probe-${String(u + 1).padStart(2, '0')}`;

export interface Metered {
  invocations: number;
  records: number;
  samples: number;
  payloadBytes: number;
  recordBytes: number;
  ms: number;
  wru: number;
  rru: number;
  calls: number;
}
const emptyMeter = (): Metered => ({ invocations: 0, records: 0, samples: 0, payloadBytes: 0, recordBytes: 0, ms: 0, wru: 0, rru: 0, calls: 0 });

export interface OverviewLoad {
  units: number;
  calls: string[];
  rru: number;
  ms: number;
  items: number;
}

export interface JobRun {
  name: string;
  calls: number;
  rru: number;
  wru: number;
  ms: number;
  detail: string;
}

export interface PlantLiveResults {
  units: number;
  gateways: number;
  plantSeconds: number;
  wallSeconds: number;
  published: { messages: number; samples: number; failed: number };
  /** By rule: what the consumers were handed and what they used. */
  meter: Record<string, Metered>;
  /** Live feed messages a viewer of the tenant received during the run, their 5 KB metering units, and the unit changes they carried. */
  feedMessages: number;
  feedUnits: number;
  feedChanges: number;
  failedRecords: number;
  deadLetters: number;
  screen: { seconds: number; requests: string[]; frames: number } | { error: string };
  probe: { changes: number; missed: number; ms: number[] } | { error: string };
  overview: OverviewLoad[];
  jobs: JobRun[];
  bucketItemBytes: number;
}

type Step = (message: string) => void;

/** Metering around the real consumers: every invocation's DynamoDB usage, records and samples, by rule. */
function meteredResolver(meter: Record<string, Metered>, on: { active: boolean }) {
  const real = fileTelemetryHandlerResolver();
  return async (rule: TelemetryRule): Promise<TelemetryFunction> => {
    const fn = await real(rule);
    return async (event: TelemetryEvent, context: Context) => {
      if (!on.active) return fn(event, context);
      const m = (meter[rule.name] ??= emptyMeter());
      const started = performance.now();
      const [result, usage] = await withUsage(() => fn(event, context));
      m.ms += performance.now() - started;
      m.invocations++;
      m.wru += usage.writeUnits;
      m.rru += usage.readUnits;
      m.calls += usage.calls.length;
      for (const record of event.Records) {
        const body = 'body' in record ? record.body : Buffer.from(record.kinesis.data, 'base64').toString('utf8');
        m.records++;
        m.recordBytes += Buffer.byteLength(body);
        try {
          const raw = Buffer.from((JSON.parse(body) as { raw?: string }).raw ?? '', 'base64');
          m.payloadBytes += raw.length;
          const payload = JSON.parse(raw.toString('utf8')) as { samples?: unknown[] };
          m.samples += Array.isArray(payload.samples) ? payload.samples.length : 1;
        } catch {
          m.samples += 1;
        }
      }
      return result;
    };
  };
}

export async function measurePlantLive(webDir: string, { step, log }: { step: Step; log: Log }): Promise<PlantLiveResults> {
  const meter: Record<string, Metered> = {};
  // Only the plant's run is metered (the plants of 7d register and publish their units too).
  const metering = { active: false };
  step('7. starting a runtime of its own for the 200-unit plant (MQTT over TCP and WebSocket, the live feed, the web app)');
  const runtime = await startRuntime({
    port: 0,
    mqttPort: 0,
    mqttWsPort: 0,
    inMemory: true,
    seed: false,
    log,
    web: { dir: webDir },
    // The rules' windows in plant time: measurements wait 60 s of plant time (6 s here), state goes at once.
    telemetryWindowMs: (rule: TelemetryRule) => (rule.batchingWindowSeconds * 1000) / SPEED,
    telemetryHandlerResolver: meteredResolver(meter, metering),
    // The refresh job runs when 7e says, metered, not on its local timer in the middle of the figures.
    liveViewRefreshSeconds: 0,
  });
  const closers: (() => Promise<void>)[] = [];
  try {
    const admin = await runtime.issueToken({ tenantId: TENANT, userId: 'bench-admin', roles: ['admin'] });
    step(`7a. registering ${GATEWAYS * UNITS_PER_GATEWAY} units under ${GATEWAYS} gateways, and ${PROBE_UNITS} probe units under ${PROBE_GATEWAY}`);
    await registerPlant(runtime.baseUrl, admin);

    // A viewer of the tenant's feed, as a browser is: counts what the live feed publishes.
    let feedMessages = 0;
    let feedUnits = 0;
    let feedChanges = 0;
    const viewerToken = await runtime.issueToken({ tenantId: TENANT, userId: 'bench-viewer', roles: ['supervisor'] });
    const viewer = await connectAsync(runtime.mqtt?.wsUrl as string, {
      clientId: `viewer-${Date.now()}`,
      username: TENANT,
      password: viewerToken,
      reconnectPeriod: 0,
    });
    closers.push(() => viewer.endAsync());
    await viewer.subscribeAsync(`feed/mes/${TENANT}/#`, { qos: 0 });
    viewer.on('message', (_topic, payload: Buffer) => {
      if (!metering.active) return;
      feedMessages++;
      feedUnits += Math.max(1, Math.ceil(payload.length / 5120));
      feedChanges += (JSON.parse(payload.toString('utf8')) as { units?: unknown[] }).units?.length ?? 1;
    });

    const units = Array.from({ length: GATEWAYS }, (_, g) => Array.from({ length: UNITS_PER_GATEWAY }, (_, u) => unitOf(g, u))).flat();
    const gatewayOfUnit = new Map(units.map((u) => [u, gatewayId(Number(u.slice(3, 5)) - 1)]));
    step(`7a. playing ${units.length} units through ${GATEWAYS} gateways: ${PLANT_MS / 60_000} min of plant time at x${SPEED}`);
    const wallStart = performance.now();
    metering.active = true;
    const sim = runLive({
      mqttUrl: runtime.mqtt?.url as string,
      credentials: (device) => runtime.deviceCredentials(device),
      batch: SAMPLES_PER_MESSAGE,
      basicIngest: true,
      gatewayOf: (unit) => gatewayOfUnit.get(unit),
      // A gateway's part-filled batch waits at most a plant second.
      flushAfterMs: 1000 / SPEED,
      tenantId: TENANT,
      units,
      // Messages a wall-clock second per unit: one a plant second.
      rate: SPEED,
      speed: SPEED,
      durationMs: PLANT_MS,
      seed: 13,
      log: { info: () => {}, error: (m) => log.error(m) },
    });

    // While it plays: a phone on the overview, then the probe.
    const browser = await launch();
    closers.push(browser.close);
    const failed = (error: Error) => ({ error: error.message.split('\n')[0] as string });
    const watched = await watchScreen(browser.context, runtime.baseUrl).catch(failed);
    const screen = 'error' in watched ? watched : { seconds: watched.seconds, requests: watched.requests, frames: watched.frames };
    const probe = 'error' in watched ? { error: 'no phone' } : await probeLatency(runtime, watched.page).catch(failed);
    const published = await sim.done;
    const wallSeconds = (performance.now() - wallStart) / 1000;
    await runtime.mqtt?.pipeline.drain();
    await runtime.mqtt?.liveFeed?.idle({ timeoutMs: MAX_WAIT_MS });
    metering.active = false;

    step('7d. plant overview loads: 50, 200 and 1,000 units');
    const overview: OverviewLoad[] = [];
    for (const size of OVERVIEW_SIZES) overview.push(await overviewLoad(runtime, size));

    step('7e. the jobs: a refresh of OEE today, a rollup run');
    const jobs = await runJobs();
    const counters = runtime.mqtt?.pipeline.counters;
    return {
      units: units.length,
      gateways: GATEWAYS,
      plantSeconds: PLANT_MS / 1000,
      wallSeconds,
      published,
      meter,
      feedMessages,
      feedUnits,
      feedChanges,
      failedRecords: counters?.failed ?? 0,
      deadLetters: runtime.mqtt?.pipeline.deadLetters.length ?? 0,
      screen,
      probe,
      overview,
      jobs,
      bucketItemBytes: 0,
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
    await runtime.stop();
  }
}

async function registerPlant(baseUrl: string, token: string): Promise<void> {
  const put = async (path: string, body: unknown) => {
    const res = await request(baseUrl, 'PUT', path, token, body);
    if (res.status >= 300) throw new Error(`PUT ${path}: ${res.status} ${res.body}`);
  };
  await put('/v1/equipment/site-1', { name: 'Plant', level: 'site' });
  for (let g = 0; g < GATEWAYS; g++) {
    const line = `wc-line-${String(g + 1).padStart(2, '0')}`;
    await put(`/v1/equipment/${line}`, { name: `Line ${g + 1}`, level: 'workCenter', parentId: 'site-1' });
    for (let u = 0; u < UNITS_PER_GATEWAY; u++)
      await put(`/v1/equipment/${unitOf(g, u)}`, {
        name: `Line ${g + 1} station ${u + 1}`,
        level: 'workUnit',
        parentId: line,
        gatewayId: gatewayId(g),
        idealCycleTimeSeconds: 1,
      });
  }
  await put('/v1/equipment/wc-probe', { name: 'Probe line', level: 'workCenter', parentId: 'site-1' });
  for (let u = 0; u < PROBE_UNITS; u++)
    await put(`/v1/equipment/${probeUnit(u)}`, { name: `Probe ${u + 1}`, level: 'workUnit', parentId: 'wc-probe', gatewayId: PROBE_GATEWAY });
}

/** Signs a supervisor of the plant in through the sign-in screen. */
async function signIn(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/#/sign-in`);
  await page.getByLabel('Plant (tenant)').fill(TENANT);
  await page.getByLabel('User', { exact: true }).fill('bench-supervisor');
  await page.getByLabel('Role').selectOption('supervisor');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ state: 'visible' });
}

/** A supervisor's phone on the overview for SCREEN_MS after its first load: the API requests it makes, the feed frames it gets. */
async function watchScreen(context: BrowserContext, baseUrl: string): Promise<{ page: Page; seconds: number; requests: string[]; frames: number }> {
  const page = (context.pages()[0] as Page | undefined) ?? (await context.newPage());
  await signIn(page, baseUrl);
  const requests: string[] = [];
  let frames = 0;
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/v1/')) requests.push(path);
  });
  page.on('websocket', (ws) => ws.on('framereceived', () => frames++));
  await page.goto(`${baseUrl}/#/plant`);
  await page.locator('[data-testid="push-state"][data-push="live"]').waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForTimeout(2_000);
  requests.splice(0);
  frames = 0;
  await page.waitForTimeout(SCREEN_MS);
  return { page, seconds: SCREEN_MS / 1000, requests: [...requests], frames };
}

/** State change to browser: the probe gateway publishes; the clock stops when the unit's card shows it. */
async function probeLatency(runtime: Runtime, phone: Page): Promise<{ changes: number; missed: number; ms: number[] }> {
  const creds = runtime.deviceCredentials({ tenantId: TENANT, equipmentId: PROBE_GATEWAY });
  const gateway: MqttClient = await connectAsync(runtime.mqtt?.url as string, { ...creds, reconnectPeriod: 0 });
  const topic = basicIngestTopic(TELEMETRY_RULES.state, telemetryTopic(TENANT, PROBE_GATEWAY, 'state'));
  const ms: number[] = [];
  let missed = 0;
  try {
    const states = ['running', 'down', 'idle', 'setup'] as const;
    for (let i = 0; i < PROBE_CHANGES; i++) {
      const unit = probeUnit(i % PROBE_UNITS);
      const state = states[Math.floor(i / PROBE_UNITS) % states.length] as string;
      const card = phone.locator(`[data-testid="unit-${unit}"][data-state="${state}"]`);
      const started = performance.now();
      await gateway.publishAsync(topic, JSON.stringify({ samples: [{ equipmentId: unit, ts: Date.now(), msgId: `probe-${i}`, state }] }), { qos: 1 });
      try {
        await card.waitFor({ state: 'attached', timeout: PROBE_TIMEOUT_MS });
        ms.push(performance.now() - started);
      } catch {
        missed++;
      }
    }
  } finally {
    await gateway.endAsync();
  }
  return { changes: PROBE_CHANGES, missed, ms };
}

/** A plant of `size` units, each with a state in its live view; one GET /v1/plant/status, metered. */
async function overviewLoad(runtime: Runtime, size: number): Promise<OverviewLoad> {
  const tenant = `overview-${size}`;
  const admin = await runtime.issueToken({ tenantId: tenant, userId: 'bench-admin', roles: ['admin'] });
  const supervisor = await runtime.issueToken({ tenantId: tenant, userId: 'bench-supervisor', roles: ['supervisor'] });
  const ids = Array.from({ length: size }, (_, i) => `wu-${String(i + 1).padStart(4, '0')}`);
  const put = (path: string, body: unknown) => request(runtime.baseUrl, 'PUT', path, admin, body);
  await put('/v1/equipment/wc-1', { name: 'Line', level: 'workCenter' });
  for (let i = 0; i < ids.length; i += 20)
    await Promise.all(
      ids.slice(i, i + 20).map((id) => put(`/v1/equipment/${id}`, { name: `Unit ${id}`, level: 'workUnit', parentId: 'wc-1', gatewayId: 'gw-1' })),
    );
  // One gateway sends every unit's state, in messages of 200 samples.
  const creds = runtime.deviceCredentials({ tenantId: tenant, equipmentId: 'gw-1' });
  const gateway = await connectAsync(runtime.mqtt?.url as string, { ...creds, reconnectPeriod: 0 });
  const topic = basicIngestTopic(TELEMETRY_RULES.state, telemetryTopic(tenant, 'gw-1', 'state'));
  const now = Date.now();
  for (let i = 0; i < ids.length; i += 200)
    await gateway.publishAsync(
      topic,
      JSON.stringify({ samples: ids.slice(i, i + 200).map((id, j) => ({ equipmentId: id, ts: now - j, msgId: `s-${id}`, state: 'running' })) }),
      { qos: 1 },
    );
  await runtime.mqtt?.pipeline.drain();
  // Warm the route, then measure.
  await request(runtime.baseUrl, 'GET', '/v1/plant/status', supervisor);
  const started = performance.now();
  const res = await request(runtime.baseUrl, 'GET', '/v1/plant/status', supervisor);
  const elapsed = performance.now() - started;
  await gateway.endAsync();
  const m = /^calls=([^;]*);rru=([\d.]+);wru=[\d.]+$/.exec(String(res.headers['x-mes-dynamodb'] ?? ''));
  if (!m) throw new Error('plant bench: no x-mes-dynamodb header (MES_EXPOSE_DDB_USAGE=1 is set by bench/run.ts)');
  return {
    units: size,
    calls: m[1] ? (m[1] as string).split(',') : [],
    rru: Number(m[2]),
    ms: elapsed,
    items: (JSON.parse(res.body) as { items?: unknown[] }).items?.length ?? 0,
  };
}

/**
 * One refresh of the plant's OEE today and one rollup of its day, each metered. Both read the day's
 * minute items so far: here the 10 minutes played, at the end of a day 1,440 (the cost table scales).
 */
async function runJobs(): Promise<JobRun[]> {
  // Imported here: the functions' modules read their settings (table, endpoint) when first loaded, after the runtime set them.
  const { liveViewRefresh } = await import('../functions/lib/live-view-refresh.ts');
  const { TelemetryRollup } = await import('../shared/telemetry/rollup.ts');
  const { DynamoDbTelemetryRepository } = await import('../shared/db/telemetry-repository.ts');
  const { DynamoDbMasterDataRepository } = await import('../shared/db/master-data-repository.ts');
  const { DEFAULT_RETENTION } = await import('../shared/domain/telemetry/retention.ts');
  const jobs: JobRun[] = [];
  const metered = async (name: string, run: () => Promise<string>) => {
    const started = performance.now();
    const [detail, usage] = await withUsage(run);
    jobs.push({ name, calls: usage.calls.length, rru: usage.readUnits, wru: usage.writeUnits, ms: performance.now() - started, detail });
  };
  await metered('refresh', async () => {
    const r = await liveViewRefresh.refreshTenant(TENANT);
    return `OEE today of ${r.units} units, ${r.written} entries written`;
  });
  const masterData = new DynamoDbMasterDataRepository();
  const units = new Map((await masterData.listAll(TENANT, 'equipment')).filter((e) => e.level === 'workUnit').map((e) => [e.id, e]));
  const day = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  await metered('rollup', async () => {
    await new TelemetryRollup(new DynamoDbTelemetryRepository(), masterData).rollUpDay(TENANT, day, DEFAULT_RETENTION, units, undefined);
    return `the day so far of ${units.size} units (8 groups) into day items`;
  });
  return jobs;
}

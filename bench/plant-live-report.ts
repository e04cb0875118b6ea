/**
 * Section 7 of bench/RESULTS.md (issue 13): renders bench/plant-live.ts's figures and the month
 * of a 200-unit plant with the new pieces, priced line by line like section 4.5.
 */
import type { PlantLiveResults } from './plant-live.ts';
import { PLANT_LIVE_TARGET_NAMES, PLANT_LIVE_TARGETS } from './plant-live.ts';
import { percentile } from './stats.ts';
import { TELEMETRY_RULES } from '../shared/telemetry/rules.ts';
import * as cost from './telemetry-cost.ts';
import type { TelemetryResults } from './telemetry.ts';

type Sink = { out: (...lines: string[]) => void; judge: (target: string, pass: boolean) => string };

/** Supervisors' phones and screens with the overview open all month, for the push lines. */
export const OPEN_SCREENS = 10;
/** IoT Core connectivity, per million connection minutes. */
export const IOT_CONNECTIVITY_USD_PER_MILLION_MINUTES = 0.08;
/** How often the live view's OEE today is refreshed on AWS, and the rollup runs. */
export const REFRESH_EVERY_MINUTES = 5;
export const ROLLUP_EVERY_MINUTES = 60;
/** Retention defaults (issue 13): minute items 35 days, daily items 400 days. */
export const MINUTE_RETENTION_DAYS = 35;
export const DAILY_RETENTION_DAYS = 400;
/** Lifecycle events a month: each gateway reconnects once a day, each screen connects twice a day. */
const LIFECYCLE_EVENTS_PER_DAY = (gateways: number) => 2 * gateways + 2 * 2 * OPEN_SCREENS;
/** The live feed publisher: at most one invocation per live change (an upper bound: the stream batches them), of this many ms at 512 MB. */
const PUBLISH_MS_PER_INVOCATION = 20;
const LAMBDA_GB = 0.5;

const num = (n: number, d = 2) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
const millions = (n: number) => `${(n / 1e6).toFixed(3)} M`;

export function plantLiveCost(r: PlantLiveResults, t: TelemetryResults): { lines: cost.CostLine[]; total: number; naive: number } {
  const meas = r.meter[TELEMETRY_RULES.measurements.name] ?? emptyFlow();
  // Lifecycle events come with connections, not samples: priced per event below, not scaled with the samples.
  const state = sumFlows(
    Object.entries(r.meter)
      .filter(([name]) => name !== TELEMETRY_RULES.measurements.name && name !== TELEMETRY_RULES.lifecycle.name)
      .map(([, m]) => m),
  );
  const events = r.meter[TELEMETRY_RULES.lifecycle.name] ?? emptyFlow();
  const perEvent = (n: number) => (events.records ? n / events.records : 0);
  const sample = t.plant.find((p) => p.samplesPerMessage > 1) ?? t.plant[0];
  const design: cost.DesignMeasure = {
    label: 'This design (issue 13)',
    samplesPerMessage: meas.records ? meas.samples / meas.records : 1,
    units: r.units,
    plantSeconds: r.plantSeconds,
    measurement: flow(meas),
    state: flow(state),
    bucketItemsPerMinute: sample?.bucketItemsPerMinute ?? 8,
    bucketItemBytes: sample?.bucketItemBytes.mean ?? 7000,
    stateItemBytes: sample?.stateItemBytes ?? 300,
  };
  const base = cost.designCost(design, 512);
  const month = cost.MONTH_SECONDS;
  const perMonth = (count: number) => (count / r.plantSeconds) * month * (cost.PLANT_UNITS / r.units);
  // Feed messages as IoT Core meters them (5 KB units); the probe's own changes are in them (60 of them, a few messages).
  const liveMessages = perMonth(r.feedMessages);
  const liveUnits = perMonth(r.feedUnits);
  const refresh = r.jobs.find((j) => j.name === 'refresh');
  const rollup = r.jobs.find((j) => j.name === 'rollup');
  const refreshRuns = month / 60 / REFRESH_EVERY_MINUTES;
  // The hourly rollup rolls each day once (the other runs find nothing to do: a Query or two).
  const rollupRuns = month / 86_400;
  // Both read the day's minute items so far: the run measured read the 10 minutes played; a
  // refresh reads half a day on average, the rollup a whole day (eventually consistent Queries:
  // 0.5 RRU per 4 KB of the group items read).
  const minuteRru = design.bucketItemsPerMinute * (design.bucketItemBytes / 4096) * 0.5;
  const played = r.plantSeconds / 60;
  const lifecycle = LIFECYCLE_EVENTS_PER_DAY(r.gateways) * 30;
  const minuteItems = design.bucketItemsPerMinute * 1440 * MINUTE_RETENTION_DAYS;
  const dailyItems = design.bucketItemsPerMinute * DAILY_RETENTION_DAYS;
  const storageGb =
    (minuteItems * (design.bucketItemBytes + cost.DYNAMODB_ITEM_OVERHEAD_BYTES) +
      dailyItems * (design.bucketItemBytes + cost.DYNAMODB_ITEM_OVERHEAD_BYTES)) /
    cost.GB;
  const lines: cost.CostLine[] = [
    // Section 4.5's lines, measured here through gateways, except its storage (TTL now bounds it).
    ...base.lines.filter((l) => !l.line.startsWith('DynamoDB storage')),
    {
      line: 'DynamoDB storage of aggregates (steady state, with TTL)',
      formula: `(${millions(minuteItems)} minute items (${MINUTE_RETENTION_DAYS} days) + ${num(dailyItems, 0)} daily items (${DAILY_RETENTION_DAYS} days)) × (${num(design.bucketItemBytes, 0)} + ${cost.DYNAMODB_ITEM_OVERHEAD_BYTES}) B = ${num(storageGb, 2)} GB × $${cost.DYNAMODB_STORAGE_USD_PER_GB_MONTH}`,
      usd: storageGb * cost.DYNAMODB_STORAGE_USD_PER_GB_MONTH,
    },
    {
      line: 'IoT lifecycle events (rule, action, SQS, Lambda, DynamoDB)',
      formula: `${num(lifecycle, 0)} events (${r.gateways} gateways reconnecting daily, ${OPEN_SCREENS} screens twice a day) × ($${cost.IOT_RULES_TRIGGERED_USD_PER_MILLION} + $${cost.IOT_ACTIONS_USD_PER_MILLION} + 3 × $${cost.SQS_STANDARD_USD_PER_MILLION_REQUESTS} + $${cost.LAMBDA_USD_PER_MILLION_REQUESTS} + ${num(perEvent(events.wru), 1)} WRU × $${cost.DYNAMODB_USD_PER_MILLION_WRU} + ${num(perEvent(events.rru), 1)} RRU × $${cost.DYNAMODB_USD_PER_MILLION_RRU})/M (a gateway's event writes its connection and its units' live entries: measured, ${num(events.records, 0)} events)`,
      usd:
        (lifecycle / 1e6) *
        (cost.IOT_RULES_TRIGGERED_USD_PER_MILLION +
          cost.IOT_ACTIONS_USD_PER_MILLION +
          3 * cost.SQS_STANDARD_USD_PER_MILLION_REQUESTS +
          cost.LAMBDA_USD_PER_MILLION_REQUESTS +
          perEvent(events.wru) * cost.DYNAMODB_USD_PER_MILLION_WRU +
          perEvent(events.rru) * cost.DYNAMODB_USD_PER_MILLION_RRU),
    },
    {
      line: 'Live feed: IoT publishes by the publisher',
      formula: `${millions(liveUnits)} message units of 5 KB (${num(r.feedMessages, 0)} messages, ${num(r.feedUnits, 0)} units, carrying ${num(r.feedChanges, 0)} unit changes, in ${num(r.plantSeconds, 0)} s of plant time, measured) × $${cost.IOT_MESSAGING_USD_PER_MILLION}/M`,
      usd: (liveUnits / 1e6) * cost.IOT_MESSAGING_USD_PER_MILLION,
    },
    {
      line: 'Live feed: deliveries to browsers',
      formula: `${millions(liveUnits)} message units × ${OPEN_SCREENS} open screens × $${cost.IOT_MESSAGING_USD_PER_MILLION}/M`,
      usd: ((liveUnits * OPEN_SCREENS) / 1e6) * cost.IOT_MESSAGING_USD_PER_MILLION,
    },
    {
      line: 'Live feed: browser connection minutes',
      formula: `${OPEN_SCREENS} screens × ${num(month / 60, 0)} min × $${IOT_CONNECTIVITY_USD_PER_MILLION_MINUTES}/M`,
      usd: ((OPEN_SCREENS * month) / 60 / 1e6) * IOT_CONNECTIVITY_USD_PER_MILLION_MINUTES,
    },
    {
      line: 'Live feed: publisher Lambda (table stream; stream reads by Lambda are free)',
      formula: `${millions(liveMessages)} invocations at most (one per message: a stream batch of up to a second per plant) × ($${cost.LAMBDA_USD_PER_MILLION_REQUESTS}/M + ${PUBLISH_MS_PER_INVOCATION} ms × ${LAMBDA_GB} GB × $${cost.LAMBDA_ARM64_USD_PER_GB_SECOND}/GB-s)`,
      usd:
        (liveMessages / 1e6) * cost.LAMBDA_USD_PER_MILLION_REQUESTS +
        liveMessages * (PUBLISH_MS_PER_INVOCATION / 1000) * LAMBDA_GB * cost.LAMBDA_ARM64_USD_PER_GB_SECOND,
    },
    jobLine('Live view refresh (OEE today)', refresh, refreshRuns, `every ${REFRESH_EVERY_MINUTES} min`, (720 - played) * minuteRru),
    jobLine('Rollup to daily items', rollup, rollupRuns, `once a day (hourly runs, each day rolled once)`, (1440 - played) * minuteRru),
  ];
  const naive = cost.naiveCost(t.naive).total;
  return { lines, total: lines.reduce((n, l) => n + l.usd, 0), naive };
}

function jobLine(name: string, run: PlantLiveResults['jobs'][number] | undefined, runs: number, every: string, moreRru: number): cost.CostLine {
  if (!run) return { line: name, formula: 'not measured', usd: 0 };
  const usd =
    runs *
    (((run.rru + moreRru) / 1e6) * cost.DYNAMODB_USD_PER_MILLION_RRU +
      (run.wru / 1e6) * cost.DYNAMODB_USD_PER_MILLION_WRU +
      cost.LAMBDA_USD_PER_MILLION_REQUESTS / 1e6 +
      (run.ms / 1000) * LAMBDA_GB * cost.LAMBDA_ARM64_USD_PER_GB_SECOND);
  return {
    line: name,
    formula: `${num(runs, 0)} runs (${every}) × (${num(run.rru, 1)} RRU + ${num(run.wru, 1)} WRU + 1 invocation of ${num(run.ms, 0)} ms, measured on 10 minutes of data of 200 units, + ${num(moreRru, 0)} RRU for the rest of the day's minute items it reads)`,
    usd,
  };
}

interface Flow {
  records: number;
  samples: number;
  payloadBytes: number;
  recordBytes: number;
  invocations: number;
  ms: number;
  wru: number;
  rru: number;
}
const emptyFlow = (): Flow => ({ records: 0, samples: 0, payloadBytes: 0, recordBytes: 0, invocations: 0, ms: 0, wru: 0, rru: 0 });
function sumFlows(flows: Flow[]): Flow {
  const s = emptyFlow();
  for (const f of flows) for (const k of Object.keys(s) as (keyof Flow)[]) s[k] += f[k];
  return s;
}
const flow = (m: Flow): cost.Flow => ({
  messages: m.records,
  samples: m.samples,
  payloadBytes: m.records ? m.payloadBytes / m.records : 0,
  recordBytes: m.records ? m.recordBytes / m.records : 0,
  invocations: m.invocations,
  ms: m.ms,
  wru: m.wru,
  rru: m.rru,
});

export function renderPlantLive(r: PlantLiveResults | undefined, error: string | undefined, t: TelemetryResults, { out, judge }: Sink): void {
  out('## 7. A 200-unit plant, live, at a bounded cost (issue 13)', '');
  if (!r) {
    out(`Not measured: ${error ?? 'unknown error'}.`, '');
    for (const name of Object.values(PLANT_LIVE_TARGET_NAMES)) judge(name, false);
    return;
  }
  out(
    `Measured by bench/plant-live.ts on a runtime of its own. ${r.units} units behind ${r.gateways} gateways (10 each, named in their master data), played by the simulator in gateway mode over real MQTT (Basic Ingest, QoS 1): one sample a second per unit and their state changes, batches of 10 samples a message, for ${num(r.plantSeconds / 60, 0)} minutes of plant time in ${num(r.wallSeconds, 1)} s of wall clock (x${num(r.plantSeconds / r.wallSeconds, 1)} on average, ending now). The local measurements window is the rule's 60 s in plant time; state goes at once. Every invocation of the rules' consumers is metered on its real code path (ReturnConsumedCapacity), the live view's writes included.`,
    '',
  );
  const all = sumFlows(Object.values(r.meter));
  // Per sample: what the samples' rules write. Lifecycle events come with connections (here the
  // gateways' connects and disconnects at the start and end of the run), priced per event in 7.4.
  const sampled = sumFlows(Object.entries(r.meter).flatMap(([name, m]) => (name === TELEMETRY_RULES.lifecycle.name ? [] : [m])));
  const wruPer1000 = sampled.samples ? (1000 * sampled.wru) / sampled.samples : Number.NaN;
  out(
    '| Rule | Invocations | Records | Samples | WRU | RRU | WRU per 1,000 samples | Handler ms per invocation |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const [name, m] of Object.entries(r.meter).sort())
    out(
      `| ${name} | ${num(m.invocations, 0)} | ${num(m.records, 0)} | ${num(m.samples, 0)} | ${num(m.wru, 1)} | ${num(m.rru, 1)} | ${name === TELEMETRY_RULES.lifecycle.name ? `(${num(m.records ? m.wru / m.records : 0, 1)} per event)` : m.samples ? num((1000 * m.wru) / m.samples) : 'n/a'} | ${m.invocations ? num(m.ms / m.invocations, 1) : 'n/a'} |`,
    );
  out(
    `| **samples (state and measurements)** | ${num(sampled.invocations, 0)} | ${num(sampled.records, 0)} | ${num(sampled.samples, 0)} | ${num(sampled.wru, 1)} | ${num(sampled.rru, 1)} | **${num(wruPer1000)}** | |`,
    `| all, lifecycle events included | ${num(all.invocations, 0)} | ${num(all.records, 0)} | ${num(all.samples, 0)} | ${num(all.wru, 1)} | ${num(all.rru, 1)} | ${all.samples ? num((1000 * all.wru) / all.samples) : 'n/a'} | |`,
    '',
    `A lifecycle event is a connection's, not a sample's: a gateway's connect or disconnect writes its connection and the live entries of its ${num(r.units / r.gateways, 0)} units. Here they are the gateways' connects at the start and disconnects at the end of the run, so they are priced per event in 7.4 rather than scaled with the samples.`,
    '',
  );
  out(
    `Published by the simulator: ${num(r.published.messages, 0)} messages, ${num(r.published.samples, 0)} samples, ${r.published.failed} failed; records failed by a consumer: ${r.failedRecords}, dead-lettered: ${r.deadLetters}; live feed messages a viewer of the tenant received: ${num(r.feedMessages, 0)} (${num(r.feedChanges, 0)} unit changes).`,
    '',
    `Target: at most ${PLANT_LIVE_TARGETS.wruPer1000} WRU per 1,000 samples: ${num(wruPer1000)} ${judge(PLANT_LIVE_TARGET_NAMES.wru, wruPer1000 <= PLANT_LIVE_TARGETS.wruPer1000 && r.published.failed === 0)}.`,
    '',
  );

  out('### 7.1 One plant overview load: DynamoDB calls, whatever the number of units', '');
  out('| Units | Items answered | DynamoDB calls | Read request units | ms (one request, warm) | Target |', '|---|---|---|---|---|---|');
  for (const o of r.overview)
    out(
      `| ${num(o.units, 0)} | ${num(o.items, 0)} | ${o.calls.length} (${o.calls.join(', ')}) | ${num(o.rru, 1)} | ${num(o.ms, 1)} | ${judge(PLANT_LIVE_TARGET_NAMES.overviewCalls, o.calls.length <= PLANT_LIVE_TARGETS.overviewCalls && o.items === o.units)} |`,
    );
  out('');

  out('### 7.2 An open plant overview: requests while the push works, and state change to browser', '');
  if ('error' in r.screen) {
    out(`The phone could not be measured: ${r.screen.error}.`, '');
    judge(PLANT_LIVE_TARGET_NAMES.requests, false);
  } else {
    const rps = r.screen.requests.length / r.screen.seconds;
    out(
      `A supervisor's phone (headless Chromium, 390x844) on the plant overview while the plant plays, counted for ${r.screen.seconds} s after its first load: ${r.screen.requests.length} API requests (${num(rps, 2)} a second${r.screen.requests.length ? `: ${[...new Set(r.screen.requests)].join(', ')}` : ''}), ${num(r.screen.frames, 0)} WebSocket frames received (the live feed). Target: 0 requests a second while the push works: ${judge(PLANT_LIVE_TARGET_NAMES.requests, rps <= PLANT_LIVE_TARGETS.requestsPerSecond)}.`,
      '',
    );
  }
  if ('error' in r.probe) out(`State change to browser: not measured (${r.probe.error}).`, '');
  else {
    const sorted = [...r.probe.ms].sort((a, b) => a - b);
    out(
      "State change to browser: a probe gateway (10 more units of the plant) publishes a state change (QoS 1, Basic Ingest); the clock stops when that phone shows the unit's card in the new state (Playwright waiting on the card, so the figure includes its polling). Path: broker, state rule, ingest-state (state and live view), table stream, the live feed publisher, the broker's WebSocket, the page. No target is set.",
      '',
      '| Changes | Not shown within 5 s | p50 ms | p99 ms | max ms |',
      '|---|---|---|---|---|',
      `| ${r.probe.changes} | ${r.probe.missed} | ${num(percentile(sorted, 50), 1)} | ${num(percentile(sorted, 99), 1)} | ${num(sorted.at(-1) ?? Number.NaN, 1)} |`,
      '',
    );
  }

  out('### 7.3 The jobs, one run each on the 200-unit plant', '');
  out('| Job | DynamoDB calls | RRU | WRU | ms | What it did |', '|---|---|---|---|---|---|');
  for (const j of r.jobs) out(`| ${j.name} | ${j.calls} | ${num(j.rru, 1)} | ${num(j.wru, 1)} | ${num(j.ms, 0)} | ${j.detail} |`);
  out('');

  const c = plantLiveCost(r, t);
  out('### 7.4 Cost: a plant of 200 units through gateways, a month, with the new pieces', '');
  out(
    `Prices and method as in section 4.5; the ingest lines come from the run above (scaled from ${num(r.plantSeconds, 0)} s of plant time to ${num(cost.MONTH_SECONDS, 0)} s). Storage is the steady state the TTL keeps (minute items ${MINUTE_RETENTION_DAYS} days, daily items ${DAILY_RETENTION_DAYS} days); the push lines assume ${OPEN_SCREENS} screens open all month.`,
    '',
    '| Line | Formula | $ / month |',
    '|---|---|---|',
  );
  for (const l of c.lines) out(`| ${l.line} | ${l.formula} | ${cost.formatUsd(l.usd)} |`);
  out(`| **Total** | | **${cost.formatUsd(c.total)}** |`, '');
  const share = c.total / c.naive;
  out(
    `Naive design (section 4.5): ${cost.formatUsd(c.naive)}. This design: ${cost.formatUsd(c.total)}, ${num(100 * share, 1)} % of naive. Target at most ${100 * PLANT_LIVE_TARGETS.costRatio} %: ${judge(PLANT_LIVE_TARGET_NAMES.cost, share <= PLANT_LIVE_TARGETS.costRatio)}.`,
    '',
  );
}

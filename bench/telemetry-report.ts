/** Section 4 of bench/RESULTS.md: the telemetry figures of issue 3, each beside its target. */
import { summarize } from './stats.ts';
import { GATEWAY_MAX_AGE_S } from './telemetry-workload.ts';
import * as cost from './telemetry-cost.ts';
import { designMeasure, INGEST_UNITS, type IngestFigure, latencySummary, PLANT_UNITS, type TelemetryResults, type Totals } from './telemetry.ts';
import { TELEMETRY_RULES } from '../shared/telemetry/rules.ts';
import { TELEMETRY_GROUPS } from '../shared/telemetry/groups.ts';

export const TELEMETRY_TARGETS = { wruPer1000: 20, costRatio: 0.1 } as const;

export const TELEMETRY_TARGET_NAMES = {
  telemetryStored: '4. Every telemetry sample valid and stored (no failed record, nothing dead-lettered)',
  wru: `4. DynamoDB WRU per 1,000 messages at most ${TELEMETRY_TARGETS.wruPer1000} (per 1,000 samples with gateway batching), ${INGEST_UNITS} units`,
  cost: `4. Plant of ${PLANT_UNITS} units: a month costs at most ${TELEMETRY_TARGETS.costRatio * 100} % of the naive design`,
} as const;

interface Sink {
  out: (...lines: string[]) => void;
  judge: (target: string, pass: boolean) => string;
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : 'n/a');
const ms = (n: number) => f(n, 1);
const per1000 = (units: number, of: number) => (of ? (1000 * units) / of : Number.NaN);
const callsPerBatch = (t: Totals) =>
  Object.entries(t.calls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, n]) => `${c} ${f(n / Math.max(1, t.invocations), 1)}`)
    .join(', ') || '(none)';
const messagesOf = (x: IngestFigure) => x.measurement.records + x.state.records;
const samplesOf = (x: IngestFigure) => x.measurement.samples + x.state.samples;
const wruOf = (x: IngestFigure) => x.measurement.wru + x.state.wru;
const handlerMs = (x: IngestFigure) => sum(x.measurement.ms) + sum(x.state.ms);
/** Gateway batching of a scenario, with the mean samples per measurement message it produced. */
const batching = (x: IngestFigure) =>
  x.samplesPerMessage === 1
    ? 'none: 1'
    : `${x.samplesPerMessage} (or ${GATEWAY_MAX_AGE_S} s): ${f(x.measurement.samples / Math.max(1, x.measurement.records))}`;

export function renderTelemetry(t: TelemetryResults, { out, judge }: Sink) {
  const T = TELEMETRY_TARGET_NAMES;
  const rule = TELEMETRY_RULES.measurements;
  out('## 4. Telemetry: ingest throughput, write units, end-to-end latency, cost (issue 3)', '');
  out(
    `Measured by bench/telemetry.ts in ${f(t.seconds, 0)} s${t.scale < 1 ? ` (BENCH_TELEMETRY_SCALE=${t.scale}: a shrunk run, not the figures of record)` : ''}, ` +
      `load average (1/5/15 min) ${t.loadAverage.before.map((n) => n.toFixed(2)).join(' ')} before and ${t.loadAverage.after.map((n) => n.toFixed(2)).join(' ')} after this part. ` +
      'The real consumers, functions/iot/ingest-measurements.ts (Kinesis-shaped events) and functions/iot/ingest-state.ts (SQS-shaped events), are called in-process ' +
      'one batch at a time (one shard, parallelization factor 1, as the telemetry stack wires it) against the same DynamoDB Local; each call is metered with ' +
      "`withUsage` (shared/db/usage.ts: ReturnConsumedCapacity on the real code path, DynamoDB Local's accounting, which charges 1 WRU per started KB of the " +
      'larger of the old and new item, plus the index copy). The records are what the rules deliver: every message goes through `applyRules` ' +
      '(shared/telemetry/rules.ts), so state goes to the SQS consumer and counts and process values to the Kinesis consumer. Every scenario is its own tenant, ' +
      `with its units registered through the API under one work center (so the process-limit lookups read what they would in production), plant time starting three hours ago.`,
    '',
    'Workload (bench/telemetry-workload.ts, deterministic): every unit, every plant second, sends its cumulative good/reject counters (a part every 2-5 s while running, ' +
      '2 % rejects) and every 10th second its process values (temperature, pressure, spindle speed); it leaves `running` about every 6 min of running ' +
      "(idle, down or setup, with a reason code) and comes back after about 1.5 min: some 16 state messages per unit-hour. With gateway batching a gateway queues each unit's " +
      `counts and process samples per topic and sends them as one \`{ samples: [...] }\` when it holds N, or when the oldest has waited ${GATEWAY_MAX_AGE_S} s (so process ` +
      "values, every 10th second, go fewer to a message); a unit's first message is short by a random phase so that gateways do not all send at once; " +
      'state changes always go alone, at once. "Samples per message" shows N and the mean the run produced.',
    '',
  );

  // ---- 4.1 throughput ----
  out(`### 4.1 Ingest throughput, ${INGEST_UNITS} units`, '');
  out(
    'Batches of N consecutive messages (counts every second and process values every 10th per unit: 1.1 samples a second per unit), split by rule: the measurement records ' +
      "are one Kinesis event, the state records SQS events of at most 10 (no batching window). Messages per second = messages ÷ the handlers' time " +
      '(building the event is outside the clock; the event source does that). Plant time = the span of the measured messages.',
    '',
  );
  out(
    '| Gateway batching: samples per message | Batch (messages) | Batches measured (+ warm-up) | Stopped by | Messages (of them state) | Samples | Plant time s | Kinesis batch ms p50 / p99 | SQS batch ms p50 | Messages/s | Samples/s |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const x of t.ingest) {
    const k = summarize(x.measurement.ms);
    const q = summarize(x.state.ms);
    const seconds = handlerMs(x) / 1000;
    out(
      `| ${batching(x)} | ${x.batchSize} | ${x.batches} (+ ${x.warmupBatches}) | ${x.stoppedBy} | ${messagesOf(x)} (${x.state.records}) | ${samplesOf(x)} | ${f(x.plantSeconds)} ` +
        `| ${ms(k.p50)} / ${ms(k.p99)} | ${ms(q.p50)} | ${f(messagesOf(x) / seconds, 0)} | ${f(samplesOf(x) / seconds, 0)} |`,
    );
  }
  out('');

  // ---- 4.2 write units ----
  out(`### 4.2 DynamoDB request units, ${INGEST_UNITS} units`, '');
  out(
    `Target: at most ${TELEMETRY_TARGETS.wruPer1000} WRU per 1,000 messages (one item per message would be 1,000), all messages counted, state included; with gateway batching ` +
      "per 1,000 samples. State messages write their own item (with its change-feed index copy) and, as every sample does, merge into their unit's minute aggregate: " +
      'shown apart. Calls per Kinesis batch: mean DynamoDB calls of one ingest-measurements invocation.',
    '',
  );
  out(
    '| Gateway batching: samples per message | Batch | WRU per 1,000 messages | WRU per 1,000 samples | of which measurements (per 1,000 samples) | State messages | WRU per state message | RRU per 1,000 messages | Calls per Kinesis batch | Target |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const x of t.ingest) {
    const perMessages = per1000(wruOf(x), messagesOf(x));
    const perSamples = per1000(wruOf(x), samplesOf(x));
    const judged = x.samplesPerMessage === 1 ? perMessages : perSamples;
    out(
      `| ${batching(x)} | ${x.batchSize} | ${f(perMessages)} | ${f(perSamples)} | ${f(per1000(x.measurement.wru, x.measurement.samples))} | ${x.state.records} ` +
        `| ${f(x.state.records ? x.state.wru / x.state.records : Number.NaN, 2)} | ${f(per1000(x.measurement.rru + x.state.rru, messagesOf(x)))} | ${callsPerBatch(x.measurement)} ` +
        `| ${judge(T.wru, Number.isFinite(judged) && judged <= TELEMETRY_TARGETS.wruPer1000)} |`,
    );
  }
  out('');

  // ---- 4.3 plant ----
  out(`### 4.3 Plant of ${PLANT_UNITS} units, batched as on AWS: the basis of the cost table`, '');
  out(
    `One measurement sample per unit per second (counts, process values instead every 10th second) plus the state changes. Measurements are cut into Kinesis batches ` +
      `as the event source cuts them: up to ${rule.batchSize} records, or when the rule's ${rule.batchingWindowSeconds} s window (from the batch's first record) has passed; ` +
      'each state message is its own SQS batch (no window, and state changes are rare), in arrival order. ' +
      `Aggregate item size: approximate stored size (DynamoDB's size rules) of the ${TELEMETRY_GROUPS} group items per minute, of minutes complete at the end of the run.`,
    '',
  );
  out(
    '| Gateway batching: samples per message | Kinesis batches (+ warm-up) | Records per batch | Samples per batch | Plant time s | Batch ms p50 / p99 / mean | WRU per batch | WRU per 1,000 samples (all) | State messages | WRU per state message | State batch ms mean | RRU per 1,000 samples | Aggregate item B mean / max (items) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const p of t.plant) {
    const k = summarize(p.measurement.ms);
    const n = Math.max(1, p.measurement.invocations);
    out(
      `| ${batching(p)} | ${p.batches} (+ ${p.warmupBatches}) | ${f(p.measurement.records / n)} | ${f(p.measurement.samples / n)} | ${f(p.plantSeconds)} ` +
        `| ${ms(k.p50)} / ${ms(k.p99)} / ${ms(sum(p.measurement.ms) / n)} | ${f(p.measurement.wru / n)} | ${f(per1000(wruOf(p), samplesOf(p)))} | ${p.state.records} ` +
        `| ${f(p.state.records ? p.state.wru / p.state.records : Number.NaN, 2)} | ${ms(p.state.invocations ? sum(p.state.ms) / p.state.invocations : Number.NaN)} ` +
        `| ${f(per1000(p.measurement.rru + p.state.rru, samplesOf(p)))} | ${f(p.bucketItemBytes.mean, 0)} / ${f(p.bucketItemBytes.max, 0)} (${p.bucketItemBytes.items}${p.bucketItemBytes.completeMinutes ? '' : ', partial minutes only'}) |`,
    );
  }
  out('');

  // ---- 4.4 latency ----
  const l = t.latency;
  const ls = latencySummary(l);
  out('### 4.4 End-to-end latency: MQTT publish to GET /v1/equipment/{id}/status', '');
  out(
    `mqtt.js (QoS 1, Basic Ingest topic \`$aws/rules/${TELEMETRY_RULES.state.name}/dt/mes/...\`, client id = the unit's thing name \`{tenant}:{unit}\`, username = tenant, password = its credential) publishes a state change to the local broker ` +
      '(infra/local/mqtt-broker.ts); the rule pipeline (infra/local/telemetry-pipeline.ts) hands it to ingest-state as an SQS event; the clock starts before the publish and ' +
      'stops when a GET of the status (polled back to back, one at a time) shows that state since that timestamp, so the resolution is one status GET. ' +
      `Meanwhile the simulator (simulator/run.ts, live, plant time = wall clock) plays ${l.background.units} other units of the tenant over MQTT through Basic Ingest, ` +
      'one message a second each (counts or process values) plus its own state changes. ' +
      `Local batching windows used: state ${l.windowMs.state} ms (the rule's: none), measurements ${l.windowMs.measurements} ms (the rule's ${rule.batchingWindowSeconds} s, capped locally at 1 s). ` +
      "No target is set for this figure. On AWS, add IoT Core, the rule's SQS action and the event source's polling; the window stays 0 for state.",
    '',
  );
  out(
    '| State changes | Not seen within 5 s | p50 ms | p99 ms | max ms | Status GET p50 ms | Status GET DynamoDB usage | Simulator messages (failed) over s | Stopped by |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  out(
    `| ${l.changes} | ${l.timedOut} | ${ms(ls.p50)} | ${ms(ls.p99)} | ${ms(ls.max)} | ${ms(ls.getP50)} | ${l.statusUsage ? `${l.statusUsage.calls}; ${l.statusUsage.rru} RRU` : 'n/a'} ` +
      `| ${l.background.published} (${l.background.failed}) over ${f(l.background.seconds, 0)} | ${l.stoppedBy} |`,
    '',
  );

  // ---- 4.5 cost ----
  out(
    `### 4.5 Cost: a plant of ${PLANT_UNITS} units, one message a second per unit, for a month (${cost.MONTH_SECONDS.toLocaleString('en-US')} s)`,
    '',
  );
  out(
    'AWS us-east-1 on-demand list prices (bench/telemetry-cost.ts, named constants, as of 2026-11-25, from the AWS pricing pages as quoted in the issue; free tiers left out): ' +
      `IoT Core messaging $${cost.IOT_MESSAGING_USD_PER_MILLION}/M messages (5 KB units), Basic Ingest $${cost.IOT_BASIC_INGEST_USD_PER_MILLION}; ` +
      `rules $${cost.IOT_RULES_TRIGGERED_USD_PER_MILLION}/M triggered + $${cost.IOT_ACTIONS_USD_PER_MILLION}/M actions; SQS standard $${cost.SQS_STANDARD_USD_PER_MILLION_REQUESTS}/M requests (64 KB chunks); ` +
      `Kinesis provisioned $${cost.KINESIS_SHARD_HOUR_USD}/shard-hour + $${cost.KINESIS_PUT_PAYLOAD_UNIT_USD_PER_MILLION}/M PUT payload units (25 KB); ` +
      `Lambda arm64 $${cost.LAMBDA_ARM64_USD_PER_GB_SECOND}/GB-s + $${cost.LAMBDA_USD_PER_MILLION_REQUESTS}/M requests; DynamoDB on-demand $${cost.DYNAMODB_USD_PER_MILLION_WRU}/M WRU, ` +
      `$${cost.DYNAMODB_USD_PER_MILLION_RRU}/M RRU, $${cost.DYNAMODB_STORAGE_USD_PER_GB_MONTH}/GB-month.`,
    '',
    `Every line is computed from section 4.3 (the ${PLANT_UNITS}-unit plant, measured): counts over the measured plant time × ${cost.MONTH_SECONDS.toLocaleString('en-US')} s; ` +
      `message and record counts, record sizes, Lambda invocations (the rule's batch size and window, as cut above), Lambda duration = the measured handler time per batch at the ` +
      `consumers' ${t.lambdaMemoryMb} MB (MesFunction's default, read from infra/constructs/mes-function.ts), request units as DynamoDB Local reported them. ` +
      "The naive design: one IoT message (normal publish) and one DynamoDB item per sample, written by the rule's DynamoDB action; its write units and item size measured " +
      `by writing ${t.naive.items} of the plant's samples that way to the same DynamoDB Local.`,
    '',
  );
  const naive = cost.naiveCost(t.naive);
  const designs = t.plant.map((p) => ({ p, m: designMeasure(p), c: cost.designCost(designMeasure(p), t.lambdaMemoryMb) }));
  for (const d of [{ c: naive, extra: undefined }, ...designs.map(({ m, c }) => ({ c, extra: cost.normalPublishLine(m) }))]) {
    out(`#### ${d.c.label}`, '', '| Line | Formula | $ / month |', '|---|---|---|');
    for (const line of d.c.lines) out(`| ${line.line} | ${line.formula} | ${cost.formatUsd(line.usd)} |`);
    out(`| **Total** | | **${cost.formatUsd(d.c.total)}** |`);
    if (d.extra) out(`| *${d.extra.line}* | *${d.extra.formula}* | *${cost.formatUsd(d.extra.usd)}* |`);
    out('');
  }
  out(
    `Target: at most ${TELEMETRY_TARGETS.costRatio * 100} % of the naive design (${cost.formatUsd(naive.total)}), i.e. ${cost.formatUsd(TELEMETRY_TARGETS.costRatio * naive.total)} a month.`,
    '',
  );
  out('| Design | $ / month | Share of naive | Largest line | Target |', '|---|---|---|---|---|');
  out(`| ${naive.label} | ${cost.formatUsd(naive.total)} | 100 % | ${largest(naive)} | |`);
  for (const { c } of designs) {
    out(
      `| ${c.label} | ${cost.formatUsd(c.total)} | ${f((100 * c.total) / naive.total)} % | ${largest(c)} | ${judge(T.cost, c.total <= TELEMETRY_TARGETS.costRatio * naive.total)} |`,
    );
  }
  const lambdaShare = designs.map(({ c }) => c.lines.find((x) => x.line.startsWith('Lambda duration'))?.usd ?? 0);
  out(
    '',
    "Not in the tables: CloudWatch Logs and metrics, KMS requests of the stream's AWS managed key, data transfer, the rules' error actions, any consumer of the table's " +
      'DynamoDB stream (the outbox dispatcher would see every aggregate write unless it filters them out), and storage beyond the first month (the aggregate items ' +
      'have no TTL, so storage grows by about the line above every month). Lambda duration is measured on this machine with a whole core; at ' +
      `${t.lambdaMemoryMb} MB Lambda gives about ${f(t.lambdaMemoryMb / 1769, 2)} vCPU, so CPU-bound time may be up to ${f(1769 / t.lambdaMemoryMb, 1)}x longer: ` +
      `the duration lines would then be ${lambdaShare.map((u) => cost.formatUsd((u * 1769) / t.lambdaMemoryMb)).join(', ')} instead of ${lambdaShare.map((u) => cost.formatUsd(u)).join(', ')}. ` +
      'The process-limit lookup caches for 30 s of wall-clock time while plant time runs faster here, so its reads (the RRU line) are undercounted; reads are a small line either way.',
    '',
  );

  // ---- errors ----
  const invalid = [...t.ingest, ...t.plant].filter((x) => x.validated.valid !== x.validated.of);
  const failed = [...t.ingest, ...t.plant].reduce((n, x) => n + x.measurement.failed + x.state.failed, 0);
  const stored = t.errors.length === 0 && invalid.length === 0 && failed === 0 && l.timedOut === 0;
  out(
    `Every sample of the first measured batch of each scenario valid (shared/telemetry/validate.ts), no record reported failed by a consumer, nothing dead-lettered by the local pipeline, ` +
      `every state change seen: ${judge(T.telemetryStored, stored)}.`,
    ...t.errors.map((e) => `- ${e}`),
    ...invalid.map((x) => `- ${x.tenantId}: ${x.validated.valid} of ${x.validated.of} samples valid`),
    '',
  );
}

function largest(c: cost.DesignCost): string {
  const top = [...c.lines].sort((a, b) => b.usd - a.usd)[0];
  return top ? `${top.line} (${cost.formatUsd(top.usd)})` : '';
}

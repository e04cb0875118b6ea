/**
 * `npm run bench`: measures what the issue asks and writes bench/RESULTS.md.
 *   1. DynamoDB calls and request units of start, report, complete and get (x-mes-dynamodb header);
 *   2. their HTTP latency at 1 and 16 clients against the local runtime, beside the raw-SDK floor
 *      measured against the same DynamoDB Local in the same run;
 *   3. the house (bench/house.ts): CloudFormation resources per stack, today and with 100 more routes;
 *      each API function's cold start (import and first request) beside a hand-written DynamoDB
 *      request, the old one-route bundle and the ways to ship the SDK; and the functions a
 *      supervisor's first walk through the app touches;
 *   4. telemetry (bench/telemetry.ts): ingest throughput and write units of the IoT consumers,
 *      end-to-end latency over MQTT to the status endpoint, and the monthly cost of a plant;
 *   5. webhooks (bench/webhooks.ts): outbound messages per second through the dispatcher, commit
 *      to receipt latency over the whole local path, and signed inbound events accepted per second;
 *   6. the supervisor web app (bench/web.ts): initial JavaScript gzipped against its budget, and the
 *      plant overview's first render in headless Chromium on a throttled phone, beside a hello-world floor.
 *   8. genealogy (bench/genealogy.ts): a full backward and forward trace of a generated 5-level genealogy
 *      of more than 10,000 lots and serials, beside the floor of as many bare Queries (its own runtime).
 *   9. SPC (bench/spc.ts): the chart of the last 30 days over 100,000 values of one characteristic in
 *      subgroups of 5, beside the floor of the bare Query pages of the same items (its own runtime).
 *  10. audit chain (bench/audit.ts): a command's TransactWriteItems with and without the chain (WRU,
 *      p50), and reading and verifying 100,000 audit records (its own runtime).
 *  11. the whole deployment's cost per plant-month at 1, 10 and 100 plants and its idle floor
 *      (bench/saas-cost.ts), computed from sections 1, 2, 3 and 7 of the same run.
 *  12. people and machines (bench/labor.ts, bench/qualifications.ts): the DynamoDB cost of clock-on
 *      and clock-off, and the reads the qualification check adds to an operation start (own runtimes).
 * Every loop is bounded in count and time; all traffic stays on 127.0.0.1.
 * BENCH_SAMPLES, BENCH_COLD_RUNS (at least 7), BENCH_TELEMETRY_SCALE and BENCH_WEB_RUNS shrink a run while working on the bench itself.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleLog } from '../infra/local/http-server.ts';
import { startRuntime } from '../infra/local/runtime.ts';
import { type ApiFigure, measureApi, newApiFigures } from './api.ts';
import { issueTokens, releasedOrders, seedMasterData, TENANT } from './fixtures.ts';
import { createFloor, FLOOR_CALLS } from './floor.ts';
import { closeClient } from './http-client.ts';
import { describeMachine } from './machine.ts';
import { renderResults } from './report.ts';
import { Figure } from './stats.ts';
import { measureCold, type ColdResults } from './house.ts';
import { measureStacks } from './stacks.ts';
import { measureWalk, type WalkResults } from './walk.ts';
import { measureTelemetry, type TelemetryResults } from './telemetry.ts';
import { measureWebhooks, type WebhookResults } from './webhooks.ts';
import { measureWeb, prepareWeb, type WebResults } from './web.ts';
import { measurePlantLive, type PlantLiveResults } from './plant-live.ts';
import { type GenealogyResults, measureGenealogy } from './genealogy.ts';
import { measureSpc, type SpcResults } from './spc.ts';
import { type AuditResults, measureAudit } from './audit.ts';
import { measureLabor } from './labor.ts';
import type { PeopleResults } from './people-report.ts';
import { measureQualifications } from './qualifications.ts';

// The bench measures the MES at load, not the fair-use limiter's refusals: every plant gets room
// (the limiter still leases; docs/fair-use.md prices that). Set before any runtime starts.
process.env.MES_RATE_LIMIT_DEFAULT ??= '100000/1000000';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const COLD_RUNS = Math.max(7, Number(process.env.BENCH_COLD_RUNS ?? 9));
const MAX_MS_COLD = 180_000;
const WARMUP = 20;
const MAX_MS_PER_FIGURE = 12_000;
const CONCURRENCY = [1, 16];
/** Each latency figure is gathered in this many slices, floor and API taking turns. */
const ROUNDS = 3;

// Read by functions/lib/http.ts when the runtime first imports a handler, i.e. after this line.
process.env.MES_EXPOSE_DDB_USAGE = '1';

const started = Date.now();
const step = (message: string) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);
const machine = describeMachine();
const loadBefore = os.loadavg();

step('synthesizing the CDK app to count CloudFormation resources, today and with 100 more routes');
const stacks = measureStacks();

step('building the web app (web/build.ts) for the runtime to serve');
const web = await prepareWeb();

step('starting the local runtime (DynamoDB Local in memory, MQTT broker and telemetry rules, the built web app)');
const quietLog = { info: () => {}, error: consoleLog.error };
// The live view's refresh job (every 30 s locally) would recompute OEE today for every unit the
// telemetry section played, on the same two cores as the browser of section 5: on AWS it runs in
// its own Lambda every 5 minutes. Section 7 measures it on a runtime of its own.
const runtime = await startRuntime({
  port: 0,
  mqttPort: 0,
  inMemory: true,
  seed: false,
  log: quietLog,
  web: { dir: web.dir },
  liveViewRefreshSeconds: 3600,
});
const apiFigures = CONCURRENCY.map(newApiFigures);
const floorFigures = CONCURRENCY.map(() => FLOOR_CALLS.map(() => new Figure()));
let itemsPerTransaction = 0;
let orders = 0;
let telemetry: TelemetryResults | undefined;
let webhooks: WebhookResults | undefined;
let webResults: WebResults | undefined;
let cold: ColdResults | undefined;
let walk: WalkResults | undefined;
let walkError: string | undefined;
let plantLive: PlantLiveResults | undefined;
let plantLiveError: string | undefined;
let genealogy: GenealogyResults | undefined;
let genealogyError: string | undefined;
let spc: SpcResults | undefined;
let spcError: string | undefined;
let audit: AuditResults | undefined;
let auditError: string | undefined;
const people: PeopleResults = {};
try {
  const tokens = await issueTokens(runtime);
  await seedMasterData(runtime.baseUrl, tokens);
  step(`releasing ${WARMUP + SAMPLES * CONCURRENCY.length} orders`);
  const warm = await releasedOrders(runtime.baseUrl, tokens, WARMUP, 'WO-WARM');
  step(`cold starts: each API function, the floor, the old one-route bundle and the SDK variants (${COLD_RUNS} runs each)`);
  cold = await measureCold(runtime, tokens, warm[0] as string, { runs: COLD_RUNS, maxMs: MAX_MS_COLD });
  const batches: string[][] = [];
  for (const c of CONCURRENCY) batches.push(await releasedOrders(runtime.baseUrl, tokens, SAMPLES, `WO-C${c}`));
  orders = WARMUP + batches.flat().length;

  step('warming up');
  await measureApi(runtime.baseUrl, tokens, warm, { concurrency: 1, maxMs: MAX_MS_PER_FIGURE }, newApiFigures(1));
  const floor = await createFloor(runtime.dynamoDbEndpoint, runtime.tableName, TENANT, warm);
  itemsPerTransaction = floor.itemsPerTransaction;
  for (const call of FLOOR_CALLS) await floor.measure(call, { concurrency: 1, samples: WARMUP, maxMs: MAX_MS_PER_FIGURE });

  // Rounds alternate floor and API, so both see the same background load on a shared machine.
  const perRound = Math.ceil(SAMPLES / ROUNDS);
  const maxMs = MAX_MS_PER_FIGURE / ROUNDS;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, concurrency] of CONCURRENCY.entries()) {
      step(`round ${round + 1}/${ROUNDS}, ${concurrency} concurrent: floor, then API`);
      for (const [j, call] of FLOOR_CALLS.entries()) {
        floorFigures[i]?.[j]?.add(await floor.measure(call, { concurrency, samples: perRound, maxMs }));
      }
      const slice = (batches[i] as string[]).slice(round * perRound, (round + 1) * perRound);
      await measureApi(runtime.baseUrl, tokens, slice, { concurrency, maxMs }, apiFigures[i] as ApiFigure[]);
    }
  }
  floor.destroy();

  telemetry = await measureTelemetry(runtime, { root: ROOT, step });
  webhooks = await measureWebhooks(runtime, { step });
  // Last: the browser gets the machine to itself once the load above has stopped.
  webResults = await measureWeb(runtime, web, { step, log: quietLog });
  step("a supervisor's first walk through the app: which functions it touches");
  walk = await measureWalk(runtime).catch((error: Error) => {
    walkError = error.message.split('\n')[0];
    return undefined;
  });
  step('7. a 200-unit plant through gateways, live (issue 13)');
  plantLive = await measurePlantLive(web.dir, { step, log: quietLog }).catch((error: Error) => {
    plantLiveError = error.message.split('\n')[0];
    console.error(error);
    return undefined;
  });
  step('8. genealogy: a full trace both ways of a 5-level genealogy (issue 14)');
  genealogy = await measureGenealogy({ step, log: quietLog }).catch((error: Error) => {
    genealogyError = error.message.split('\n')[0];
    console.error(error);
    return undefined;
  });
  step('9. SPC: the chart of the last 30 days over 100,000 values (issue 15)');
  spc = await measureSpc({ step, log: quietLog }).catch((error: Error) => {
    spcError = error.message.split('\n')[0];
    console.error(error);
    return undefined;
  });
  step('10. audit chain: its cost per command and verifying 100,000 records (issue 16)');
  audit = await measureAudit({ step, log: quietLog }).catch((error: Error) => {
    auditError = error.message.split('\n')[0];
    console.error(error);
    return undefined;
  });
  step('12. people and machines: clock-on/off and the qualification check on start (issue 18)');
  people.labor = await measureLabor({ step, log: quietLog }).catch((error: Error) => {
    people.laborError = error.message.split('\n')[0];
    console.error(error);
    return undefined;
  });
  people.qualifications = await measureQualifications({ step, log: quietLog }).catch((error: Error) => {
    people.qualificationsError = error.message.split('\n')[0];
    console.error(error);
    return undefined;
  });
} finally {
  closeClient();
  await runtime.stop();
  await web.cleanup();
}

const markdown = renderResults({
  machine,
  loadAverage: { before: loadBefore, after: os.loadavg() },
  seconds: (Date.now() - started) / 1000,
  settings: {
    samples: SAMPLES,
    rounds: ROUNDS,
    maxSecondsPerFigure: MAX_MS_PER_FIGURE / 1000,
    coldRuns: cold?.runs ?? 0,
    itemsPerTransaction,
    orders,
  },
  sdkCommands: sdkCommandsIn(['shared', 'functions']),
  api: apiFigures.flat().map(({ figure, ...rest }) => ({ ...rest, latency: figure.latency() })),
  floor: CONCURRENCY.flatMap((concurrency, i) =>
    FLOOR_CALLS.map((call, j) => ({ call, concurrency, latency: (floorFigures[i]![j] as Figure).latency() })),
  ),
  stacks,
  cold: cold as ColdResults,
  walk,
  walkError,
  telemetry: telemetry as TelemetryResults,
  webhooks: webhooks as WebhookResults,
  web: webResults as WebResults,
  plantLive,
  plantLiveError,
  genealogy,
  genealogyError,
  spc,
  spcError,
  audit,
  auditError,
  people,
});
writeFileSync(join(ROOT, 'bench/RESULTS.md'), markdown);
step('wrote bench/RESULTS.md');

/** Every `new XxxCommand(` in the app's code: the static half of "no Scan anywhere". */
function sdkCommandsIn(dirs: string[]): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) for (const m of readFileSync(path, 'utf8').matchAll(/new (\w+Command)\(/g)) found.add(m[1] as string);
    }
  };
  for (const dir of dirs) walk(join(ROOT, dir));
  return [...found].sort();
}

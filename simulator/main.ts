/**
 * `npm run simulate -- [options]`: telemetry for the demo plant over real MQTT (see run.ts).
 *
 *   live (default)   the units of --tenant (read from the MES at --api, or the demo list) publish
 *                    state changes, counts and process values until Ctrl-C or --duration; each
 *                    unit connects with the credentials the MES at --api issues to an admin
 *   --replay FILE    publishes a recorded shift (JSONL of {topic, payload}), --speed times faster
 *   --record FILE    writes a shift from the generator, deterministically (--seed), without MQTT,
 *                    and FILE's totals beside it (.expected.json), no broker needed
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type ExpectedTotals, readRecording, recordShift, toJsonl } from './recording.ts';
import type { Device } from '../shared/telemetry/device-identity.ts';
import { credentialsFrom } from './device-credentials.ts';
import { assignGateways, chooseUnits, DEMO_WORK_UNITS, fetchWorkUnitGateways } from './plant.ts';
import type { CredentialSource } from './publisher.ts';
import { replay, runLive, type SimLog } from './run.ts';

const USAGE = `usage: npm run simulate -- [--url mqtt://127.0.0.1:1883] [--api http://127.0.0.1:3000] [--tenant demo]
         [--units N|id,id] [--rate MSG_PER_S_PER_UNIT (1)] [--batch N (1)] [--duration 8h] [--speed X|max]
         [--seed N] [--start=ISO|now|-8h] [--basic-ingest]
         [--gateways] [--units-per-gateway N] [--flush 2s] [--link-drops 2h]
                           publish through gateways: each unit through the gateway its master data
                           names (gatewayId); with --units-per-gateway, the others N a gateway
                           (gw-sim-NN); batches of --batch (default 100) or --flush; --link-drops:
                           a gateway loses a unit's PLC link about that often (presence samples)
         [--replay FILE]   publish a recorded shift (default --speed 60)
         [--record FILE]   write a shift (default --duration 8h, --seed 42, --start ${'2025-01-06T06:00:00Z'}) and FILE's .expected.json`;
/** A Monday morning shift: a fixed default keeps `--record` reproducible. */
const DEFAULT_RECORD_START = '2025-01-06T06:00:00Z';

const log: SimLog = { info: (m) => console.log(m), error: (m, e) => console.error(m, e ?? '') };

function fail(message: string): never {
  console.error(`\nsimulate: ${message}\n${USAGE}\n`);
  process.exit(1);
}

/** "8h", "30m", "90s", "250ms", "1.5d"; a bare number is seconds. */
function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: "${text}" (e.g. 90s, 30m, 8h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms'];
  return Math.round(Number(m[1]) * unit);
}

/** ISO, `now`, or `-8h` (that long ago). */
function parseStart(text: string, now = Date.now()): number {
  if (text === 'now') return now;
  if (text.startsWith('-')) return now - parseDuration(text.slice(1));
  const ts = Date.parse(text);
  if (Number.isNaN(ts)) throw new Error(`not a start time: "${text}" (ISO 8601, now, or -8h)`);
  return ts;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (text === 'max') return Number.POSITIVE_INFINITY;
  const n = Number(text);
  if (!(n > 0)) fail(`--${name} must be a positive number, not "${text}"`);
  return n;
}

async function main(argv: string[]) {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
        api: { type: 'string', default: 'http://127.0.0.1:3000' },
        tenant: { type: 'string' },
        units: { type: 'string' },
        rate: { type: 'string' },
        batch: { type: 'string' },
        duration: { type: 'string' },
        speed: { type: 'string' },
        seed: { type: 'string' },
        start: { type: 'string' },
        replay: { type: 'string' },
        record: { type: 'string' },
        'basic-ingest': { type: 'boolean', default: false },
        gateways: { type: 'boolean', default: false },
        'units-per-gateway': { type: 'string' },
        flush: { type: 'string' },
        'link-drops': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) return console.log(USAGE);
  const str = (name: string) => values[name] as string | undefined;
  const tenantId = str('tenant') ?? 'demo';
  try {
    const unitsPerGateway =
      str('units-per-gateway') === undefined ? undefined : Math.floor(positive('units-per-gateway', str('units-per-gateway'), 10));
    const viaGateways = values.gateways === true || unitsPerGateway !== undefined;
    const batch = Math.floor(positive('batch', str('batch'), viaGateways ? 100 : 1));
    const rate = positive('rate', str('rate'), 1);
    const seed = str('seed') === undefined ? undefined : Number(str('seed'));
    if (seed !== undefined && !Number.isInteger(seed)) fail('--seed must be an integer');
    const credentials = credentialsFrom(str('api') as string);
    const publish = {
      mqttUrl: str('url') as string,
      credentials,
      batch,
      basicIngest: values['basic-ingest'] === true,
      flushAfterMs: str('flush') ? parseDuration(str('flush') as string) : undefined,
      log,
    };
    if (str('record'))
      return record(str('record') as string, {
        tenantId,
        units: str('units'),
        rate,
        seed,
        speed: positive('speed', str('speed'), 1),
        duration: str('duration'),
        start: str('start'),
      });

    const listed = await fetchWorkUnitGateways(str('api') as string, tenantId);
    const gatewayOf = (units: readonly string[]) => {
      if (!viaGateways) return undefined;
      const named = new Map((listed ?? []).flatMap((u) => (u.gatewayId ? [[u.id, u.gatewayId] as const] : [])));
      const assigned = assignGateways(units, named, unitsPerGateway);
      const unregistered = [...assigned].filter(([u, g]) => named.get(u) !== g).map(([u]) => u);
      if (unregistered.length)
        log.info(
          `simulator: ${unregistered.length} unit(s) go through gateways their master data do not name (e.g. ${unregistered[0]} -> ${assigned.get(unregistered[0] as string)}): the MES refuses their samples until PUT /v1/equipment/{id} names the gateway`,
        );
      return (unit: string) => assigned.get(unit);
    };

    if (str('replay')) {
      const messages = readRecording(str('replay') as string);
      const speed = positive('speed', str('speed'), 60);
      const [, , recordedTenant = '', unit = ''] = messages[0]?.topic.split('/') ?? [];
      await checkCredentials(credentials, str('api') as string, { tenantId: str('tenant') ?? recordedTenant, equipmentId: unit });
      log.info(`replay: ${messages.length} messages from ${str('replay')} -> ${publish.mqttUrl} at x${speed}`);
      const stats = await replay({
        ...publish,
        gatewayOf: gatewayOf([...new Set(messages.map((m) => m.topic.split('/')[3] ?? ''))]),
        messages,
        speed,
        tenantId: str('tenant'),
        startTs: str('start') ? parseStart(str('start') as string) : undefined,
      });
      return log.info(`replay: done, ${stats.messages} MQTT messages, ${stats.samples} samples, ${stats.failed} failed`);
    }

    const known =
      listed?.map((u) => u.id) ?? (log.info(`simulator: the MES at ${str('api')} did not list units; using the demo plant's`), DEMO_WORK_UNITS);
    const units = chooseUnits(known.length ? known : DEMO_WORK_UNITS, str('units'));
    await checkCredentials(credentials, str('api') as string, { tenantId, equipmentId: units[0] ?? '' });
    const sim = runLive({
      ...publish,
      gatewayOf: gatewayOf(units),
      linkDropEveryMs: str('link-drops') ? parseDuration(str('link-drops') as string) : undefined,
      tenantId,
      units,
      rate,
      speed: positive('speed', str('speed'), 1),
      durationMs: str('duration') ? parseDuration(str('duration') as string) : undefined,
      startTs: str('start') ? parseStart(str('start') as string) : undefined,
      seed,
    });
    const stop = () => void sim.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const stats = await sim.done;
    log.info(`simulator: stopped, ${stats.messages} MQTT messages, ${stats.samples} samples, ${stats.failed} failed`);
  } catch (error) {
    fail((error as Error).message);
  }
}

/** The units' credentials come from the MES: say at once when it cannot give them, not once per unit. */
async function checkCredentials(credentials: CredentialSource, apiUrl: string, device: Device) {
  try {
    await credentials(device);
  } catch (error) {
    fail(`cannot get the units' MQTT credentials from the MES at ${apiUrl} (is it running? npm start): ${(error as Error).message}`);
  }
}

function record(
  file: string,
  o: {
    tenantId: string;
    units: string | undefined;
    rate: number;
    seed: number | undefined;
    speed: number;
    duration: string | undefined;
    start: string | undefined;
  },
) {
  const options = {
    tenantId: o.tenantId,
    units: chooseUnits(DEMO_WORK_UNITS, o.units),
    seed: o.seed ?? 42,
    startTs: parseStart(o.start ?? DEFAULT_RECORD_START),
    durationMs: parseDuration(o.duration ?? '8h'),
    sampleEveryMs: Math.round((o.speed * 1000) / o.rate),
  };
  const { messages, truth } = recordShift(options);
  writeFileSync(file, toJsonl(messages));
  const expectedFile = file.replace(/(\.jsonl)?$/, '.expected.json');
  const expected: ExpectedTotals = {
    generatedBy: {
      ...options,
      command: `npm run simulate -- --record ${file} --tenant ${o.tenantId} --units ${options.units.join(',')} --seed ${options.seed} --start ${new Date(options.startTs).toISOString()} --duration ${options.durationMs / 1000}s --rate ${o.rate}${o.speed === 1 ? '' : ` --speed ${o.speed}`}`,
    },
    shift: {
      start: new Date(options.startTs).toISOString(),
      end: new Date(options.startTs + options.durationMs).toISOString(),
      durationMs: options.durationMs,
    },
    units: truth,
    notes: [
      'good and reject are the parts made in the shift (ground truth of the generator); stateMs the time in each state.',
      'Counters are UINT32: a drop from within 10,000 of 2^32 is a rollover, any other drop a reset (the PLC starts again at 0).',
      'Every state message comes with a counts message at the same ts, and the last message of each unit is at the shift end.',
    ],
  };
  writeFileSync(expectedFile, `${JSON.stringify(expected, null, 2)}\n`);
  log.info(`record: ${messages.length} messages to ${file}, totals to ${expectedFile}`);
}

await main(process.argv.slice(2));

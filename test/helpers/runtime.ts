/**
 * The in-process local runtime for HTTP-level tests: a free port, the DynamoDB Local and table
 * that `npm test` started (DYNAMODB_ENDPOINT, TABLE_NAME), no demo seed. Run alone with
 * `node --import tsx --test <file>`, it starts a DynamoDB Local of its own.
 * Set MES_TEST_LOG=1 to see the request log. MQTT is off unless asked:
 * `startTestRuntime({ mqttPort: 0, telemetryWindowMs: 0 })` starts the broker on a free port.
 * The outbox runs (stream poller and delivery queue, `runtime.outbox`); on the shared DynamoDB
 * Local its poller starts at the latest record and it does not queue the pending deliveries
 * it finds, which belong to other tests: pass `outboxStartingPosition` or
 * `recoverWebhookDeliveries` to change that, and `clock: new VirtualClock()` to drive time.
 * The web app is off unless asked: `startTestRuntime({ web: { dir } })` serves a dir built with
 * `buildWeb({ outDir: dir })` (web/build.ts) at `/`, with the local /config.json.
 */
import { randomUUID } from 'node:crypto';
import { ENV } from '../../shared/config.ts';
import type { Role } from '../../shared/domain/roles.ts';
import type { DeviceCredentials } from '../../shared/telemetry/device-identity.ts';
import { consoleLog, silentLog } from '../../infra/local/http-server.ts';
import { type Runtime, type RuntimeOptions, startRuntime } from '../../infra/local/runtime.ts';

export interface TestRuntime {
  baseUrl: string;
  runtime: Runtime;
  /** mqtt://127.0.0.1:port when started with `mqttPort`. */
  mqttUrl?: string | undefined;
  /** A signed ID token from the local identity provider. */
  token(tenantId: string, userId: string, roles: readonly Role[], name?: string): Promise<string>;
  /** A unit's MQTT credentials: client id `{tenantId}:{equipmentId}`, username, password. */
  deviceCredentials(tenantId: string, equipmentId: string): DeviceCredentials;
  stop(): Promise<void>;
}

/** A tenant of its own for each test: every key starts with the tenant id. */
export const newTenantId = () => `t-${randomUUID().slice(0, 8)}`;

export async function startTestRuntime(overrides: Partial<RuntimeOptions> = {}): Promise<TestRuntime> {
  const endpoint = process.env[ENV.dynamoDbEndpoint];
  const tableName = process.env[ENV.tableName];
  const runtime = await startRuntime({
    port: 0,
    inMemory: true,
    seed: false,
    // The tests run the live view's refresh job themselves, when they mean to.
    liveViewRefreshSeconds: 0,
    log: process.env.MES_TEST_LOG ? consoleLog : silentLog,
    // The hourly rollup would roll up every tenant of the shared table; its tests call it directly.
    schedules: false,
    // Tests measure the MES, not the fair-use limiter: every plant gets room; rate-limit.test.ts
    // sets a plant's own limits low, which win over this default (docs/fair-use.md).
    rateLimitDefault: '10000/100000',
    ...(endpoint ? { dynamoDbEndpoint: endpoint, outboxStartingPosition: 'LATEST', recoverWebhookDeliveries: false } : {}),
    ...(tableName ? { tableName } : {}),
    ...overrides,
  });
  return {
    baseUrl: runtime.baseUrl,
    runtime,
    mqttUrl: runtime.mqtt?.url,
    token: (tenantId, userId, roles, name) => runtime.issueToken({ tenantId, userId, roles, name }),
    deviceCredentials: (tenantId, equipmentId) => runtime.deviceCredentials({ tenantId, equipmentId }),
    stop: () => runtime.stop(),
  };
}

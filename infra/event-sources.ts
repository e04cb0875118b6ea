/**
 * Every function that is not behind the HTTP API, declared once: what feeds it, its handler
 * module, how records are batched, retried and dead-lettered, its timeout, memory and table
 * access. What shared/api/routes.ts is for HTTP, this is for the rest: the CDK stacks
 * (telemetry, integration) build their functions and event source mappings from it
 * (infra/constructs/event-source.ts), and the local runtime builds its engine from it
 * (infra/local/lambda-engine.ts and its feeders), so local is AWS by construction.
 *
 * Plain data, no aws-cdk-lib: the local runtime reads it without loading CDK. It lives in
 * infra/ because it is wiring: no function reads it (they only receive its events).
 */
import type { TableAccess } from './constructs/mes-function.ts';
import { TELEMETRY_RULES } from '../shared/telemetry/rules.ts';

/** Lambda's event filter pattern (EventBridge syntax), as the event source mapping stores it. */
export type FilterPattern = { readonly [field: string]: readonly FilterValue[] | FilterPattern };
/** A value matched exactly, or a string's start or end (Lambda's "Begins with" and "Ends with"). */
export type FilterValue = string | number | boolean | { readonly prefix: string } | { readonly suffix: string };

/** The queues and streams sources name; each stack owns the ones of its functions. */
export type QueueName =
  | 'telemetryState'
  | 'telemetryStateDeadLetters'
  | 'telemetryDeadLetters'
  | 'webhookDeliveries'
  | 'webhookDeliveryDeadLetters'
  | 'dispatchDeadLetters'
  | 'publishLiveDeadLetters';
export type StreamName = 'telemetryMeasurements';

/** An SQS queue and Lambda's poller on it: failed messages come back after the visibility timeout, then go to the queue's dead letters. */
export interface SqsSource {
  readonly kind: 'sqs';
  readonly queue: QueueName;
  /** The IoT rules (shared/telemetry/rules.ts) whose actions send to this queue, if any. */
  readonly fedBy?: { readonly iotRules: readonly (keyof typeof TELEMETRY_RULES)[] };
  readonly batchSize: number;
  /** 0 = none; then Lambda takes at most 10 messages a batch. */
  readonly batchingWindowSeconds: number;
  /** Receives before SQS moves a message to `deadLetters` (the queue's redrive policy). */
  readonly maxReceiveCount: number;
  readonly deadLetters: QueueName;
  /** Batches in flight at once; undefined = Lambda's scaling. */
  readonly maxConcurrency?: number;
}

/** A Kinesis stream or the table's DynamoDB stream: in order per shard, retried from the first failure, then the on-failure destination. */
export interface StreamSource {
  readonly kind: 'kinesis' | 'table-stream';
  /** The Kinesis stream (table streams are the data table's). */
  readonly stream?: StreamName;
  readonly fedBy?: { readonly iotRules: readonly (keyof typeof TELEMETRY_RULES)[] };
  /** Records the function is not invoked for at all (Lambda event filtering). */
  readonly filter?: FilterPattern;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  /** Retries after the first attempt; then the batch's failure record goes to `onFailure`. */
  readonly retryAttempts: number;
  readonly maxRecordAgeSeconds: number;
  /** A batch that throws is split in two until the bad record is alone. */
  readonly bisectBatchOnError: boolean;
  /** Queue of failure records (shard and sequence range), alarmed. */
  readonly onFailure: QueueName;
  /** One batch per shard at a time keeps each key in order. */
  readonly parallelizationFactor: number;
}

export type EventSource = SqsSource | StreamSource;

/** What a function may reach besides its table: the integration stack's delivery queue and secrets key. */
export type EventFunctionUse = 'webhookQueue' | 'secretsDecrypt' | 'iotPublishLive';

export interface EventFunction {
  /** Entry file relative to the repository root. */
  readonly handler: string;
  readonly description: string;
  /** The stack that owns the function and its source. */
  readonly stack: 'telemetry' | 'integration' | 'live';
  /** Powertools service name, one per bounded context. */
  readonly serviceName: string;
  readonly timeoutSeconds: number;
  /** Default 512 (MesFunction's). */
  readonly memoryMb?: number;
  readonly tableAccess: TableAccess;
  readonly uses?: readonly EventFunctionUse[];
  readonly source: EventSource;
  /** Every source here reports partial batch failures (`batchItemFailures`). */
  readonly reportBatchItemFailures: true;
}

/** Lambda's advice for SQS sources: a visibility timeout of at least six times the function's timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;
/** An SQS event source without a batching window takes at most 10 messages per batch (Lambda rejects more). */
export const SQS_MAX_BATCH_WITHOUT_WINDOW = 10;
const HOUR = 3600;

export const EVENT_FUNCTIONS = {
  ingestState: {
    handler: 'functions/iot/ingest-state.ts',
    description: `IoT rules ${TELEMETRY_RULES.state.name} and ${TELEMETRY_RULES.lifecycle.name} via SQS`,
    stack: 'telemetry',
    serviceName: 'mes-telemetry',
    // A batch is one read-merge-write round per touched item: a few seconds at most.
    timeoutSeconds: 30,
    tableAccess: 'telemetry',
    source: {
      kind: 'sqs',
      queue: 'telemetryState',
      // State changes and presence (declared, and IoT Core's lifecycle events): rare, and wanted at once.
      fedBy: { iotRules: ['state', 'lifecycle'] },
      batchSize: TELEMETRY_RULES.state.batchSize,
      batchingWindowSeconds: TELEMETRY_RULES.state.batchingWindowSeconds,
      // A failed record is retried alone; five receives rule out a transient DynamoDB throttle before it is parked.
      maxReceiveCount: 5,
      // Its own dead letters: they hold only state envelopes, so after a fix they can be redriven whole.
      deadLetters: 'telemetryStateDeadLetters',
    },
    reportBatchItemFailures: true,
  },
  ingestMeasurements: {
    handler: 'functions/iot/ingest-measurements.ts',
    description: `IoT rule ${TELEMETRY_RULES.measurements.name} via Kinesis`,
    stack: 'telemetry',
    serviceName: 'mes-telemetry',
    timeoutSeconds: 60,
    tableAccess: 'telemetry',
    source: {
      kind: 'kinesis',
      stream: 'telemetryMeasurements',
      fedBy: { iotRules: ['measurements'] },
      // Nothing published is skipped, even after the mapping was disabled for a while.
      startingPosition: 'TRIM_HORIZON',
      batchSize: TELEMETRY_RULES.measurements.batchSize,
      batchingWindowSeconds: TELEMETRY_RULES.measurements.batchingWindowSeconds,
      // Bounded, so that a batch that keeps failing holds its lane minutes, not hours: the handler
      // reports the records it could not store (retried from the first of them); a batch that
      // throws is bisected each retry. Then the failure record (shard and sequence range) goes to
      // the dead letters, alarmed, and the range can be re-read from the stream for 24 h.
      retryAttempts: 5,
      // An hour at most behind: past that a record goes to the dead letters rather than hold its lane.
      maxRecordAgeSeconds: HOUR,
      bisectBatchOnError: true,
      onFailure: 'telemetryDeadLetters',
      // The tenant is the partition key (shared/telemetry/rules.ts): a tenant's records stay in
      // order in one of ten concurrent batches per shard, so another tenant's failing batch holds
      // at most the tenants hashed to its lane, and only until the retries above run out. Not a
      // key per unit: a group's minute item holds several units, and concurrent batches of one
      // tenant would rewrite the same items several times a minute (WRU per 1,000 samples) and
      // conflict on their version conditions.
      parallelizationFactor: 10,
    },
    reportBatchItemFailures: true,
  },
  dispatchOutbox: {
    handler: 'functions/streams/dispatch-outbox.ts',
    description: 'Table stream (outbox events) to webhook messages',
    stack: 'integration',
    serviceName: 'mes-integration',
    // A batch of up to 100 outbox events: a Query of endpoints per tenant, a write and a send per message.
    timeoutSeconds: 60,
    tableAccess: 'write',
    uses: ['webhookQueue'],
    source: {
      kind: 'table-stream',
      // New outbox items only; every other write to the table is not the dispatcher's business.
      filter: { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['OutboxEvent'] } } } },
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      batchingWindowSeconds: 0,
      // Then the dead letters name the shard and range; the EVT# items stay in the table to dispatch again.
      retryAttempts: 10,
      maxRecordAgeSeconds: 20 * HOUR,
      bisectBatchOnError: true,
      onFailure: 'dispatchDeadLetters',
      // An order's events are items of one partition: dispatched one after the other, in order.
      parallelizationFactor: 1,
    },
    reportBatchItemFailures: true,
  },
  publishLive: {
    handler: 'functions/streams/publish-live.ts',
    description: 'Table stream (live view entries) to the live feed over MQTT',
    stack: 'live',
    serviceName: 'mes-telemetry',
    // A batch of up to 100 entries: one HTTPS publish per plant (per 100 units), in parallel.
    timeoutSeconds: 30,
    memoryMb: 256,
    // It reads nothing (the stream hands it the entries whole); reading is the least a MesFunction is bound with.
    tableAccess: 'read',
    uses: ['iotPublishLive'],
    source: {
      kind: 'table-stream',
      // A unit's entry of a plant's live view (pk `{tenant}#LIVE`, sk `UNIT#{unit}`) written or changed; nothing else.
      filter: {
        eventName: ['INSERT', 'MODIFY'],
        dynamodb: { NewImage: { pk: { S: [{ suffix: '#LIVE' }] }, sk: { S: [{ prefix: 'UNIT#' }] } } },
      },
      // A browser wants the state now: what was written while the mapping was off is stale (the overview reloads anyway).
      startingPosition: 'LATEST',
      batchSize: 100,
      // A second's changes of a plant go out as one message (IoT Core charges per message and subscriber).
      batchingWindowSeconds: 1,
      // A live message is worth little a minute later: a few retries, then the failure record.
      retryAttempts: 3,
      maxRecordAgeSeconds: 60,
      bisectBatchOnError: false,
      onFailure: 'publishLiveDeadLetters',
      // A unit's entries in order (newest `at` wins in the browser anyway); plants in parallel.
      parallelizationFactor: 1,
    },
    reportBatchItemFailures: true,
  },
  deliverWebhook: {
    handler: 'functions/jobs/deliver-webhook.ts',
    description: 'Webhook delivery attempts from the delivery queue',
    stack: 'integration',
    serviceName: 'mes-integration',
    // 15 s per HTTP attempt (MES_WEBHOOK_TIMEOUT_MS's default), a batch's attempts in parallel, plus the table writes.
    timeoutSeconds: 60,
    tableAccess: 'write',
    // It signs with the endpoint's secret: it opens them and never seals any; it queues the next attempt.
    uses: ['webhookQueue', 'secretsDecrypt'],
    source: {
      kind: 'sqs',
      queue: 'webhookDeliveries',
      batchSize: 10,
      batchingWindowSeconds: 0,
      // A job fails only when the deliverer could not record its attempt (a failed HTTP attempt is
      // not a failure: the deliverer queues the next one). Five receives rule out a throttle.
      maxReceiveCount: 5,
      deadLetters: 'webhookDeliveryDeadLetters',
      // A slow subscriber must not take the account's concurrency.
      maxConcurrency: 5,
    },
    reportBatchItemFailures: true,
  },
} as const satisfies Record<string, EventFunction>;

export type EventFunctionId = keyof typeof EVENT_FUNCTIONS;

/**
 * A function a schedule runs: on AWS an EventBridge rule (rate) targeting it, built by the
 * owning stack (infra/stacks/telemetry-stack.ts; a stack setting may change the rate); locally
 * a timer of the runtime (infra/local/runtime.ts), every `localEverySeconds` (default the same
 * rate). Nothing feeds it records: it reads what it needs.
 */
export interface ScheduledFunction {
  readonly handler: string;
  readonly description: string;
  readonly stack: 'telemetry';
  readonly serviceName: string;
  readonly timeoutSeconds: number;
  readonly memoryMb?: number;
  readonly tableAccess: TableAccess;
  /** Minutes between runs on AWS. */
  readonly everyMinutes: number;
  /** Seconds between runs locally, where a plant on a laptop should feel live; default everyMinutes. */
  readonly localEverySeconds?: number;
}

export const SCHEDULED_FUNCTIONS = {
  rollupTelemetry: {
    handler: 'functions/jobs/rollup-telemetry.ts',
    description: 'Rolls closed days of minute telemetry up into day items',
    stack: 'telemetry',
    serviceName: 'mes-telemetry',
    // A day of a tenant: 8 Queries of a group's 1,440 minute items and 8 writes; at most 7 days a tenant a run.
    timeoutSeconds: 900,
    memoryMb: 1024,
    // Queries and single puts: no batch writes (least privilege, test/infra/function-table-access-least-privilege.test.ts).
    tableAccess: 'write',
    // Hourly: a day becomes final (its end + the 24 h late window) at some hour of the next day.
    everyMinutes: 60,
  },
  refreshLiveView: {
    handler: 'functions/jobs/refresh-live-view.ts',
    description: "OEE today in the plant's live view, every few minutes",
    stack: 'telemetry',
    serviceName: 'mes-telemetry',
    // A tenant's units are computed eight at a time, a few Queries each: 200 units take seconds.
    timeoutSeconds: 120,
    memoryMb: 1024,
    // Queries and Gets (the day's minute items per group, each unit's records), Puts of the entries that changed.
    tableAccess: 'write',
    everyMinutes: 5,
    localEverySeconds: 30,
  },
  checkpointAudit: {
    handler: 'functions/jobs/checkpoint-audit.ts',
    description: "Checkpoints of the audit trail: each tenant's changed chain heads, chained and published to the anchor store",
    stack: 'telemetry',
    serviceName: 'mes-audit',
    // A tenant: a Query of the time index per day since its last checkpoint, a BatchGetItem of heads per 100 chains, one transaction.
    timeoutSeconds: 300,
    tableAccess: 'write',
    everyMinutes: 60,
    localEverySeconds: 300,
  },
  evaluateMaintenancePlans: {
    handler: 'functions/jobs/evaluate-maintenance-plans.ts',
    description: 'Preventive maintenance (issue 18): raises a request for each plan that fell due, by calendar or by the cycles its unit counted',
    stack: 'telemetry',
    serviceName: 'mes-maintenance',
    // A tenant: a Query of its plans, per counter plan the unit's day and minute items since its last request, one transaction per request raised.
    timeoutSeconds: 300,
    tableAccess: 'write',
    everyMinutes: 15,
    localEverySeconds: 60,
  },
} as const satisfies Record<string, ScheduledFunction>;
export type ScheduledFunctionId = keyof typeof SCHEDULED_FUNCTIONS;
export const scheduledFunctions = (stack?: ScheduledFunction['stack']): [ScheduledFunctionId, ScheduledFunction][] =>
  (Object.entries(SCHEDULED_FUNCTIONS) as [ScheduledFunctionId, ScheduledFunction][]).filter(([, fn]) => stack === undefined || fn.stack === stack);

export const eventFunctions = (stack?: EventFunction['stack']): [EventFunctionId, EventFunction][] =>
  (Object.entries(EVENT_FUNCTIONS) as [EventFunctionId, EventFunction][]).filter(([, fn]) => stack === undefined || fn.stack === stack);

/** The function an IoT rule's action feeds (through its queue or stream). */
export function consumerOfRule(rule: keyof typeof TELEMETRY_RULES): [EventFunctionId, EventFunction] {
  const found = eventFunctions().find(([, fn]) => fn.source.fedBy?.iotRules.includes(rule));
  if (!found) throw new Error(`no function consumes IoT rule ${rule}`);
  return found;
}

/** The function's name: its handler file's base name (`ingest-state`), as the local runtime and logs show it. */
export const functionNameOf = (fn: Pick<EventFunction, 'handler'>): string => fn.handler.replace(/^.*\//, '').replace(/\.ts$/, '');

export const visibilityTimeoutSecondsOf = (fn: EventFunction): number => fn.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR;

/** The SQS batch Lambda takes: without a window at most 10, whatever was asked. */
export const sqsBatchSize = (source: Pick<SqsSource, 'batchSize' | 'batchingWindowSeconds'>): number =>
  source.batchingWindowSeconds > 0 ? source.batchSize : Math.min(source.batchSize, SQS_MAX_BATCH_WITHOUT_WINDOW);

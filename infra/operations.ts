/**
 * The operations alarms, declared once: what each watches, when it goes off, what it means and
 * what to do. The operations stack (infra/stacks/operations-stack.ts) builds the alarms from it,
 * the alarm descriptions (which every e-mail and chat notification carries) are made from it,
 * and docs/operations.md explains each entry under the same title. Plain data, no aws-cdk-lib.
 *
 * Older alarms stay in the stacks that own their resources (the telemetry and integration dead
 * letters, queue age and iterator ages); their topics get the same subscribers.
 */
export interface OperationsAlarm {
  /** Heading in docs/operations.md and the first words of the notification. */
  readonly title: string;
  /** One alarm for each of these. */
  readonly per: 'deployment' | 'function' | 'table index' | 'dead-letter queue' | 'stream consumer';
  readonly meaning: string;
  readonly action: string;
  /** Alarms when the statistic is above this (unit in `unit`). */
  readonly threshold: number;
  readonly unit: string;
  readonly periodMinutes: number;
  /** M of N: `datapointsToAlarm` of the last `evaluationPeriods` periods above the threshold. */
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

export const OPERATIONS_ALARMS = {
  apiServerErrors: {
    title: 'API 5xx rate',
    per: 'deployment',
    meaning: 'More than 1% of API requests answered 5xx (counted only in a 5-minute period with 20 requests or more).',
    action:
      'Open the dashboard (Lambda errors per function), then the function log: Logs Insights `filter level = "ERROR"`; each line names tenantId, userId and correlationId, which the caller also got.',
    threshold: 1,
    unit: '% of requests',
    periodMinutes: 5,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
  },
  apiLatencyP99: {
    title: 'API p99 latency',
    per: 'deployment',
    meaning: 'The slowest 1% of API requests took more than 3 s (API Gateway to the answer).',
    action:
      'Look at Lambda duration per function and DynamoDB throttles on the dashboard; X-Ray traces show whether init (cold starts) or the invocation is slow.',
    threshold: 3000,
    unit: 'ms',
    periodMinutes: 5,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
  },
  functionErrors: {
    title: 'Lambda errors',
    per: 'function',
    meaning:
      'The function threw (an unhandled error, a timeout, out of memory) in two of three 5-minute periods. API functions answer handled errors as problem+json, so an error here is a crash; event functions retry, then dead-letter.',
    action: "Open the function's log group: errors are logged with their stack; Lambda's own REPORT lines say Timeout or memory.",
    threshold: 0,
    unit: 'errors',
    periodMinutes: 5,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
  },
  functionThrottles: {
    title: 'Lambda throttles',
    per: 'function',
    meaning: "Lambda refused to run the function: the account's (or the function's) concurrency is used up.",
    action:
      'Check the account concurrency (Service Quotas, Lambda concurrent executions) and which function grew (dashboard); ask for a higher quota or cap the noisy source.',
    threshold: 0,
    unit: 'throttles',
    periodMinutes: 5,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
  },
  tableThrottles: {
    title: 'DynamoDB throttling',
    per: 'table index',
    meaning:
      'Reads or writes of the table (or one GSI) were throttled: a hot partition, or on-demand throughput doubling faster than DynamoDB allows.',
    action:
      'The SDK retries, so users see latency first. Find the hot key with CloudWatch Contributor Insights for DynamoDB (enable it on the table for a while); a GSI throttled on writes also throttles the table.',
    threshold: 0,
    unit: 'throttled requests',
    periodMinutes: 5,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
  },
  deadLetters: {
    title: 'Dead letters',
    per: 'dead-letter queue',
    meaning: 'Something failed for good and was parked in a dead-letter queue.',
    action: 'Read the messages (SQS console or CLI), fix the cause, then redrive them to their source queue (or re-read the stream range they name).',
    threshold: 0,
    unit: 'messages',
    periodMinutes: 1,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
  },
  iteratorAge: {
    title: 'Stream consumer behind',
    per: 'stream consumer',
    meaning: 'A stream consumer is more than 60 s behind its stream: what it feeds (the live feed, webhooks, measurements) is late.',
    action: "Look at the function's errors and duration: a failing batch holds its shard until its retries run out.",
    threshold: 60_000,
    unit: 'ms',
    periodMinutes: 1,
    evaluationPeriods: 3,
    datapointsToAlarm: 3,
  },
  webhookEndpointFailing: {
    title: 'Webhook endpoint failing',
    per: 'deployment',
    meaning:
      'One webhook endpoint (of any tenant) failed 3 or more delivery attempts within an hour. One alarm for all endpoints: a Contributor Insights rule counts failed attempts per tenant and endpoint from the deliverer log, and the alarm watches its top contributor.',
    action:
      "Open the Contributor Insights rule (named in the alarm) to see which tenant's endpoint; the plant's admin sees the attempts under Integration > Webhooks. The deliverer keeps retrying on its schedule; a 410 disables the endpoint.",
    threshold: 2,
    unit: 'failed attempts of one endpoint',
    periodMinutes: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
  },
} as const satisfies Record<string, OperationsAlarm>;

export type OperationsAlarmId = keyof typeof OPERATIONS_ALARMS;

/** The text every notification of the alarm carries: what it means, then what to do. */
export const alarmDescription = (id: OperationsAlarmId, subject?: string): string => {
  const alarm: OperationsAlarm = OPERATIONS_ALARMS[id];
  return `${alarm.title}${subject ? ` (${subject})` : ''}: ${alarm.meaning} What to do: ${alarm.action} (docs/operations.md)`.slice(0, 1024);
};

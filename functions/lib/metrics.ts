/**
 * Metrics in CloudWatch's embedded metric format (EMF), through Powertools Metrics: a function
 * writes one JSON line to its log and CloudWatch extracts the metrics from it, with no API call
 * and no extra latency. Namespace `MES`; every metric has the `service` dimension
 * (POWERTOOLS_SERVICE_NAME) and is flushed within the invocation that recorded it.
 *
 * Cardinality is cost: each distinct name and dimension set is a custom metric ($0.30 a month).
 * So a tenant is a dimension (plants are tens to hundreds, and the tenant comes from the verified
 * token only, so a caller cannot invent new values), a route group (the API function, about ten)
 * is a dimension, and a request id, user or webhook endpoint never is: those go in the same line
 * as properties (searchable in Logs Insights, free of metric charges).
 *
 * Where it is written: in Lambda (AWS_LAMBDA_FUNCTION_NAME set) to stdout, which is the log.
 * Elsewhere (npm start, tests) nothing is written unless MES_METRICS=stdout, so local logs and
 * test output stay as they were. Powertools is imported on first use: it is not on a cold
 * start's path before the first request's answer is computed.
 */
export const METRICS_NAMESPACE = 'MES';

/** Dimension names, one place (the dashboard and alarms in infra/stacks/operations-stack.ts read the same). */
export const METRIC_DIMENSIONS = { service: 'service', tenant: 'tenant', routeGroup: 'routeGroup', endpoint: 'endpoint' } as const;

/** Tenant dimension of a request without a verified caller (public routes, 401s). */
export const NO_TENANT = 'none';

/** The metric names this app emits (namespace MES). */
export const METRIC_NAMES = {
  /** A request that may change something (not GET/HEAD), per tenant and per route group. */
  commands: 'Commands',
  /** A request answered 5xx, per tenant and per route group. */
  serverErrors: 'ServerErrors',
  /** A request refused 429 by the plant's request limits (fair use, docs/fair-use.md), per tenant and per route group. */
  rateLimited: 'RateLimited',
  /** A webhook delivery attempt that failed (HTTP error, timeout), per tenant; the endpoint is a property. */
  webhookDeliveryFailed: 'WebhookDeliveryFailed',
  /** A webhook delivery attempt the endpoint accepted, per tenant. */
  webhookDelivered: 'WebhookDelivered',
} as const;

export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

export interface MetricRecord {
  /** Name and value, counted (Count). */
  readonly metrics: Partial<Record<MetricName, number>>;
  /**
   * Each entry is one dimension set the metrics are published under (besides `service`),
   * e.g. `[{ tenant }, { routeGroup }]`: per tenant and, separately, per route group.
   */
  readonly dimensionSets: readonly Readonly<Record<string, string>>[];
  /** High-cardinality context kept in the line, not as dimensions (request id, endpoint id). */
  readonly properties?: Readonly<Record<string, string | number>>;
}

const enabled = (): boolean => Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME) || process.env.MES_METRICS === 'stdout';

type Powertools = typeof import('@aws-lambda-powertools/metrics');
let loading: Promise<Powertools> | undefined;
const powertools = (): Promise<Powertools> => {
  loading ??= import('@aws-lambda-powertools/metrics');
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
};

/**
 * Writes one EMF line with these metrics now. Never throws: a metric that cannot be written
 * must not fail the request it describes (the failure is logged).
 */
export async function recordMetrics(record: MetricRecord): Promise<void> {
  if (!enabled()) return;
  try {
    const { Metrics, MetricUnit } = await powertools();
    // One instance per line: nothing of an earlier record (dimensions, metadata) can leak into it.
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mes' });
    for (const set of record.dimensionSets) metrics.addDimensions({ ...set });
    for (const [key, value] of Object.entries(record.properties ?? {})) metrics.addMetadata(key, String(value));
    for (const [name, value] of Object.entries(record.metrics)) {
      if (typeof value === 'number') metrics.addMetric(name, MetricUnit.Count, value);
    }
    metrics.publishStoredMetrics();
  } catch (error) {
    const { logger } = await import('./logger.ts');
    logger.warn('metrics not written', { error: error as Error });
  }
}

/** The request metrics of one HTTP invocation (functions/lib/http.ts): commands, server errors and refusals over the plant's limits, per tenant and per route group. */
export function recordRequestMetrics(request: { tenantId: string | undefined; routeGroup: string; method: string; status: number }): Promise<void> {
  const command = request.method !== 'GET' && request.method !== 'HEAD';
  return recordMetrics({
    metrics: {
      [METRIC_NAMES.commands]: command ? 1 : 0,
      [METRIC_NAMES.serverErrors]: request.status >= 500 ? 1 : 0,
      [METRIC_NAMES.rateLimited]: request.status === 429 ? 1 : 0,
    },
    dimensionSets: [{ [METRIC_DIMENSIONS.tenant]: request.tenantId ?? NO_TENANT }, { [METRIC_DIMENSIONS.routeGroup]: request.routeGroup }],
  });
}

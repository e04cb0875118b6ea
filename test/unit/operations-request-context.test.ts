/**
 * Operations at the HTTP edge (functions/lib/http.ts, logger.ts, metrics.ts): every log line of
 * a request carries its tenant, user and correlation id (the caller's x-correlation-id, else API
 * Gateway's request id), the response echoes the correlation id (problem+json too), and each
 * invocation writes one EMF line of request metrics with the tenant and route group dimensions.
 * The lines are captured from stdout, where Lambda's log (and CloudWatch's EMF extraction) reads them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { httpHandler } from '#functions/lib/http.ts';
import { recordAttemptMetric } from '#functions/jobs/deliver-webhook.ts';
import { logger } from '#functions/lib/logger.ts';
import { type RouteDef, routes } from '#shared/api/routes.ts';
import { RateLimitedError } from '#shared/domain/errors.ts';

const command = { ...routes.getHealth, method: 'POST', roles: ['admin'] } as const satisfies RouteDef;
const handler = httpHandler(command, async ({ auth }) => {
  logger.info('doing the work');
  if (auth.userId === 'u-crash') throw new Error('boom');
  if (auth.userId === 'u-busy') throw new RateLimitedError(2, { requestsPerSecond: 1, burst: 2 });
  return { body: { ok: true } };
});

const claims = (tenant: string, user: string) => ({
  sub: user,
  'custom:tenantId': tenant,
  'cognito:groups': '[admin]',
  token_use: 'id',
  name: 'Ada',
});

async function call(options: { tenant: string; user: string; headers?: Record<string, string>; requestId?: string }) {
  const event = {
    version: '2.0',
    routeKey: 'POST /v1/health',
    rawPath: '/v1/health',
    headers: options.headers ?? {},
    requestContext: { requestId: options.requestId ?? 'apigw-1', authorizer: { jwt: { claims: claims(options.tenant, options.user), scopes: [] } } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
  // Powertools writes info and EMF lines to stdout, warnings and errors to stderr (Lambda logs both).
  // The test runner reports on stdout too, in its own binary format: only JSON lines are ours.
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((line) => line.startsWith('{')),
      );
      return true;
    }) as typeof stream.write;
  }
  try {
    const reply = (await handler(event, {
      awsRequestId: 'lambda-1',
      getRemainingTimeInMillis: () => 10_000,
    } as Context)) as APIGatewayProxyStructuredResultV2;
    return { reply, lines: lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write;
    });
  }
}

describe('a request in the logs and metrics', () => {
  const previous = process.env.MES_METRICS;
  before(() => {
    process.env.MES_METRICS = 'stdout';
  });
  after(() => {
    if (previous === undefined) delete process.env.MES_METRICS;
    else process.env.MES_METRICS = previous;
  });

  it("puts the tenant, the user and the caller's correlation id on every line, and echoes the id", async () => {
    // Act
    const { reply, lines } = await call({ tenant: 'plant-a', user: 'u-1', headers: { 'x-correlation-id': 'erp-job-42' } });
    // Assess
    assert.equal(reply.statusCode, 200);
    assert.equal(reply.headers?.['x-correlation-id'], 'erp-job-42');
    const logLines = lines.filter((line) => line.message !== undefined);
    assert.ok(logLines.some((line) => line.message === 'doing the work'));
    for (const line of logLines) {
      assert.equal(line.tenantId, 'plant-a');
      assert.equal(line.userId, 'u-1');
      assert.equal(line.correlationId, 'erp-job-42');
      assert.equal(line.routeKey, 'POST /v1/health');
    }
  });

  it("uses API Gateway's request id when the caller sends none or an unusable one, and forgets the last request's keys", async () => {
    // Act
    const none = await call({ tenant: 'plant-b', user: 'u-2', requestId: 'apigw-2' });
    const unusable = await call({ tenant: 'plant-b', user: 'u-2', requestId: 'apigw-3', headers: { 'x-correlation-id': 'two words\nand a line' } });
    // Assess
    assert.equal(none.reply.headers?.['x-correlation-id'], 'apigw-2');
    assert.equal(unusable.reply.headers?.['x-correlation-id'], 'apigw-3');
    const line = none.lines.find((l) => l.message === 'doing the work');
    assert.equal(line?.correlationId, 'apigw-2');
    assert.equal(line?.tenantId, 'plant-b');
  });

  it('gives a 500 the same id: in the problem body, the header and the error line', async () => {
    // Act
    const { reply, lines } = await call({ tenant: 'plant-a', user: 'u-crash', headers: { 'x-correlation-id': 'trace-7' } });
    // Assess
    assert.equal(reply.statusCode, 500);
    assert.equal(reply.headers?.['x-correlation-id'], 'trace-7');
    assert.equal(JSON.parse(reply.body as string).correlationId, 'trace-7');
    const error = lines.find((l) => l.message === 'unhandled error');
    assert.equal(error?.level, 'ERROR');
    assert.equal(error?.tenantId, 'plant-a');
    assert.equal(error?.userId, 'u-crash');
  });

  it('writes one EMF line per invocation: commands, server errors and refusals over the limit per tenant and per route group', async () => {
    // Act
    const ok = await call({ tenant: 'plant-a', user: 'u-1' });
    const failed = await call({ tenant: 'plant-c', user: 'u-crash' });
    // Assess
    const emfOf = (lines: Record<string, unknown>[]) => lines.filter((line) => line._aws !== undefined);
    assert.equal(emfOf(ok.lines).length, 1);
    const [emf] = emfOf(ok.lines) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } }[];
    const directive = emf?._aws.CloudWatchMetrics[0];
    assert.equal(directive?.Namespace, 'MES');
    assert.deepEqual(directive?.Dimensions, [
      ['service', 'tenant'],
      ['service', 'routeGroup'],
    ]);
    assert.deepEqual(directive?.Metrics.map((m) => m.Name).sort(), ['Commands', 'RateLimited', 'ServerErrors']);
    assert.equal((emf as Record<string, unknown>).tenant, 'plant-a');
    assert.equal((emf as Record<string, unknown>).routeGroup, 'system');
    assert.equal((emf as Record<string, unknown>).Commands, 1);
    assert.equal((emf as Record<string, unknown>).ServerErrors, 0);
    const [failure] = emfOf(failed.lines);
    assert.equal(emfOf(failed.lines).length, 1);
    assert.equal(failure?.tenant, 'plant-c');
    assert.equal(failure?.ServerErrors, 1);
    const busy = await call({ tenant: 'plant-d', user: 'u-busy' });
    assert.equal(busy.reply.statusCode, 429);
    const [refusal] = emfOf(busy.lines);
    assert.equal(refusal?.tenant, 'plant-d');
    assert.equal(refusal?.RateLimited, 1);
    assert.equal(refusal?.ServerErrors, 0);
  });

  it('writes no metric line outside Lambda unless MES_METRICS=stdout', async () => {
    // Arrange
    delete process.env.MES_METRICS;
    try {
      // Act
      const { lines } = await call({ tenant: 'plant-a', user: 'u-1' });
      // Assess
      assert.equal(lines.filter((line) => line._aws !== undefined).length, 0);
    } finally {
      process.env.MES_METRICS = 'stdout';
    }
  });

  it("writes a webhook attempt's outcome per tenant, with the endpoint as a property (the failing-endpoint rule reads it), not a dimension", async () => {
    // Arrange
    const job = { tenantId: 'plant-a', endpointId: 'ep-7', messageId: 'm-1', attempt: 2 } as unknown as Parameters<typeof recordAttemptMetric>[0];
    const lines: Record<string, unknown>[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
      return true;
    }) as typeof process.stdout.write;
    try {
      // Act
      await recordAttemptMetric(job, 'retry-scheduled');
      await recordAttemptMetric(job, 'delivered');
      await recordAttemptMetric(job, 'stale');
    } finally {
      process.stdout.write = write;
    }
    // Assess
    assert.equal(lines.length, 2, 'a stale job reached no receiver: no line');
    const [failed, delivered] = lines as { _aws: { CloudWatchMetrics: { Dimensions: string[][] }[] }; [key: string]: unknown }[];
    assert.equal(failed?.WebhookDeliveryFailed, 1);
    assert.equal(failed?.tenant, 'plant-a');
    assert.equal(failed?.endpoint, 'ep-7');
    assert.deepEqual(failed?._aws.CloudWatchMetrics[0]?.Dimensions, [['service', 'tenant']]);
    assert.equal(delivered?.WebhookDelivered, 1);
  });
});

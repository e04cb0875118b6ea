/**
 * The one error mapper: domain errors become RFC 9457 problem+json with their status; anything
 * else is logged with its cause and becomes a 500 that reveals nothing but a correlation id:
 * the API Gateway request id, which the caller also gets as the `apigw-requestid` header and
 * which the log line carries, so a reported 500 leads straight to its cause.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MesError } from '#shared/domain/errors.ts';
import { logger } from './logger.ts';

export interface ProblemContext {
  instance: string;
  /** API Gateway's request id (requestContext.requestId). */
  correlationId?: string | undefined;
  /** The Lambda invocation, for the log only. */
  awsRequestId?: string | undefined;
}

export function problemResponse(error: unknown, { instance, correlationId, awsRequestId }: ProblemContext): APIGatewayProxyStructuredResultV2 {
  if (error instanceof MesError) {
    return problem(
      {
        type: error.type,
        title: error.title,
        status: error.status,
        detail: error.message,
        instance,
        ...(error.errors ? { errors: error.errors } : {}),
        ...error.members,
        ...error.change,
      },
      error.headers,
    );
  }
  // Powertools writes the error with its stack and its cause, nested.
  logger.error('unhandled error', { error: error as Error, instance, correlationId, awsRequestId });
  return problem({
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: `Something went wrong on our side. If it happens again, report it with correlation id ${correlationId ?? 'unknown'}.`,
    instance,
    ...(correlationId ? { correlationId } : {}),
  });
}

function problem(body: { status: number } & Record<string, unknown>, headers?: Record<string, string>): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: body.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

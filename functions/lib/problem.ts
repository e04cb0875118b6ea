/**
 * The one error mapper: domain errors become RFC 9457 problem+json with their status; anything
 * else is logged and becomes a bare 500 that reveals nothing.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { MesError } from '#shared/domain/errors.ts';
import { logger } from './logger.ts';

export function problemResponse(error: unknown, instance: string, requestId?: string): APIGatewayProxyStructuredResultV2 {
  if (error instanceof MesError) {
    return problem({
      type: error.type,
      title: error.title,
      status: error.status,
      detail: error.message,
      instance,
      ...(error.errors ? { errors: error.errors } : {}),
    });
  }
  logger.error('unhandled error', { error: error as Error, instance, requestId });
  return problem({ type: 'about:blank', title: 'Internal Server Error', status: 500, instance, ...(requestId ? { requestId } : {}) });
}

function problem(body: { status: number } & Record<string, unknown>): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: body.status,
    headers: { 'content-type': 'application/problem+json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

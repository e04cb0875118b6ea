/**
 * The one logger: Powertools, structured JSON, one line per event.
 *
 * Every line an HTTP request writes carries `tenantId`, `userId` and `correlationId`
 * (functions/lib/http.ts calls beginRequestLog at the start of each invocation and
 * addRequestLogKeys once the caller is known). The correlation id is the caller's
 * `x-correlation-id` when it sends a usable one, else API Gateway's request id; the response
 * echoes it in the same header, so a client, the access log and the function log meet on one id.
 *
 * Lambda runs one invocation at a time per environment, so the keys of one request never show on
 * another's lines there. The local runtime runs handlers in one process: concurrent local requests
 * share this logger, and a line may carry a neighbour's keys (local logs are for a developer).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'mes' });

/** The request header a caller may set to follow its request through the logs; echoed in the response. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/** What is taken from a caller: a token, not free text (it lands in every log line and a response header). */
const USABLE_CORRELATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The caller's `x-correlation-id` if usable, else API Gateway's request id, else (no gateway: a test, a script) a fresh UUID. */
export function correlationIdOf(headers: Readonly<Record<string, string | undefined>> | undefined, requestId: string | undefined): string {
  const sent = headers?.[CORRELATION_ID_HEADER]?.trim();
  if (sent && USABLE_CORRELATION_ID.test(sent)) return sent;
  return requestId || crypto.randomUUID();
}

export interface RequestLogKeys {
  correlationId: string;
  tenantId?: string | undefined;
  userId?: string | undefined;
  /** `METHOD /path` as API Gateway matched it. */
  routeKey?: string | undefined;
}

/** Starts a request's log lines: forgets the previous invocation's keys, then adds these. */
export function beginRequestLog(keys: RequestLogKeys): void {
  logger.resetKeys();
  logger.appendKeys(definedOnly(keys));
}

/** Adds keys learned during the request (the caller, once the token is read). */
export function addRequestLogKeys(keys: Partial<RequestLogKeys>): void {
  logger.appendKeys(definedOnly(keys));
}

const definedOnly = (keys: Partial<RequestLogKeys>): Record<string, string> =>
  Object.fromEntries(Object.entries(keys).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

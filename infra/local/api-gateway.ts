/**
 * The two ends of an API Gateway HTTP API Lambda integration, payload format 2.0: the event a
 * function receives, the Lambda context beside it, and how its result becomes an HTTP response.
 * Kept as close to what AWS sends as we know, so a handler that works here works there.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from './lambda-engine.ts';

/** The Lambda context is the engine's, for every source (lambda-engine.ts). */
export { LOCAL_ACCOUNT_ID, lambdaContext } from './lambda-engine.ts';
export const LOCAL_API_ID = 'local';
/** API Gateway's integration timeout: a function gets at most this long to answer. */
export const INTEGRATION_TIMEOUT_MS = 30_000;

export interface EventInput {
  req: IncomingMessage;
  body: Buffer;
  routeKey: string;
  pathParameters: Record<string, string>;
  requestId: string;
  now?: Date;
}

/** API Gateway request ids look like `JKJaXmPLvHcESHA=`; the value only has to be unique. */
export const newRequestId = () => randomBytes(10).toString('base64');

export function toApiGatewayEvent({ req, body, routeKey, pathParameters, requestId, now = new Date() }: EventInput): APIGatewayProxyEventV2 {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQueryString = q === -1 ? '' : url.slice(q + 1);
  const { headers, cookies } = joinHeaders(req.rawHeaders);
  const domainName = headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`;
  const isText = isTextContent(headers['content-type']);

  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: joinQuery(rawQueryString) } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
  return event;
}

/**
 * Header names lower-cased, repeated headers joined with commas (payload 2.0 has no
 * multi-value fields). Cookie headers go to `cookies`, split into one entry per cookie.
 */
function joinHeaders(raw: string[]) {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'cookie')
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return { headers, cookies };
}

function joinQuery(rawQueryString: string) {
  const params: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    params[name] = name in params ? `${params[name]},${value}` : value;
  }
  return params;
}

/** Bodies that stay text; anything else reaches the function base64-encoded, as on AWS. */
function isTextContent(contentType: string | undefined) {
  if (!contentType) return true;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return /^text\/|[/+](json|xml)$|^application\/(javascript|x-www-form-urlencoded|graphql|yaml|x-yaml)$/.test(type);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `12/Mar/2020:19:03:58 +0000`, the format of requestContext.time. */
function clfTime(d: Date) {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/**
 * Writes what the function returned. A result without `statusCode` is, as API Gateway reads
 * it, a 200 JSON body: a string as is, anything else JSON-encoded.
 */
export function writeLambdaResult(res: ServerResponse, result: unknown, extraHeaders: Record<string, string> = {}) {
  const structured: APIGatewayProxyStructuredResultV2 =
    result !== null && typeof result === 'object' && 'statusCode' in result
      ? (result as APIGatewayProxyStructuredResultV2)
      : {
          statusCode: 200,
          headers: { 'content-type': 'application/json' },
          body: typeof result === 'string' ? result : JSON.stringify(result ?? null),
        };
  const headers: Record<string, string | string[]> = { ...extraHeaders };
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = structured.body === undefined ? undefined : Buffer.from(structured.body, structured.isBase64Encoded ? 'base64' : 'utf8');
  if (body) headers['content-length'] = String(body.length);
  res.writeHead(structured.statusCode ?? 200, headers);
  res.end(body);
}

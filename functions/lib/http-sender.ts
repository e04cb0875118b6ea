/**
 * WebhookSender on node:http/https: one POST, no redirects followed (a 3xx is a failed
 * attempt), a timeout over the whole exchange, at most a few KB of the response read. The URL
 * policy is applied again at connect time: an IP literal before connecting, a host name inside
 * the socket's `lookup` hook, so the address actually connected to is the one that was checked
 * (a name that now resolves to 169.254.169.254 is refused: DNS rebinding).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { SendRequest, SendResult, WebhookSender } from '#shared/integration/ports.ts';
import { type UrlPolicy, blockedAddressReason, hostOf } from '#shared/integration/url-policy.ts';

/** Only the status and Retry-After matter; the rest of a response is read up to this and dropped. */
const MAX_RESPONSE_BYTES = 4096;

class BlockedAddressError extends Error {
  override readonly name = 'BlockedAddressError';
  readonly code = 'EBLOCKED';
}

/** dns.lookup, then every address checked: one refused address refuses the connection. */
export function guardedLookup(policy: UrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const opts = (typeof options === 'object' && options ? options : {}) as LookupOptions;
    dnsLookup(hostname, { ...opts, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const why = blockedAddressReason(address, policy);
        if (why) return callback(new BlockedAddressError(`blocked address: ${hostname} resolves to ${why}`), '', 0);
      }
      if (opts.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

export class NodeHttpSender implements WebhookSender {
  private readonly lookup: LookupFunction;
  // Kept-alive connections: a busy endpoint is not a TLS handshake per message.
  private readonly agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 50 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 50 }) };

  constructor(private readonly policy: UrlPolicy) {
    this.lookup = guardedLookup(policy);
  }

  async send({ url, headers, body, contentType = 'application/json', timeoutMs }: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { durationMs: 0, error: 'the endpoint URL is not a URL' };
    }
    const host = hostOf(target);
    if (isIP(host)) {
      const why = blockedAddressReason(host, this.policy);
      if (why) return { durationMs: 0, error: `blocked address: ${why}` };
    }
    const isHttps = target.protocol === 'https:';
    if (!isHttps && target.protocol !== 'http:') return { durationMs: 0, error: `unsupported protocol ${target.protocol}` };

    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (result: Omit<SendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, durationMs: elapsed() });
      };
      const payload = Buffer.from(body, 'utf8');
      const req = (isHttps ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: isHttps ? this.agents.https : this.agents.http,
        lookup: this.lookup,
        headers: {
          ...headers,
          'content-type': contentType,
          'content-length': String(payload.length),
          'user-agent': 'mes-webhooks/1',
        },
      });
      const timer = setTimeout(() => {
        req.destroy();
        finish({ error: `timed out after ${timeoutMs} ms` });
      }, timeoutMs);
      req.once('error', (error: NodeJS.ErrnoException) => finish({ error: describe(error) }));
      req.once('response', (res: IncomingMessage) => {
        const statusCode = res.statusCode ?? 0;
        const retryAfter = res.headers['retry-after'];
        const result = { statusCode, ...(retryAfter ? { retryAfter } : {}) };
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // Enough: the answer is the status. Destroying also stops a receiver streaming forever.
          if (read >= MAX_RESPONSE_BYTES) {
            finish(result);
            res.destroy();
          }
        });
        res.once('end', () => finish(result));
        res.once('error', () => finish(result));
        res.once('close', () => finish(result));
      });
      req.end(payload);
    });
  }
}

function describe(error: NodeJS.ErrnoException): string {
  if (error instanceof BlockedAddressError) return error.message;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by the receiver',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed (temporary)',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    CERT_HAS_EXPIRED: 'TLS certificate expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
    ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
  };
  const text = error.code && known[error.code];
  return text ? `${text} (${error.code})` : error.message || String(error.code ?? 'request failed');
}

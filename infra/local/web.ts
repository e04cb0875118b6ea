/**
 * The local web host: the built supervisor app (web/dist, or a dir a test built) served by the
 * local API Gateway's server, on the same origin as the API, as CloudFront serves it on AWS.
 * `/` is index.html, `/config.json` tells the app to sign in locally and call the API on this
 * origin, hashed files are cached for a year, everything else is revalidated on each use.
 * Every answer carries the app's security headers (web/security-headers.ts).
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { HASHED_FILE } from '../../web/build.ts';
import { contentSecurityPolicy, originOf, SECURITY_HEADERS } from '../../web/security-headers.ts';
import type { AppConfig } from '../../web/src/config.ts';

export interface WebHostOptions {
  /** A built app: index.html and its files (web/build.ts). */
  dir: string;
  /** What /config.json says. Default: the API on this origin, local sign-in. */
  config?: AppConfig;
  /** Asked at the first request, to add what is known only once the runtime is up (the broker's WebSocket). */
  extendConfig?: (config: AppConfig) => AppConfig;
}

export const LOCAL_APP_CONFIG: AppConfig = { apiUrl: '', auth: { mode: 'local' } };

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  // WebAssembly.instantiateStreaming needs this type (the barcode reader, web/src/scan-decode.ts).
  '.wasm': 'application/wasm',
};

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
/** May be stored, but asked again (ETag) before each use: index.html, sw.js, the manifest, icons. */
export const CACHE_REVALIDATE = 'no-cache';

/** Paths that belong to the API, never to the app. */
export const isApiPath = (path: string) => path === '/v1' || path.startsWith('/v1/') || path.startsWith('/local/');

/** Returns a request handler that answers the app's GET and HEAD requests and reports false for anything else. */
export function createWebHost(options: WebHostOptions) {
  const root = resolve(options.dir);
  let served: { security: Record<string, string>; configBody: string } | undefined;
  const resolved = () => {
    if (served) return served;
    const base = options.config ?? LOCAL_APP_CONFIG;
    const config = options.extendConfig ? options.extendConfig(base) : base;
    const connectTo = [config.apiUrl, config.auth.mode === 'cognito' ? config.auth.domain : '', liveOrigin(config)]
      .map((url) => originOf(url))
      .filter((origin): origin is string => !!origin);
    served = { security: { ...SECURITY_HEADERS, 'content-security-policy': contentSecurityPolicy(connectTo) }, configBody: JSON.stringify(config) };
    return served;
  };

  /** The file a path names inside root, or undefined (no such file, or outside root). */
  function fileOf(path: string): { file: string; size: number; mtimeMs: number } | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const file = join(root, normalize(decoded === '/' ? '/index.html' : decoded));
    if (!file.startsWith(root + sep)) return undefined;
    try {
      const stat = statSync(file);
      return stat.isFile() ? { file, size: stat.size, mtimeMs: stat.mtimeMs } : undefined;
    } catch {
      return undefined;
    }
  }

  return function serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    const method = req.method ?? 'GET';
    if ((method !== 'GET' && method !== 'HEAD') || isApiPath(path)) return false;
    const { security, configBody } = resolved();
    if (path === '/config.json') {
      res.writeHead(200, {
        ...security,
        'content-type': 'application/json',
        'cache-control': CACHE_REVALIDATE,
        'content-length': String(Buffer.byteLength(configBody)),
      });
      res.end(method === 'HEAD' ? undefined : configBody);
      return true;
    }
    const found = fileOf(path);
    if (!found) return false;
    const name = found.file.slice(found.file.lastIndexOf(sep) + 1);
    const etag = `W/"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}"`;
    const headers = {
      ...security,
      'content-type': CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': HASHED_FILE.test(name) ? CACHE_IMMUTABLE : CACHE_REVALIDATE,
      etag,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(200, { ...headers, 'content-length': String(found.size) });
    if (method === 'HEAD') res.end();
    else
      createReadStream(found.file)
        .on('error', () => res.destroy())
        .pipe(res);
    return true;
  };
}

/** The live feed's WebSocket origin, which the CSP must let the app connect to. */
export function liveOrigin(config: AppConfig): string {
  if (!config.live) return '';
  return config.live.mode === 'local' ? config.live.url : `wss://${config.live.endpoint}`;
}

export type WebHost = ReturnType<typeof createWebHost>;

/**
 * The security headers the supervisor app is served with, written once for both hosts: the
 * local runtime (infra/local/web.ts) and CloudFront (infra/stacks/web-stack.ts).
 * The app loads only its own files; it calls the API and, on AWS, the Cognito token endpoint,
 * which are the only other origins it may connect to. Styles are set through the DOM
 * (element.style), which a CSP without 'unsafe-inline' allows; inline <style> and style=""
 * in HTML are refused. 'wasm-unsafe-eval' lets the app compile WebAssembly (the barcode reader,
 * zxing-wasm, fetched from the app's own origin) and nothing else: no eval, no new Function.
 */

/**
 * The Content-Security-Policy. `connectTo`: origins besides the app's own that fetch() may
 * reach (the API, the Cognito hosted UI domain); CDK tokens are fine here.
 */
export function contentSecurityPolicy(connectTo: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectTo].join(' ')}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The headers besides the CSP, as the local runtime sends them (CloudFront sets the same ones). */
export const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;

/** The origin of a URL, or undefined for '' (same origin) and relative URLs. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

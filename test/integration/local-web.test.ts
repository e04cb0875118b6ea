/**
 * The local runtime serves the built supervisor app beside the API, as CloudFront does on AWS:
 * index.html at `/`, the hashed JavaScript cached for a year, index.html, sw.js and the
 * config revalidated or never stored, the manifest and its icons, the security headers on every
 * answer; /v1/ and /local/ stay the API's. Also what the build leaves for the bench (budget.json),
 * and, in Chromium against a stand-in for the Cognito hosted UI, the sign-in with authorization
 * code + PKCE that the app does on AWS.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildWeb, type WebBudget } from '../../web/build.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { BROWSER_SKIP, CHROMIUM } from '../helpers/chromium.ts';

/** node:http, so the path goes out exactly as written (fetch would resolve `..`). */
function get(baseUrl: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** Width and height from a PNG's IHDR, after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('the local runtime serving the web app', () => {
  let dir: string;
  let budget: WebBudget;
  let mes: TestRuntime;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mes-web-test-'));
    ({ budget } = await buildWeb({ outDir: dir }));
    mes = await startTestRuntime({ web: { dir } });
  });
  after(async () => {
    await mes?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with the security headers, revalidated on every visit', async () => {
    // Act
    const res = await get(mes.baseUrl, '/');
    // Assess
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'same-origin');
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, 'no inline or remote scripts; WebAssembly (the barcode reader) compiles');
    assert.match(csp, /connect-src 'self'(;|$)/, 'locally the API is on the same origin');
    assert.match(csp, /frame-ancestors 'none'/);
    const html = res.body.toString('utf8');
    assert.ok(html.includes(`<script type="module" src="/${budget.entry}"></script>`), 'points at the hashed entry');
    assert.ok(html.includes('<link rel="manifest" href="/manifest.webmanifest" />'));
    assert.equal(mes.runtime.webUrl, `${mes.baseUrl}/`);
  });

  it('serves the hashed JavaScript as JavaScript, cached for a year, and answers a revalidation with 304', async () => {
    // Act
    const res = await get(mes.baseUrl, `/${budget.entry}`);
    const again = await get(mes.baseUrl, `/${budget.entry}`, { 'if-none-match': String(res.headers.etag) });
    const map = await get(mes.baseUrl, `/${budget.entry}.map`);
    // Assess
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.deepEqual(res.body, readFileSync(join(dir, budget.entry)));
    assert.ok(res.headers['content-security-policy'], 'security headers on every file');
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    assert.equal(map.status, 200);
    assert.equal(map.headers['content-type'], 'application/json');
  });

  it('serves /config.json telling the app to sign in locally and call the API on this origin, revalidated on each use (as CloudFront serves it)', async () => {
    // Act
    const res = await get(mes.baseUrl, '/config.json');
    // Assess
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.deepEqual(JSON.parse(res.body.toString('utf8')), { apiUrl: '', auth: { mode: 'local' } });
  });

  it('serves the manifest and its icons: 192 and 512 px PNGs, a maskable pair', async () => {
    // Act
    const res = await get(mes.baseUrl, '/manifest.webmanifest');
    const manifest = JSON.parse(res.body.toString('utf8')) as {
      name: string;
      short_name: string;
      start_url: string;
      display: string;
      theme_color: string;
      background_color: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    // Assess
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/manifest+json');
    assert.equal(manifest.start_url, '/');
    assert.equal(manifest.display, 'standalone');
    assert.ok(manifest.name && manifest.short_name && manifest.theme_color && manifest.background_color);
    const pngs = manifest.icons.filter((icon) => icon.type === 'image/png');
    for (const size of [192, 512]) {
      for (const purpose of ['any', 'maskable']) {
        assert.ok(
          pngs.some((icon) => icon.sizes === `${size}x${size}` && icon.purpose === purpose),
          `${size} px ${purpose}`,
        );
      }
    }
    for (const icon of manifest.icons) {
      const file = await get(mes.baseUrl, icon.src);
      assert.equal(file.status, 200, icon.src);
      assert.equal(file.headers['content-type'], icon.type, icon.src);
      if (icon.type !== 'image/png') continue;
      const [width] = icon.sizes.split('x').map(Number);
      assert.deepEqual(pngSize(file.body), { width, height: width }, icon.src);
    }
  });

  it('serves sw.js never from a stale cache, listing this build’s shell, and the stylesheet with every styles-*.css', async () => {
    // Act
    const sw = await get(mes.baseUrl, '/sw.js');
    const css = await get(mes.baseUrl, '/styles.css');
    // Assess
    assert.equal(sw.status, 200);
    assert.equal(sw.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.match(String(sw.headers['cache-control']), /no-cache|no-store/);
    const shell = JSON.parse(/const BUILD = (\{[^\n]*\}); \/\/ set by web\/build\.ts/.exec(sw.body.toString('utf8'))?.[1] ?? '{}') as {
      version: string;
      shell: string[];
    };
    assert.ok(shell.shell.includes(`/${budget.entry}`) && shell.shell.includes('/'), 'the shell of this build');
    assert.match(shell.version, /^[0-9a-f]{12}$/);
    assert.equal(css.status, 200);
    assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
    assert.match(css.body.toString('utf8'), /\.sign-in/, 'styles-sign-in.css is in');
  });

  it('leaves /v1/ and /local/ to the API', async () => {
    // Act
    const health = await get(mes.baseUrl, '/v1/health');
    const unknown = await get(mes.baseUrl, '/v1/no-such-thing');
    const jwks = await get(mes.baseUrl, '/local/.well-known/jwks.json');
    const token = await fetch(`${mes.baseUrl}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: 'demo', userId: 'p-sam', roles: ['supervisor'] }),
    });
    // Assess
    assert.equal(health.status, 200);
    assert.match(String(health.headers['content-type']), /^application\/json/);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers['content-type'], 'application/problem+json');
    assert.equal(jwks.status, 200);
    assert.equal(token.status, 200);
    assert.ok(((await token.json()) as { token: string }).token);
  });

  it('answers a path that is not a file of the app with the 404 problem, and never leaves the app dir', async () => {
    // Prepare: a file beside the app dir, which no path may reach
    writeFileSync(join(dir, '..', `${dir.split('/').pop()}-secret.txt`), 'the content of a file outside the app');
    // Act
    const missing = await get(mes.baseUrl, '/nothing-here.js');
    const escapes = await Promise.all(
      ['/..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', `/..%2f${dir.split('/').pop()}-secret.txt`, '/%00index.html', '/%E0%A4%A'].map((p) =>
        get(mes.baseUrl, p),
      ),
    );
    // Assess
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-type'], 'application/problem+json');
    for (const res of escapes) {
      assert.equal(res.status, 404);
      assert.ok(!res.body.toString('utf8').includes('the content of a file outside the app'));
    }
    rmSync(join(dir, '..', `${dir.split('/').pop()}-secret.txt`));
  });

  it('leaves budget.json for the bench: the initial JavaScript, raw and gzipped, the entry first', () => {
    // Act
    const stored = JSON.parse(readFileSync(join(dir, 'budget.json'), 'utf8')) as WebBudget;
    // Assess
    assert.deepEqual(stored, budget);
    assert.equal(stored.initialJs.files[0]?.file, stored.entry);
    const entry = readFileSync(join(dir, stored.entry));
    assert.equal(stored.initialJs.files[0]?.raw, entry.length);
    assert.equal(stored.initialJs.files[0]?.gzip, gzipSync(entry, { level: 9 }).length);
    assert.deepEqual(gunzipSync(gzipSync(entry, { level: 9 })), entry);
    assert.equal(
      stored.initialJs.raw,
      stored.initialJs.files.reduce((n, f) => n + f.raw, 0),
    );
    assert.equal(
      stored.initialJs.gzip,
      stored.initialJs.files.reduce((n, f) => n + f.gzip, 0),
    );
    assert.ok(stored.initialJs.gzip < stored.initialJs.raw);
    for (const file of stored.lazyJs.files) assert.ok(!stored.initialJs.files.some((f) => f.file === file.file), `${file.file} is lazy only`);
  });
});

describe('the local runtime without the web option', () => {
  it('serves no app: / is the API’s 404', async () => {
    // Prepare
    const mes = await startTestRuntime();
    try {
      // Act
      const res = await get(mes.baseUrl, '/');
      // Assess
      assert.equal(res.status, 404);
      assert.equal(res.headers['content-type'], 'application/problem+json');
      assert.equal(mes.runtime.webUrl, undefined);
    } finally {
      await mes.stop();
    }
  });
});

describe('the local runtime serving the app with a Cognito config', () => {
  it('hands out that config and lets the app connect to the API and the hosted UI origins only', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'mes-web-test-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    const config = {
      apiUrl: 'https://api.example.test',
      auth: { mode: 'cognito' as const, domain: 'https://mes.auth.eu-west-1.amazoncognito.com', clientId: 'client' },
    };
    const mes = await startTestRuntime({ web: { dir, config } });
    try {
      // Act
      const res = await get(mes.baseUrl, '/config.json');
      // Assess
      assert.deepEqual(JSON.parse(res.body.toString('utf8')), config);
      assert.match(
        String(res.headers['content-security-policy']),
        /connect-src 'self' https:\/\/api\.example\.test https:\/\/mes\.auth\.eu-west-1\.amazoncognito\.com;/,
      );
    } finally {
      await mes.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A stand-in for the Cognito hosted UI: /oauth2/authorize sends the browser straight back with a
 * code, /oauth2/token hands out `idToken` only for that code with the verifier of the challenge.
 */
async function startFakeHostedUi(idToken: () => Promise<string>) {
  const seen: { authorize?: Record<string, string>; token?: Record<string, string> } = {};
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/oauth2/authorize') {
      seen.authorize = Object.fromEntries(url.searchParams);
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', 'the-code');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.href }).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      seen.token = { ...form, contentType: String(req.headers['content-type']) };
      const challenge = createHash('sha256')
        .update(form.code_verifier ?? '')
        .digest('base64url');
      const ok = url.pathname === '/oauth2/token' && form.code === 'the-code' && challenge === seen.authorize?.code_challenge;
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json', 'access-control-allow-origin': String(req.headers.origin ?? '*') });
      res.end(
        JSON.stringify(
          ok ? { id_token: await idToken(), access_token: 'unused', token_type: 'Bearer', expires_in: 3600 } : { error: 'invalid_grant' },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('sign-in with the Cognito hosted UI (authorization code + PKCE)', { skip: BROWSER_SKIP }, () => {
  let dir: string;
  let mes: TestRuntime;
  let hostedUi: Awaited<ReturnType<typeof startFakeHostedUi>>;
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mes-web-test-'));
    await buildWeb({ outDir: dir });
    // The API checks tokens of the local identity provider, so the stand-in hands out one of the
    // runtime's own (issued when asked, since the runtime starts knowing the stand-in's address).
    hostedUi = await startFakeHostedUi(() => mes.token('t-hosted', 'p-sam', ['supervisor'], 'Sam Jansen'));
    mes = await startTestRuntime({ web: { dir, config: { apiUrl: '', auth: { mode: 'cognito', domain: hostedUi.url, clientId: 'web-client' } } } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
    await mes?.stop();
    await hostedUi?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in through the hosted UI, swaps the code with the verifier, returns to the screen and cleans the address bar', async () => {
    // Prepare
    const page = await browser.newPage();
    await page.goto(`${mes.baseUrl}/#/orders`);
    // Act
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor({ state: 'visible', timeout: 10_000 });
    // Assess
    const { authorize, token } = hostedUi.seen;
    assert.equal(authorize?.response_type, 'code');
    assert.equal(authorize?.client_id, 'web-client');
    assert.equal(authorize?.redirect_uri, `${mes.baseUrl}/`, 'the origin root, as registered on the app client');
    assert.equal(authorize?.code_challenge_method, 'S256');
    assert.match(authorize?.scope ?? '', /\bopenid\b/);
    assert.ok((authorize?.state ?? '').length >= 32);
    assert.equal(token?.grant_type, 'authorization_code');
    assert.equal(token?.client_id, 'web-client');
    assert.equal(token?.redirect_uri, `${mes.baseUrl}/`);
    assert.match(token?.code_verifier ?? '', /^[A-Za-z0-9_-]{43,128}$/);
    assert.equal(token?.contentType, 'application/x-www-form-urlencoded');
    assert.equal(page.url(), `${mes.baseUrl}/#/orders`, 'no code left in the address bar, back on the screen');
    // The header names the person (the plant by name, never the tenant id); the session holds the token's tenant.
    assert.match(await page.locator('header.top').innerText(), /Sam Jansen/);
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('mes.session') ?? '{}').tenantId), 't-hosted');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('mes.signIn')), null, 'the verifier is gone');
    await page.close();
  });

  it('refuses an answer to a sign-in it did not start, and says so on the sign-in screen', async () => {
    // Prepare
    const page = await browser.newPage();
    // Act: a code with a state this tab never made
    await page.goto(`${mes.baseUrl}/?code=the-code&state=forged`);
    // Assess
    await page.getByRole('alert').waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await page.getByRole('alert').innerText(), /does not match a sign-in started here/);
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    assert.equal(new URL(page.url()).search, '', 'the code is removed from the address bar');
    await page.close();
  });
});

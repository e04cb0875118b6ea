/**
 * The HTTP sender against real servers on 127.0.0.1: what it reports (status, Retry-After,
 * duration, errors), what it refuses (blocked addresses, before connecting or at DNS lookup),
 * and what it does not do (follow redirects, read a whole endless response).
 */
import assert from 'node:assert/strict';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { NodeHttpSender, guardedLookup } from '#functions/lib/http-sender.ts';

const servers: Server[] = [];
async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const local = new NodeHttpSender({ allowLoopback: true });
const strict = new NodeHttpSender({ allowLoopback: false });
const send = (sender: NodeHttpSender, url: string, timeoutMs = 2000) =>
  sender.send({ url, headers: { 'webhook-id': 'msg_1' }, body: '{"a":1}', timeoutMs });

describe('webhook HTTP sender', () => {
  it('POSTs the body as JSON with the headers, and reports status, Retry-After and duration', async () => {
    // Prepare
    let seen: { method?: string; type?: string; id?: string; body: string } = { body: '' };
    const base = await serve((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen = { method: req.method, type: req.headers['content-type'], id: req.headers['webhook-id'] as string, body };
        res.writeHead(503, { 'retry-after': '120' }).end('busy');
      });
    });
    // Act
    const result = await send(local, `${base}/hooks`);
    // Assess
    assert.deepEqual(seen, { method: 'POST', type: 'application/json', id: 'msg_1', body: '{"a":1}' });
    assert.equal(result.statusCode, 503);
    assert.equal(result.retryAfter, '120');
    assert.equal(typeof result.durationMs, 'number');
    assert.equal(result.error, undefined);
  });

  it('does not follow redirects', async () => {
    let hits = 0;
    const base = await serve((_req, res) => {
      hits++;
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    });
    const result = await send(local, `${base}/hooks`);
    assert.equal(result.statusCode, 302);
    assert.equal(hits, 1);
  });

  it('reads only the start of an endless response', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(1024, 120);
      const pump = () => {
        while (res.write(chunk)) {
          /* keep the pipe full */
        }
      };
      res.on('drain', pump);
      pump();
    });
    const result = await send(local, `${base}/hooks`, 10_000);
    assert.equal(result.statusCode, 200);
    assert.equal(result.error, undefined);
  });

  it('gives up after the timeout when no answer comes', async () => {
    const base = await serve(() => {
      /* never answers */
    });
    const result = await send(local, `${base}/hooks`, 200);
    assert.equal(result.statusCode, undefined);
    assert.match(result.error ?? '', /timed out after 200 ms/);
  });

  it('says so when the connection is refused', async () => {
    const base = await serve(() => undefined);
    servers.at(-1)!.close();
    const result = await send(local, `${base}/hooks`);
    assert.match(result.error ?? '', /connection refused \(ECONNREFUSED\)/);
  });

  it('refuses blocked IP literals without connecting', async () => {
    for (const url of ['https://10.0.0.1/x', 'https://169.254.169.254/x', 'https://[::ffff:10.0.0.1]/x']) {
      const result = await send(local, url);
      assert.equal(result.statusCode, undefined);
      assert.match(result.error ?? '', /^blocked address: /, url);
    }
    assert.match((await send(strict, 'http://127.0.0.1:9/x')).error ?? '', /blocked address: 127\.0\.0\.1 is a loopback address/);
  });

  it('refuses at DNS lookup a name that resolves to a blocked address', async () => {
    const base = await serve((_req, res) => res.end());
    const port = new URL(base).port;
    assert.match((await send(strict, `http://localhost:${port}/x`)).error ?? '', /blocked address: localhost resolves to .*loopback/);
    assert.equal((await send(local, `http://localhost:${port}/x`)).statusCode, 200);
  });

  it("answers a lookup with one address or all, as asked (Node's happy eyeballs asks for all)", async () => {
    const lookup = guardedLookup({ allowLoopback: true });
    const one = await new Promise<unknown[]>((resolve, reject) =>
      lookup('localhost', { family: 4 }, (error, address, family) => (error ? reject(error) : resolve([address, family]))),
    );
    assert.deepEqual(one, ['127.0.0.1', 4]);
    const all = await new Promise<unknown>((resolve, reject) =>
      lookup('localhost', { all: true, family: 4 }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
    );
    assert.deepEqual(all, [{ address: '127.0.0.1', family: 4 }]);
  });
});

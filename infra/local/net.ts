/** Small socket helpers for the local runtime: free ports and "is this port taken?". */
import { createServer } from 'node:net';

/**
 * Below the range the OS hands out for outgoing connections (Linux: 32768-60999), so that no
 * client socket of another process takes the port between this check and the caller's bind
 * (seen in CI: EADDRINUSE on a port the OS had just called free, taken by a connection).
 */
const LISTEN_PORTS = { from: 20_000, to: 32_000 };

/**
 * A port nothing listens on: a random one below the outgoing range, checked by binding to it;
 * after a few taken ones, whatever the OS offers. Another process could still bind it before the
 * caller does: callers that can, retry.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = LISTEN_PORTS.from + Math.floor(Math.random() * (LISTEN_PORTS.to - LISTEN_PORTS.from));
    if (await isPortFree(port, host)) return port;
  }
  return osPort(host);
}

function osPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when nothing listens on host:port (checked by binding to it for a moment). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

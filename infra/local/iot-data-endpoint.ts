/**
 * The local stand-in for IoT Core's data plane HTTPS publish (`POST /topics/{topic}?qos=0|1`, the
 * payload as the body), so the live feed's publisher (functions/streams/publish-live.ts) runs the
 * same `@aws-sdk/client-iot-data-plane` code here as on AWS, with an endpoint override, the way
 * DynamoDB Local is reached. It publishes through the broker's server-side publish, and allows
 * what the publisher's role allows on AWS: the live feed's topics only (infra/stacks/live-stack.ts).
 * Loopback only; the SigV4 signature is not checked (DynamoDB Local does not check it either).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LIVE_FEED_PREFIX } from '../../shared/telemetry/live-feed.ts';
import type { Log } from './http-server.ts';

export interface IotDataEndpoint {
  /** http://127.0.0.1:port: MES_IOT_DATA_ENDPOINT for the in-process functions. */
  url: string;
  /** Publishes accepted so far (for the bench and tests). */
  published(): number;
  stop(): Promise<void>;
}

const MAX_BODY = 128 * 1024;

export async function startIotDataEndpoint(options: {
  publish: (topic: string, payload: Buffer, qos: 0 | 1) => Promise<void>;
  host?: string;
  log: Log;
}): Promise<IotDataEndpoint> {
  let count = 0;
  const answer = (res: import('node:http').ServerResponse, status: number, message?: string) => {
    const body = message ? JSON.stringify({ message }) : '';
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/topics\/(.+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !match?.[1]) return answer(res, 404, 'only POST /topics/{topic} is offered here');
    let topic: string;
    try {
      topic = decodeURIComponent(match[1]);
    } catch {
      return answer(res, 400, 'the topic is not URL-encoded correctly');
    }
    if (!topic.startsWith(`${LIVE_FEED_PREFIX}/`)) return answer(res, 403, `only the live feed (${LIVE_FEED_PREFIX}/...) is published here`);
    const qos = url.searchParams.get('qos') === '1' ? 1 : 0;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return answer(res, 413, `payload over ${MAX_BODY} bytes`);
      options.publish(topic, Buffer.concat(chunks), qos).then(
        () => {
          count++;
          answer(res, 200);
        },
        (error: Error) => {
          options.log.error(`IoT data plane: publishing to ${topic} failed`, error);
          answer(res, 500, error.message);
        },
      );
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    published: () => count,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

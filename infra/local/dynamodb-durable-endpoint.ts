/**
 * The DynamoDB endpoint the runtime hands out on a data dir: DynamoDB Local, with no write
 * answered before it is on disk.
 *
 * DynamoDB Local answers a TransactWriteItems before the transaction is committed: its
 * SQLiteDBAccess.commitTransaction puts the COMMIT on its one SQLite thread and returns
 * without waiting for it, so a crash in the next milliseconds loses a write already answered
 * 200 (strace: the 200 left 4 to 165 ms before the commit's fsync). Every other call waits for
 * its job on that thread, and the thread runs jobs in order. So a transaction's answer is held
 * here until a read queued after it (ListTables of one name) is answered: the COMMIT, with its
 * fsync of the log, ran before that read.
 *
 * macOS's fsync does not flush the disk's cache, and SQLite asks for F_FULLFSYNC only when
 * told to, which DynamoDB Local does not. There (`flushDiskCache`) every answered write also
 * waits for an fsync through libuv, which on macOS is F_FULLFSYNC: it flushes the disk's whole
 * cache, so the log that SQLite's own fsync handed to the disk is on it.
 */
import { open } from 'node:fs/promises';
import { Agent, createServer, type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';

const TARGET = 'DynamoDB_20120810.';
/** The calls whose COMMIT DynamoDB Local queues without waiting. */
const QUEUED_COMMIT = new Set(['TransactWriteItems', 'ExecuteTransaction']);
const WRITES = new Set([...QUEUED_COMMIT, 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ExecuteStatement', 'BatchExecuteStatement']);

/** DynamoDB Local checks that a request is signed, not by whom (-sharedDb). */
const BARRIER_AUTHORIZATION = 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

export interface DurableEndpointOptions {
  /** DynamoDB Local's own port on 127.0.0.1. */
  upstreamPort: number;
  /** A file on the database's disk, fsync'ed after each write when the disk's cache must be flushed. */
  databaseFile?: string | undefined;
  /** Needed on macOS (see above). */
  flushDiskCache: boolean;
}

export interface DurableEndpoint {
  endpoint: string;
  close(): Promise<void>;
}

export async function startDurableEndpoint(options: DurableEndpointOptions): Promise<DurableEndpoint> {
  const agent = new Agent({ keepAlive: true });
  const flush = options.flushDiskCache && options.databaseFile ? options.databaseFile : undefined;

  const upstream = (method: string, path: string, headers: IncomingHttpHeaders) =>
    request({ host: '127.0.0.1', port: options.upstreamPort, method, path, headers, agent });

  /** Answered once every job queued before it on DynamoDB Local's SQLite thread has run. */
  const barrier = () =>
    new Promise<void>((resolve, reject) => {
      const body = '{"Limit":1}';
      const req = upstream('POST', '/', {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `${TARGET}ListTables`,
        authorization: BARRIER_AUTHORIZATION,
        'content-length': String(Buffer.byteLength(body)),
      });
      req.once('response', (res) => {
        res.resume();
        res.once('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`DynamoDB Local answered the commit barrier ${res.statusCode}`)),
        );
      });
      req.once('error', reject);
      req.end(body);
    });

  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith(TARGET) ? target.slice(TARGET.length) : '';
    const forward = upstream(req.method ?? 'POST', req.url ?? '/', endToEnd(req.headers));
    forward.once('response', (answer) => {
      if (!WRITES.has(action) || answer.statusCode !== 200) {
        res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
        answer.pipe(res);
        return;
      }
      readAll(answer)
        .then(async (body) => {
          if (QUEUED_COMMIT.has(action)) await barrier();
          if (flush) await fsyncFile(flush);
          res.writeHead(answer.statusCode ?? 200, endToEnd(answer.headers)).end(body);
        })
        // Not known to be on disk: no answer at all, as when a connection drops on AWS.
        .catch((error: Error) => res.destroy(error));
    });
    forward.once('error', (error) => res.destroy(error));
    req.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** Without the headers about one connection: each side keeps its own alive. */
function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { connection: _connection, 'keep-alive': _keepAlive, ...rest } = headers;
  return rest;
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

async function fsyncFile(file: string) {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

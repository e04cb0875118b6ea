/**
 * Per-request DynamoDB usage: calls made and request units consumed. The HTTP edge opens a
 * scope per request; the bench reads it from a response header when MES_EXPOSE_DDB_USAGE=1.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Usage {
  calls: string[];
  readUnits: number;
  writeUnits: number;
}

const storage = new AsyncLocalStorage<Usage>();

export const withUsage = <T>(fn: () => Promise<T>): Promise<[T, Usage]> => {
  const usage: Usage = { calls: [], readUnits: 0, writeUnits: 0 };
  return storage.run(usage, async (): Promise<[T, Usage]> => [await fn(), usage]);
};

/**
 * Runs fn outside the request's usage scope: the fair-use bucket's lease (functions/lib/rate-limit.ts)
 * is the limiter's cost, not the route's (docs/fair-use.md prices it per 1,000 requests), so the
 * bench's per-route figures stay the route's own.
 */
export const withoutUsage = <T>(fn: () => Promise<T>): Promise<T> => storage.exit(fn);

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

export function recordUsage(command: string, consumed: unknown): void {
  const usage = storage.getStore();
  if (!usage) return;
  usage.calls.push(command.replace(/Command$/, ''));
  const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Capacity[];
  for (const c of list) {
    const read = c.ReadCapacityUnits ?? 0;
    const write = c.WriteCapacityUnits ?? 0;
    // DynamoDB Local may report only CapacityUnits; attribute it by the kind of call.
    const total = c.CapacityUnits ?? read + write;
    if (read || write) {
      usage.readUnits += read;
      usage.writeUnits += write;
    } else if (/^(Get|Query|BatchGet|TransactGet)/.test(command)) usage.readUnits += total;
    else usage.writeUnits += total;
  }
}

/**
 * A client's side of fair use (issue 17, docs/fair-use.md): fetch that, on a 429, waits what
 * `Retry-After` says (whole seconds; 1 when the answer says nothing, as API Gateway's own
 * throttle does) and sends the request again, a few times. The MES refuses a 429 before it reads
 * or does anything, so sending the same request again is safe. Used by the simulator and the
 * tools that call the API; the web app has its own rule (web/src/contract.ts: reads only).
 */

/** Seconds a 429 asks to wait: `Retry-After` in seconds (or an HTTP date), at least 1, at most `max`. */
export function retryAfterSeconds(headers: Pick<Headers, 'get'>, now = Date.now(), max = 60): number {
  const value = headers.get('retry-after')?.trim() ?? '';
  let seconds = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(seconds) && value) {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) seconds = Math.ceil((at - now) / 1000);
  }
  return Math.min(max, Math.max(1, Number.isFinite(seconds) ? seconds : 1));
}

export interface RetryAfterOptions {
  /** Sends after the first (default 3). */
  retries?: number;
  /** Waits (tests may pass a fake). */
  sleep?: (ms: number) => Promise<void>;
  /** Each send's own timeout, ms (a signal in `init` would count the waits too). */
  timeoutMs?: number;
  /** Told of each wait, e.g. to log it. */
  onWait?: (seconds: number, url: string) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** fetch, honouring 429 + Retry-After: the last answer is returned as it is (a 429 too, when the retries ran out). */
export async function fetchHonouringRetryAfter(url: string, init: RequestInit = {}, options: RetryAfterOptions = {}): Promise<Response> {
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { ...init, ...(options.timeoutMs ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}) });
    if (res.status !== 429 || attempt >= retries) return res;
    const seconds = retryAfterSeconds(res.headers);
    await res.body?.cancel();
    options.onWait?.(seconds, url);
    await sleep(seconds * 1000);
  }
}

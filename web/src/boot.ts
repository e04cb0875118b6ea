/**
 * The boot script: index.html runs it before the app's script (a separate bundle of a few
 * hundred bytes). It starts /config.json and, when a session is saved and the route is a screen
 * of FIRST_REQUESTS, that screen's first request (at the path the app saved on its last visit),
 * and hands both to the app (early.ts). That request goes to the API of the config saved on the
 * last visit, at once: waiting for /config.json here would wait behind the app's script, which
 * runs in the meantime.
 */
import { currentSession } from './auth.ts';
import { type Boot, currentPath, type EarlyRequest, savedConfig, savedFirstPath } from './early.ts';
import type { AppConfig } from './config.ts';

const config: Promise<AppConfig | undefined> = fetch('/config.json')
  .then((res) => (res.ok ? (res.json() as Promise<AppConfig>) : undefined))
  .catch(() => undefined);
const boot: Boot = { config, requests: new Map() };
window.__mesBoot = boot;

const path = savedFirstPath(currentPath().split('?')[0] ?? '/');
const session = currentSession();
const saved = savedConfig();
if (path && session && saved) {
  const request: EarlyRequest = {
    at: Date.now(),
    apiUrl: saved.apiUrl,
    answer: fetch(`${saved.apiUrl}${path}`, { headers: { authorization: `Bearer ${session.token}` } }).then(
      async (res) => {
        const answer = { ok: res.ok, body: res.ok ? await res.json() : undefined };
        request.settled = answer;
        return answer;
      },
      () => undefined,
    ),
  };
  boot.requests.set(path, request);
}

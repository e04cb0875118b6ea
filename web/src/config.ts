/**
 * Deployment facts the app reads at start from /config.json: one build for every environment.
 * The local runtime serves it (local sign-in, API on the same origin); on AWS the web stack
 * writes it at deploy time (API URL, Cognito hosted UI).
 */
import { SAVED_CONFIG, savedConfig } from './early.ts';

export type AuthConfig =
  | { mode: 'local' }
  | {
      mode: 'cognito';
      /** Hosted UI base URL, e.g. https://mes-123.auth.eu-west-1.amazoncognito.com */
      domain: string;
      clientId: string;
      /** Default: `${location.origin}/auth/callback` is not used (hash routing): `${location.origin}/`. */
      redirectUri?: string;
    };

export interface AppConfig {
  /** Base URL of the HTTP API, '' for the same origin. */
  apiUrl: string;
  auth: AuthConfig;
}

let config: AppConfig | undefined;

export async function loadConfig(): Promise<AppConfig> {
  if (config) return config;
  // Opened offline (the service worker served the shell): the last config seen still holds.
  const fallback: AppConfig = savedConfig() ?? { apiUrl: '', auth: { mode: 'local' } };
  // The boot script asked for it already (early.ts); without it (an old cached page), ask here.
  const read = window.__mesBoot?.config ?? fetch('/config.json').then((res) => (res.ok ? (res.json() as Promise<AppConfig>) : undefined));
  const served = await read.catch(() => undefined);
  if (served) localStorage.setItem(SAVED_CONFIG, JSON.stringify(served));
  config = served ?? fallback;
  return config;
}

export const appConfig = (): AppConfig => config ?? { apiUrl: '', auth: { mode: 'local' } };

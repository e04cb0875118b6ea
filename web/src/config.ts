/**
 * Deployment facts the app reads at start from /config.json: one build for every environment.
 * The local runtime serves it (local sign-in, API on the same origin); on AWS the web stack
 * writes it at deploy time (API URL, Cognito hosted UI).
 */
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
const SAVED = 'mes.config';

export async function loadConfig(): Promise<AppConfig> {
  if (config) return config;
  // Opened offline (the service worker served the shell): the last config seen still holds.
  const saved = localStorage.getItem(SAVED);
  const fallback: AppConfig = saved ? (JSON.parse(saved) as AppConfig) : { apiUrl: '', auth: { mode: 'local' } };
  try {
    // Default cache mode, so the response preloaded by index.html serves it (the server marks it no-store).
    const res = await fetch('/config.json');
    config = res.ok ? ((await res.json()) as AppConfig) : fallback;
    if (res.ok) localStorage.setItem(SAVED, JSON.stringify(config));
  } catch {
    config = fallback;
  }
  return config;
}

export const appConfig = (): AppConfig => config ?? { apiUrl: '', auth: { mode: 'local' } };

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

export async function loadConfig(): Promise<AppConfig> {
  if (config) return config;
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    config = res.ok ? ((await res.json()) as AppConfig) : { apiUrl: '', auth: { mode: 'local' } };
  } catch {
    config = { apiUrl: '', auth: { mode: 'local' } };
  }
  return config;
}

export const appConfig = (): AppConfig => config ?? { apiUrl: '', auth: { mode: 'local' } };

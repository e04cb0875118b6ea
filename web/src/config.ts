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

/**
 * Where the live feed (shared/telemetry/live-feed.ts) is pushed from, MQTT over WebSocket.
 * Locally the broker's WebSocket, signed in with the local token (username = tenant id, password
 * = the token); on AWS IoT Core's endpoint with a SigV4-signed URL from the user's Cognito
 * identity pool credentials. Absent: no push, the screens poll.
 */
export type LiveFeedConfig =
  | { mode: 'local'; url: string }
  | {
      mode: 'iot';
      /** IoT Core's Data-ATS host, e.g. abc123-ats.iot.eu-west-1.amazonaws.com */
      endpoint: string;
      region: string;
      /** The identity pool that maps the user pool's ID token to the browser role. */
      identityPoolId: string;
      /** cognito-idp.<region>.amazonaws.com/<userPoolId>: the login the identity pool accepts. */
      userPoolProvider: string;
    };

export interface AppConfig {
  /** Base URL of the HTTP API, '' for the same origin. */
  apiUrl: string;
  auth: AuthConfig;
  live?: LiveFeedConfig;
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

/**
 * The live feed on AWS: IoT Core MQTT over WebSocket with the user's Cognito identity. The
 * identity pool exchanges the user pool's ID token for temporary credentials of the browser
 * role (its tenant as a principal tag, infra/stacks/live-stack.ts); the WebSocket URL is signed
 * with them (SigV4, service iotdevicegateway), the session token appended after signing as IoT
 * Core expects. WebCrypto only: no SDK in the page. IoT Core also wants the browser IoT policy
 * on the user's Cognito identity: the API attaches it (route startLiveFeedSession), once per
 * sign-in, before the first connection.
 */
import { api } from './api.ts';
import type { LiveFeedConfig } from './config.ts';

type IotConfig = Extract<LiveFeedConfig, { mode: 'iot' }>;
interface Credentials {
  AccessKeyId: string;
  SecretKey: string;
  SessionToken: string;
}

async function cognitoIdentity<T>(region: string, action: string, body: unknown): Promise<T> {
  const res = await fetch(`https://cognito-identity.${region}.amazonaws.com/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${action}` },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`Cognito identity ${action}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** Temporary credentials of the browser role for this ID token. */
async function credentialsFor(config: IotConfig, idToken: string): Promise<Credentials> {
  const Logins = { [config.userPoolProvider]: idToken };
  const { IdentityId } = await cognitoIdentity<{ IdentityId: string }>(config.region, 'GetId', { IdentityPoolId: config.identityPoolId, Logins });
  const { Credentials } = await cognitoIdentity<{ Credentials: Credentials }>(config.region, 'GetCredentialsForIdentity', { IdentityId, Logins });
  return Credentials;
}

/** The token whose identity has the policy attached: asked for once per sign-in, again only after a failure. */
let attachedFor: string | undefined;

/**
 * Has the API attach the browser IoT policy to this user's Cognito identity (the API derives the
 * identity from the token; nothing is sent). Idempotent on the server, so a repeat is harmless.
 */
export async function startLiveFeedSession(token: string): Promise<void> {
  if (attachedFor === token) return;
  await api.call('startLiveFeedSession', { body: {} });
  attachedFor = token;
}

const encoder = new TextEncoder();
const hex = (bytes: ArrayBuffer) => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha256 = async (text: string) => hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
async function hmac(key: BufferSource, text: string): Promise<ArrayBuffer> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, encoder.encode(text));
}

/** wss://<endpoint>/mqtt?X-Amz-...: a SigV4 query-signed URL, valid for the credentials' lifetime. */
export async function signedIotUrl(config: IotConfig, idToken: string, now = new Date()): Promise<string> {
  const credentials = await credentialsFor(config, idToken);
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const service = 'iotdevicegateway';
  const scope = `${day}/${config.region}/${service}/aws4_request`;
  const query = [
    ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
    ['X-Amz-Credential', `${credentials.AccessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-SignedHeaders', 'host'],
  ]
    .map(([k, v]) => `${k}=${encodeURIComponent(v as string)}`)
    .join('&');
  const canonical = ['GET', '/mqtt', query, `host:${config.endpoint}\n`, 'host', await sha256('')].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256(canonical)].join('\n');
  let key: ArrayBuffer = await hmac(encoder.encode(`AWS4${credentials.SecretKey}`) as BufferSource, day);
  for (const part of [config.region, service, 'aws4_request']) key = await hmac(key, part);
  const signature = hex(await hmac(key, toSign));
  return `wss://${config.endpoint}/mqtt?${query}&X-Amz-Signature=${signature}&X-Amz-Security-Token=${encodeURIComponent(credentials.SessionToken)}`;
}

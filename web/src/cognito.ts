/**
 * Sign-in on AWS: the Cognito hosted UI with OAuth 2.0 authorization code + PKCE (RFC 7636; the
 * app client has no secret). startSignIn() keeps a code verifier and a state in sessionStorage
 * and redirects; the hosted UI sends the browser back to the app's root with `?code=&state=`,
 * and completeSignInRedirect(), run at start, swaps the code for tokens and signs in with the
 * ID token (it carries the tenant and the roles, see auth.ts).
 */
import { signIn } from './auth.ts';
import type { AuthConfig } from './config.ts';

type CognitoConfig = Extract<AuthConfig, { mode: 'cognito' }>;

const PENDING_KEY = 'mes.signIn';
const ERROR_KEY = 'mes.signInError';
const SCOPES = 'openid email profile';

/** What startSignIn leaves for the redirect back: one sign-in at a time per tab. */
interface PendingSignIn {
  state: string;
  verifier: string;
  /** The hash route to return to after sign-in. */
  returnTo: string;
}

/** The callback URL registered on the app client: the app's root (infra/constructs/mes-user-pool.ts). */
export const redirectUriOf = (config: CognitoConfig) => config.redirectUri ?? `${location.origin}/`;

const base64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

const randomString = (bytes = 32) => base64Url(crypto.getRandomValues(new Uint8Array(bytes)));

/** S256: base64url(SHA-256(verifier)). */
async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** Sends the browser to the hosted UI. */
export async function startSignIn(config: CognitoConfig): Promise<void> {
  // 32 random bytes: a 43-character verifier, within RFC 7636's 43 to 128.
  const pending: PendingSignIn = {
    state: randomString(),
    verifier: randomString(),
    returnTo: location.hash.startsWith('#/sign-in') ? '' : location.hash,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  sessionStorage.removeItem(ERROR_KEY);
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUriOf(config),
    scope: SCOPES,
    state: pending.state,
    code_challenge: await challengeOf(pending.verifier),
    code_challenge_method: 'S256',
  });
  location.assign(`${trimSlash(config.domain)}/oauth2/authorize?${query}`);
}

/**
 * When the page is the hosted UI's redirect (`?code=&state=` or `?error=`), finishes the
 * sign-in and removes the query from the address bar; otherwise does nothing. A failure is kept
 * for the sign-in screen (lastSignInError) instead of thrown: the app still starts.
 */
export async function completeSignInRedirect(config: CognitoConfig): Promise<void> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return;
  const pending = readPending();
  sessionStorage.removeItem(PENDING_KEY);
  try {
    if (error) throw new Error(`the sign-in was refused: ${params.get('error_description') ?? error}`);
    if (!pending || params.get('state') !== pending.state)
      throw new Error('the sign-in answer does not match a sign-in started here; please start again');
    const res = await fetch(`${trimSlash(config.domain)}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: config.clientId,
        code: code as string,
        redirect_uri: redirectUriOf(config),
        code_verifier: pending.verifier,
      }),
    });
    if (!res.ok) throw new Error(`the sign-in service refused the code (${res.status}); please sign in again`);
    const tokens = (await res.json()) as { id_token?: string };
    if (!tokens.id_token) throw new Error('the sign-in service sent no ID token');
    signIn(tokens.id_token);
    sessionStorage.removeItem(ERROR_KEY);
  } catch (failure) {
    sessionStorage.setItem(ERROR_KEY, (failure as Error).message);
  } finally {
    // The code is single-use: a reload must not try it again, nor a bookmark keep it.
    history.replaceState(null, '', `${location.pathname}${pending?.returnTo || location.hash}`);
  }
}

/** Why the last sign-in failed, in words, if it did. */
export const lastSignInError = (): string | undefined => sessionStorage.getItem(ERROR_KEY) ?? undefined;

function readPending(): PendingSignIn | undefined {
  try {
    return JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

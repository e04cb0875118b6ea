/**
 * Sign-in on AWS: the Cognito hosted UI with OAuth 2.0 authorization code + PKCE (the app
 * client has no secret). startSignIn() redirects; completeSignInRedirect() swaps the code for
 * tokens when the hosted UI sends the browser back with `?code=`.
 */
import type { AuthConfig } from './config.ts';

type CognitoConfig = Extract<AuthConfig, { mode: 'cognito' }>;

export async function startSignIn(_config: CognitoConfig): Promise<void> {
  throw new Error('not built yet');
}

export async function completeSignInRedirect(_config: CognitoConfig): Promise<void> {}

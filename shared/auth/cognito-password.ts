/**
 * The PasswordVerifier adapter (issue 16): Cognito's InitiateAuth with USER_PASSWORD_AUTH, over
 * fetch, against an endpoint and app client the deployment names (on AWS
 * https://cognito-idp.{region}.amazonaws.com/ and the signing-only app client; locally the local
 * identity provider, which speaks the same protocol). Tokens or any challenge (MFA) mean the
 * password was right; NotAuthorizedException or UserNotFoundException mean it was not, and the
 * caller never learns which. Anything else is a failure of ours (an error, a 500), not a wrong
 * password: it must not count toward a lock-out. The tokens are dropped unread.
 */
import type { PasswordVerifier } from '../domain/signatures/service.ts';
import { cognitoUsername } from './claims.ts';

const WRONG = new Set(['NotAuthorizedException', 'UserNotFoundException', 'PasswordResetRequiredException', 'UserNotConfirmedException']);

export class CognitoPasswordVerifier implements PasswordVerifier {
  constructor(
    private readonly endpoint: string,
    private readonly clientId: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async verify(tenantId: string, userId: string, password: string): Promise<boolean> {
    const res = await this.fetchImpl(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
      body: JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: this.clientId,
        // The signer's Cognito username (shared/auth/claims.ts): the user id they typed, in their plant.
        AuthParameters: { USERNAME: cognitoUsername(tenantId, userId), PASSWORD: password },
        // Cognito hands it to triggers only; the local provider keeps passwords per tenant by it.
        ClientMetadata: { tenantId },
      }),
    });
    const body = (await res.json().catch(() => ({}))) as { __type?: string; AuthenticationResult?: unknown; ChallengeName?: string };
    if (res.ok && (body.AuthenticationResult || body.ChallengeName)) return true;
    const type = (body.__type ?? '').split('#').pop() ?? '';
    if (res.status === 400 && WRONG.has(type)) return false;
    throw new Error(`the identity provider answered ${res.status} ${type || 'without an error type'} to a signing password check`);
  }
}

/** Signing in as an invited user (issue 17): the local identity provider's Cognito InitiateAuth. */
import { LOCAL_ONLY_PATHS } from '#shared/api/routes.ts';
import { Api } from './mes.ts';

/** Cognito's InitiateAuth against the local identity provider, as the sign-in would. */
export async function signIn(mes: { baseUrl: string }, tenantId: string, userId: string, password: string) {
  const res = await fetch(`${mes.baseUrl}${LOCAL_ONLY_PATHS.cognito}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: userId, PASSWORD: password }, ClientMetadata: { tenantId } }),
  });
  const body = (await res.json()) as { AuthenticationResult?: { IdToken: string }; __type?: string; message?: string };
  const token = body.AuthenticationResult?.IdToken;
  const claims = token ? (JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>) : undefined;
  return { status: res.status, token, claims, error: body.__type, api: new Api(mes.baseUrl, token, userId) };
}

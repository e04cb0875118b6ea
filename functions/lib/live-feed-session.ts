/**
 * The AWS half of a live feed session (docs/live-feed.md): IoT Core lets a Cognito identity
 * connect only with an IoT policy attached to it, besides its role's IAM policy. Here the
 * caller's identity id is derived from the caller's own ID token (Cognito Identity GetId with
 * the user pool login), never taken from the client, and the browser policy is attached to it
 * (IoT AttachPolicy, idempotent).
 *
 * Which token: the HTTP API's JWT authorizer verified the Authorization header's bearer token
 * (its identity source), and the handler chain accepted it only as an ID token (token_use id,
 * functions/lib/auth.ts); an ID token is also what the identity pool takes as the user pool
 * login. So the header's token is used as it is; GetId verifies it once more (signature, issuer,
 * the app client the pool names). Its `sub` is compared with the authorizer's claims all the same.
 *
 * Loaded only by POST /v1/live-feed/session on AWS: the SDK clients stay out of the other routes.
 */
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { AttachPolicyCommand, IoTClient } from '@aws-sdk/client-iot';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { decodeJwt } from 'jose';
import { ENV } from '#shared/config.ts';
import { UnauthorizedError } from '#shared/domain/errors.ts';
import { BROWSER_IOT_POLICY_NAME } from '#shared/telemetry/live-feed.ts';

const ssm = new SSMClient({});
const cognito = new CognitoIdentityClient({});
const iot = new IoTClient({});

/** The identity pool id, read once per container (the live stack writes it, BROWSER_IDENTITY_POOL_PARAMETER). */
let poolId: Promise<string> | undefined;
function identityPoolId(parameter: string): Promise<string> {
  poolId ??= ssm.send(new GetParameterCommand({ Name: parameter })).then((out) => {
    const value = out.Parameter?.Value;
    if (!value) throw new Error(`SSM parameter ${parameter} holds no identity pool id`);
    return value;
  });
  poolId.catch(() => {
    poolId = undefined; // not cached: the next call asks again (e.g. the live stack deployed since)
  });
  return poolId;
}

/** The bearer token of an `Authorization: Bearer <token>` header, or 401. */
export function bearerToken(authorization: string | undefined): string {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization?.trim() ?? '')?.[1];
  if (!token) throw new UnauthorizedError('send an Authorization: Bearer <ID token> header');
  return token;
}

export async function attachBrowserPolicy(input: { parameter: string; authorization: string | undefined; userId: string }): Promise<string> {
  const token = bearerToken(input.authorization);
  let sub: unknown;
  try {
    sub = decodeJwt(token).sub;
  } catch {
    sub = undefined;
  }
  if (sub !== input.userId) throw new UnauthorizedError('the bearer token is not the ID token the request was signed in with');
  const provider = process.env[ENV.userPoolProvider];
  if (!provider) throw new Error(`${ENV.userPoolProvider} is not set: the user pool login provider the identity pool takes`);

  const { IdentityId } = await cognito.send(
    new GetIdCommand({ IdentityPoolId: await identityPoolId(input.parameter), Logins: { [provider]: token } }),
  );
  if (!IdentityId) throw new Error('Cognito identity GetId returned no identity id');
  // Attaching a policy that is attached already succeeds: one call per session, no check first.
  await iot.send(new AttachPolicyCommand({ policyName: BROWSER_IOT_POLICY_NAME, target: IdentityId }));
  return IdentityId;
}

/**
 * The local stand-in for the HTTP API's JWT authorizer, in one place: a non-public route's
 * bearer token is verified as API Gateway verifies a Cognito ID token (RS256 signature with the
 * local identity's key, issuer, audience, expiry) before any function runs, and its claims go
 * into the event as the authorizer passes them: every value a string, an array as "[a b]".
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type JWTPayload, createLocalJWKSet, jwtVerify } from 'jose';
import { UnauthorizedError } from '../../shared/domain/errors.ts';
import type { AuthorizerClaims } from '../../functions/lib/auth.ts';
import type { LocalIdentity } from './identity.ts';

/** The verified token's claims in the authorizer's format, or an UnauthorizedError. */
export async function verifyBearer(authorization: string | undefined, identity: LocalIdentity): Promise<AuthorizerClaims> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) throw new UnauthorizedError('send an Authorization: Bearer <token> header');
  try {
    const { payload } = await jwtVerify(match[1], createLocalJWKSet(identity.jwks()), {
      issuer: identity.issuer,
      audience: identity.audience,
      algorithms: ['RS256'],
    });
    return authorizerClaims(payload);
  } catch (error) {
    throw new UnauthorizedError(`the token is not valid: ${(error as Error).message}`);
  }
}

/** As API Gateway passes JWT claims to the integration (payload 2.0). */
export function authorizerClaims(payload: JWTPayload): AuthorizerClaims {
  const claims: AuthorizerClaims = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined || value === null) continue;
    claims[name] = Array.isArray(value) ? `[${value.join(' ')}]` : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return claims;
}

/** The event with the authorizer's context, as a JWT-protected route receives it. */
export function withAuthorizer(event: APIGatewayProxyEventV2, claims: AuthorizerClaims): APIGatewayProxyEventV2 {
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
  return { ...event, requestContext: { ...event.requestContext, authorizer: { jwt: { claims, scopes } } } } as APIGatewayProxyEventV2;
}

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

const keySets = new WeakMap<LocalIdentity, ReturnType<typeof createLocalJWKSet>>();

/**
 * Tokens verified already, until they expire: an RS256 check costs about a millisecond of the one
 * event loop the whole local runtime shares, and a phone sends the same token with every poll.
 * Per identity (so a runtime started again on the same port, with another key, verifies anew),
 * keyed by the exact token; bounded, oldest out first.
 */
const verifiedBy = new WeakMap<LocalIdentity, Map<string, { claims: AuthorizerClaims; expiresAt: number }>>();
const VERIFIED_MAX = 500;

/** The verified token's claims in the authorizer's format, or an UnauthorizedError. */
export async function verifyBearer(authorization: string | undefined, identity: LocalIdentity): Promise<AuthorizerClaims> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) throw new UnauthorizedError('send an Authorization: Bearer <token> header');
  let verified = verifiedBy.get(identity);
  if (!verified) verifiedBy.set(identity, (verified = new Map()));
  const cacheKey = match[1];
  const hit = verified.get(cacheKey);
  if (hit && hit.expiresAt > Date.now()) return hit.claims;
  verified.delete(cacheKey);
  let keySet = keySets.get(identity);
  if (!keySet) keySets.set(identity, (keySet = createLocalJWKSet(identity.jwks())));
  try {
    const { payload } = await jwtVerify(match[1], keySet, { issuer: identity.issuer, audience: identity.audience, algorithms: ['RS256'] });
    const claims = Object.freeze(authorizerClaims(payload));
    if (typeof payload.exp === 'number') {
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
      verified.set(cacheKey, { claims, expiresAt: payload.exp * 1000 });
    }
    return claims;
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

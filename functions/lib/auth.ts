/**
 * Verifies the bearer token the same way everywhere: signature against the issuer's JWKS,
 * issuer, audience, expiry, and that it is an ID token. On AWS the issuer is the Cognito user
 * pool (API Gateway's JWT authorizer checked it too); locally it is the local identity provider.
 * The tenant comes from the verified token only.
 */
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { TenantIdSchema } from '#shared/api/schemas.ts';
import { type AuthContext, CLAIMS } from '#shared/auth/claims.ts';
import { ENV } from '#shared/config.ts';
import { ForbiddenError, UnauthorizedError } from '#shared/domain/errors.ts';
import { type Role, isRole } from '#shared/domain/roles.ts';

/** Key sets by URL: fetched once per cold start and cached by jose (refetched on an unknown kid). */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const keySet = (url: string) => {
  let set = keySets.get(url);
  if (!set) keySets.set(url, (set = createRemoteJWKSet(new URL(url), { cacheMaxAge: 3_600_000 })));
  return set;
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * Tokens this container verified already, until they expire: an RS256 check costs about 1 ms,
 * and a warm function sees the same few users' tokens again and again. Keyed by the exact token
 * and the settings it was verified against; bounded, oldest out first.
 */
const verified = new Map<string, Record<string, unknown>>();
const VERIFIED_MAX = 500;

async function verify(token: string): Promise<Record<string, unknown>> {
  const jwksUrl = required(ENV.authJwksUrl);
  const issuer = required(ENV.authIssuer);
  const audience = required(ENV.authAudience);
  const cacheKey = `${jwksUrl} ${issuer} ${audience} ${token}`;
  const hit = verified.get(cacheKey);
  if (hit && typeof hit.exp === 'number' && hit.exp * 1000 > Date.now()) return hit;
  verified.delete(cacheKey);
  try {
    const { payload } = await jwtVerify(token, keySet(jwksUrl), { issuer, audience, algorithms: ['RS256'] });
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
    if (typeof payload.exp === 'number') verified.set(cacheKey, payload);
    return payload;
  } catch (error) {
    throw new UnauthorizedError(`the token is not valid: ${(error as Error).message}`);
  }
}

export async function authenticate(authorization: string | undefined, allowed: readonly Role[]): Promise<AuthContext> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) throw new UnauthorizedError('send an Authorization: Bearer <token> header');
  const claims = await verify(match[1]);
  const tenant = TenantIdSchema.safeParse(claims[CLAIMS.tenantId]);
  if (claims[CLAIMS.tokenUse] !== 'id' || !tenant.success || typeof claims[CLAIMS.userId] !== 'string') {
    throw new UnauthorizedError('the token does not name a tenant and a user');
  }
  const groups = claims[CLAIMS.roles];
  const roles = (Array.isArray(groups) ? groups : []).filter(isRole);
  if (!roles.some((r) => allowed.includes(r))) {
    throw new ForbiddenError(`this needs one of the roles ${allowed.join(', ')}; you have ${roles.join(', ') || 'none'}`);
  }
  const userId = claims[CLAIMS.userId] as string;
  return { tenantId: tenant.data, userId, name: typeof claims[CLAIMS.name] === 'string' ? (claims[CLAIMS.name] as string) : userId, roles };
}

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

export async function authenticate(authorization: string | undefined, allowed: readonly Role[]): Promise<AuthContext> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) throw new UnauthorizedError('send an Authorization: Bearer <token> header');
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(match[1], keySet(required(ENV.authJwksUrl)), {
      issuer: required(ENV.authIssuer),
      audience: required(ENV.authAudience),
      algorithms: ['RS256'],
    }));
  } catch (error) {
    throw new UnauthorizedError(`the token is not valid: ${(error as Error).message}`);
  }
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

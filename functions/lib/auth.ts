/**
 * Who is calling, from the claims of a token that is already verified: on AWS the HTTP API's
 * JWT authorizer checked signature, issuer, audience and expiry, and the claims arrive in
 * `requestContext.authorizer.jwt.claims`; locally the local gateway checks the same things and
 * passes the claims the same way (infra/local/jwt-authorizer.ts). Here: that it is an ID token
 * naming a tenant and a user, and that one of its roles may call the route. The tenant comes
 * from the verified token only.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TenantIdSchema } from '#shared/api/schemas.ts';
import { type AuthContext, CLAIMS, userIdOf } from '#shared/auth/claims.ts';
import { ForbiddenError, UnauthorizedError } from '#shared/domain/errors.ts';
import { type Role, isRole, rolesHonoured } from '#shared/domain/roles.ts';

/** What the JWT authorizer puts in the event: claim values as strings (arrays too, see groupsOf). */
export type AuthorizerClaims = Record<string, string | number | boolean | string[]>;

interface WithJwtAuthorizer {
  requestContext?: { authorizer?: { jwt?: { claims?: AuthorizerClaims } } };
}

export const claimsOf = (event: APIGatewayProxyEventV2): AuthorizerClaims | undefined =>
  (event as WithJwtAuthorizer).requestContext?.authorizer?.jwt?.claims;

/**
 * `cognito:groups` as the HTTP API authorizer passes it, a string like "[admin supervisor]",
 * or as a real array (other authorizers, tests).
 */
export function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value !== 'string') return [];
  const inner = /^\[(.*)\]$/s.exec(value.trim())?.[1] ?? value;
  // Whitespace only: a Cognito group name cannot hold a space, but it can hold a comma.
  return inner.split(/\s+/).filter(Boolean);
}

/** The caller of a route, or 401 (no usable claims) / 403 (no allowed role). */
export function authorize(claims: AuthorizerClaims | undefined, allowed: readonly Role[]): AuthContext {
  if (!claims) throw new UnauthorizedError('send an Authorization: Bearer <token> header');
  const tenant = TenantIdSchema.safeParse(claims[CLAIMS.tenantId]);
  const userId = userIdOf(claims, tenant.data);
  if (claims[CLAIMS.tokenUse] !== 'id' || !tenant.success || !userId) {
    throw new UnauthorizedError('the token does not name a tenant and a user');
  }
  // A platform role counts only in the platform tenant's token, a plant role only in a plant's (issue 17).
  const roles = rolesHonoured(tenant.data, groupsOf(claims[CLAIMS.roles]).filter(isRole));
  if (!roles.some((r) => allowed.includes(r))) {
    throw new ForbiddenError(`this needs one of the roles ${allowed.join(', ')}; you have ${roles.join(', ') || 'none'}`);
  }
  const name = claims[CLAIMS.name];
  return { tenantId: tenant.data, userId, name: typeof name === 'string' ? name : userId, roles };
}

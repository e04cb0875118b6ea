/**
 * The token claims the MES reads. They are the claims of a Cognito ID token, so the local
 * identity provider issues the same shape and the handlers verify both one way.
 */
export const CLAIMS = {
  tenantId: 'custom:tenantId',
  roles: 'cognito:groups',
  userId: 'sub',
  name: 'name',
  tokenUse: 'token_use',
} as const;

/**
 * The MES user id a token names. One Cognito user pool serves every plant, so a user's Cognito
 * username is `{tenantId}.{userId}` (functions/lib/cognito-identity.ts; the local identity
 * provider issues the same): the user id is the username without its tenant, which is what the
 * user types to sign and what records name. A token whose username does not follow that
 * convention (a user made by hand in the console) is named by its `sub`.
 */
export function userIdOf(claims: Readonly<Record<string, unknown>>, tenantId: string | undefined): string | undefined {
  const username = claims['cognito:username'];
  if (tenantId && typeof username === 'string' && username.startsWith(`${tenantId}.`) && username.length > tenantId.length + 1) {
    return username.slice(tenantId.length + 1);
  }
  const sub = claims[CLAIMS.userId];
  return typeof sub === 'string' && sub ? sub : undefined;
}

/** A user's Cognito username: `{tenantId}.{userId}` (see userIdOf). */
export const cognitoUsername = (tenantId: string, userId: string) => `${tenantId}.${userId}`;

export interface AuthContext {
  tenantId: string;
  userId: string;
  name: string;
  roles: readonly import('../domain/roles.ts').Role[];
}

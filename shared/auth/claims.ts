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

export interface AuthContext {
  tenantId: string;
  userId: string;
  name: string;
  roles: readonly import('../domain/roles.ts').Role[];
}

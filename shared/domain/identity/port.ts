/**
 * The identity port (issue 17; docs/onboarding.md): who may sign in, to which tenant, in which
 * roles. Cognito on AWS (functions/lib/cognito-identity.ts), the local runtime's user directory
 * locally (infra/local/user-directory.ts). The MES keeps its own user record per user as well
 * (shared/domain/identity/users.ts): Cognito cannot list a tenant's users (ListUsers does not
 * filter on custom attributes), and the record carries the audit trail.
 */
import type { PlantRole, Role } from '../roles.ts';

export interface NewIdentity {
  tenantId: string;
  userId: string;
  name: string;
  /** With an e-mail the identity provider sends the invitation (and the temporary password) there. */
  email?: string | undefined;
  /** Plant roles for a plant's user; `platform-operator` only for the first operator (mes-admin bootstrap-operator). */
  roles: readonly Role[];
}

export interface CreatedIdentity {
  /** The token's `sub` for this user (on AWS Cognito's own id; locally the user id). */
  subject: string;
  /**
   * The temporary password, when no e-mail carries it: shown once to the admin who invited,
   * never stored by the MES. Absent when the invitation went by e-mail.
   */
  temporaryPassword?: string | undefined;
  /** True when the user existed already (a retry): nothing was sent and no password is known. */
  existed: boolean;
}

export interface IdentityPort {
  /** Creates (invites) the user; a user that exists already is left as it is (`existed`). */
  createUser(user: NewIdentity): Promise<CreatedIdentity>;
  /** Makes the user's plant roles exactly these. */
  setRoles(tenantId: string, userId: string, roles: readonly PlantRole[]): Promise<void>;
  /** The user can no longer sign in; nothing is deleted. */
  disable(tenantId: string, userId: string): Promise<void>;
}

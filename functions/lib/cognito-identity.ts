/**
 * The identity port on AWS (issue 17; docs/onboarding.md): Cognito's admin API on the
 * deployment's user pool. The SDK client is imported on first use, so the admin function's
 * other routes (and every other function) never load it.
 *
 * A user's Cognito username is `{tenantId}.{userId}`: one user pool serves every plant, and
 * two plants may both have an `alice`. They sign in with it, or with their e-mail. The tenant
 * is the immutable `custom:tenantId`; the roles are groups. Without an e-mail Cognito cannot
 * send the invitation, so the MES makes the temporary password (the pool's policy: 14+
 * characters, upper, lower, digit, symbol), tells Cognito to send nothing, and answers it once.
 */
import { randomInt } from 'node:crypto';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoUsername } from '#shared/auth/claims.ts';
import type { CreatedIdentity, IdentityPort, NewIdentity } from '#shared/domain/identity/port.ts';
import { isPlantRole, type PlantRole } from '#shared/domain/roles.ts';

export { cognitoUsername };

type Client = Pick<CognitoIdentityProviderClient, 'send'>;

let shared: Promise<Client> | undefined;
/** One client per cold start, imported when first needed. */
const defaultClient = (): Promise<Client> => {
  shared ??= import('@aws-sdk/client-cognito-identity-provider').then(({ CognitoIdentityProviderClient }) => new CognitoIdentityProviderClient({}));
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
};

export class CognitoIdentity implements IdentityPort {
  constructor(
    private readonly userPoolId: string,
    private readonly client: () => Promise<Client> = defaultClient,
  ) {}

  async createUser(user: NewIdentity): Promise<CreatedIdentity> {
    const sdk = await import('@aws-sdk/client-cognito-identity-provider');
    const client = await this.client();
    const Username = cognitoUsername(user.tenantId, user.userId);
    const temporaryPassword = user.email ? undefined : newTemporaryPassword();
    let subject: string | undefined;
    let existed = false;
    try {
      const created = await client.send(
        new sdk.AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username,
          UserAttributes: [
            { Name: 'custom:tenantId', Value: user.tenantId },
            { Name: 'name', Value: user.name },
            ...(user.email
              ? [
                  { Name: 'email', Value: user.email },
                  { Name: 'email_verified', Value: 'true' },
                ]
              : []),
          ],
          // With an e-mail Cognito sends the invitation and its own temporary password; without, nothing is sent.
          ...(user.email
            ? { DesiredDeliveryMediums: ['EMAIL' as const] }
            : { TemporaryPassword: temporaryPassword, MessageAction: 'SUPPRESS' as const }),
        }),
      );
      subject = created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value;
    } catch (error) {
      if ((error as Error).name !== 'UsernameExistsException') throw error;
      existed = true;
      const found = await client.send(new sdk.AdminGetUserCommand({ UserPoolId: this.userPoolId, Username }));
      subject = found.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
    }
    if (!existed)
      for (const role of user.roles)
        await client.send(new sdk.AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username, GroupName: role }));
    return { subject: subject ?? Username, existed, ...(!existed && temporaryPassword ? { temporaryPassword } : {}) };
  }

  async setRoles(tenantId: string, userId: string, roles: readonly PlantRole[]): Promise<void> {
    const sdk = await import('@aws-sdk/client-cognito-identity-provider');
    const client = await this.client();
    const Username = cognitoUsername(tenantId, userId);
    const groups: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new sdk.AdminListGroupsForUserCommand({ UserPoolId: this.userPoolId, Username, NextToken }));
      groups.push(...(page.Groups ?? []).flatMap((g) => (g.GroupName ? [g.GroupName] : [])));
      NextToken = page.NextToken;
    } while (NextToken);
    // Only plant roles are the plant admin's to change: any other group stays as it is.
    for (const group of groups.filter((g) => isPlantRole(g) && !roles.includes(g))) {
      await client.send(new sdk.AdminRemoveUserFromGroupCommand({ UserPoolId: this.userPoolId, Username, GroupName: group }));
    }
    for (const role of roles.filter((r) => !groups.includes(r))) {
      await client.send(new sdk.AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username, GroupName: role }));
    }
  }

  async disable(tenantId: string, userId: string): Promise<void> {
    const sdk = await import('@aws-sdk/client-cognito-identity-provider');
    // AdminDisableUser also revokes the user's tokens.
    await (await this.client()).send(new sdk.AdminDisableUserCommand({ UserPoolId: this.userPoolId, Username: cognitoUsername(tenantId, userId) }));
  }
}

const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#%+-=?@';

/** 16 characters with each kind the pool's policy asks for; no look-alikes (l, 1, O, 0), so it can be read out. */
export function newTemporaryPassword(): string {
  const all = LOWER + UPPER + DIGITS + SYMBOLS;
  const pick = (set: string) => set[randomInt(set.length)] as string;
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS), ...Array.from({ length: 12 }, () => pick(all))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
}

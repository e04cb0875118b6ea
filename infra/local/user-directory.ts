/**
 * The local identity provider's user directory (issue 17): the local stand-in for the Cognito
 * user pool behind the identity port (shared/domain/identity/port.ts). Users by tenant and id,
 * with their name, e-mail, plant roles and whether they may sign in, kept in
 * `<dir>/users.json` when the runtime has a data dir, else in memory; their passwords in the
 * password store (passwords.ts). No mail leaves the laptop, so every invitation answers a
 * temporary password (shown once to the admin); the user signs in with it at
 * LOCAL_ONLY_PATHS.cognito (InitiateAuth) and gets a token with the directory's roles.
 *
 * The dev sign-in (/local/token) still mints a token for anyone, except a user the directory
 * knows is disabled.
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreatedIdentity, IdentityPort, NewIdentity } from '../../shared/domain/identity/port.ts';
import type { Role } from '../../shared/domain/roles.ts';
import { writeDurably } from './durable-file.ts';
import type { PasswordStore } from './passwords.ts';

export interface DirectoryUser {
  tenantId: string;
  userId: string;
  name: string;
  email?: string | undefined;
  roles: Role[];
  enabled: boolean;
}

export interface UserDirectory extends IdentityPort {
  find(tenantId: string, userId: string): DirectoryUser | undefined;
}

export function createUserDirectory(passwords: PasswordStore, dir?: string): UserDirectory {
  const file = dir && join(dir, 'users.json');
  const users = new Map<string, DirectoryUser>(Object.entries(file ? readStored(file) : {}));
  const keyOf = (tenantId: string, userId: string) => `${tenantId}/${userId}`;
  const save = () => {
    if (!dir || !file) return;
    mkdirSync(dir, { recursive: true });
    writeDurably(file, JSON.stringify(Object.fromEntries(users)), 0o600);
  };
  const existing = (tenantId: string, userId: string) => {
    const user = users.get(keyOf(tenantId, userId));
    if (!user) throw new Error(`the local directory has no user ${userId} in ${tenantId}`);
    return user;
  };
  return {
    find: (tenantId, userId) => users.get(keyOf(tenantId, userId)),
    async createUser(user: NewIdentity): Promise<CreatedIdentity> {
      const key = keyOf(user.tenantId, user.userId);
      if (users.has(key)) return { subject: user.userId, existed: true };
      const temporaryPassword = temporaryPasswordOf();
      await passwords.set(user.tenantId, user.userId, temporaryPassword);
      users.set(key, {
        tenantId: user.tenantId,
        userId: user.userId,
        name: user.name,
        ...(user.email ? { email: user.email } : {}),
        roles: [...user.roles],
        enabled: true,
      });
      save();
      return { subject: user.userId, temporaryPassword, existed: false };
    },
    async setRoles(tenantId, userId, roles) {
      existing(tenantId, userId).roles = [...roles];
      save();
    },
    async disable(tenantId, userId) {
      existing(tenantId, userId).enabled = false;
      save();
    },
  };
}

/** Words a person can read out and type on a phone: three short groups. */
function temporaryPasswordOf(): string {
  const letters = 'abcdefghjkmnpqrstuvwxyz';
  const group = () => Array.from({ length: 4 }, () => letters[randomInt(letters.length)]).join('');
  return `${group()}-${group()}-${randomInt(1000, 10000)}`;
}

function readStored(file: string): Record<string, DirectoryUser> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, DirectoryUser>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read the local user directory ${file}: ${(error as Error).message}. Delete it to start again.`);
  }
}

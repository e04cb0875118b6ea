/**
 * The local identity provider's passwords (issue 16): scrypt-hashed (node:crypto), per tenant
 * and user, kept in `<dir>/passwords.json` when the runtime has a data dir, else in memory. The
 * demo plant's users have the documented demo password until one is set for them (README,
 * "Demo"). It answers Cognito's InitiateAuth (USER_PASSWORD_AUTH) at LOCAL_ONLY_PATHS.cognito, so
 * the signing password check runs the same adapter code locally as on AWS.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeDurably } from './durable-file.ts';

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number },
) => Promise<Buffer>;
const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

/** The demo users' password (tenant `demo`, DEMO_USERS of seed.ts), said in the README and on the local sign-in screen. */
export const DEMO_PASSWORD = 'demo-sign-2026';
const DEMO_TENANT = 'demo';

interface StoredHash {
  salt: string;
  hash: string;
  N: number;
  r: number;
  p: number;
}

export interface PasswordStore {
  set(tenantId: string, userId: string, password: string): Promise<void>;
  /** true only for the user's password; false for a wrong one or an unknown user. */
  verify(tenantId: string, userId: string, password: string): Promise<boolean>;
}

export function createPasswordStore(dir?: string, demoUserIds: readonly string[] = []): PasswordStore {
  const file = dir && join(dir, 'passwords.json');
  const hashes = new Map<string, StoredHash>(Object.entries(file ? readStored(file) : {}));
  const keyOf = (tenantId: string, userId: string) => `${tenantId}/${userId}`;
  const save = () => {
    if (!dir || !file) return;
    mkdirSync(dir, { recursive: true });
    writeDurably(file, JSON.stringify(Object.fromEntries(hashes)), 0o600);
  };
  return {
    async set(tenantId, userId, password) {
      const salt = randomBytes(16);
      const hash = await scrypt(password, salt, KEY_LENGTH, PARAMS);
      hashes.set(keyOf(tenantId, userId), { salt: salt.toString('base64'), hash: hash.toString('base64'), ...PARAMS });
      save();
    },
    async verify(tenantId, userId, password) {
      const stored = hashes.get(keyOf(tenantId, userId));
      if (!stored) {
        // An unknown user costs the same scrypt as a known one: the answer's timing says nothing.
        const demo = tenantId === DEMO_TENANT && demoUserIds.includes(userId);
        await scrypt(password, randomBytes(16), KEY_LENGTH, PARAMS);
        return demo && password.length === DEMO_PASSWORD.length && timingSafeEqual(Buffer.from(password), Buffer.from(DEMO_PASSWORD));
      }
      const hash = await scrypt(password, Buffer.from(stored.salt, 'base64'), KEY_LENGTH, { N: stored.N, r: stored.r, p: stored.p });
      return timingSafeEqual(hash, Buffer.from(stored.hash, 'base64'));
    },
  };
}

function readStored(file: string): Record<string, StoredHash> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, StoredHash>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read the local passwords ${file}: ${(error as Error).message}. Delete it to start again.`);
  }
}

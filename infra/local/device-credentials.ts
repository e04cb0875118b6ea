/**
 * The local stand-in for the X.509 certificate attached to a thing: a password bound to the
 * device's client id (its thing name, shared/telemetry/device-identity.ts),
 *
 *   password = base64url(HMAC-SHA256(device key, client id))
 *
 * Only the runtime holds the key (kept beside the signing key in <dataDir>/identity/, or one
 * per process in memory), so only whoever was handed the password can connect as that device:
 * an administrator of its tenant gets it from POST /local/device-credentials, as on AWS only
 * administrators register things. The same device always gets the same password, as a
 * certificate stays valid; a new key (delete the file) withdraws every device's at once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Device, type DeviceCredentials, thingName } from '../../shared/telemetry/device-identity.ts';
import { writeDurably } from './durable-file.ts';

const KEY_BYTES = 32;
const KEY_FILE = 'device-credentials.key';

export interface DeviceAuthority {
  /** The credentials of a unit; its tenant must come from a verified token. */
  issue(device: Device): DeviceCredentials;
  /** Whether the password is the one issued for this client id. */
  verify(clientId: string, password: Buffer | string | undefined): boolean;
  /**
   * The password of one registration (issue 17, POST /v1/devices): bound to the client id and
   * the registration's random credential id the registry keeps, so a device registered again
   * after a revocation gets a new password and the old one never works again.
   */
  registrationPassword(clientId: string, credentialId: string): string;
  /** Whether the password is the one of this registration. */
  verifyRegistration(clientId: string, credentialId: string, password: Buffer | string | undefined): boolean;
}

export function createDeviceAuthority(key: Buffer = randomBytes(KEY_BYTES)): DeviceAuthority {
  const passwordOf = (clientId: string) => createHmac('sha256', key).update(clientId, 'utf8').digest('base64url');
  // A newline never occurs in a client id: no registration's input is another's.
  const registrationPassword = (clientId: string, credentialId: string) =>
    createHmac('sha256', key).update(`${clientId}\n${credentialId}`, 'utf8').digest('base64url');
  const same = (expectedText: string, password: Buffer | string | undefined) => {
    if (password === undefined) return false;
    const expected = Buffer.from(expectedText, 'utf8');
    const given = Buffer.isBuffer(password) ? password : Buffer.from(password, 'utf8');
    // Constant time: how much of a guess was right must not show in how long the refusal takes.
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return {
    issue(device) {
      const clientId = thingName(device);
      return { clientId, username: device.tenantId, password: passwordOf(clientId) };
    },
    verify: (clientId, password) => same(passwordOf(clientId), password),
    registrationPassword,
    verifyRegistration: (clientId, credentialId, password) => same(registrationPassword(clientId, credentialId), password),
  };
}

/**
 * The device key from `<dir>/device-credentials.key` (base64, owner-only), made on first use.
 * Without a dir it lives in memory: passwords handed out die with the process.
 */
export function loadDeviceKey(dir?: string): Buffer {
  if (!dir) return randomBytes(KEY_BYTES);
  const file = join(dir, KEY_FILE);
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== KEY_BYTES) throw new Error(`it is not base64 of ${KEY_BYTES} bytes`);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(
        `cannot read the local device key ${file}: ${(error as Error).message}. Delete it to get a new one (every device then needs new credentials).`,
      );
    }
  }
  const key = randomBytes(KEY_BYTES);
  mkdirSync(dir, { recursive: true });
  // On disk before any password made from it is handed out (durable-file.ts).
  writeDurably(file, `${key.toString('base64')}\n`, 0o600);
  return key;
}

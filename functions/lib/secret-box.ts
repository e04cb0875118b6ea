/**
 * Integration secrets at rest. On AWS, KMS encrypts them with the MES key, the context bound as
 * KMS encryption context (the ciphertext opens only for the same tenant and record, and every
 * use is in CloudTrail). Locally, AES-256-GCM with the runtime's key, the context as associated
 * data. A sealed value says which it is: `kms:` or `local:`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { ENV } from '#shared/config.ts';
import { tenantCredentials } from '#shared/db/tenant-credentials.ts';
import { scopedTenant } from '#shared/db/tenant-scope.ts';
import type { SecretBox } from '#shared/integration/ports.ts';

const aad = (context: Record<string, string>) => Buffer.from(JSON.stringify(Object.entries(context).sort(([a], [b]) => a.localeCompare(b))), 'utf8');

export class LocalSecretBox implements SecretBox {
  private readonly key: Buffer;
  constructor(keyBase64: string) {
    this.key = Buffer.from(keyBase64, 'base64');
    if (this.key.length !== 32) throw new Error(`${ENV.localSecretsKey} must be base64 of 32 bytes`);
  }

  async seal(plaintext: string, context: Record<string, string>) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(aad(context));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `local:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
  }

  async open(sealed: string, context: Record<string, string>) {
    if (!sealed.startsWith('local:')) throw new Error('not sealed by the local secret box');
    const raw = Buffer.from(sealed.slice('local:'.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12)).setAAD(aad(context));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

export class KmsSecretBox implements SecretBox {
  private readonly own = new KMSClient({});
  /** On AWS inside a tenant scope: the tenant's session (docs/isolation.md), one client per tenant. */
  private readonly tenants = new Map<string, KMSClient>();
  constructor(private readonly keyId: string) {}

  /** The tenant's client inside a tenant scope where the deployment vends tenant sessions, else the function's. */
  private get kms(): KMSClient {
    const tenantId = scopedTenant();
    const vendor = tenantId ? tenantCredentials() : undefined;
    if (!tenantId || !vendor) return this.own;
    let client = this.tenants.get(tenantId);
    if (!client) {
      client = new KMSClient({ credentials: vendor.providerFor(tenantId) });
      this.tenants.set(tenantId, client);
    }
    return client;
  }

  async seal(plaintext: string, context: Record<string, string>) {
    const { CiphertextBlob } = await this.kms.send(
      new EncryptCommand({ KeyId: this.keyId, Plaintext: Buffer.from(plaintext, 'utf8'), EncryptionContext: context }),
    );
    return `kms:${Buffer.from(CiphertextBlob as Uint8Array).toString('base64')}`;
  }

  async open(sealed: string, context: Record<string, string>) {
    if (!sealed.startsWith('kms:')) throw new Error('not sealed by KMS');
    const { Plaintext } = await this.kms.send(
      new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: Buffer.from(sealed.slice('kms:'.length), 'base64'), EncryptionContext: context }),
    );
    return Buffer.from(Plaintext as Uint8Array).toString('utf8');
  }
}

let box: SecretBox | undefined;
let boxKey: string | undefined;
/** KMS when the deployment names a key, else the local runtime's key; neither is a setup error. */
export function secretBox(): SecretBox {
  const keyId = process.env[ENV.secretsKeyId];
  const localKey = process.env[ENV.localSecretsKey];
  // Rebuilt when the key changes: a test process may start runtimes with different data dirs.
  if (box && boxKey === (keyId ?? localKey)) return box;
  boxKey = keyId ?? localKey;
  if (keyId) box = new KmsSecretBox(keyId);
  else if (localKey) box = new LocalSecretBox(localKey);
  else throw new Error(`neither ${ENV.secretsKeyId} (AWS) nor ${ENV.localSecretsKey} (local runtime) is set: integration secrets cannot be sealed`);
  return box;
}

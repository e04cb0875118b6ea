/**
 * Inbound integration credentials: what an ERP signs its webhooks with. A tenant admin creates,
 * rotates and revokes them; the secret is shown once and stored sealed (SecretBox). Every change
 * is versioned and audited in the same transaction. `secretsFor` gives the inbound endpoint the
 * secrets that verify now, opened at most once per five minutes per sealed value (KMS is not
 * asked on every request).
 */
import { randomBytes } from 'node:crypto';
import type { IntegrationCredential } from '../api/integration-schemas.ts';
import type { AuthContext } from '../auth/claims.ts';
import { IllegalTransitionError, NotFoundError, StaleVersionError, UnauthorizedError } from '../domain/errors.ts';
import { runCommand } from '../domain/retry.ts';
import { diff } from '../domain/work-order/diff.ts';
import type { Page, PageRequest } from '../domain/work-order/repository.ts';
import type { Clock } from '../domain/clock.ts';
import type { SecretBox } from './ports.ts';
import { newWebhookSecret } from './secrets.ts';

/** The credential as stored: the public record plus its sealed secrets. */
export interface StoredCredential extends Omit<IntegrationCredential, 'inboundPath'> {
  updatedAt: string;
  updatedBy: string;
  /** Absent once revoked: a revoked credential keeps no secret at all. */
  sealedSecret?: string;
  /** The secret before the last rotation, while its grace period runs. */
  previousSealedSecret?: string;
}

export interface CredentialAudit {
  version: number;
  at: string;
  by: string;
  action: 'integrationCredential.create' | 'integrationCredential.rotate' | 'integrationCredential.revoke';
  target: string;
  changes: ReturnType<typeof diff>;
}

export interface IntegrationCredentialRepository {
  /** Strongly consistent: a revocation counts from the moment it is written. */
  get(tenantId: string, id: string): Promise<StoredCredential | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<StoredCredential>>;
  /**
   * The new or changed record and its audit item in one transaction, conditioned on the
   * version read (`before`), or on the id being new. Throws StaleVersionError otherwise.
   */
  save(tenantId: string, next: StoredCredential, before: StoredCredential | undefined, audit: CredentialAudit): Promise<void>;
}

/** The sender a valid credential names: the tenant comes from here, never from the body. */
export interface CredentialSecrets {
  tenantId: string;
  credentialId: string;
  name: string;
  /** Current first, then the previous one while its grace period runs. */
  secrets: string[];
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const SECRET_CACHE_MS = 5 * 60_000;
const SECRET_CACHE_MAX = 1_000;
// Audit trails show what changed about a credential, never sealed secrets or bookkeeping.
const NOT_AUDITED = new Set(['sealedSecret', 'previousSealedSecret', 'version', 'updatedAt', 'updatedBy']);

/** `<tenant>.<20 base32 chars>`: 100 random bits, and the tenant to look the secret up under. */
export function newCredentialId(tenantId: string): string {
  // 256 is a multiple of 32: every character is equally likely.
  return `${tenantId}.${Array.from(randomBytes(20), (b) => BASE32[b % 32]).join('')}`;
}

/** The tenant part of a credential id (tenant ids have no dots). */
export const credentialTenant = (id: string) => id.slice(0, id.indexOf('.'));

export const inboundPath = (id: string) => `/v1/integrations/erp/events?credential=${id}`;

export function toPublic(stored: StoredCredential): IntegrationCredential {
  const { sealedSecret: _s, previousSealedSecret: _p, updatedAt: _u, updatedBy: _b, ...rest } = stored;
  return { ...rest, inboundPath: inboundPath(stored.id) };
}

export class IntegrationCredentialService {
  private readonly opened = new Map<string, { secret: string; until: number }>();

  constructor(
    private readonly repository: IntegrationCredentialRepository,
    /** A function: the box may be unconfigured where nothing is sealed (list, get). */
    private readonly box: () => SecretBox,
    private readonly clock: Clock,
  ) {}

  async create(auth: AuthContext, input: { name: string; description?: string | undefined }) {
    const now = this.clock.now().toISOString();
    const id = newCredentialId(auth.tenantId);
    const secret = newWebhookSecret();
    const next: StoredCredential = {
      id,
      name: input.name,
      ...(input.description !== undefined ? { description: input.description } : {}),
      status: 'active',
      createdAt: now,
      createdBy: auth.userId,
      updatedAt: now,
      updatedBy: auth.userId,
      version: 1,
      sealedSecret: await this.seal(auth.tenantId, id, secret),
    };
    await this.repository.save(auth.tenantId, next, undefined, audit(undefined, next, 'integrationCredential.create'));
    return { ...toPublic(next), secret };
  }

  async get(auth: AuthContext, id: string) {
    return toPublic(await this.load(auth, id));
  }

  async list(auth: AuthContext, page: PageRequest) {
    const result = await this.repository.list(auth.tenantId, page);
    return { ...result, items: result.items.map(toPublic) };
  }

  /** A new secret now; the current one keeps verifying for `previousSecretValidSeconds` (0: not at all). */
  rotate(auth: AuthContext, id: string, previousSecretValidSeconds: number, expectedVersion?: number) {
    return runCommand(auth.tenantId, `credential/${id}`, expectedVersion, async () => {
      const before = await this.load(auth, id, expectedVersion);
      if (before.status === 'revoked' || !before.sealedSecret) {
        throw new IllegalTransitionError(`integration credential ${id} is revoked: create a new one`);
      }
      const now = this.clock.now();
      const secret = newWebhookSecret();
      // Only one previous secret: a second rotation within the grace period ends the older one.
      const { previousSealedSecret: _p, previousSecretExpiresAt: _e, ...rest } = before;
      const next: StoredCredential = {
        ...rest,
        sealedSecret: await this.seal(auth.tenantId, id, secret),
        ...(previousSecretValidSeconds > 0
          ? {
              previousSealedSecret: before.sealedSecret,
              previousSecretExpiresAt: new Date(now.getTime() + previousSecretValidSeconds * 1000).toISOString(),
            }
          : {}),
        rotatedAt: now.toISOString(),
        ...stamp(auth, now, before),
      };
      await this.repository.save(auth.tenantId, next, before, audit(before, next, 'integrationCredential.rotate'));
      return { ...toPublic(next), secret };
    });
  }

  /** Revoked at once, secrets dropped; the record stays for the audit trail. Revoking twice changes nothing. */
  revoke(auth: AuthContext, id: string, expectedVersion?: number) {
    return runCommand(auth.tenantId, `credential/${id}`, expectedVersion, async () => {
      const before = await this.load(auth, id, expectedVersion);
      if (before.status === 'revoked') return toPublic(before);
      const now = this.clock.now();
      const { sealedSecret: _s, previousSealedSecret: _p, previousSecretExpiresAt: _e, ...rest } = before;
      const next: StoredCredential = {
        ...rest,
        status: 'revoked',
        revokedAt: now.toISOString(),
        revokedBy: auth.userId,
        ...stamp(auth, now, before),
      };
      await this.repository.save(auth.tenantId, next, before, audit(before, next, 'integrationCredential.revoke'));
      return toPublic(next);
    });
  }

  /**
   * The secrets that verify a request naming this credential now. Unknown and revoked
   * credentials are refused (401) with a detail that says which.
   */
  async secretsFor(credentialId: string): Promise<CredentialSecrets> {
    const tenantId = credentialTenant(credentialId);
    const stored = await this.repository.get(tenantId, credentialId);
    if (!stored) throw new UnauthorizedError(`integration credential ${credentialId} does not exist`);
    if (stored.status === 'revoked' || !stored.sealedSecret) throw new UnauthorizedError(`integration credential ${credentialId} is revoked`);
    const sealed = [stored.sealedSecret];
    const graceEnds = stored.previousSecretExpiresAt ? Date.parse(stored.previousSecretExpiresAt) : 0;
    if (stored.previousSealedSecret && graceEnds > this.clock.now().getTime()) sealed.push(stored.previousSealedSecret);
    const secrets = await Promise.all(sealed.map((s) => this.open(tenantId, credentialId, s)));
    return { tenantId, credentialId, name: stored.name, secrets };
  }

  private async load(auth: AuthContext, id: string, expectedVersion?: number) {
    // Another tenant's id is simply not found: the lookup is always in the caller's partition.
    const stored = await this.repository.get(auth.tenantId, id);
    if (!stored) throw new NotFoundError(`integration credential ${id}`);
    if (expectedVersion !== undefined && stored.version !== expectedVersion) {
      throw new StaleVersionError(`integration credential ${id} is at version ${stored.version}, not ${expectedVersion}; reload it and try again`);
    }
    return stored;
  }

  private seal(tenantId: string, id: string, secret: string) {
    return this.box().seal(secret, { tenantId, purpose: 'integration-credential', id });
  }

  /** Opens a sealed secret, from memory when it was opened in the last five minutes. */
  private async open(tenantId: string, id: string, sealed: string) {
    const now = this.clock.now().getTime();
    // Keyed by the context too: a hit is exactly what opening this value for this record gives.
    const cacheKey = `${tenantId}/${id}/${sealed}`;
    const hit = this.opened.get(cacheKey);
    if (hit && hit.until > now) return hit.secret;
    const secret = await this.box().open(sealed, { tenantId, purpose: 'integration-credential', id });
    if (this.opened.size >= SECRET_CACHE_MAX) {
      // Expired entries go, and the oldest one (a Map iterates in insertion order).
      for (const [key, entry] of this.opened) if (entry.until <= now || this.opened.size >= SECRET_CACHE_MAX) this.opened.delete(key);
    }
    this.opened.set(cacheKey, { secret, until: now + SECRET_CACHE_MS });
    return secret;
  }
}

const stamp = (auth: AuthContext, now: Date, before: StoredCredential) => ({
  updatedAt: now.toISOString(),
  updatedBy: auth.userId,
  version: before.version + 1,
});

function audit(before: StoredCredential | undefined, next: StoredCredential, action: CredentialAudit['action']): CredentialAudit {
  return {
    version: next.version,
    at: next.updatedAt,
    by: next.updatedBy,
    action,
    target: `credential/${next.id}`,
    changes: diff(before ?? {}, next, NOT_AUDITED),
  };
}

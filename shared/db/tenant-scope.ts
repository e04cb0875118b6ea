/**
 * Tenant scope (issue 17, docs/isolation.md): which tenant's data the code running now may touch.
 *
 * - `withTenantScope(tenantId, fn)`: every DynamoDB call in `fn` (and in everything it awaits)
 *   may touch only keys starting `${tenantId}#`. The guard on the one DynamoDB client
 *   (shared/db/client.ts) refuses any other key with a TenantIsolationError, locally and on AWS
 *   alike; on AWS the calls also run with that tenant's scoped credentials (an IAM role whose
 *   policy allows only `dynamodb:LeadingKeys` = `{tenant}#*`), so a bug in key building is
 *   refused by AWS too.
 * - `withSystemScope(fn)`: for work that legitimately spans tenants (telemetry ingest, webhook
 *   delivery, checkpoints, the platform registry's own bookkeeping): no key check, the function's
 *   own role. Also how code inside a tenant scope writes the few partitions no tenant owns
 *   (`#AUDIT-TENANTS#{day}`, which hold tenant ids only).
 *
 * The HTTP edge (functions/lib/http.ts) opens the tenant scope from the verified token, so every
 * authenticated API request runs inside one. Outside any scope (jobs, streams, seed, tests that
 * call repositories directly) nothing is checked. Scopes nest: the innermost wins, so a route
 * that reads several tenants (an organization's plants) opens `withTenantScope(plant, ...)` per
 * plant after checking membership.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type Scope = { kind: 'tenant'; tenantId: string } | { kind: 'system' };

const storage = new AsyncLocalStorage<Scope>();

/** Runs `fn` with DynamoDB access limited to `${tenantId}#...` keys (and, on AWS, the tenant's credentials). */
export function withTenantScope<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
  if (!tenantId || tenantId.includes('#')) throw new Error(`withTenantScope: ${JSON.stringify(tenantId)} is not a tenant id`);
  return storage.run({ kind: 'tenant', tenantId }, fn);
}

/** Runs `fn` outside any tenant's limits: for work that spans tenants, with the function's own role. */
export function withSystemScope<T>(fn: () => Promise<T>): Promise<T> {
  return storage.run({ kind: 'system' }, fn);
}

/** The scope the code runs in now; undefined outside any (jobs, streams, seed). */
export const currentScope = (): Scope | undefined => storage.getStore();

/** The tenant whose scope the code runs in, if any. */
export const scopedTenant = (): string | undefined => {
  const scope = storage.getStore();
  return scope?.kind === 'tenant' ? scope.tenantId : undefined;
};

/**
 * A DynamoDB command inside a tenant scope named a key of another tenant (or of no tenant): a
 * bug in key building, never the caller's fault. Not a MesError on purpose: the edge's error
 * mapper (functions/lib/problem.ts) logs it as an unhandled error, with its stack, and answers
 * a bare 500 with the correlation id. The message names the scope's tenant, the command and
 * where the key was, never the key (it may name the other tenant).
 */
export class TenantIsolationError extends Error {
  override readonly name = 'TenantIsolationError';
  constructor(
    readonly tenantId: string,
    readonly command: string,
    /** Where the refused key was, e.g. `TransactItems[2].Put.Item.pk`: never its value. */
    readonly where: string,
  ) {
    super(`TENANT ISOLATION: ${command} in the scope of tenant ${tenantId} named a key outside it (${where})`);
  }
}

/**
 * The token vending step of tenant isolation on AWS (docs/isolation.md): an API function
 * assumes the tenant access role with the session tag `tenantId`, and the role's policy lets
 * the session reach only keys starting `{tenantId}#` (dynamodb:LeadingKeys) and the secrets key
 * only with that tenant as encryption context. Credentials are cached per tenant in the
 * container and refreshed before they expire; STS is imported on first use, so a function that
 * never reaches the table (system) and the local runtime never load it.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { ENV } from '../config.ts';

/** What an SDK client's `credentials` provider returns (AwsCredentialIdentity, structurally). */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** The tag the role's conditions read (`${aws:PrincipalTag/tenantId}`). */
export const TENANT_SESSION_TAG = 'tenantId';
/**
 * One hour: the longest an assumed role may assume another (role chaining; a Lambda's own
 * credentials are an assumed role's). Longer sessions mean fewer AssumeRole calls per container.
 */
export const TENANT_SESSION_SECONDS = 3600;
/** Credentials are renewed this long before they expire, so a request never carries ones about to lapse. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

export interface AssumeRoleRequest {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds: number;
  Tags: { Key: string; Value: string }[];
}

/** Sends AssumeRole; the default imports @aws-sdk/client-sts on first use. Tests pass a client whose middleware answers. */
export type AssumeRole = (request: AssumeRoleRequest) => Promise<AwsCredentialIdentity>;

export type CredentialsProvider = () => Promise<AwsCredentialIdentity>;

/** The request that vends a tenant's credentials: the tag is the tenant, the session name says which function and tenant (CloudTrail). */
export function assumeRoleRequest(
  roleArn: string,
  tenantId: string,
  functionName = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'mes',
): AssumeRoleRequest {
  // [\w+=,.@-]{2,64}: tenant ids are [a-z0-9-], function names [A-Za-z0-9-_].
  const sessionName = `${tenantId}@${functionName}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return {
    RoleArn: roleArn,
    RoleSessionName: sessionName,
    DurationSeconds: TENANT_SESSION_SECONDS,
    Tags: [{ Key: TENANT_SESSION_TAG, Value: tenantId }],
  };
}

/** AssumeRole through the SDK's STS client, imported on first use; `client` lets a test answer with the SDK's own middleware. */
export function stsAssumeRole(client?: Pick<STSClient, 'send'>): AssumeRole {
  return async (request) => {
    const sts = await import('@aws-sdk/client-sts');
    client ??= new sts.STSClient({});
    const { Credentials: c } = await client.send(new sts.AssumeRoleCommand(request));
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole of ${request.RoleArn} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
    };
  };
}

/**
 * Credentials per tenant for one role, cached for the container's life and renewed
 * REFRESH_BEFORE_MS before expiry; concurrent first requests of a tenant share one AssumeRole.
 */
export class TenantCredentials {
  private readonly cache = new Map<string, Promise<AwsCredentialIdentity>>();
  constructor(
    readonly roleArn: string,
    private readonly assumeRole: AssumeRole = stsAssumeRole(),
    private readonly now: () => number = Date.now,
  ) {}

  /** A provider for an SDK client's `credentials`: one per tenant, each call answers from the cache while fresh. */
  providerFor(tenantId: string): CredentialsProvider {
    return () => this.credentialsFor(tenantId);
  }

  async credentialsFor(tenantId: string): Promise<AwsCredentialIdentity> {
    const cached = this.cache.get(tenantId);
    if (cached) {
      const identity = await cached.catch(() => undefined);
      if (identity && (!identity.expiration || identity.expiration.getTime() - this.now() > REFRESH_BEFORE_MS)) return identity;
      // Expired, about to, or failed: a new AssumeRole (unless another request started one since).
      if (this.cache.get(tenantId) !== cached) return this.credentialsFor(tenantId);
    }
    const vending = this.assumeRole(assumeRoleRequest(this.roleArn, tenantId));
    this.cache.set(tenantId, vending);
    vending.catch(() => {
      if (this.cache.get(tenantId) === vending) this.cache.delete(tenantId);
    });
    return vending;
  }
}

let vendor: TenantCredentials | undefined;
/**
 * The container's tenant credentials, when the deployment names a tenant access role
 * (MES_TENANT_ROLE_ARN, set by CDK on the API functions); undefined locally, where the guard on
 * the client (shared/db/client.ts) is what refuses another tenant's key.
 */
export function tenantCredentials(): TenantCredentials | undefined {
  const roleArn = process.env[ENV.tenantRoleArn];
  if (!roleArn) return undefined;
  if (vendor?.roleArn !== roleArn) vendor = new TenantCredentials(roleArn);
  return vendor;
}

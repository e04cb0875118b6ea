/**
 * The one DynamoDB client. On AWS it talks to the regional endpoint; locally the runtime sets
 * DYNAMODB_ENDPOINT to DynamoDB Local. Every call asks for ConsumedCapacity and is metered per
 * request (usage.ts), so the bench measures request units on the real code path.
 *
 * Tenant isolation (issue 17, docs/isolation.md): inside a tenant scope (shared/db/tenant-scope.ts)
 * every command passes the guard (tenant-guard.ts), which refuses any key not starting
 * `{tenant}#`, locally and on AWS alike; and on AWS, where the API functions' own roles no
 * longer reach the table, `ddb()` returns the tenant's own client, signed with that tenant's
 * scoped credentials (tenant-credentials.ts). Repositories call `ddb()` as before.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ENV } from '../config.ts';
import { type CredentialsProvider, tenantCredentials } from './tenant-credentials.ts';
import { guardTenantKeys } from './tenant-guard.ts';
import { scopedTenant } from './tenant-scope.ts';
import { recordUsage } from './usage.ts';

let client: DynamoDBDocumentClient | undefined;
/** On AWS with a tenant access role: one client per tenant the container served, each with its tenant's credentials. */
const tenantClients = new Map<string, DynamoDBDocumentClient>();

/** The client for the code running now: the tenant's own on AWS inside a tenant scope, else the function's. */
export function ddb(): DynamoDBDocumentClient {
  const tenantId = scopedTenant();
  if (tenantId) {
    const vendor = tenantCredentials();
    if (vendor) {
      let scoped = tenantClients.get(tenantId);
      if (!scoped) {
        scoped = createClient(vendor.providerFor(tenantId));
        tenantClients.set(tenantId, scoped);
      }
      return scoped;
    }
  }
  client ??= createClient(undefined);
  return client;
}

/**
 * The HTTP handler of the first client, shared by every later one: a tenant's client signs
 * with its own session, but its requests go over the container's open keep-alive connections,
 * not a TLS handshake of its own on each tenant's first request.
 */
let sharedHandler: DynamoDBClient['config']['requestHandler'] | undefined;

function createClient(credentials: CredentialsProvider | undefined): DynamoDBDocumentClient {
  const endpoint = process.env[ENV.dynamoDbEndpoint];
  const base = new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    // A tenant's client: the tenant's scoped session (AssumeRole with its tag), cached and renewed.
    // Else, on Lambda the role's credentials are in the environment for the sandbox's life, which is
    // what the default provider chain would resolve there too; taking them as they are spares a
    // cold start loading that chain (bench/RESULTS.md, cold starts). Elsewhere (a profile, an
    // expiry) the chain decides, as it would.
    ...(credentials
      ? { credentials }
      : process.env.AWS_LAMBDA_FUNCTION_NAME && !process.env.AWS_PROFILE && process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY
        ? {
            credentials: {
              accessKeyId: process.env.AWS_ACCESS_KEY_ID,
              secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
              ...(process.env.AWS_SESSION_TOKEN ? { sessionToken: process.env.AWS_SESSION_TOKEN } : {}),
            },
          }
        : {}),
    maxAttempts: 3,
    // A call that hangs fails instead of holding its command, and every command on the same
    // record queued behind it in a long-lived process (the local runtime), for good. DynamoDB
    // answers in milliseconds; DynamoDB Local under load in well under 10 s.
    requestHandler: sharedHandler ?? { connectionTimeout: 2_000, requestTimeout: 10_000 },
  });
  sharedHandler ??= base.config.requestHandler;
  base.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      recordUsage(String(context.commandName), (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
      return result;
    },
    { step: 'initialize', name: 'mesUsageMeter' },
  );
  // Before anything is sent, and before the document client marshals (it reads either shape).
  base.middlewareStack.add(
    (next, context) => async (args) => {
      guardTenantKeys(String(context.commandName), args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'mesTenantGuard', priority: 'high' },
  );
  return DynamoDBDocumentClient.from(base, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function tableName(): string {
  const name = process.env[ENV.tableName];
  if (!name) throw new Error(`${ENV.tableName} is not set`);
  return name;
}

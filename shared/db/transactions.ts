/**
 * One TransactWriteItems with its failure explained: which item's condition failed and, where
 * asked for, the item as it was. DynamoDB reports cancellations in item order.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { RecordTooLargeError, VersionConflictError } from '../domain/errors.ts';
import { ddb } from './client.ts';
import { keys } from './keys.ts';
import { withSystemScope } from './tenant-scope.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface Cancelled {
  /** Indexes of the items whose condition failed, with the old item when it was returned. */
  failed: { index: number; item?: Record<string, unknown> | undefined }[];
}

/** Writes all items or none. Returns the cancellation when a condition failed. */
export async function transact(items: TransactItem[]): Promise<Cancelled | undefined> {
  try {
    await ddb().send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
  } catch (error) {
    return cancelled(error);
  }
  // After the commit: a failure to note the tenant for the checkpoint job must not turn a
  // committed command into an error (its next command notes it again; the note lives 3 days).
  await registerAuditTenants(items).catch((error: Error) =>
    console.error('audit: could not note the tenant for checkpoints', error.name, error.message),
  );
  return undefined;
}

/** The cancellation of a transaction whose conditions failed; any other error is thrown on, mapped where it means something. */
function cancelled(error: unknown): Cancelled {
  if ((error as Error).name === 'ValidationException' && /item size/i.test((error as Error).message)) {
    throw new RecordTooLargeError('the record would be larger than the 400 KB a stored item may be');
  }
  if (!(error instanceof TransactionCanceledException)) throw error;
  const reasons = error.CancellationReasons ?? [];
  if (reasons.some((r) => r.Code === 'TransactionConflict')) throw new VersionConflictError();
  const failed = reasons.flatMap((r, index) =>
    r.Code === 'ConditionalCheckFailed' ? [{ index, item: r.Item ? unmarshall(r.Item) : undefined }] : [],
  );
  if (failed.length === 0) throw error;
  return { failed };
}

const AUDIT_TENANT_TTL_SECONDS = 3 * 86_400;
const registered = new Set<string>();

/**
 * The checkpoint job (functions/jobs/checkpoint-audit.ts) finds the tenants that wrote audit
 * records on a day without a Scan: the first audit write of a tenant on a UTC day in a process
 * puts the tenant in that day's registry, once (one PutItem per process, tenant and day).
 */
async function registerAuditTenants(items: readonly TransactItem[]) {
  for (const item of items) {
    const put = item.Put?.Item;
    if (put?.entity !== 'Audit' || typeof put.gsi1pk !== 'string') continue;
    const match = /^(.+)#AUDIT#(\d{4}-\d{2}-\d{2})$/.exec(put.gsi1pk);
    if (!match) continue;
    const [, tenantId = '', day = ''] = match;
    const id = `${day}#${tenantId}`;
    if (registered.has(id)) continue;
    // In the system scope: the registry is no tenant's partition (tenant ids only); on AWS the
    // function's own role may put there and nowhere else (docs/isolation.md).
    await withSystemScope(() =>
      ddb().send(
        new PutCommand({
          TableName: item.Put?.TableName,
          Item: { ...keys.auditTenant(day, tenantId), entity: 'AuditTenant', expiresAt: Math.floor(Date.now() / 1000) + AUDIT_TENANT_TTL_SECONDS },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
    registered.add(id);
  }
}

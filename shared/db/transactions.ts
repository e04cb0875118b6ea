/**
 * One TransactWriteItems with its failure explained: which item's condition failed and, where
 * asked for, the item as it was. DynamoDB reports cancellations in item order.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { RecordTooLargeError, VersionConflictError } from '../domain/errors.ts';
import { ddb } from './client.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface Cancelled {
  /** Indexes of the items whose condition failed, with the old item when it was returned. */
  failed: { index: number; item?: Record<string, unknown> | undefined }[];
}

/** Writes all items or none. Returns the cancellation when a condition failed. */
export async function transact(items: TransactItem[]): Promise<Cancelled | undefined> {
  try {
    await ddb().send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
    return undefined;
  } catch (error) {
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
}

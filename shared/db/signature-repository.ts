/**
 * Signatures on DynamoDB (issue 16 section 2). A signature is an item in its record's own
 * partition (`SIG#{signedAt}#{id}`), written by the record's owner in ITS transaction with its
 * audit record and `signature.applied` event; never updated or deleted. A user's signing state
 * (failed attempts, lock) is its own partition `{tenant}#SIGNING#{userId}`: `STATE`, its audit
 * trail `AUDIT#{version}` and the lock-out alerts `EVT#{version}#{n}`.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import type { Signature, SigningState } from '../domain/signatures/model.ts';
import type { SigningStateChange, SigningStateRepository } from '../domain/signatures/service.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { queryAll } from './partition-page.ts';
import { type TransactItem, transact } from './transactions.ts';

/** The signature's Put, for the record owner's transaction: a new item, never a rewrite. */
export function signatureItem(table: string, tenantId: string, recordPk: string, signature: Signature): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: { ...keys.signature(recordPk, signature.signedAt, signature.id), entity: 'Signature', tenantId, ...signature },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** A record's signatures, oldest first (one strongly consistent Query of its partition's `SIG#` items). */
export async function listSignatures(tenantId: string, recordPk: string): Promise<Signature[]> {
  if (!recordPk.startsWith(`${tenantId}#`)) throw new Error(`partition ${recordPk} is not tenant ${tenantId}'s`);
  const items = await queryAll({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': recordPk, ':prefix': keys.signaturePrefix },
    ConsistentRead: true,
  });
  return items.map((i) => stripKeys<Signature>(i));
}

export class DynamoDbSigningStateRepository implements SigningStateRepository {
  async get(tenantId: string, userId: string): Promise<SigningState | undefined> {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.signingState(tenantId, userId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<SigningState>(Item) : undefined;
  }

  async commit(tenantId: string, change: SigningStateChange): Promise<void> {
    const table = tableName();
    const { before, after, audit, events } = change;
    const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
    const items: TransactItem[] = [
      {
        Put: {
          TableName: table,
          Item: { ...keys.signingState(tenantId, after.userId), entity: 'SigningState', ...after },
          ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : isNew),
        },
      },
      ...(audit
        ? [{ Put: { TableName: table, Item: { ...keys.signingAudit(tenantId, after.userId, audit.version), entity: 'Audit', ...audit }, ...isNew } }]
        : []),
      ...events.map((event, n) => ({
        Put: {
          TableName: table,
          Item: { ...keys.signingOutboxEvent(tenantId, after.userId, after.version, n + 1), entity: 'OutboxEvent', ...event },
          ...isNew,
        },
      })),
    ];
    const cancelled = await transact(items);
    if (cancelled) throw new VersionConflictError();
  }
}

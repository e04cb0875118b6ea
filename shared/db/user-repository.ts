/**
 * A plant's user directory on DynamoDB (issue 17): one partition per tenant (`{tenant}#USER`,
 * get = GetItem, list = Query by user id), each change and its chained audit record in one
 * TransactWriteItems conditioned on the version.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import type { UserAudit, UserRecord, UserRepository } from '../domain/identity/users.ts';
import type { PageRequest } from '../domain/work-order/repository.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { partitionPage } from './partition-page.ts';
import { transact } from './transactions.ts';

export class DynamoDbUserRepository implements UserRepository {
  async get(tenantId: string, userId: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.user(tenantId, userId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<UserRecord>(Item) : undefined;
  }

  list(tenantId: string, page: PageRequest) {
    return partitionPage<UserRecord>(keys.userPartition(tenantId), page);
  }

  async save(tenantId: string, next: UserRecord, before: UserRecord | undefined, audit: UserAudit) {
    const table = tableName();
    const record = chainedAudit(tenantId, keys.userAudit(tenantId, next.userId, audit.version), audit, auditHeadOf(before));
    const cancelled = await transact([
      {
        Put: {
          TableName: table,
          Item: { ...keys.user(tenantId, next.userId), entity: 'User', ...next, auditHead: record.head },
          ...(before
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      { Put: { TableName: table, Item: record.item, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    if (cancelled) throw new VersionConflictError(`user ${next.userId} changed meanwhile; read it again and retry`);
  }
}

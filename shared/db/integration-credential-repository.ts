/**
 * Inbound integration credentials on DynamoDB: one partition per tenant (get = GetItem, list =
 * Query), each change and its audit item in one TransactWriteItems conditioned on the version.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import type { PageRequest } from '../domain/work-order/repository.ts';
import type { CredentialAudit, IntegrationCredentialRepository, StoredCredential } from '../integration/credentials.ts';
import { ddb, tableName } from './client.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { transact } from './transactions.ts';
import { partitionPage } from './partition-page.ts';

export class DynamoDbIntegrationCredentialRepository implements IntegrationCredentialRepository {
  async get(tenantId: string, id: string) {
    const { Item } = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.integrationCredential(tenantId, id),
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Item ? stripKeys<StoredCredential>(Item) : undefined;
  }

  async list(tenantId: string, page: PageRequest) {
    return partitionPage<StoredCredential>(keys.integrationCredentialPartition(tenantId), page);
  }

  async save(tenantId: string, next: StoredCredential, before: StoredCredential | undefined, audit: CredentialAudit) {
    const table = tableName();
    const record = chainedAudit(tenantId, keys.integrationAudit(tenantId, 'credential', next.id, audit.version), audit, auditHeadOf(before));
    const cancelled = await transact([
      {
        Put: {
          TableName: table,
          Item: { ...keys.integrationCredential(tenantId, next.id), entity: 'IntegrationCredential', ...next, auditHead: record.head },
          ...(before
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      {
        Put: {
          TableName: table,
          Item: record.item,
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    if (cancelled) throw new VersionConflictError(`integration credential ${next.id} changed meanwhile; read it again and retry`);
  }
}

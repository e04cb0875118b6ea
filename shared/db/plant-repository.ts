/**
 * The platform's plant registry on DynamoDB (issue 17): one partition under the platform tenant
 * (`platform#PLANT`, get = GetItem, list = Query by tenant id), each change and its chained
 * audit record (`platform#PLANT#{id}`) in one TransactWriteItems conditioned on the version.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import type { PlantAudit, StoredPlant } from '../domain/plants/model.ts';
import type { PlantRepository } from '../domain/plants/service.ts';
import { PLATFORM_TENANT } from '../domain/roles.ts';
import type { PageRequest } from '../domain/work-order/repository.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { partitionPage } from './partition-page.ts';
import { transact } from './transactions.ts';

/** A plant's tenant id is its record's id: kept, where stripKeys hides a tenant id. */
const plantOf = (item: Record<string, unknown>) => stripKeys<StoredPlant>(item, ['tenantId']);

export class DynamoDbPlantRepository implements PlantRepository {
  async get(plantId: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.plant(PLATFORM_TENANT, plantId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? plantOf(Item) : undefined;
  }

  list(page: PageRequest) {
    return partitionPage<StoredPlant>(keys.plantPartition(PLATFORM_TENANT), page, plantOf);
  }

  async save(next: StoredPlant, before: StoredPlant | undefined, audit: PlantAudit) {
    const table = tableName();
    const record = chainedAudit(PLATFORM_TENANT, keys.plantAudit(PLATFORM_TENANT, next.tenantId, audit.version), audit, auditHeadOf(before));
    const cancelled = await transact([
      {
        Put: {
          TableName: table,
          Item: { ...keys.plant(PLATFORM_TENANT, next.tenantId), entity: 'Plant', ...next, auditHead: record.head },
          ...(before
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      { Put: { TableName: table, Item: record.item, ConditionExpression: 'attribute_not_exists(pk)' } },
    ]);
    if (cancelled) throw new VersionConflictError(`plant ${next.tenantId} changed meanwhile; send the request again`);
  }
}

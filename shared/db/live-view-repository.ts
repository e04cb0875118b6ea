/**
 * The plant's live view on DynamoDB (shared/domain/telemetry/live-view.ts): an item per unit
 * under `${tenantId}#LIVE`, `unit` the UnitLiveState map and `at` the time of its last change,
 * written under a version condition; and the registry of tenants with live data per UTC day.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { LiveEntry, LiveViewRepository } from '../domain/telemetry/live-view.ts';
import { ddb, tableName } from './client.ts';
import { withSystemScope } from './tenant-scope.ts';
import { keys } from './keys.ts';
import { queryAll } from './partition-page.ts';

/** Registry items outlive the day they name by a day: the job reads today's and yesterday's. */
const REGISTRY_TTL_SECONDS = 3 * 24 * 3600;
/** Up to this many entries are read one by one; more, by reading the partition. */
const FEW = 10;

const decode = (item: Record<string, unknown>): LiveEntry => ({
  equipmentId: String(item.equipmentId),
  unit: item.unit as LiveEntry['unit'],
  at: Number(item.at),
  version: Number(item.version),
  ...(item.reported ? { reported: item.reported as LiveEntry['reported'] } : {}),
  ...(item.presence ? { presence: item.presence as LiveEntry['presence'] } : {}),
});

export class DynamoDbLiveViewRepository implements LiveViewRepository {
  async entries(tenantId: string): Promise<LiveEntry[]> {
    // One page holds 1 MB, thousands of entries; a larger plant reads on rather than show a part.
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.livePartition(tenantId), ':prefix': keys.liveUnitPrefix },
    });
    return items.map(decode);
  }

  /**
   * A few entries: a GetItem each (the functions that change one work center's units hold no
   * BatchGetItem); many: the partition in one consistent Query, cheaper than as many items.
   */
  async get(tenantId: string, equipmentIds: readonly string[]): Promise<LiveEntry[]> {
    const unique = [...new Set(equipmentIds)];
    if (unique.length > FEW) {
      const wanted = new Set(unique);
      const items = await queryAll({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.livePartition(tenantId), ':prefix': keys.liveUnitPrefix },
        ConsistentRead: true,
      });
      return items.map(decode).filter((e) => wanted.has(e.equipmentId));
    }
    const found = await Promise.all(
      unique.map(async (id) => {
        const { Item } = await ddb().send(
          new GetCommand({ TableName: tableName(), Key: keys.liveUnit(tenantId, id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
        );
        return Item ? decode(Item) : undefined;
      }),
    );
    return found.filter((e) => e !== undefined);
  }

  async put(tenantId: string, entry: LiveEntry): Promise<boolean> {
    const { version, ...rest } = entry;
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.liveUnit(tenantId, entry.equipmentId), entity: 'LiveUnit', tenantId, ...rest, version: version + 1 },
          ...(version > 0
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * In the system scope: the registry partition is no tenant's (it holds tenant ids only), and an
   * API request that moved the live view writes it too; on AWS the function's own role may put
   * there and nowhere else (docs/isolation.md).
   */
  async registerTenant(tenantId: string, day: string): Promise<void> {
    await withSystemScope(() =>
      ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.liveTenant(day, tenantId), entity: 'LiveTenant', expiresAt: Math.floor(Date.now() / 1000) + REGISTRY_TTL_SECONDS },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  }

  async tenants(days: readonly string[]): Promise<string[]> {
    const pages = await Promise.all(
      days.map(async (day) => {
        const { Items = [] } = await ddb().send(
          new QueryCommand({
            TableName: tableName(),
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.liveTenantsPartition(day) },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        return Items.map((i) => String(i.sk));
      }),
    );
    return [...new Set(pages.flat())];
  }
}

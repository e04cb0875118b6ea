/**
 * The device registry on DynamoDB (issue 17, docs/devices.md): one item collection per device
 * (`DEVICE`, `AUDIT#`, `EVT#`), listed through gsi1 (`{t}#DEVICES`, by id). Every change is ONE
 * TransactWriteItems: the record (conditioned on the version read, or on being new), its
 * chained audit record and its outbox event.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredDevice } from '../domain/devices/model.ts';
import type { DeviceRepository, DeviceWrite } from '../domain/devices/service.ts';
import { VersionConflictError } from '../domain/errors.ts';
import type { PageRequest } from '../domain/work-order/repository.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { queryPage } from './partition-page.ts';
import { type TransactItem, transact } from './transactions.ts';

export class DynamoDbDeviceRepository implements DeviceRepository {
  async get(tenantId: string, id: string) {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.device(tenantId, id), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<StoredDevice>(Item) : undefined;
  }

  list(tenantId: string, page: PageRequest) {
    const partition = keys.devicesPartition(tenantId);
    return queryPage(
      { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': partition } },
      'gsi1pk',
      partition,
      page,
      (item) => stripKeys<StoredDevice>(item),
    );
  }

  async commit(tenantId: string, write: DeviceWrite) {
    const cancelled = await transact(deviceWriteItems(tableName(), tenantId, write));
    if (cancelled) throw new VersionConflictError(`device ${write.after.id} changed meanwhile; read it again and retry`);
  }
}

/** The items of one device change: the record, its audit record (chained), its events. */
export function deviceWriteItems(table: string, tenantId: string, write: DeviceWrite): TransactItem[] {
  const { before, after } = write;
  const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
  const audit = chainedAudit(tenantId, keys.deviceAudit(tenantId, after.id, write.audit.version), write.audit, auditHeadOf(before));
  return [
    {
      Put: {
        TableName: table,
        Item: { ...keys.device(tenantId, after.id), ...keys.devicesById(tenantId, after.id), entity: 'Device', ...after, auditHead: audit.head },
        ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : isNew),
      },
    },
    { Put: { TableName: table, Item: audit.item, ...isNew } },
    ...write.events.map(
      (event, i): TransactItem => ({
        Put: {
          TableName: table,
          Item: { ...keys.deviceOutboxEvent(tenantId, after.id, after.version, i + 1), entity: 'OutboxEvent', ...event },
          ...isNew,
        },
      }),
    ),
  ];
}

/**
 * The tenant's audit checkpoints in the table (issue 16; shared/domain/audit/checkpoints.ts):
 * a chain of its own (`{t}#CHECKPOINT`, records `AUDIT#{seq}`, chained as every audit record)
 * and its state item (`HEAD`: version, the time read up to, the chain's head), written in one
 * transaction conditioned on the state read. The tenants to checkpoint come from the day's
 * registry (`#AUDIT-TENANTS#{day}`, transactions.ts).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CheckpointRecord, CheckpointState, CheckpointStore } from '../domain/audit/checkpoints.ts';
import type { ExportedRecord } from '../domain/audit/service.ts';
import { VersionConflictError } from '../domain/errors.ts';
import { auditRecordOf, chainedAudit } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { keys } from './keys.ts';
import { queryAll } from './partition-page.ts';
import { transact } from './transactions.ts';

export class DynamoDbCheckpointStore implements CheckpointStore {
  async tenants(days: readonly string[]): Promise<string[]> {
    const found = new Set<string>();
    for (const day of days) {
      const items = await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.auditTenantsPartition(day) } });
      for (const item of items) found.add(String(item.sk));
    }
    return [...found].sort();
  }

  async state(tenantId: string): Promise<CheckpointState | undefined> {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.checkpointHead(tenantId), ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item
      ? {
          version: Number(Item.version),
          through: String(Item.through),
          ...(Item.auditHead ? { auditHead: Item.auditHead as CheckpointState['auditHead'] } : {}),
        }
      : undefined;
  }

  async write(tenantId: string, record: CheckpointRecord, before: CheckpointState | undefined): Promise<ExportedRecord> {
    const table = tableName();
    const { item, head } = chainedAudit(tenantId, keys.checkpoint(tenantId, record.version), record, before?.auditHead);
    const cancelled = await transact([
      { Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: table,
          Item: {
            ...keys.checkpointHead(tenantId),
            entity: 'AuditCheckpointState',
            version: record.version,
            through: record.through,
            auditHead: head,
          },
          ...(before
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
    ]);
    if (cancelled) throw new VersionConflictError('another checkpoint of this tenant was written meanwhile');
    return auditRecordOf(item as unknown as Record<string, unknown>);
  }
}

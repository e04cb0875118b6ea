/**
 * Inspection results on DynamoDB (issue 15): each attempt is one item in its order's item
 * collection, written in the same TransactWriteItems as the order's change (the operation's
 * inspection progress, the audit record, the outbox event).
 */
import type { InspectionRecord } from '../domain/quality/inspections.ts';
import type { InspectionRepository } from '../domain/quality/inspection-repository.ts';
import type { CommandResult } from '../domain/work-order/model.ts';
import type { SpcWrites } from '../domain/quality/spc-repository.ts';
import { VersionConflictError } from '../domain/errors.ts';
import { tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { queryAll } from './partition-page.ts';
import { transact } from './transactions.ts';
import { resultItems } from './work-order-repository.ts';
import { spcWriteItems } from './spc-repository.ts';

export class DynamoDbInspectionRepository implements InspectionRepository {
  async results(tenantId: string, workOrderId: string, seq?: number): Promise<InspectionRecord[]> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.workOrderPartition(tenantId, workOrderId), ':prefix': keys.inspectionResultsPrefix(seq) },
      ConsistentRead: true,
    });
    return items.map((i) => stripKeys<InspectionRecord>(i, ['workOrderId']));
  }

  async commit(tenantId: string, result: CommandResult, record: InspectionRecord, spc?: SpcWrites): Promise<void> {
    const table = tableName();
    const cancelled = await transact([
      ...resultItems(table, tenantId, result),
      {
        Put: {
          TableName: table,
          Item: {
            ...keys.inspectionResult(tenantId, record.workOrderId, record.seq, record.planId, record.k, record.attempt),
            entity: 'InspectionResult',
            ...record,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      // The attempt's SPC samples (RecordedInspection.samples), judged against their baselines, in this transaction.
      ...(spc ? spcWriteItems(table, tenantId, spc) : []),
    ]);
    // The order (or the same attempt, by someone else) got there first: decided again (retry.ts).
    if (cancelled) throw new VersionConflictError();
  }
}

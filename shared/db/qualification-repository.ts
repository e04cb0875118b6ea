/**
 * Qualifications on DynamoDB (issue 18; docs/qualifications.md). A person's set is ONE item
 * (`{t}#PQUAL` / personnelId) with its chained audit trail; a copy of it under each user id that
 * resolves to the person (`{t}#UQUAL` / userId), written in the same transaction, lets the gate
 * read a starting operator's qualifications in ONE GetItem from the verified user id.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import type { Personnel } from '../domain/master-data/model.ts';
import type { PersonQualifications } from '../domain/qualifications/model.ts';
import type { PersonQualificationsRepository, PersonSet, QualificationAudit } from '../domain/qualifications/service.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { queryAll } from './partition-page.ts';
import { transact } from './transactions.ts';

export class DynamoDbQualificationRepository implements PersonQualificationsRepository {
  async get(tenantId: string, personnelId: string, options: { consistent?: boolean } = {}) {
    const { Item } = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.personQualifications(tenantId, personnelId),
        ConsistentRead: options.consistent ?? false,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Item ? stripKeys<PersonQualifications>(Item) : undefined;
  }

  async list(tenantId: string) {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.personQualificationsPartition(tenantId) },
    });
    return items.map((i) => stripKeys<PersonQualifications>(i));
  }

  /** The gate's one read for the caller: the copy of their person's set under their user id. */
  async forUser(tenantId: string, userId: string): Promise<PersonSet | undefined> {
    const { Item } = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.userQualifications(tenantId, userId), ReturnConsumedCapacity: 'TOTAL' }),
    );
    return Item ? stripKeys<PersonSet>(Item) : undefined;
  }

  /** Several people's sets, and their personnel records for the names of those without one: one BatchGetItem. */
  async forPeople(tenantId: string, personnelIds: readonly string[]): Promise<PersonSet[]> {
    const ids = [...new Set(personnelIds)].slice(0, 50);
    if (!ids.length) return [];
    const table = tableName();
    const wanted = ids.flatMap((id) => [keys.personQualifications(tenantId, id), keys.masterData(tenantId, 'personnel', id)]);
    const items: Record<string, unknown>[] = [];
    let left: Record<string, unknown>[] | undefined = wanted;
    for (let attempt = 0; left?.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
      const out: BatchGetCommandOutput = await ddb().send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: left } }, ReturnConsumedCapacity: 'TOTAL' }),
      );
      items.push(...(out.Responses?.[table] ?? []));
      left = out.UnprocessedKeys?.[table]?.Keys;
    }
    const sets = new Map<string, PersonSet>();
    const names = new Map<string, string>();
    for (const item of items) {
      if (item.pk === keys.personQualificationsPartition(tenantId)) {
        const set = stripKeys<PersonQualifications>(item);
        sets.set(set.personnelId, { personnelId: set.personnelId, personName: set.personName, qualifications: set.qualifications });
      } else {
        const p = stripKeys<Personnel>(item);
        names.set(p.id, p.name);
      }
    }
    return ids.map((id) => sets.get(id) ?? { personnelId: id, personName: names.get(id) ?? id, qualifications: [] });
  }

  /** The user ids whose personnel id is `personnelId` (by link), and whether user `personnelId` itself links elsewhere. */
  async usersOf(tenantId: string, personnelId: string): Promise<string[]> {
    const users = await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.userPartition(tenantId) } });
    const linked = users.filter((u) => u.personnelId === personnelId).map((u) => String(u.userId));
    const same = users.find((u) => u.userId === personnelId);
    // The user whose id is the personnel id is that person, unless their record names another (shared contract).
    if (!same?.personnelId || same.personnelId === personnelId) linked.push(personnelId);
    return [...new Set(linked)];
  }

  async save(
    tenantId: string,
    next: PersonQualifications,
    before: PersonQualifications | undefined,
    audit: QualificationAudit,
    userIds: readonly string[],
  ) {
    const table = tableName();
    const record = chainedAudit(tenantId, keys.personQualificationsAudit(tenantId, next.personnelId, audit.version), audit, auditHeadOf(before));
    const copy: PersonSet = { personnelId: next.personnelId, personName: next.personName, qualifications: next.qualifications };
    const cancelled = await transact([
      {
        Put: {
          TableName: table,
          Item: { ...keys.personQualifications(tenantId, next.personnelId), entity: 'PersonQualifications', ...next, auditHead: record.head },
          ...(before
            ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
      { Put: { TableName: table, Item: record.item, ConditionExpression: 'attribute_not_exists(pk)' } },
      ...userIds.slice(0, 90).map((userId) => ({
        Put: {
          TableName: table,
          Item: { ...keys.userQualifications(tenantId, userId), entity: 'UserQualifications', ...copy, version: next.version },
        },
      })),
    ]);
    if (cancelled) throw new VersionConflictError(`the qualifications of ${next.personnelId} changed meanwhile; read them again and retry`);
  }
}

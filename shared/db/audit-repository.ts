/**
 * Reading the audit trail back (issue 16): one record's chain from its partition, the tenant's
 * records by time from the time index (gsi1, a partition per UTC day), the chains' heads from
 * the records they audit, and the tenant's checkpoints. Read-only: nothing here writes.
 */
import { BatchGetCommand, type BatchGetCommandOutput, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditHead } from '../domain/audit/chain.ts';
import type { AuditReader, ExportedRecord } from '../domain/audit/service.ts';
import { ValidationError } from '../domain/errors.ts';
import type { Page } from '../domain/work-order/repository.ts';
import { auditRecordOf, chainLocation } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { keys } from './keys.ts';
import { decodeCursor, encodeCursor } from './pagination.ts';
import { queryPage } from './partition-page.ts';

const dayOf = (at: string) => at.slice(0, 10);
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);

export class DynamoDbAuditRepository implements AuditReader {
  /** A page of one chain's records, in store order, optionally only those written in [from, to]. */
  async chainPage(
    tenantId: string,
    chain: string,
    range: { from?: string; to?: string },
    page: { cursor?: string; limit: number },
  ): Promise<Page<ExportedRecord>> {
    const where = chainLocation(tenantId, chain);
    if (!where) return { items: [] };
    const filter = [range.from ? '#at >= :from' : '', range.to ? '#at <= :to' : ''].filter(Boolean).join(' AND ');
    return queryPage(
      {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': where.pk,
          ':prefix': where.skPrefix,
          ...(range.from ? { ':from': range.from } : {}),
          ...(range.to ? { ':to': range.to } : {}),
        },
        ...(filter ? { FilterExpression: filter, ExpressionAttributeNames: { '#at': 'at' } } : {}),
        ConsistentRead: true,
      },
      'pk',
      where.pk,
      page,
      auditRecordOf,
    );
  }

  /** Every record of one chain, in store order (strongly consistent). */
  async chain(tenantId: string, chain: string): Promise<ExportedRecord[]> {
    const out: ExportedRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.chainPage(tenantId, chain, {}, { ...(cursor ? { cursor } : {}), limit: 1000 });
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  /**
   * A page of the tenant's records written in [from, to], by time (the time index; eventually
   * consistent). The cursor names the day and the key within it.
   */
  async byTime(tenantId: string, from: string, to: string, page: { cursor?: string; limit: number }): Promise<Page<ExportedRecord>> {
    let day = dayOf(from);
    let start: Record<string, string> | undefined;
    if (page.cursor) {
      const decoded = decodeTimeCursor(page.cursor);
      day = decoded.day;
      const partition = keys.auditByTimePartition(tenantId, day);
      start = decodeCursor(decoded.key, ['gsi1pk', 'gsi1sk', 'pk', 'sk'], 'gsi1pk', partition);
    }
    const items: ExportedRecord[] = [];
    const lastDay = dayOf(to);
    while (day <= lastDay && items.length < page.limit) {
      const partition = keys.auditByTimePartition(tenantId, day);
      const result = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': partition, ':from': from, ':to': `${to}\uffff` },
          Limit: page.limit - items.length,
          ExclusiveStartKey: start,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      items.push(...(result.Items ?? []).map(auditRecordOf));
      if (result.LastEvaluatedKey) {
        const key = encodeCursor(result.LastEvaluatedKey) as string;
        return { items, nextCursor: Buffer.from(JSON.stringify({ day, key })).toString('base64url') };
      }
      start = undefined;
      day = nextDay(day);
    }
    if (day <= lastDay) return { items, nextCursor: Buffer.from(JSON.stringify({ day, key: undefined })).toString('base64url') };
    return { items };
  }

  /** Every record written in [from, to] (all pages of byTime). */
  async allByTime(tenantId: string, from: string, to: string): Promise<ExportedRecord[]> {
    const out: ExportedRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.byTime(tenantId, from, to, { ...(cursor ? { cursor } : {}), limit: 1000 });
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  /**
   * The heads the audited records carry (strongly consistent), 100 keys a BatchGetItem: a chain
   * whose record carries none maps to null; one whose record is gone (a deleted webhook endpoint)
   * is left out.
   */
  async heads(tenantId: string, chains: readonly string[]): Promise<Map<string, AuditHead | null>> {
    const byKey = new Map<string, string>();
    const wanted: { pk: string; sk: string }[] = [];
    for (const chain of chains) {
      const where = chainLocation(tenantId, chain);
      if (!where) continue;
      const id = `${where.head.pk}\n${where.head.sk}`;
      if (byKey.has(id)) continue;
      byKey.set(id, chain);
      wanted.push(where.head);
    }
    const heads = new Map<string, AuditHead | null>();
    const table = tableName();
    for (let i = 0; i < wanted.length; i += 100) {
      let left: Record<string, unknown>[] | undefined = wanted.slice(i, i + 100);
      for (let attempt = 0; left?.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await ddb().send(
          new BatchGetCommand({
            RequestItems: { [table]: { Keys: left, ConsistentRead: true, ProjectionExpression: 'pk, sk, auditHead' } },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        for (const item of Responses?.[table] ?? []) {
          const chain = byKey.get(`${String(item.pk)}\n${String(item.sk)}`);
          if (chain) heads.set(chain, (item.auditHead as AuditHead | undefined) ?? null);
        }
        left = UnprocessedKeys?.[table]?.Keys;
      }
    }
    return heads;
  }
}

function decodeTimeCursor(cursor: string): { day: string; key: string | undefined } {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { day?: unknown; key?: unknown };
    if (typeof value.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.day) && (value.key === undefined || typeof value.key === 'string')) {
      return { day: value.day, key: value.key as string | undefined };
    }
  } catch {
    // the one error below
  }
  throw new ValidationError([{ pointer: '/query/cursor', detail: 'is not a cursor this list returned' }]);
}

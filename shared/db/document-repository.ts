/**
 * Controlled documents on DynamoDB (issue 16, docs/documents.md): one item collection per
 * document (`DOC` head, `VER#` versions, `SIG#` signatures, `AUDIT#`, `EVT#`), listed through
 * gsi1 (`{t}#DOCS`, by id). Every change is ONE TransactWriteItems conditioned on the head's
 * version; a version's content is put once (`attribute_not_exists`) and only its status moves on.
 */
import { BatchGetCommand, type BatchGetCommandOutput, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentAggregate, DocumentWrite } from '../domain/documents/documents.ts';
import type { ControlledDocument, DocumentVersionRecord } from '../domain/documents/model.ts';
import type { DocumentRepository } from '../domain/documents/repository.ts';
import { VersionConflictError } from '../domain/errors.ts';
import type { AuditRecord } from '../domain/work-order/model.ts';
import type { PageRequest } from '../domain/work-order/repository.ts';
import { auditHeadOf, chainedAudits } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { queryAll, queryPage } from './partition-page.ts';
import { listSignatures, signatureItem } from './signature-repository.ts';
import { type TransactItem, transact } from './transactions.ts';

const toDocument = (item: Record<string, unknown>): ControlledDocument => {
  const { eventSeq: _, ...doc } = stripKeys<DocumentAggregate>(item);
  return doc;
};

export class DynamoDbDocumentRepository implements DocumentRepository {
  async get(tenantId: string, id: string, options: { consistent?: boolean } = {}) {
    const { Item } = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.document(tenantId, id),
        ConsistentRead: options.consistent ?? false,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Item ? stripKeys<DocumentAggregate>(Item) : undefined;
  }

  async heads(tenantId: string, ids: readonly string[]) {
    const found: ControlledDocument[] = [];
    const unique = [...new Set(ids)];
    const table = tableName();
    for (let i = 0; i < unique.length; i += 100) {
      let left: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((id) => keys.document(tenantId, id));
      for (let attempt = 0; left?.length; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** Math.min(attempt, 5)));
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await ddb().send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: left, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' }),
        );
        found.push(...(Responses?.[table] ?? []).map(toDocument));
        left = UnprocessedKeys?.[table]?.Keys;
      }
    }
    return found;
  }

  async version(tenantId: string, id: string, version: number, options: { consistent?: boolean } = {}) {
    const { Item } = await ddb().send(
      new GetCommand({
        TableName: tableName(),
        Key: keys.documentVersion(tenantId, id, version),
        ConsistentRead: options.consistent ?? false,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return Item ? stripKeys<DocumentVersionRecord>(Item) : undefined;
  }

  async versions(tenantId: string, id: string) {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.documentPartition(tenantId, id), ':prefix': keys.documentVersionPrefix },
      ConsistentRead: true,
    });
    return items.map((i) => stripKeys<DocumentVersionRecord>(i));
  }

  async history(tenantId: string, id: string): Promise<AuditRecord[]> {
    const items = await queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.documentPartition(tenantId, id), ':prefix': 'AUDIT#' },
      ConsistentRead: true,
    });
    return items.map((i) => stripKeys<AuditRecord>(i));
  }

  signatures(tenantId: string, id: string) {
    return listSignatures(tenantId, keys.documentPartition(tenantId, id));
  }

  list(tenantId: string, page: PageRequest) {
    const partition = keys.documentsPartition(tenantId);
    return queryPage(
      { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': partition } },
      'gsi1pk',
      partition,
      page,
      toDocument,
    );
  }

  async commit(tenantId: string, write: DocumentWrite) {
    const cancelled = await transact(documentWriteItems(tableName(), tenantId, write));
    if (cancelled) throw new VersionConflictError();
  }
}

/** Every item of a document's write, the head first. */
export function documentWriteItems(table: string, tenantId: string, write: DocumentWrite): TransactItem[] {
  const { before, after } = write;
  const isNew = { ConditionExpression: 'attribute_not_exists(pk)' };
  // The document's audit records, chained after the head it carried when read (audit-chain.ts).
  const audits = chainedAudits(
    tenantId,
    write.audits.map((audit) => keys.documentAudit(tenantId, after.id, audit.version)),
    write.audits,
    auditHeadOf(before),
  );
  const auditHead = audits.head ?? auditHeadOf(before);
  return [
    {
      Put: {
        TableName: table,
        Item: {
          ...keys.document(tenantId, after.id),
          ...keys.documentsById(tenantId, after.id),
          entity: 'ControlledDocument',
          ...after,
          ...(auditHead ? { auditHead } : {}),
        },
        ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : isNew),
      },
    },
    ...write.versions.map(
      (v): TransactItem => ({
        Put: {
          TableName: table,
          Item: { ...keys.documentVersion(tenantId, after.id, v.after.version), entity: 'DocumentVersion', ...v.after },
          // Content is written once; a status moves on only from the status read.
          ...(v.before
            ? { ConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': v.before.status } }
            : isNew),
        },
      }),
    ),
    ...audits.items.map((item): TransactItem => ({ Put: { TableName: table, Item: item, ...isNew } })),
    ...write.events.map(
      (event): TransactItem => ({
        Put: {
          TableName: table,
          Item: { ...keys.documentOutboxEvent(tenantId, after.id, after.version, event.sequence), entity: 'OutboxEvent', ...event },
          ...isNew,
        },
      }),
    ),
    ...(write.signature ? [signatureItem(table, tenantId, keys.documentPartition(tenantId, after.id), write.signature)] : []),
  ];
}

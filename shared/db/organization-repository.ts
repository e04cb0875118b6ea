/**
 * Organizations on DynamoDB (issue 17; docs/organizations.md). The organization record and its
 * templates live in the organization's own namespace tenant (`org-{id}#ORG`, `org-{id}#TPL#{kind}`),
 * each change and its chained audit record in one transaction conditioned on the version. The
 * plant registry (i17-onboard, `platform#PLANT`, sk = the plant's tenant id) is only read here.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { VersionConflictError } from '../domain/errors.ts';
import type { MasterDataKind } from '../domain/master-data/model.ts';
import type { OrganizationRepository, StoredOrganization, StoredTemplate } from '../domain/organizations/service.ts';
import { PLATFORM_TENANT } from '../domain/roles.ts';
import { auditHeadOf, chainedAudit } from './audit-chain.ts';
import { ddb, tableName } from './client.ts';
import { stripKeys } from './items.ts';
import { keys } from './keys.ts';
import { withTenantScope } from './tenant-scope.ts';
import { transact } from './transactions.ts';

/** The plant registry's key: the same as i17-onboard's `keys.plant(PLATFORM_TENANT, id)` (switch to it when merged). */
const plantRegistryKey = (plantId: string) => ({ pk: `${PLATFORM_TENANT}#PLANT`, sk: plantId });

interface Audit {
  version: number;
  at: string;
  by: string;
  action: string;
  target: string;
  changes: { field: string; from?: unknown; to?: unknown }[];
}

async function getItem<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
  const { Item } = await ddb().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
  return Item ? stripKeys<T>(Item) : undefined;
}

async function putWithAudit(
  item: Record<string, unknown> & { version: number },
  key: { pk: string; sk: string },
  entity: string,
  audit: ReturnType<typeof chainedAudit>,
  before: { version: number } | undefined,
) {
  const table = tableName();
  const cancelled = await transact([
    {
      Put: {
        TableName: table,
        Item: { ...key, entity, ...item, auditHead: audit.head },
        ...(before
          ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    },
    { Put: { TableName: table, Item: audit.item, ConditionExpression: 'attribute_not_exists(pk)' } },
  ]);
  if (cancelled) throw new VersionConflictError();
}

export class DynamoDbOrganizationRepository implements OrganizationRepository {
  /** Read in the organization's own scope (a platform operator's request opens it explicitly). */
  get(orgTenant: string) {
    return withTenantScope(orgTenant, () => getItem<StoredOrganization>(keys.organization(orgTenant)));
  }

  save(orgTenant: string, next: StoredOrganization, before: StoredOrganization | undefined, audit: Audit) {
    return withTenantScope(orgTenant, async () => {
      const record = chainedAudit(orgTenant, keys.organizationAudit(orgTenant, next.version), audit, auditHeadOf(before), 'ORG');
      await putWithAudit(
        next as unknown as Record<string, unknown> & { version: number },
        keys.organization(orgTenant),
        'Organization',
        record,
        before,
      );
    });
  }

  /** Names of the plants of the registry among these ids (absent: not a plant), read in the platform's scope. */
  plantNames(plantIds: readonly string[]): Promise<Map<string, string>> {
    return withTenantScope(PLATFORM_TENANT, async () => {
      const found = await Promise.all(plantIds.map(async (id) => [id, await getItem<{ name: string }>(plantRegistryKey(id))] as const));
      return new Map(found.flatMap(([id, p]) => (p ? [[id, p.name] as const] : [])));
    });
  }

  getTemplate(orgTenant: string, kind: MasterDataKind, id: string) {
    return withTenantScope(orgTenant, () => getItem<StoredTemplate>(keys.orgTemplate(orgTenant, kind, id)));
  }

  saveTemplate(orgTenant: string, kind: MasterDataKind, next: StoredTemplate, before: StoredTemplate | undefined, audit: Audit) {
    return withTenantScope(orgTenant, async () => {
      const record = chainedAudit(orgTenant, keys.orgTemplateAudit(orgTenant, kind, next.id, next.version), audit, auditHeadOf(before));
      await putWithAudit(
        next as unknown as Record<string, unknown> & { version: number },
        keys.orgTemplate(orgTenant, kind, next.id),
        'OrgTemplate',
        record,
        before,
      );
    });
  }
}

/**
 * The organization function's services (issue 17; docs/organizations.md), wired once per cold
 * start: each member plant is read through the plant's own read side (live view and OEE,
 * genealogy, lots) and written through its own master data service, in the plant's scope.
 */
import { DynamoDbLotRepository } from '#shared/db/lot-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbOrganizationRepository } from '#shared/db/organization-repository.ts';
import { MasterDataService } from '#shared/domain/master-data/service.ts';
import { OrganizationService } from '#shared/domain/organizations/service.ts';
import { withTenantScope } from '#shared/db/tenant-scope.ts';
import { clock } from './clock.ts';
import { genealogy } from './genealogy-services.ts';
import { telemetry } from './telemetry-services.ts';

const masterDataRepository = new DynamoDbMasterDataRepository();
// Templates are materials, routings, reason lists and inspection plans: none moves the live view, so no follower is needed.
const masterData = Object.assign(new MasterDataService(masterDataRepository, clock), {
  current: (tenantId: string, kind: Parameters<DynamoDbMasterDataRepository['get']>[1], id: string) =>
    masterDataRepository.get(tenantId, kind, id, { consistent: true }) as Promise<Record<string, unknown> | undefined>,
});

export const organizations = new OrganizationService(
  new DynamoDbOrganizationRepository(),
  { readSide: telemetry, genealogy, lots: new DynamoDbLotRepository(), masterData },
  clock,
  withTenantScope,
);

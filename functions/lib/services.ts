/** The services each function uses, wired to their DynamoDB adapters once per cold start. */
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { DynamoDbLotRepository } from '#shared/db/lot-repository.ts';
import { DynamoDbSpcRepository } from '#shared/db/spc-repository.ts';
import { DynamoDbDocumentRepository } from '#shared/db/document-repository.ts';
import { EffectiveDocuments } from '#shared/domain/documents/release.ts';
import { MasterDataService } from '#shared/domain/master-data/service.ts';
import { WorkOrderService } from '#shared/domain/work-order/service.ts';
import { DynamoDbLiveViewRepository } from '#shared/db/live-view-repository.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { OperationContextReader } from '#shared/telemetry/context.ts';
import { LiveView, LiveViewFollowingMasterData, LiveViewFollowingOrders } from '#shared/telemetry/live-view.ts';
import { DynamoDbLaborRepository } from '#shared/db/labor-repository.ts';
import { DynamoDbUserRepository } from '#shared/db/user-repository.ts';
import { LaborService } from '#shared/domain/labor/service.ts';
import { DynamoDbQualificationRepository } from '#shared/db/qualification-repository.ts';
import { QualificationService } from '#shared/domain/qualifications/service.ts';
import { personnelIdOf } from '#shared/domain/qualifications/person.ts';
import type { AuthContext } from '#shared/auth/claims.ts';
import { clock } from './clock.ts';
import { logger } from './logger.ts';

const masterDataRepository = new DynamoDbMasterDataRepository();
// Operation commands, and units placed under a work center, keep the plant's live view showing what runs at each unit.
const liveView = new LiveView(
  new DynamoDbLiveViewRepository(),
  { masterData: masterDataRepository, contexts: new OperationContextReader(new DynamoDbTelemetryRepository()) },
  clock,
);
const liveViewLog = { warn: (message: string, details?: Record<string, unknown>) => logger.warn(message, details ?? {}) };
export const masterData = new MasterDataService(new LiveViewFollowingMasterData(masterDataRepository, liveView, liveViewLog), clock);
// Issue 18: the qualification gate (docs/qualifications.md). Signing (issue 16) loads at the first override only.
const workOrderRepository = new DynamoDbWorkOrderRepository();
const users = new DynamoDbUserRepository();
const linkOf = async (tenantId: string, userId: string) => (await users.get(tenantId, userId))?.personnelId;
/** The caller's personnel id (the shared contract, shared/domain/qualifications/person.ts): one GetItem of the user record. */
export const personnelOf = (auth: Pick<AuthContext, 'tenantId' | 'userId'>) => personnelIdOf(auth, linkOf);
export const qualifications = new QualificationService(
  new DynamoDbQualificationRepository(),
  masterDataRepository,
  {
    linkOf,
    // The signer's roles as the identity provider grants them: the plant's user directory (issue 17, written by
    // admins only, mirrored to the provider's groups). Never the personnel record: planners edit master data.
    rolesOf: async (tenantId, userId) => {
      const user = await users.get(tenantId, userId);
      return user?.status === 'active' ? user.roles : [];
    },
    requirementsOf: async (tenantId, workOrderId, seq) => {
      const op = (await workOrderRepository.get(tenantId, workOrderId))?.operations.find((o) => o.seq === seq);
      return op && { requirements: op.qualifications ?? [], workCenterId: op.workCenterId };
    },
    signing: async () => (await import('./signing.ts')).signing,
  },
  clock,
);
export const workOrders = new WorkOrderService(
  new LiveViewFollowingOrders(workOrderRepository, liveView, liveViewLog),
  masterDataRepository,
  clock,
  new DynamoDbLotRepository(),
  new DynamoDbSpcRepository(),
  new EffectiveDocuments(new DynamoDbDocumentRepository()),
  qualifications,
);

// Issue 18 (docs/labor.md): labor. The caller's person is their user record's personnelId, else
// their user id; clocking on passes the qualification gate (docs/qualifications.md).
export const labor = new LaborService(new DynamoDbLaborRepository(), workOrderRepository, masterDataRepository, clock, qualifications, linkOf);

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
import { passAllGate } from '#shared/domain/qualifications/gate.ts';
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
export const workOrders = new WorkOrderService(
  new LiveViewFollowingOrders(new DynamoDbWorkOrderRepository(), liveView, liveViewLog),
  masterDataRepository,
  clock,
  new DynamoDbLotRepository(),
  new DynamoDbSpcRepository(),
  new EffectiveDocuments(new DynamoDbDocumentRepository()),
);

// Issue 18 (docs/labor.md): labor. The caller's person is their user record's personnelId, else their user id.
const users = new DynamoDbUserRepository();
export const labor = new LaborService(
  new DynamoDbLaborRepository(),
  new DynamoDbWorkOrderRepository(),
  masterDataRepository,
  clock,
  // i18-qual: the real QualificationGate is wired here (the pass-all default until then).
  passAllGate,
  async (tenantId, userId) => (await users.get(tenantId, userId))?.personnelId,
);

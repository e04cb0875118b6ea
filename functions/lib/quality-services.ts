/** The quality context's services (inspections, nonconformances, SPC; issue 15), wired to their DynamoDB adapters once per cold start. */
import { DynamoDbInspectionRepository } from '#shared/db/inspection-repository.ts';
import { DynamoDbLotRepository } from '#shared/db/lot-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbNonconformanceRepository } from '#shared/db/nonconformance-repository.ts';
import { DynamoDbSerialRepository } from '#shared/db/serial-repository.ts';
import { DynamoDbSpcRepository } from '#shared/db/spc-repository.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { InspectionService } from '#shared/domain/quality/inspection-service.ts';
import { NonconformanceService, NonconformanceSigning } from '#shared/domain/quality/nonconformance-service.ts';
import { SpcService } from '#shared/domain/quality/spc-service.ts';
import { TelemetryProcessMeans } from '#shared/telemetry/process-means.ts';
import { clock } from './clock.ts';
import { signing } from './signing.ts';

const workOrders = new DynamoDbWorkOrderRepository();
const masterData = new DynamoDbMasterDataRepository();
const spcRepository = new DynamoDbSpcRepository();
const ncRepository = new DynamoDbNonconformanceRepository();
export const nonconformances = new NonconformanceService(
  ncRepository,
  workOrders,
  new DynamoDbLotRepository(),
  new DynamoDbSerialRepository(),
  masterData,
  clock,
);
export const nonconformanceSigning = new NonconformanceSigning(nonconformances, ncRepository, masterData, signing);
// An SPC violation of a recorded inspection opens a nonconformance or holds the order, as its plan says.
export const inspections = new InspectionService(workOrders, new DynamoDbInspectionRepository(), clock, spcRepository, {
  nonconformances,
  masterData,
});
export const spc = new SpcService(spcRepository, masterData, new TelemetryProcessMeans(new DynamoDbTelemetryRepository()), clock);

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
import { NonconformanceService } from '#shared/domain/quality/nonconformance-service.ts';
import { SpcService } from '#shared/domain/quality/spc-service.ts';
import { TelemetryProcessMeans } from '#shared/telemetry/process-means.ts';
import { clock } from './clock.ts';

const spcRepository = new DynamoDbSpcRepository();
export const inspections = new InspectionService(new DynamoDbWorkOrderRepository(), new DynamoDbInspectionRepository(), clock, spcRepository);

export const nonconformances = new NonconformanceService(
  new DynamoDbNonconformanceRepository(),
  new DynamoDbWorkOrderRepository(),
  new DynamoDbLotRepository(),
  new DynamoDbSerialRepository(),
  new DynamoDbMasterDataRepository(),
  clock,
);

export const spc = new SpcService(
  spcRepository,
  new DynamoDbMasterDataRepository(),
  new TelemetryProcessMeans(new DynamoDbTelemetryRepository()),
  clock,
);

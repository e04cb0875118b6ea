/** The quality context's services (nonconformances), wired to their DynamoDB adapters once per cold start. */
import { DynamoDbLotRepository } from '#shared/db/lot-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbNonconformanceRepository } from '#shared/db/nonconformance-repository.ts';
import { DynamoDbSerialRepository } from '#shared/db/serial-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { NonconformanceService } from '#shared/domain/quality/nonconformance-service.ts';
import { clock } from './clock.ts';

export const nonconformances = new NonconformanceService(
  new DynamoDbNonconformanceRepository(),
  new DynamoDbWorkOrderRepository(),
  new DynamoDbLotRepository(),
  new DynamoDbSerialRepository(),
  new DynamoDbMasterDataRepository(),
  clock,
);

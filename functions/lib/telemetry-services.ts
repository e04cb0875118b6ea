/** The telemetry read side, wired to its DynamoDB adapters once per cold start. */
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { TelemetryService } from '#shared/telemetry/service.ts';
import { clock } from './clock.ts';

export const telemetry = new TelemetryService(
  new DynamoDbTelemetryRepository(),
  new DynamoDbMasterDataRepository(),
  new DynamoDbWorkOrderRepository(),
  clock,
);

/** The quality context's services (SPC), wired to their DynamoDB adapters once per cold start. */
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbSpcRepository } from '#shared/db/spc-repository.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { SpcService } from '#shared/domain/quality/spc-service.ts';
import { TelemetryProcessMeans } from '#shared/telemetry/process-means.ts';
import { clock } from './clock.ts';

export const spc = new SpcService(
  new DynamoDbSpcRepository(),
  new DynamoDbMasterDataRepository(),
  new TelemetryProcessMeans(new DynamoDbTelemetryRepository()),
  clock,
);

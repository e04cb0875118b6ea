/** The telemetry read side, wired to its DynamoDB adapters once per cold start. */
import { DynamoDbLiveViewRepository } from '#shared/db/live-view-repository.ts';
import { DynamoDbMaintenanceFacts } from '#shared/db/maintenance-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { OperationContextReader } from '#shared/telemetry/context.ts';
import { LiveView } from '#shared/telemetry/live-view.ts';
import { TelemetryService } from '#shared/telemetry/service.ts';
import { clock } from './clock.ts';

const repository = new DynamoDbTelemetryRepository();
const masterData = new DynamoDbMasterDataRepository();

export const liveView = new LiveView(new DynamoDbLiveViewRepository(), { masterData, contexts: new OperationContextReader(repository) }, clock);

// Maintenance (issue 18): planned maintenance out of planned production time, requests shown on their stops.
export const telemetry = new TelemetryService(
  repository,
  masterData,
  new DynamoDbWorkOrderRepository(),
  clock,
  liveView,
  new DynamoDbMaintenanceFacts(),
);

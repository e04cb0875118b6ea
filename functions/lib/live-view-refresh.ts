/** The live view's refresh job, wired to its DynamoDB adapters once per cold start. */
import { DynamoDbLiveViewRepository } from '#shared/db/live-view-repository.ts';
import { DynamoDbMaintenanceFacts } from '#shared/db/maintenance-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { OperationContextReader } from '#shared/telemetry/context.ts';
import { LiveView } from '#shared/telemetry/live-view.ts';
import { LiveViewRefresh } from '#shared/telemetry/live-view-refresh.ts';
import { clock } from './clock.ts';

const telemetry = new DynamoDbTelemetryRepository();
const masterData = new DynamoDbMasterDataRepository();
const live = new LiveView(new DynamoDbLiveViewRepository(), { masterData, contexts: new OperationContextReader(telemetry) }, clock);

// Issue 18: OEE today takes planned maintenance out of planned production time, as every OEE read does.
export const liveViewRefresh = new LiveViewRefresh(
  { telemetry, masterData, orders: new DynamoDbWorkOrderRepository(), maintenance: new DynamoDbMaintenanceFacts() },
  live,
  clock,
);

/** The live view's refresh job, wired to its DynamoDB adapters once per cold start. */
import { DynamoDbLiveViewRepository } from '#shared/db/live-view-repository.ts';
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

export const liveViewRefresh = new LiveViewRefresh({ telemetry, masterData, orders: new DynamoDbWorkOrderRepository() }, live, clock);

/**
 * The ingest core behind both IoT consumers, wired to its DynamoDB adapters once per cold
 * start. Apart from the read side (telemetry-services.ts), so that neither bundle carries the
 * other's code.
 */
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { OperationContextReader } from '#shared/telemetry/context.ts';
import { TelemetryIngest } from '#shared/telemetry/ingest.ts';
import { GatewayRegistry } from '#shared/telemetry/gateways.ts';
import { LiveView } from '#shared/telemetry/live-view.ts';
import { DynamoDbLiveViewRepository } from '#shared/db/live-view-repository.ts';
import { ProcessLimitsLookup } from '#shared/telemetry/limits.ts';
import { TenantTelemetrySettings } from '#shared/telemetry/retention.ts';
import { clock } from './clock.ts';

const repository = new DynamoDbTelemetryRepository();
const masterData = new DynamoDbMasterDataRepository();

// The caches expire on real time (a cache's freshness), not on a test's clock.
const contexts = new OperationContextReader(repository);
const limits = new ProcessLimitsLookup(masterData, new DynamoDbWorkOrderRepository(), contexts);
const tenants = new TenantTelemetrySettings(masterData, (tenantId) => repository.registerTelemetryTenant(tenantId));

/** The plant's live view: the ingest keeps its states, and its presence from the lifecycle events and gateways' declarations. */
export const liveView = new LiveView(new DynamoDbLiveViewRepository(), { masterData, contexts }, clock);

export const telemetryIngest = new TelemetryIngest(repository, limits, new GatewayRegistry(masterData), {
  tenants,
  live: liveView,
  onPresence: (changes) => liveView.applyPresenceChanges(changes),
});

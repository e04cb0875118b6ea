/**
 * The telemetry services wired to their DynamoDB adapters once per cold start: the read side
 * and the ingest core behind both IoT consumers. Marked pure so that a bundle keeps only the
 * one it uses (an ingest function does not carry the read side).
 */
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { OperationContextReader } from '#shared/telemetry/context.ts';
import { TelemetryIngest } from '#shared/telemetry/ingest.ts';
import { ProcessLimitsLookup } from '#shared/telemetry/limits.ts';
import { TelemetryService } from '#shared/telemetry/service.ts';
import { clock } from './clock.ts';

const repository = /* @__PURE__ */ new DynamoDbTelemetryRepository();
const masterData = /* @__PURE__ */ new DynamoDbMasterDataRepository();
const orders = /* @__PURE__ */ new DynamoDbWorkOrderRepository();

export const telemetry = /* @__PURE__ */ new TelemetryService(repository, masterData, orders, clock);

// The limits cache expires on real time (a cache's freshness), not on a test's clock.
export const telemetryIngest = /* @__PURE__ */ new TelemetryIngest(
  repository,
  /* @__PURE__ */ new ProcessLimitsLookup(masterData, orders, /* @__PURE__ */ new OperationContextReader(repository)),
);

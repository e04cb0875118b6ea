/**
 * Scheduled (infra/event-sources.ts SCHEDULED_FUNCTIONS): rolls every tenant's days that can no
 * longer change up from minute items into day items (shared/telemetry/rollup.ts).
 */
import { clock } from '#functions/lib/clock.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbTelemetryRepository } from '#shared/db/telemetry-repository.ts';
import { TelemetryRollup } from '#shared/telemetry/rollup.ts';

const rollup = new TelemetryRollup(new DynamoDbTelemetryRepository(), new DynamoDbMasterDataRepository(), clock);

export const handler = async (): Promise<{ tenants: number; days: number }> => rollup.run();

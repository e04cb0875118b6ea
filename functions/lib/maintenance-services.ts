/**
 * The maintenance service (issue 18), wired to its DynamoDB adapters once per cold start. The
 * telemetry read side (downtime events, cycle counts) loads only when a command needs it: a
 * request raised from a downtime, a counter plan read or evaluated.
 */
import { DynamoDbMaintenanceRepository } from '#shared/db/maintenance-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import type { MaintenanceTelemetry } from '#shared/domain/maintenance/service.ts';
import { MaintenanceService } from '#shared/domain/maintenance/service.ts';
import { clock } from './clock.ts';

export const maintenanceTelemetry: MaintenanceTelemetry = {
  downtimeStopAt: async (auth, equipmentId, startIso) =>
    (await import('./telemetry-services.ts')).telemetry.downtimeStopAt(auth, equipmentId, startIso),
  cycles: async (auth, equipmentId, from, to) => (await import('./telemetry-services.ts')).telemetry.cycles(auth, equipmentId, from, to),
};

export const maintenance = new MaintenanceService(
  new DynamoDbMaintenanceRepository(),
  new DynamoDbMasterDataRepository(),
  maintenanceTelemetry,
  clock,
);

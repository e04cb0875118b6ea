/**
 * The device registry's services (issue 17, docs/devices.md), wired once per cold start: the
 * registry on DynamoDB, and the device port the local runtime lends (its broker) or, on AWS,
 * IoT Core through @aws-sdk/client-iot, imported on the first registration or revocation only.
 */
import { DynamoDbDeviceRepository } from '#shared/db/device-repository.ts';
import { DynamoDbLiveViewRepository } from '#shared/db/live-view-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import type { DeviceProvisioning } from '#shared/domain/devices/provisioning.ts';
import { DeviceService } from '#shared/domain/devices/service.ts';
import { clock } from './clock.ts';
import { localBindings } from './local-bindings.ts';

let aws: Promise<DeviceProvisioning> | undefined;

/** The local runtime's port when it lends one, else IoT Core's (the SDK loads here, once). */
export function deviceProvisioning(): DeviceProvisioning | Promise<DeviceProvisioning> {
  const local = localBindings().devices;
  if (local) return local;
  aws ??= import('#shared/telemetry/iot-device-provisioning.ts').then((m) => m.iotDeviceProvisioningFromEnv());
  aws.catch(() => {
    aws = undefined;
  });
  return aws;
}

const masterData = new DynamoDbMasterDataRepository();
const liveView = new DynamoDbLiveViewRepository();

export const devices = new DeviceService(
  new DynamoDbDeviceRepository(),
  deviceProvisioning,
  {
    existing: async (tenantId, ids) =>
      new Set((await masterData.getMany(tenantId, 'equipment', ids)).filter((e) => e.level === 'workUnit').map((e) => e.id)),
  },
  clock,
  {
    of: async (tenantId, units) => new Map((await liveView.get(tenantId, units)).map((entry) => [entry.equipmentId, entry.unit.lastSeen])),
  },
);

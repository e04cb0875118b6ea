/**
 * The plant provisioner of devices (issue 17, docs/devices.md): a new plant gets its IoT thing
 * group `mes-{tenantId}` on AWS, which every device registered for it joins (fleet indexing,
 * jobs, and the group fleet provisioning puts devices in). Locally there is nothing to make: the
 * broker's registry is the device records themselves. CreateThingGroup is idempotent, as the
 * plant registry requires of a provisioner (shared/domain/plants/provisioners.ts).
 * The SDK loads on first use.
 * Registered by the admin function's services (functions/lib/admin-services.ts).
 */
import type { PlantProvisioner } from '#shared/domain/plants/provisioners.ts';
import { localBindings } from './local-bindings.ts';

export const plantThingGroupProvisioner: PlantProvisioner = {
  name: 'iot-thing-group',
  async provision(plant) {
    if (localBindings().devices) return;
    const { createPlantThingGroup, iotClients } = await import('#shared/telemetry/iot-device-provisioning.ts');
    await createPlantThingGroup((await iotClients()).iot, plant.tenantId);
  },
};

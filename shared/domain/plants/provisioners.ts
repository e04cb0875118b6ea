/**
 * What else a new plant needs beyond its records and its first admin (issue 17): on AWS its IoT
 * thing group (i17-devices), locally whatever the local stand-ins need. The runtime and the AWS
 * wiring register provisioners at start; POST /v1/plants runs every one registered, in order,
 * after the plant's records and first admin exist.
 *
 * A provisioner MUST be idempotent: a plant whose creation stopped half-way is finished by
 * sending the same request again, which runs every provisioner not yet recorded as done (the
 * registry record keeps their names, `provisioned`), and one that finished its work but failed
 * before it was recorded runs again.
 */
import type { Plant } from './model.ts';

export interface PlantProvisioner {
  /** Unique and stable: the registry records which provisioners finished by this name. */
  name: string;
  provision(plant: Plant): Promise<void>;
}

/** The provisioners this process runs for a new plant, in the order registered. */
export const plantProvisioners: PlantProvisioner[] = [];

/** Registers a provisioner once (a second registration under the same name replaces the first). */
export function registerPlantProvisioner(provisioner: PlantProvisioner): void {
  const at = plantProvisioners.findIndex((p) => p.name === provisioner.name);
  if (at >= 0) plantProvisioners[at] = provisioner;
  else plantProvisioners.push(provisioner);
}

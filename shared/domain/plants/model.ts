/**
 * A plant is a tenant (issue 17; docs/onboarding.md). The platform keeps a registry of them
 * under the platform's own tenant (`platform#PLANT`, shared/db/plant-repository.ts); everything
 * else a plant has lives under its own tenant id.
 */
import type { PlantRole } from '../roles.ts';

/**
 * `provisioning` from the moment the id is taken until every step of creating it has run
 * (settings, first admin, the provisioners); `active` after. A plant stuck in `provisioning`
 * is finished by sending the same POST /v1/plants again.
 */
export const PLANT_STATUSES = ['provisioning', 'active'] as const;
export type PlantStatus = (typeof PLANT_STATUSES)[number];

export interface Plant {
  tenantId: string;
  name: string;
  /** IANA time zone, e.g. Europe/Amsterdam. */
  timeZone: string;
  createdAt: string;
  /** The platform operator (user id) who created it. */
  createdBy: string;
  status: PlantStatus;
}

/** The registry record as stored: the plant, versioned, with what it was created with. */
export interface StoredPlant extends Plant {
  version: number;
  updatedAt: string;
  /** The first admin it was created with: a retry must name the same one. */
  firstAdmin: FirstAdmin;
  /** Names of the provisioners that have finished for it. */
  provisioned: string[];
}

export interface FirstAdmin {
  userId: string;
  name: string;
  email: string;
}

export interface CreatePlantInput {
  tenantId: string;
  name: string;
  timeZone: string;
  firstAdmin: FirstAdmin;
}

/** An audit record of the registry (who created a plant, when it became active). */
export interface PlantAudit {
  version: number;
  at: string;
  by: string;
  byName: string;
  action: 'plant.created' | 'plant.provisioned';
  changes: { field: string; from?: unknown; to?: unknown }[];
}

/** The plant roles a first admin gets. */
export const FIRST_ADMIN_ROLES: readonly PlantRole[] = ['admin'];

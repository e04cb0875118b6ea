/**
 * Creating a plant (issue 17; docs/onboarding.md), by a platform operator, in one request:
 *
 * 1. the registry record (`platform#PLANT`, status `provisioning`, chained audit) takes the id;
 * 2. the plant's settings in its own tenant (its name and time zone), unless there already;
 * 3. its first admin: the identity (invited by e-mail) and the user directory record, unless there;
 * 4. every registered provisioner not yet recorded as done (plantProvisioners, idempotent);
 * 5. the registry record becomes `active`, naming the provisioners done (chained audit).
 *
 * Each step finds what an earlier attempt did and does only the rest, so the same request sent
 * again (a timeout, a provisioner that failed) finishes the plant; the same id with another name,
 * time zone or first admin is a 409. Reserved ids never get here (the schema refuses them).
 */
import type { AuthContext } from '../../auth/claims.ts';
import { type Clock, systemClock } from '../clock.ts';
import { AlreadyExistsError, NotFoundError } from '../errors.ts';
import type { UserService } from '../identity/users.ts';
import { reservedTenantReason } from '../roles.ts';
import type { Page, PageRequest } from '../work-order/repository.ts';
import { type CreatePlantInput, FIRST_ADMIN_ROLES, type Plant, type PlantAudit, type StoredPlant } from './model.ts';
import { type PlantProvisioner, plantProvisioners } from './provisioners.ts';

export interface PlantRepository {
  get(plantId: string): Promise<StoredPlant | undefined>;
  list(page: PageRequest): Promise<Page<StoredPlant>>;
  save(next: StoredPlant, before: StoredPlant | undefined, audit: PlantAudit): Promise<void>;
}

/** Writes the plant's name and time zone into its settings (in the plant's tenant) unless they say so already. */
export type PlantSettingsWriter = (plantAuth: AuthContext, plant: Plant) => Promise<void>;

/** What the API shows of a plant. */
export type PlantView = Plant & { version: number; updatedAt: string };
export const plantViewOf = ({ firstAdmin: _f, provisioned: _p, ...view }: StoredPlant): PlantView => view;

export class PlantService {
  constructor(
    private readonly repository: PlantRepository,
    private readonly users: UserService,
    private readonly writeSettings: PlantSettingsWriter,
    private readonly clock: Clock = systemClock,
    private readonly provisioners: readonly PlantProvisioner[] = plantProvisioners,
  ) {}

  list(page: PageRequest) {
    return this.repository.list(page);
  }

  async get(plantId: string): Promise<StoredPlant> {
    const plant = await this.repository.get(plantId);
    if (!plant) throw new NotFoundError(`plant ${plantId}`);
    return plant;
  }

  /** `created`: false when the plant was active already (the same request again): nothing was done. */
  async create(auth: AuthContext, input: CreatePlantInput) {
    const reserved = reservedTenantReason(input.tenantId);
    if (reserved) throw new AlreadyExistsError(`the tenant id ${input.tenantId} is reserved: ${reserved}`);
    let stored = await this.repository.get(input.tenantId);
    if (stored) {
      this.assertSameRequest(stored, input);
      if (stored.status === 'active') return { plant: stored, firstAdmin: { userId: stored.firstAdmin.userId }, created: false };
    } else {
      stored = await this.register(auth, input);
    }
    const plant: Plant = {
      tenantId: stored.tenantId,
      name: stored.name,
      timeZone: stored.timeZone,
      createdAt: stored.createdAt,
      createdBy: stored.createdBy,
      status: stored.status,
    };
    // In the plant's own tenant, as the operator: its audit records name who created them.
    const plantAuth: AuthContext = { tenantId: plant.tenantId, userId: auth.userId, name: auth.name, roles: [] };
    await this.writeSettings(plantAuth, plant);
    const invited = await this.users.invite(
      plantAuth,
      { userId: input.firstAdmin.userId, name: input.firstAdmin.name, email: input.firstAdmin.email, roles: [...FIRST_ADMIN_ROLES] },
      { resume: true },
    );
    const done = new Set(stored.provisioned);
    for (const provisioner of this.provisioners) {
      if (done.has(provisioner.name)) continue;
      await provisioner.provision(plant);
      done.add(provisioner.name);
    }
    const at = this.clock.now().toISOString();
    const active: StoredPlant = { ...stored, status: 'active', provisioned: [...done], version: stored.version + 1, updatedAt: at };
    await this.repository.save(active, stored, {
      version: active.version,
      at,
      by: auth.userId,
      byName: auth.name,
      action: 'plant.provisioned',
      changes: [
        { field: 'status', from: stored.status, to: 'active' },
        { field: 'provisioned', from: stored.provisioned, to: active.provisioned },
      ],
    });
    return { plant: active, firstAdmin: { userId: input.firstAdmin.userId, temporaryPassword: invited.temporaryPassword }, created: true };
  }

  private async register(auth: AuthContext, input: CreatePlantInput): Promise<StoredPlant> {
    const at = this.clock.now().toISOString();
    const stored: StoredPlant = {
      tenantId: input.tenantId,
      name: input.name,
      timeZone: input.timeZone,
      createdAt: at,
      createdBy: auth.userId,
      status: 'provisioning',
      firstAdmin: { ...input.firstAdmin },
      provisioned: [],
      version: 1,
      updatedAt: at,
    };
    await this.repository.save(stored, undefined, {
      version: 1,
      at,
      by: auth.userId,
      byName: auth.name,
      action: 'plant.created',
      changes: [
        { field: 'name', to: input.name },
        { field: 'timeZone', to: input.timeZone },
        { field: 'firstAdmin', to: input.firstAdmin.userId },
      ],
    });
    return (await this.repository.get(input.tenantId)) ?? stored;
  }

  private assertSameRequest(stored: StoredPlant, input: CreatePlantInput) {
    const same =
      stored.name === input.name &&
      stored.timeZone === input.timeZone &&
      stored.firstAdmin.userId === input.firstAdmin.userId &&
      stored.firstAdmin.name === input.firstAdmin.name &&
      stored.firstAdmin.email === input.firstAdmin.email;
    if (!same) {
      throw new AlreadyExistsError(
        `plant ${stored.tenantId} exists already (created ${stored.createdAt} by ${stored.createdBy}, ${stored.status}): send the same name, time zone and first admin to finish its creation, or choose another tenant id`,
      );
    }
  }
}

/**
 * The admin function's services (issue 17), wired once per cold start: plants and users on
 * DynamoDB, the identity port (Cognito on AWS, imported on first use; the local runtime's user
 * directory locally), the plant's settings through the master data service.
 */
import { DynamoDbPlantRepository } from '#shared/db/plant-repository.ts';
import { DynamoDbUserRepository } from '#shared/db/user-repository.ts';
import { ENV } from '#shared/config.ts';
import type { IdentityPort } from '#shared/domain/identity/port.ts';
import { UserService } from '#shared/domain/identity/users.ts';
import { registerPlantProvisioner } from '#shared/domain/plants/provisioners.ts';
import { PlantService, type PlantSettingsWriter } from '#shared/domain/plants/service.ts';
import { withTenantScope } from '#shared/db/tenant-scope.ts';
import { limitsOf, rateLimits } from '#shared/db/rate-limit-repository.ts';
import type { AuthContext } from '#shared/auth/claims.ts';
import type { RateLimits } from '#shared/domain/fair-use.ts';
import { plantThingGroupProvisioner } from './plant-thing-group.ts';
import { clock } from './clock.ts';
import { localBindings } from './local-bindings.ts';
import { masterData } from './services.ts';

let cognito: Promise<IdentityPort> | undefined;
/** The local directory when the local runtime lends one, else Cognito on the deployment's user pool. */
async function identity(): Promise<IdentityPort> {
  const local = localBindings().identity;
  if (local) return local;
  const userPoolId = process.env[ENV.userPoolId];
  if (!userPoolId)
    throw new Error(`${ENV.userPoolId} is not set: the admin function needs the user pool (infra/stacks/api-stack.ts, use 'identity')`);
  cognito ??= import('./cognito-identity.ts').then(({ CognitoIdentity }) => new CognitoIdentity(userPoolId));
  return cognito;
}

const personnelExists = async (tenantId: string, personnelId: string) =>
  masterData
    .get({ tenantId, userId: 'system', name: 'system', roles: [] }, 'personnel', personnelId)
    .then(() => true)
    .catch((error: Error) => (error.name === 'NotFoundError' ? false : Promise.reject(error)));

/**
 * The plant's name and time zone in its settings, unless they say so already (a re-run). A
 * platform operator's request runs in the platform's scope: the plant's own records are written
 * in the plant's (tenant isolation, docs/isolation.md).
 */
const writeSettings: PlantSettingsWriter = (plantAuth, plant) => withTenantScope(plantAuth.tenantId, () => writeOwnSettings(plantAuth, plant));
const writeOwnSettings: PlantSettingsWriter = async (plantAuth, plant) => {
  const current = await masterData.get(plantAuth, 'settings', 'settings').catch((error: Error) => {
    if (error.name === 'NotFoundError') return undefined;
    throw error;
  });
  if (current?.plantName === plant.name && current.timeZone === plant.timeZone) return;
  const { id: _id, version: _v, updatedAt: _u, updatedBy: _b, ...input } = current ?? { overrunTolerancePct: 0 };
  await masterData.put(plantAuth, 'settings', 'settings', { ...input, plantName: plant.name, timeZone: plant.timeZone });
};

export const users = new UserService(new DynamoDbUserRepository(), identity, personnelExists, clock);

/** The users service as plant creation uses it: the first admin is the new plant's record, written in its scope. */
class PlantScopedUsers extends UserService {
  override invite(...args: Parameters<UserService['invite']>) {
    return withTenantScope(args[0].tenantId, () => super.invite(...args));
  }
}
const firstAdmins = new PlantScopedUsers(new DynamoDbUserRepository(), identity, personnelExists, clock);

// Devices (issue 17, docs/devices.md): a new plant gets its IoT thing group on AWS.
registerPlantProvisioner(plantThingGroupProvisioner);
export const plants = new PlantService(new DynamoDbPlantRepository(), firstAdmins, writeSettings, clock);

// Fair use (issue 17, docs/fair-use.md): a plant's request limits live on its own bucket item
// (`{plant}#RATE`), read and written in the plant's scope; the audit record names the platform
// operator as `platform:{userId}` (no plant user can be confused with them).
const limitsView = (tenantId: string, bucket: Awaited<ReturnType<typeof rateLimits.get>>) => ({
  tenantId,
  limits: limitsOf(bucket),
  source: bucket?.limits ? ('plant' as const) : ('default' as const),
  ...(bucket?.limitsSetBy ? { setBy: bucket.limitsSetBy } : {}),
  ...(bucket?.limitsSetAt ? { setAt: bucket.limitsSetAt } : {}),
});

/** A plant's limits as they apply: its own, else the deployment's default. */
export const rateLimitsOf = (plantId: string) => withTenantScope(plantId, async () => limitsView(plantId, await rateLimits.get(plantId)));

/** A platform operator sets a plant's own limits. */
export const setRateLimits = (auth: AuthContext, plantId: string, limits: RateLimits) =>
  withTenantScope(plantId, async () =>
    limitsView(plantId, await rateLimits.setLimits(plantId, limits, `platform:${auth.userId}`, clock.now().toISOString())),
  );

/**
 * The simulator's units get their MQTT credentials as a plant's would: an administrator of the
 * tenant registers each unit. Against a running MES (`npm run simulate`) that is an admin token
 * from the local identity provider, then POST /local/device-credentials per unit (or gateway); in-process
 * (`npm start -- --simulate`, the tests, the bench) the runtime hands them out directly.
 */
import * as z from 'zod/mini';
import { fetchHonouringRetryAfter } from '../shared/api/retry-after.ts';
import { LOCAL_ONLY_PATHS } from '../shared/api/routes.ts';
import { DeviceCredentialsSchema } from '../shared/telemetry/device-identity.ts';
import type { CredentialSource } from './publisher.ts';

const TokenSchema = z.object({ token: z.string() });

export function credentialsFrom(apiUrl: string): CredentialSource {
  const tokens = new Map<string, Promise<string>>();
  const post = async (path: string, body: unknown, authorization?: string) => {
    // Fair use (issue 17): a 429 is sent again after its Retry-After (nothing was done).
    const res = await fetchHonouringRetryAfter(
      `${apiUrl}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(body),
      },
      { timeoutMs: 10_000 },
    );
    if (!res.ok) throw new Error(`POST ${apiUrl}${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  const adminToken = (tenantId: string) => {
    let token = tokens.get(tenantId);
    if (!token) {
      token = post(LOCAL_ONLY_PATHS.token, { tenantId, userId: 'telemetry-simulator', roles: ['admin'] }).then(
        (body) => TokenSchema.parse(body).token,
      );
      token.catch(() => tokens.delete(tenantId));
      tokens.set(tenantId, token);
    }
    return token;
  };
  // A gateway is registered as one (`{ gatewayId }`); its id stands where a unit's would (gatewayDevice).
  return async ({ tenantId, equipmentId }, kind = 'unit') => {
    const token = await adminToken(tenantId);
    const body = kind === 'gateway' ? { gatewayId: equipmentId } : { equipmentId };
    return DeviceCredentialsSchema.parse(await post(LOCAL_ONLY_PATHS.deviceCredentials, body, `Bearer ${token}`));
  };
}

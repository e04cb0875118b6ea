/**
 * The simulator's units get their MQTT credentials as a plant's would: an administrator of the
 * tenant registers each unit or gateway with POST /v1/devices (issue 17, docs/devices.md) and
 * gets its credentials once. Against a running MES (`npm run simulate`) that is an admin token
 * from the local identity provider; in-process (`npm start -- --simulate`, the tests, the
 * bench) the runtime hands them out directly.
 *
 * Credentials are shown once, and a simulator run does not keep them: a device the simulator
 * registered on an earlier run (409) is revoked and registered again, so it gets new ones. A
 * gateway is registered for the units whose master data name it (`gatewayId`).
 */
import * as z from 'zod/mini';
import { fetchHonouringRetryAfter } from '../shared/api/retry-after.ts';
import { LOCAL_ONLY_PATHS } from '../shared/api/routes.ts';
import { type DeviceCredentials, DeviceCredentialsSchema } from '../shared/telemetry/device-identity.ts';
import type { CredentialSource } from './publisher.ts';

const TokenSchema = z.object({ token: z.string() });
const RegisteredSchema = z.object({ credentials: z.object({ clientId: z.string(), username: z.string(), password: z.string() }) });
const EquipmentPageSchema = z.object({
  items: z.array(z.object({ id: z.string(), level: z.string(), gatewayId: z.optional(z.string()) })),
  nextCursor: z.optional(z.string()),
});

export function credentialsFrom(apiUrl: string): CredentialSource {
  const tokens = new Map<string, Promise<string>>();
  const call = async (method: string, path: string, body?: unknown, authorization?: string) => {
    // Fair use (issue 17): a 429 is sent again after its Retry-After (nothing was done).
    const res = await fetchHonouringRetryAfter(
      `${apiUrl}${path}`,
      {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(authorization ? { authorization } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      { timeoutMs: 10_000 },
    );
    return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown, path };
  };
  const ok = async (reply: Promise<{ status: number; body: unknown; path: string }>) => {
    const r = await reply;
    if (r.status < 200 || r.status >= 300) throw new Error(`${r.path} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const adminToken = (tenantId: string) => {
    let token = tokens.get(tenantId);
    if (!token) {
      token = ok(call('POST', LOCAL_ONLY_PATHS.token, { tenantId, userId: 'telemetry-simulator', roles: ['admin'] })).then(
        (body) => TokenSchema.parse(body).token,
      );
      token.catch(() => tokens.delete(tenantId));
      tokens.set(tenantId, token);
    }
    return token;
  };
  /** The units whose master data name this gateway. */
  const unitsOf = async (gatewayId: string, auth: string) => {
    const units: string[] = [];
    let cursor: string | undefined;
    do {
      const page = EquipmentPageSchema.parse(
        await ok(call('GET', `/v1/equipment?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, auth)),
      );
      units.push(...page.items.filter((e) => e.level === 'workUnit' && e.gatewayId === gatewayId).map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    return units;
  };
  return async ({ tenantId, equipmentId }, kind = 'unit'): Promise<DeviceCredentials> => {
    const auth = `Bearer ${await adminToken(tenantId)}`;
    const body =
      kind === 'gateway'
        ? { name: `Simulated gateway ${equipmentId}`, gatewayId: equipmentId, units: await unitsOf(equipmentId, auth) }
        : { name: `Simulated unit ${equipmentId}`, equipmentId };
    let reply = await call('POST', '/v1/devices', body, auth);
    if (reply.status === 409) {
      // Registered by an earlier run, whose credentials are gone: new ones.
      await ok(call('POST', `/v1/devices/${encodeURIComponent(equipmentId)}/revoke`, { reason: 'telemetry simulator restarted' }, auth));
      reply = await call('POST', '/v1/devices', body, auth);
    }
    const { credentials } = RegisteredSchema.parse(await ok(Promise.resolve(reply)));
    return DeviceCredentialsSchema.parse(credentials);
  };
}

/**
 * The tenant walk over the broker (issue 10, section 5): tenants A and B run units with the
 * same equipment id; B, with everything B can legitimately get (B's admin token, B's device
 * credentials, B's own connected device) and everything B might guess or steal from a log (A's
 * client ids and username), tries every mix-up of identities over TCP and over WebSocket.
 * Every one is refused, A's devices stay connected throughout and keep publishing, and A's
 * data holds only what A's devices published. Real runtime, real handlers (functions/iot),
 * credentials fetched over HTTP as an admin would; nothing is mocked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MqttClient } from 'mqtt';
import { LOCAL_ONLY_PATHS } from '#shared/api/routes.ts';
import type { DeviceCredentials } from '#shared/telemetry/device-identity.ts';
import { telemetryTopic } from '#shared/telemetry/rules.ts';
import { type Api, as, newTenant } from '../e2e/support/mes.ts';
import { attempt, connectWith, grantedQos, publishRefused, watched } from '../helpers/mqtt.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

const PRESS = 'wu-press-1';
/** Dots in an equipment id become colons in its thing name: a second shape of client id. */
const SCREW = 'line1.screw.1';
const TRANSPORTS = ['TCP', 'WebSocket'] as const;
type Transport = (typeof TRANSPORTS)[number];

/**
 * What B holds: an admin token of B, B's device credentials for units named like A's, A's
 * names (tenant, client ids); and, for one mix-up, the password of another of A's units, as if
 * it had leaked.
 */
interface Loot {
  a: Record<string, DeviceCredentials>;
  b: Record<string, DeviceCredentials>;
  tokenOfB: string;
  tenantA: string;
  tenantB: string;
}

/** Every way B might try to be one of A's units: the client id names A's unit in each. */
const MIX_UPS: { name: string; refusal: RegExp; as: (loot: Loot, unit: string) => Partial<DeviceCredentials> }[] = [
  {
    name: "A's client id, B's username, no password",
    refusal: /Not authorized/i,
    as: (l, u) => ({ clientId: l.a[u]?.clientId, username: l.tenantB }),
  },
  {
    name: "A's client id, B's username and B's credential for B's unit of the same id",
    refusal: /Not authorized/i,
    as: (l, u) => ({ ...l.b[u], clientId: l.a[u]?.clientId }),
  },
  {
    name: "A's client id and username, B's credential for B's unit of the same id",
    refusal: /Bad username or password/i,
    as: (l, u) => ({ clientId: l.a[u]?.clientId, username: l.tenantA, password: l.b[u]?.password }),
  },
  {
    name: "A's client id and username, no password",
    refusal: /Bad username or password/i,
    as: (l, u) => ({ clientId: l.a[u]?.clientId, username: l.tenantA }),
  },
  {
    name: "A's client id and username, B's admin token as password",
    refusal: /Bad username or password/i,
    as: (l, u) => ({ clientId: l.a[u]?.clientId, username: l.tenantA, password: l.tokenOfB }),
  },
  {
    name: "A's client id and username, the leaked password of A's other unit",
    refusal: /Bad username or password/i,
    as: (l, u) => ({ clientId: l.a[u]?.clientId, username: l.tenantA, password: l.a[u === PRESS ? SCREW : PRESS]?.password }),
  },
  {
    name: 'the bare equipment id as client id, with B’s own credential',
    refusal: /Identifier rejected/i,
    as: (l, u) => ({ ...l.b[u], clientId: u }),
  },
];

describe('tenant walk over MQTT: B never reaches or disturbs A’s devices', () => {
  let mes: TestRuntime;
  const tenantA = newTenant();
  const tenantB = newTenant();
  let adminA: Api;
  let adminB: Api;
  let loot: Loot;
  /** A's units, connected before the walk and watched until its end: one over each transport. */
  const devicesOfA: Record<string, { client: MqttClient; wasClosed: () => boolean }> = {};
  const urlOf = (transport: Transport) => (transport === 'TCP' ? (mes.mqttUrl as string) : (mes.runtime.mqtt?.wsUrl as string));
  const drained = () => mes.runtime.mqtt?.pipeline.drain();
  let n = 0;
  const state = (reasonCode: string) => JSON.stringify({ ts: Date.now() - 60_000 + ++n, msgId: `m-${n}`, state: 'down', reasonCode });

  /** Device credentials as a plant's admin gets them: POST /local/device-credentials with their token. */
  async function register(tenantId: string, token: string, equipmentId: string): Promise<DeviceCredentials> {
    const res = await fetch(`${mes.baseUrl}${LOCAL_ONLY_PATHS.deviceCredentials}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ equipmentId }),
    });
    assert.equal(res.status, 200, `${tenantId} could not register ${equipmentId}: ${await res.clone().text()}`);
    return (await res.json()) as DeviceCredentials;
  }

  before(async () => {
    mes = await startTestRuntime({ mqttPort: 0, mqttWsPort: 0, telemetryWindowMs: 0 });
    adminA = await as(mes, tenantA, 'u-admin-a', ['admin']);
    adminB = await as(mes, tenantB, 'u-admin-b', ['admin']);
    const tokenOfA = await mes.token(tenantA, 'u-admin-a', ['admin']);
    const tokenOfB = await mes.token(tenantB, 'u-admin-b', ['admin']);
    for (const admin of [adminA, adminB]) {
      await admin.ok('PUT', '/v1/equipment/site-1', { name: 'Plant', level: 'site' });
      for (const unit of [PRESS, SCREW])
        await admin.ok('PUT', `/v1/equipment/${unit}`, { name: unit, level: 'workUnit', parentId: 'site-1', offlineAfterSeconds: 86_400 });
    }
    loot = {
      a: { [PRESS]: await register(tenantA, tokenOfA, PRESS), [SCREW]: await register(tenantA, tokenOfA, SCREW) },
      b: { [PRESS]: await register(tenantB, tokenOfB, PRESS), [SCREW]: await register(tenantB, tokenOfB, SCREW) },
      tokenOfB,
      tenantA,
      tenantB,
    };
    devicesOfA[PRESS] = await watched(urlOf('TCP'), loot.a[PRESS] as DeviceCredentials);
    devicesOfA[SCREW] = await watched(urlOf('WebSocket'), loot.a[SCREW] as DeviceCredentials);
    for (const unit of [PRESS, SCREW]) {
      await devicesOfA[unit]?.client.publishAsync(telemetryTopic(tenantA, unit, 'state'), state('A-OWN'), { qos: 1 });
    }
  });
  after(async () => {
    for (const device of Object.values(devicesOfA)) await device.client.endAsync(true);
    await mes?.stop();
  });

  it("gives B's units of the same ids identities of their own", () => {
    for (const unit of [PRESS, SCREW]) {
      assert.notEqual(loot.b[unit]?.clientId, loot.a[unit]?.clientId);
      assert.notEqual(loot.b[unit]?.password, loot.a[unit]?.password);
    }
    assert.equal(loot.a[SCREW]?.clientId, `${tenantA}:line1:screw:1`);
  });

  for (const transport of TRANSPORTS) {
    for (const unit of [PRESS, SCREW]) {
      for (const mixUp of MIX_UPS) {
        it(`over ${transport}, refuses ${mixUp.name} (${unit}), and A’s unit stays connected`, async () => {
          const answer = await attempt(urlOf(transport), mixUp.as(loot, unit));
          assert.match(answer, mixUp.refusal);
          assert.equal(devicesOfA[unit]?.wasClosed(), false);
        });
      }
    }

    it(`over ${transport}, lets B's own unit of the same id run beside A's, but never publish to or read A's topics`, async () => {
      // Prepare: B's press, connected while A's press is.
      const ofB = await connectWith(urlOf(transport), loot.b[PRESS] as DeviceCredentials);
      await ofB.publishAsync(telemetryTopic(tenantB, PRESS, 'state'), state('B-OWN'), { qos: 1 });
      // Act
      const granted = await grantedQos(ofB, {
        [`cmd/mes/${tenantA}/${PRESS}/#`]: { qos: 1 },
        [`dt/mes/${tenantA}/${PRESS}/state`]: { qos: 0 },
        [`dt/mes/${tenantA}/#`]: { qos: 0 },
        '#': { qos: 0 },
      });
      await publishRefused(ofB, telemetryTopic(tenantA, PRESS, 'state'), state('B-WAS-HERE'));
      // Assess
      assert.deepEqual(granted, [128, 128, 128, 128]);
      assert.equal(devicesOfA[PRESS]?.wasClosed(), false);
    });
  }

  it("refuses B's admin a credential asked for while naming A's tenant: the tenant is the token's", async () => {
    const res = await fetch(`${mes.baseUrl}${LOCAL_ONLY_PATHS.deviceCredentials}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${loot.tokenOfB}` },
      body: JSON.stringify({ equipmentId: PRESS, tenantId: tenantA }),
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
  });

  it('refuses fifty mixed attempts at once on both transports without taking A’s units offline', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const unit = i % 3 === 0 ? SCREW : PRESS;
        return attempt(urlOf(TRANSPORTS[i % 2] as Transport), (MIX_UPS[i % MIX_UPS.length] as (typeof MIX_UPS)[number]).as(loot, unit));
      }),
    );
    assert.ok(
      answers.every((answer) => answer !== 'connected'),
      answers.join('\n'),
    );
    for (const device of Object.values(devicesOfA)) assert.equal(device.wasClosed(), false);
  });

  it('leaves A’s units connected and publishing, and A’s data holding only what they published', async () => {
    // A disconnected client would wait for a reconnect that never comes: fail before publishing.
    for (const device of Object.values(devicesOfA)) assert.equal(device.wasClosed(), false);
    // Act: A's units publish once more, over the connections they had from the start.
    for (const unit of [PRESS, SCREW]) {
      await devicesOfA[unit]?.client.publishAsync(telemetryTopic(tenantA, unit, 'state'), state('A-STILL-HERE'), { qos: 1 });
    }
    await drained();
    // Assess
    for (const device of Object.values(devicesOfA)) assert.equal(device.wasClosed(), false);
    const feedOf = async (admin: Api) => {
      const feed = (await admin.ok('GET', '/v1/state-changes?since=2000-01-01T00:00:00Z')) as {
        items: { equipmentId: string; reasonCode?: string }[];
      };
      return feed.items.map((c) => `${c.equipmentId} ${c.reasonCode}`).sort();
    };
    assert.deepEqual(await feedOf(adminA), [`${PRESS} A-OWN`, `${PRESS} A-STILL-HERE`, `${SCREW} A-OWN`, `${SCREW} A-STILL-HERE`].sort());
    // ...and B's own press worked, in B's data only.
    assert.deepEqual(await feedOf(adminB), [`${PRESS} B-OWN`, `${PRESS} B-OWN`]);
  });
});

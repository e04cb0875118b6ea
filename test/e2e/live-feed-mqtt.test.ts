/**
 * The live feed, as `npm start` runs it (issue 13): a change of a unit's entry in the plant's
 * live view (written here directly with the agreed shape, pk `{tenant}#LIVE`, sk `UNIT#{unit}`,
 * `unit` and `at`) is published by functions/streams/publish-live.ts, through the local IoT data
 * plane, to `feed/mes/{tenant}/units/{unit}`; a browser's real mqtt.js client over the broker's
 * WebSocket, signed in with its local token, receives it. It may subscribe only to its own
 * tenant's feed (another tenant's is refused in the SUBACK and nothing arrives), and it may not
 * publish, not even to its own feed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MqttClient } from 'mqtt';
import {
  changesOf,
  LiveFeedMessageSchema,
  type LiveUnitChange,
  liveUnitsTopic,
  liveUnitTopic,
  viewerSubscriptions,
} from '#shared/telemetry/live-feed.ts';
import { testDocClient, testTableName } from '../helpers/ddb.ts';
import { writeLiveEntry } from '../helpers/live-view.ts';
import { attempt, connectWith, grantedQos } from '../helpers/mqtt.ts';
import { newTenantId, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

const running = (equipmentId: string, since: string): LiveUnitChange['unit'] => ({
  equipmentId,
  state: 'running',
  since,
  lastSeen: since,
  current: null,
});

describe('the live feed over MQTT', () => {
  let mes: TestRuntime;
  const clients: MqttClient[] = [];
  before(async () => {
    mes = await startTestRuntime({ mqttPort: 0, mqttWsPort: 0 });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await mes?.stop();
  });

  const wsUrl = () => mes.runtime.mqtt?.wsUrl as string;
  async function viewer(tenantId: string) {
    const token = await mes.token(tenantId, 'u-super', ['supervisor']);
    const client = await connectWith(wsUrl(), { clientId: `viewer-${tenantId}-${clients.length}`, username: tenantId, password: token });
    clients.push(client);
    const received: { topic: string; payload: unknown }[] = [];
    client.on('message', (topic, payload) => received.push({ topic, payload: JSON.parse(payload.toString()) }));
    return { client, received };
  }
  const published = async () => {
    await mes.runtime.mqtt?.liveFeed?.idle({ timeoutMs: 30_000 });
  };
  /** Messages go out before idle() returns, but travel to the client over a socket. */
  async function settle(done: () => boolean) {
    for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 50));
  }

  it("pushes a unit's live state change to a browser of its tenant, whole, and not a bookkeeping-only change", async () => {
    // Prepare
    const tenant = newTenantId();
    const { client, received } = await viewer(tenant);
    assert.deepEqual(await grantedQos(client, Object.fromEntries(viewerSubscriptions(tenant).map((f) => [f, { qos: 1 as const }]))), [1]);
    const since = new Date().toISOString();
    // Act
    await writeLiveEntry(tenant, running('wu-1', since), 1000);
    await writeLiveEntry(tenant, { ...running('wu-1', since), state: 'down', reasonCode: 'E-42' }, 2000);
    await writeLiveEntry(tenant, { ...running('wu-1', since), state: 'down', reasonCode: 'E-42' }, 2000, { bookkeeping: 1 });
    await testDocClient().send(new PutCommand({ TableName: testTableName(), Item: { pk: `${tenant}#LIVE`, sk: 'META', at: 3000 } }));
    await published();
    const changes = () => received.flatMap((m) => changesOf(LiveFeedMessageSchema.parse(m.payload)));
    await settle(() => changes().some((c) => c.at === 2000));
    // Assess: the newest state arrived on the plant's topic (the first too, unless both were in one batch); nothing else.
    assert.ok(
      received.every((m) => m.topic === liveUnitsTopic(tenant)),
      "only the plant's units topic",
    );
    const messages = changes();
    const newest = messages.filter((m) => m.at === 2000);
    assert.equal(newest.length, 1, 'the bookkeeping-only change was not published again');
    assert.equal(newest[0]?.unit.state, 'down');
    assert.equal(newest[0]?.unit.reasonCode, 'E-42');
    assert.ok(
      messages.every((m) => m.at === 2000 || (m.at === 1000 && m.unit.state === 'running')),
      JSON.stringify(messages),
    );
  });

  it("refuses a browser another tenant's feed, its publishes, and a token of another tenant", async () => {
    // Prepare
    const tenantA = newTenantId();
    const tenantB = newTenantId();
    const a = await viewer(tenantA);
    const b = await viewer(tenantB);
    await grantedQos(b.client, { [viewerSubscriptions(tenantB)[0] as string]: { qos: 0 } });
    // Act
    const granted = await grantedQos(a.client, {
      [viewerSubscriptions(tenantB)[0] as string]: { qos: 0 },
      [liveUnitTopic(tenantB, 'wu-1')]: { qos: 0 },
      'feed/mes/#': { qos: 0 },
      '#': { qos: 0 },
    });
    await writeLiveEntry(tenantB, running('wu-1', new Date().toISOString()), 1000);
    await published();
    await settle(() => b.received.length >= 1);
    let closed = false;
    a.client.on('close', () => (closed = true));
    a.client.publish(liveUnitTopic(tenantA, 'wu-1'), JSON.stringify({ kind: 'unit', at: Date.now(), unit: running('wu-1', 'x') }), { qos: 1 });
    await settle(() => closed);
    const tokenOfA = await mes.token(tenantA, 'u-super', ['supervisor']);
    // Assess
    assert.deepEqual(granted, [128, 128, 128, 128]);
    assert.equal(b.received.length, 1, "tenant B's own browser got its message");
    assert.equal(a.received.length, 0, "tenant A's browser got nothing of tenant B");
    assert.ok(closed, 'a publishing browser is disconnected (IoT Core closes the connection on a policy refusal)');
    assert.match(
      await attempt(wsUrl(), { clientId: 'viewer-x', username: tenantB, password: tokenOfA }),
      /Bad username or password|Not authorized|refused/i,
    );
    assert.match(
      await attempt(wsUrl(), { clientId: 'viewer-y', username: tenantA, password: 'not-a-token' }),
      /Bad username or password|Not authorized|refused/i,
    );
  });
});

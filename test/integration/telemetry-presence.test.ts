/**
 * Presence through the ingest and the HTTP API, against DynamoDB Local (issue 13): lifecycle
 * events as the lifecycle rule hands them on (rules.ts `applyRules`, what IoT Core's rule SQL
 * does), declared presence on a unit's own presence topic, and what the ingest says changed.
 * - a unit behind a gateway follows the gateway's connection, not its own client id;
 * - a unit declared offline is offline until a state arrives;
 * - the ingest reports, per batch, each client's latest connection change (by version) and each
 *   unit's declared change, and `unitsOfChange` names the units a gateway's change concerns;
 * - lifecycle events of client ids that are not thing names are ignored, not failed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { telemetryIngest } from '#functions/lib/telemetry-ingest.ts';
import { thingName } from '#shared/telemetry/device-identity.ts';
import { unitsOfChange } from '#shared/telemetry/lifecycle.ts';
import { applyRules, lifecycleTopic } from '#shared/telemetry/rules.ts';
import { type Api, as, type Mes, newTenant, startMes } from '../e2e/support/mes.ts';
import { MINUTE, envelope, ingestAll, unit } from '../e2e/support/telemetry.ts';

const iso = (ts: number) => new Date(ts).toISOString();

/** A lifecycle event as the lifecycle rule hands it on. */
function lifecycle(clientId: string, eventType: 'connected' | 'disconnected', timestamp: number, versionNumber: number) {
  const payload = Buffer.from(JSON.stringify({ clientId, timestamp, eventType, versionNumber, sessionIdentifier: `s-${versionNumber}` }));
  const match = applyRules({ topic: lifecycleTopic(eventType, clientId), payload, clientId }, timestamp);
  assert.ok(match, 'the lifecycle rule takes it');
  return match.envelope;
}
const records = (envelopes: readonly unknown[]) => envelopes.map((e, i) => ({ id: `p-${i}`, body: JSON.stringify(e) }));

describe('presence through the ingest and the API', () => {
  let mes: Mes;
  let admin: Api;
  const tenant = newTenant();
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;
  const gateway = thingName({ tenantId: tenant, equipmentId: 'gw-1' });

  before(async () => {
    mes = await startMes();
    admin = await as(mes, tenant, 'u-admin', ['admin']);
    await admin.ok('PUT', '/v1/equipment/site-1', { name: 'Plant', level: 'site' });
    await admin.ok('PUT', '/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter', parentId: 'site-1' });
    await admin.ok('PUT', '/v1/equipment/wu-g', { name: 'Behind the gateway', level: 'workUnit', parentId: 'wc-1', gatewayId: 'gw-1' });
    await admin.ok('PUT', '/v1/equipment/wu-own', { name: 'Own connection', level: 'workUnit', parentId: 'wc-1' });
  });
  after(async () => {
    await mes?.stop();
  });

  const status = async (id: string) => (await admin.get(`/v1/equipment/${id}/status`)).body;

  it("takes a unit behind a gateway offline when the gateway's connection drops, and back when it reconnects", async () => {
    // Prepare: both units run; the gateway connected ten minutes ago.
    await ingestAll([
      unit(tenant, 'wu-g').state(now - 8 * MINUTE, 'running'),
      unit(tenant, 'wu-own').state(now - 8 * MINUTE, 'running'),
      lifecycle(gateway, 'connected', now - 10 * MINUTE, 1) as never,
    ]);
    assert.equal((await status('wu-g')).state, 'running');

    // Act: the gateway drops.
    await ingestAll([lifecycle(gateway, 'disconnected', now - 2 * MINUTE, 1) as never]);

    // Assess: its unit is offline since then; the unit with its own connection is not concerned.
    const dropped = await status('wu-g');
    assert.equal(dropped.state, 'offline');
    assert.equal(dropped.since, iso(now - 2 * MINUTE));
    assert.equal((await status('wu-own')).state, 'running');

    // Act: the gateway is back.
    await ingestAll([lifecycle(gateway, 'connected', now - MINUTE, 2) as never]);
    assert.equal((await status('wu-g')).state, 'running');
  });

  it('takes a unit declared offline (its Last Will) offline until it reports a state', async () => {
    // Act: a will, dated by its arrival.
    await ingestAll([envelope(tenant, 'wu-own', 'presence', { online: false }, now - 3 * MINUTE)]);
    // Assess
    const declared = await status('wu-own');
    assert.equal(declared.state, 'offline');
    assert.equal(declared.since, iso(now - 3 * MINUTE));
    // Act: it says it runs again.
    await ingestAll([unit(tenant, 'wu-own').state(now - MINUTE, 'running')]);
    assert.equal((await status('wu-own')).state, 'running');
  });

  it('says per batch whose presence changed: the latest version per client id and the latest declaration per unit', async () => {
    // Act: duplicates and versions out of order, a declaration, and a client id that is no thing's.
    const warnings: unknown[] = [];
    const result = await telemetryIngest.ingestBatch(
      records([
        lifecycle(gateway, 'connected', now - 30_000, 4),
        lifecycle(gateway, 'disconnected', now - 40_000, 3),
        lifecycle(gateway, 'connected', now - 30_000, 4),
        envelope(tenant, 'wu-own', 'presence', { ts: now - 20_000, msgId: 'd-1', online: true }),
        lifecycle('browser-123', 'connected', now, 1),
      ]),
      { warn: (message, details) => void warnings.push({ message, details }) },
    );

    // Assess
    assert.deepEqual([...result.failed], []);
    assert.deepEqual(
      result.presence.sort((a, b) => a.kind.localeCompare(b.kind)),
      [
        { kind: 'connection', tenantId: tenant, clientId: gateway, id: 'gw-1', online: true, at: now - 30_000, version: 4 },
        { kind: 'declared', tenantId: tenant, equipmentId: 'wu-own', online: true, at: now - 20_000 },
      ],
    );
    assert.equal(warnings.length, 1, 'the browser client id is ignored, with a warning');
    const units = [{ id: 'wu-g', gatewayId: 'gw-1' }, { id: 'wu-own' }, { id: 'gw-1-unit', gatewayId: 'gw-2' }];
    assert.deepEqual(unitsOfChange(result.presence[0]!, units), ['wu-g']);
    assert.deepEqual(unitsOfChange(result.presence[1]!, units), ['wu-own']);
  });
});

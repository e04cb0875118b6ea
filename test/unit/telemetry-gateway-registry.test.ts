/**
 * Which units a gateway may publish for (shared/telemetry/gateways.ts): read from the units'
 * master data in one call per batch, cached briefly per function instance, and read again once
 * the cache is stale, so a unit moved to another gateway is taken from the new one soon after.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayRegistry } from '#shared/telemetry/gateways.ts';

function fakeMasterData(units: Record<string, string | undefined>) {
  const calls: string[][] = [];
  return {
    calls,
    units,
    getMany: async (_tenantId: string, _kind: string, ids: readonly string[]) => {
      calls.push([...ids]);
      return ids.filter((id) => id in units).map((id) => ({ id, gatewayId: units[id] }));
    },
  };
}

describe('the gateway registry', () => {
  it("tells each unit's gateway, null for a unit without one or unknown, reading the master data once for a batch", async () => {
    // Prepare
    const masterData = fakeMasterData({ 'wu-a': 'gw-1', 'wu-b': undefined });
    const registry = new GatewayRegistry(masterData as never, { now: () => new Date(0) });
    // Act
    const found = await registry.gatewaysOf('t-1', ['wu-a', 'wu-b', 'wu-x', 'wu-a']);
    // Assess
    assert.deepEqual(Object.fromEntries(found), { 'wu-a': 'gw-1', 'wu-b': null, 'wu-x': null });
    assert.deepEqual(masterData.calls, [['wu-a', 'wu-b', 'wu-x']]);
  });

  it('answers from its cache for 30 s, then reads again and sees a unit moved to another gateway', async () => {
    // Prepare
    const masterData = fakeMasterData({ 'wu-a': 'gw-1' });
    let now = 0;
    const registry = new GatewayRegistry(masterData as never, { now: () => new Date(now) });
    await registry.gatewaysOf('t-1', ['wu-a']);
    masterData.units['wu-a'] = 'gw-2';
    // Act
    now = 29_000;
    const cached = await registry.gatewaysOf('t-1', ['wu-a']);
    now = 31_000;
    const fresh = await registry.gatewaysOf('t-1', ['wu-a']);
    // Assess
    assert.equal(cached.get('wu-a'), 'gw-1');
    assert.equal(fresh.get('wu-a'), 'gw-2');
    assert.equal(masterData.calls.length, 2);
  });

  it('keeps tenants apart: the same unit id of another tenant is read for that tenant', async () => {
    const masterData = fakeMasterData({ 'wu-a': 'gw-1' });
    const registry = new GatewayRegistry(masterData as never, { now: () => new Date(0) });
    await registry.gatewaysOf('t-1', ['wu-a']);
    await registry.gatewaysOf('t-2', ['wu-a']);
    assert.equal(masterData.calls.length, 2);
  });
});

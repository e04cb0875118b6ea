/**
 * A device's thing name (= MQTT client id) names its tenant and its unit: every valid pair of
 * ids gives a valid AWS thing name, reads back to the same pair, and no two pairs share a
 * name; anything else is not a device.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IdSchema, TenantIdSchema } from '#shared/api/schemas.ts';
import { parseThingName, thingName } from '#shared/telemetry/device-identity.ts';

const AWS_THING_NAME = /^[a-zA-Z0-9:_-]{1,128}$/;
const tenantIds = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,62}$/);
const equipmentIds = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/);

describe('device thing names', () => {
  it('gives every tenant and equipment id a valid thing name that reads back to them', () => {
    fc.assert(
      fc.property(tenantIds, equipmentIds, (tenantId, equipmentId) => {
        assert.ok(TenantIdSchema.safeParse(tenantId).success && IdSchema.safeParse(equipmentId).success);
        const name = thingName({ tenantId, equipmentId });
        assert.match(name, AWS_THING_NAME);
        assert.deepEqual(parseThingName(name), { tenantId, equipmentId });
      }),
    );
  });

  it('never gives two units the same name', () => {
    fc.assert(
      fc.property(tenantIds, equipmentIds, tenantIds, equipmentIds, (t1, e1, t2, e2) => {
        fc.pre(t1 !== t2 || e1 !== e2);
        assert.notEqual(thingName({ tenantId: t1, equipmentId: e1 }), thingName({ tenantId: t2, equipmentId: e2 }));
      }),
    );
  });

  it('keeps the same equipment id of two tenants apart, and writes dots as colons', () => {
    assert.equal(thingName({ tenantId: 'plant-a', equipmentId: 'wu-press-1' }), 'plant-a:wu-press-1');
    assert.equal(thingName({ tenantId: 'plant-b', equipmentId: 'wu-press-1' }), 'plant-b:wu-press-1');
    assert.equal(thingName({ tenantId: 'demo', equipmentId: 'line1.press.2' }), 'demo:line1:press:2');
    assert.deepEqual(parseThingName('demo:line1:press:2'), { tenantId: 'demo', equipmentId: 'line1.press.2' });
  });

  it('is not a device: a bare equipment id, a dot, an invalid tenant or unit, or a name too long', () => {
    for (const name of [
      'wu-press-1',
      'demo:wu.press',
      'Demo:wu-press-1',
      ':wu-press-1',
      'demo:',
      'demo::x',
      'demo:-x',
      'demo/wu-1',
      `demo:${'x'.repeat(65)}`,
      '',
    ]) {
      assert.equal(parseThingName(name), undefined, name);
    }
  });
});

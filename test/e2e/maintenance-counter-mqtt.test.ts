/**
 * A preventive plan by counter, end to end as in `npm start` (issue 18, docs/maintenance.md): a
 * real mqtt.js device publishes its cumulative counts (QoS 1) to the local broker, the rules hand
 * them to the ingest, and the plan job, run as the schedule runs it, raises one request once the
 * unit counted the plan's cycles, and none again for the same cycles. The test waits by polling
 * the plan's cycle count a bounded number of times and never asserts how long that took.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectAsync } from 'mqtt';
import { maintenance } from '#functions/lib/maintenance-services.ts';
import { telemetryTopic } from '#shared/telemetry/rules.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { as, newTenant } from './support/mes.ts';
import { eventually } from './support/telemetry.ts';

describe('a counter-triggered maintenance plan fed over MQTT', () => {
  let mes: TestRuntime;
  before(async () => {
    mes = await startTestRuntime({ mqttPort: 0 });
  });
  after(async () => {
    await mes?.stop();
  });

  it('raises one request when the unit has counted the plan’s cycles', async () => {
    // Prepare
    const tenant = newTenant();
    const admin = await as(mes, tenant, 'u-admin', ['admin']);
    await admin.ok('PUT', '/v1/equipment/wc-1', { name: 'Line 1', level: 'workCenter' });
    await admin.ok('PUT', '/v1/equipment/wu-punch-1', { name: 'Punch 1', level: 'workUnit', parentId: 'wc-1' });
    const plan = await admin.ok('PUT', '/v1/maintenance-plans/PM-PUNCH', {
      equipmentId: 'wu-punch-1',
      task: 'Sharpen the punch',
      trigger: { kind: 'counter', everyCycles: 250 },
    });
    const from = Date.parse(plan.countFrom);
    const device = await connectAsync(mes.mqttUrl as string, { ...mes.deviceCredentials(tenant, 'wu-punch-1'), reconnectPeriod: 0 });
    const publish = (ts: number, good: number, reject: number) =>
      device.publishAsync(telemetryTopic(tenant, 'wu-punch-1', 'counts'), JSON.stringify({ ts, msgId: `c-${ts}`, good, reject }), { qos: 1 });
    const cycles = async () => (await admin.ok('GET', '/v1/maintenance-plans/PM-PUNCH')).cyclesSinceLast as number;
    try {
      // Act: 120 strokes, then 150 more (3 rejects): 270 since the plan.
      await publish(from + 100, 5000, 10);
      await publish(from + 300, 5120, 10);
      await eventually('the first counts are in', cycles, (n) => n === 120);
      assert.deepEqual(
        (await maintenance.evaluatePlans(tenant)).map((r) => r.planId),
        [],
      );
      await publish(from + 600, 5267, 13);
      await eventually('the next counts are in', cycles, (n) => n === 270);
      const raised = await maintenance.evaluatePlans(tenant);

      // Assess
      assert.deepEqual(
        raised.map((r) => [r.planId, r.occurrence, r.origin, r.equipmentId, r.equipmentName, r.problem]),
        [['PM-PUNCH', 1, 'plan', 'wu-punch-1', 'Punch 1', 'Sharpen the punch']],
      );
      assert.deepEqual(await maintenance.evaluatePlans(tenant), [], 'the same cycles raise nothing again');
      const queue = await admin.ok('GET', '/v1/maintenance-requests?equipmentId=wu-punch-1');
      assert.deepEqual(
        queue.items.map((r: { id: string }) => r.id),
        [raised[0]?.id],
      );
    } finally {
      await device.endAsync();
    }
  });
});

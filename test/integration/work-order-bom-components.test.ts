/**
 * Release copies the order's BOM onto the operations that consume it (issue 14), as it copies
 * the routing: quantity per unit made, substitutes, manual issue or backflush, tolerance, and how
 * each material is tracked; later BOM edits leave the released order alone. A BOM whose line
 * names an operation the routing lacks is refused at release, and the refusal writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkOrderDetail } from '#shared/api/schemas.ts';
import { type Mes, PLANT, PROBLEM, type Staff, assertProblem, buildPlant, inDays, newTenant, snapshot, staff, startMes } from '../e2e/support/mes.ts';

describe("a released order's BOM lines", () => {
  let mes: Mes;
  let tenant: string;
  let people: Staff;

  before(async () => {
    mes = await startMes();
    tenant = newTenant();
    people = await staff(mes, tenant);
    await buildPlant(people.planner);
    await people.planner.ok('PUT', '/v1/materials/GRS-1', { name: 'Bearing grease', uom: 'KGM', materialType: 'raw', tracking: 'lot' });
    await people.planner.ok('PUT', '/v1/materials/GRS-2', { name: 'Bearing grease (alternative)', uom: 'KGM', materialType: 'raw', tracking: 'lot' });
  });
  after(async () => {
    await mes?.stop();
  });

  const order = (bomId: string) =>
    people.planner.ok<WorkOrderDetail>('POST', '/v1/work-orders', {
      materialId: PLANT.product,
      quantity: 20,
      routingId: PLANT.routing,
      bomId,
      dueDate: inDays(5),
      priority: 100,
    });

  it('are copied onto the operations that consume them, per unit made, and stay as released', async () => {
    // Prepare: two pumps need 0.05 kg of grease (or its alternative, within 10 %), issued by backflush at the leak test.
    await people.planner.ok('PUT', '/v1/boms/BOM-GREASE', {
      materialId: PLANT.product,
      baseQuantity: 2,
      components: [
        { materialId: 'HSG-1', quantityPer: 2, operationSeq: 10 },
        { materialId: 'GRS-1', quantityPer: 0.05, uom: 'KGM', operationSeq: 20, substitutes: ['GRS-2'], issue: 'backflush', tolerancePct: 10 },
      ],
    });
    const planned = await order('BOM-GREASE');

    // Act
    const released = await people.supervisor.ok<WorkOrderDetail>('POST', `/v1/work-orders/${planned.id}/release`, {});
    await people.planner.ok('PUT', '/v1/boms/BOM-GREASE', {
      materialId: PLANT.product,
      components: [{ materialId: 'IMP-1', quantityPer: 9, operationSeq: 10 }],
    });

    // Assess
    const components = (seq: number) => released.operations.find((o) => o.seq === seq)?.components;
    assert.deepEqual(components(10), [
      { materialId: 'HSG-1', materialName: 'HSG-1', uom: 'EA', quantityPer: 1, substitutes: [], issue: 'manual', tolerancePct: 0, tracking: 'none' },
    ]);
    assert.deepEqual(components(20), [
      {
        materialId: 'GRS-1',
        materialName: 'Bearing grease',
        uom: 'KGM',
        quantityPer: 0.025,
        substitutes: ['GRS-2'],
        issue: 'backflush',
        tolerancePct: 10,
        tracking: 'lot',
      },
    ]);
    assert.equal(components(30), undefined, 'an operation with no BOM line carries none');
    const read = await people.supervisor.ok<WorkOrderDetail>('GET', `/v1/work-orders/${planned.id}`);
    assert.deepEqual(
      read.operations.map((o) => o.components),
      released.operations.map((o) => o.components),
      'the BOM edited after release leaves the order as released',
    );
  });

  it('are refused at release when a line names an operation the routing does not have, and nothing is written', async () => {
    // Prepare
    await people.planner.ok('PUT', '/v1/boms/BOM-ASTRAY', {
      materialId: PLANT.product,
      components: [{ materialId: 'HSG-1', quantityPer: 1, operationSeq: 40 }],
    });
    const planned = await order('BOM-ASTRAY');
    const before = await snapshot(people.supervisor, tenant, planned.id);

    // Act
    const reply = await people.supervisor.post(`/v1/work-orders/${planned.id}/release`, {});

    // Assess
    assertProblem(reply, 422, { type: PROBLEM.unknownReference });
    assert.match(String((reply.body as { detail?: string }).detail), /operation 40 \(HSG-1\).*has 10, 20, 30/);
    assert.deepEqual(await snapshot(people.supervisor, tenant, planned.id), before, 'the refused release wrote nothing');
  });
});

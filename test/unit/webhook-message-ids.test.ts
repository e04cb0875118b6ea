import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { v7 as uuidv7 } from 'uuid';
import { uuidv7LowerBound } from '#shared/db/webhook-repository.ts';
import { webhookBody } from '#shared/integration/payload.ts';
import * as z from 'zod/mini';
import { EVENT_TYPES, webhookPayloadSchema } from '#shared/api/integration-schemas.ts';

describe('webhook message ids and bodies', () => {
  it("a UUIDv7 minted at or after a time sorts at or after that time's lower bound, one before it sorts before", () => {
    const ms = fc.integer({ min: 0, max: 2 ** 48 - 1 });
    fc.assert(
      fc.property(ms, ms, (t, minted) => {
        const id = uuidv7({ msecs: minted });
        assert.equal(id >= uuidv7LowerBound(t), minted >= t, `${id} vs ${uuidv7LowerBound(t)}`);
      }),
    );
  });

  it('the body is the documented envelope, in a fixed field order', () => {
    const body = webhookBody({
      id: '0190a3c4-0000-7000-8000-000000000001',
      type: 'work-order.started',
      schemaVersion: 1,
      occurredAt: '2030-01-01T08:00:00.000Z',
      tenantId: 'acme',
      workOrderId: 'WO-1',
      sequence: 2,
      data: { workOrderId: 'WO-1', materialId: 'FG', quantity: 5, status: 'IN_PROGRESS', producedQty: 0, scrappedQty: 0 },
    });
    assert.deepEqual(Object.keys(JSON.parse(body)), ['id', 'type', 'timestamp', 'schemaVersion', 'tenantId', 'workOrderId', 'sequence', 'data']);
    assert.ok(webhookPayloadSchema('work-order.started').safeParse(JSON.parse(body)).success);
  });

  it("every event type's body names what its schema says it is about (its order, lot, device, document, person…)", () => {
    const about = {
      workOrderId: 'WO-1',
      lotId: 'L-1',
      serialId: 'S-1',
      recallId: 'R-1',
      nonconformanceId: 'NC-1',
      characteristicId: 'C-1',
      documentId: 'D-1',
      deviceId: 'press-01',
      personnelId: 'p-1',
      maintenanceRequestId: 'MR-1',
    };
    for (const type of EVENT_TYPES) {
      const body = JSON.parse(
        webhookBody({ id: 'e', type, schemaVersion: 1, occurredAt: '2030-01-01T08:00:00.000Z', tenantId: 'acme', ...about, sequence: 1, data: {} }),
      );
      const envelope = z.omit(webhookPayloadSchema(type), { data: true }).safeParse(body);
      assert.ok(envelope.success, `${type}: ${envelope.success ? '' : z.prettifyError(envelope.error)}`);
    }

    // A document's or device's event carries no order: its body names the document or device, and that is enough.
    for (const [type, own] of [
      ['document.approved', { documentId: 'D-1' }],
      ['device.revoked', { deviceId: 'press-01' }],
    ] as const) {
      const body = JSON.parse(
        webhookBody({ id: 'e', type, schemaVersion: 1, occurredAt: '2030-01-01T08:00:00.000Z', tenantId: 'acme', ...own, sequence: 1, data: {} }),
      );
      assert.ok(z.omit(webhookPayloadSchema(type), { data: true }).safeParse(body).success, type);
      assert.equal(body.workOrderId, undefined);
    }
  });
});

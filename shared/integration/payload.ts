/**
 * The body of an outbound webhook (docs/webhooks.md, `webhookPayloadSchema`): the Standard
 * Webhooks shape (type, timestamp, data) plus the MES envelope. Built once per message and
 * stored as the exact string every attempt sends, so a retry or replay signs the same bytes.
 */
import type { WebhookFormat } from '../api/integration-schemas.ts';
import type { OutboxEvent } from '../domain/work-order/model.ts';

/** The content-type each body format is sent with. */
export const CONTENT_TYPES: Record<WebhookFormat, string> = { json: 'application/json', b2mml: 'application/xml' };

export function webhookBody(event: OutboxEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: event.occurredAt,
    schemaVersion: event.schemaVersion,
    tenantId: event.tenantId,
    ...(event.workOrderId !== undefined ? { workOrderId: event.workOrderId } : {}),
    ...(event.lotId !== undefined ? { lotId: event.lotId } : {}),
    ...(event.serialId !== undefined ? { serialId: event.serialId } : {}),
    ...(event.recallId !== undefined ? { recallId: event.recallId } : {}),
    ...(event.nonconformanceId !== undefined ? { nonconformanceId: event.nonconformanceId } : {}),
    ...(event.characteristicId !== undefined ? { characteristicId: event.characteristicId } : {}),
    ...(event.documentId !== undefined ? { documentId: event.documentId } : {}),
    ...(event.deviceId !== undefined ? { deviceId: event.deviceId } : {}),
    // Issue 18: a labor event names its person.
    ...(event.personnelId !== undefined ? { personnelId: event.personnelId } : {}),
    ...(event.maintenanceRequestId !== undefined ? { maintenanceRequestId: event.maintenanceRequestId } : {}),
    sequence: event.sequence,
    data: event.data,
  });
}

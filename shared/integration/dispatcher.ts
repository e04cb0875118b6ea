/**
 * Outbox events -> webhook messages. For each event (read from the table stream), every
 * endpoint of its tenant that is enabled and subscribes to its type gets a message, written
 * once (the message id is the event id) with the exact body to send, and attempt 1 queued now.
 * The stream delivers at least once: a message that exists already is not written again, and
 * is queued again only if it never got an attempt (the previous run wrote it, then died before
 * queueing it).
 *
 * An endpoint's format picks the body: JSON (the default) or, for `b2mml`, the event's B2MML
 * ProductionPerformance document (b2mml-performance.ts). Each body is built at most once per
 * event; an event with no B2MML form is skipped for a b2mml endpoint (which the endpoint
 * service does not let subscribe to it anyway).
 */
import type { OutboxEvent } from '../domain/work-order/model.ts';
import type { StoredEndpoint, StoredMessage, WebhookRepository } from './model.ts';
import type { WebhookFormat } from '../api/integration-schemas.ts';
import { productionPerformance } from './b2mml-performance.ts';
import { webhookBody } from './payload.ts';
import type { Clock } from '../domain/clock.ts';
import type { DeliveryJob, DeliveryQueue } from './ports.ts';

export interface DispatchResult {
  /** Messages written by this call. */
  created: number;
  /** Jobs queued (new messages, and old ones that never got an attempt). */
  queued: number;
}

export class OutboxDispatcher {
  constructor(
    private readonly repository: WebhookRepository,
    private readonly queue: DeliveryQueue,
    private readonly clock: Clock,
  ) {}

  /** Dispatches a whole batch; throws if any event failed. */
  async dispatch(events: readonly OutboxEvent[]): Promise<DispatchResult> {
    const one = this.batch();
    const results = await Promise.all(events.map(one));
    return results.reduce((a, b) => ({ created: a.created + b.created, queued: a.queued + b.queued }), { created: 0, queued: 0 });
  }

  /**
   * A dispatcher for one batch of stream records: each tenant's endpoints are read once (one
   * Query) for the whole batch, and each event can still fail on its own (partial batch response).
   */
  batch(): (event: OutboxEvent) => Promise<DispatchResult> {
    const endpoints = new Map<string, Promise<StoredEndpoint[]>>();
    const endpointsOf = (tenantId: string) => {
      let found = endpoints.get(tenantId);
      if (!found) {
        found = this.repository.allEndpoints(tenantId);
        // A failed read is retried by the next event of that tenant, not cached.
        found.catch(() => endpoints.delete(tenantId));
        endpoints.set(tenantId, found);
      }
      return found;
    };
    return async (event) => {
      const subscribers = (await endpointsOf(event.tenantId)).filter((e) => e.enabled && e.eventTypes.includes(event.type));
      if (subscribers.length === 0) return { created: 0, queued: 0 };
      const now = this.clock.now().toISOString();
      const bodies = new Map<WebhookFormat, string | undefined>();
      const bodyIn = (format: WebhookFormat) => {
        if (!bodies.has(format)) bodies.set(format, format === 'b2mml' ? productionPerformance(event) : webhookBody(event));
        return bodies.get(format);
      };
      const messages = subscribers.flatMap((endpoint) => {
        const format = endpoint.format ?? 'json';
        const payload = bodyIn(format);
        return payload === undefined ? [] : [newMessage(event, endpoint.id, payload, format, now)];
      });
      const outcomes = await Promise.all(messages.map((message) => this.repository.createMessage(event.tenantId, message)));
      const jobs: DeliveryJob[] = outcomes
        .filter(({ created, message }) => created || neverAttempted(message, now))
        .map(({ message }) => ({ tenantId: event.tenantId, endpointId: message.endpointId, messageId: message.id, attempt: 1, dueAt: now }));
      await this.queue.enqueue(jobs);
      return { created: outcomes.filter((o) => o.created).length, queued: jobs.length };
    };
  }
}

const neverAttempted = (m: StoredMessage, now: string) =>
  m.status === 'pending' && m.attemptCount === 0 && (m.claimUntil === undefined || m.claimUntil < now);

function newMessage(event: OutboxEvent, endpointId: string, payload: string, format: WebhookFormat, now: string): StoredMessage {
  return {
    id: event.id,
    endpointId,
    eventType: event.type,
    ...(event.workOrderId !== undefined ? { workOrderId: event.workOrderId } : {}),
    ...(event.lotId !== undefined ? { lotId: event.lotId } : {}),
    ...(event.serialId !== undefined ? { serialId: event.serialId } : {}),
    ...(event.recallId !== undefined ? { recallId: event.recallId } : {}),
    ...(event.nonconformanceId !== undefined ? { nonconformanceId: event.nonconformanceId } : {}),
    ...(event.characteristicId !== undefined ? { characteristicId: event.characteristicId } : {}),
    sequence: event.sequence,
    occurredAt: event.occurredAt,
    status: 'pending',
    attemptCount: 0,
    attempts: [],
    nextAttemptAt: now,
    createdAt: now,
    payload,
    ...(format === 'json' ? {} : { format }),
    roundStart: 0,
    roundTrigger: 'scheduled',
  };
}

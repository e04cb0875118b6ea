/**
 * Outbound webhooks as stored, and the port to their store: shared/db/webhook-repository.ts
 * implements it on DynamoDB. The wire shapes (WebhookEndpoint, WebhookMessage) are in
 * shared/api/integration-schemas.ts; these add what never leaves the MES: sealed secrets,
 * the exact body to send, the retry round and the in-flight claim.
 */
import type { WebhookAttempt, WebhookEndpoint, WebhookFormat, WebhookMessage } from '../api/integration-schemas.ts';
import type { Page, PageRequest } from '../domain/work-order/repository.ts';

export type AttemptTrigger = WebhookAttempt['trigger'];
export type MessageStatus = WebhookMessage['status'];

export interface SealedSecret {
  /** SecretBox output; opens only with the context (tenant, endpoint). */
  sealed: string;
  createdAt: string;
  /** Set on the previous secret by a rotation: it keeps signing until then. */
  expiresAt?: string;
}

export interface StoredEndpoint extends Omit<WebhookEndpoint, 'format'> {
  /** Absent on endpoints from before formats: json. */
  format?: WebhookFormat;
  /** The current secret first, then the previous one while its grace period runs. */
  secrets: SealedSecret[];
}

export interface StoredMessage extends Omit<WebhookMessage, 'format'> {
  /** The exact body every attempt sends, built once: JSON, or B2MML XML when `format` is 'b2mml'. */
  payload: string;
  /** Absent for JSON (the default); 'b2mml' sends the payload as application/xml. */
  format?: WebhookFormat;
  /** attemptCount when the current round began: attempt `roundStart + k` is the round's k-th. */
  roundStart: number;
  /** What began the round: its first attempt's trigger; later ones are 'scheduled'. */
  roundTrigger: AttemptTrigger;
  /** A sender holds attempt `claimAttempt` until `claimUntil` (a crashed sender's claim lapses). */
  claimAttempt?: number;
  claimUntil?: string;
}

/** The outcome of an attempt, written with it. */
export interface AttemptRecord {
  attempt: WebhookAttempt;
  status: MessageStatus;
  nextAttemptAt?: string;
  deliveredAt?: string;
  failedAt?: string;
  failureReason?: string;
}

export interface AuditInfo {
  action: string;
  at: string;
  by: string;
}

export interface MessageSummary {
  id: string;
  occurredAt: string;
  status: MessageStatus;
}

export interface WebhookRepository {
  // ---- endpoints ----
  getEndpoint(tenantId: string, id: string): Promise<StoredEndpoint | undefined>;
  listEndpoints(tenantId: string, page: PageRequest): Promise<Page<StoredEndpoint>>;
  /** Every endpoint of the tenant (the dispatcher's one Query, paged through). */
  allEndpoints(tenantId: string): Promise<StoredEndpoint[]>;
  /**
   * Creates (before undefined) or replaces an endpoint conditioned on `before.version`, with its
   * audit record in the same transaction. Throws StaleVersionError / AlreadyExistsError.
   */
  saveEndpoint(tenantId: string, next: StoredEndpoint, before: StoredEndpoint | undefined, audit: AuditInfo): Promise<void>;
  /** Deletes conditioned on `before.version`, writing the audit record of version + 1. */
  deleteEndpoint(tenantId: string, before: StoredEndpoint, audit: AuditInfo): Promise<void>;

  // ---- messages ----
  /** Writes the message unless it exists: returns the stored one either way. */
  createMessage(tenantId: string, message: StoredMessage): Promise<{ created: boolean; message: StoredMessage }>;
  getMessage(tenantId: string, endpointId: string, id: string): Promise<StoredMessage | undefined>;
  /** Takes attempt `attempt` (attemptCount must be attempt - 1, no live claim): false when someone else has it. */
  claimAttempt(tenantId: string, endpointId: string, id: string, attempt: number, now: string, until: string): Promise<boolean>;
  /** Records a claimed attempt; `attempts` is the whole (capped) list. False when the claim was lost. */
  recordAttempt(tenantId: string, endpointId: string, id: string, attempts: WebhookAttempt[], record: AttemptRecord): Promise<boolean>;
  /** Fails a pending message without an attempt (its endpoint is gone or disabled). */
  failMessage(tenantId: string, endpointId: string, id: string, attemptCount: number, at: string, reason: string): Promise<boolean>;
  /** Starts a new round now (manual retry, replay): pending, due now, whatever the status was. */
  restartMessage(tenantId: string, endpointId: string, id: string, trigger: AttemptTrigger, now: string): Promise<StoredMessage | undefined>;
  /** Newest first, optionally of one status. */
  listMessages(tenantId: string, endpointId: string, page: PageRequest & { status?: MessageStatus | undefined }): Promise<Page<StoredMessage>>;
  /** Oldest first, events that occurred at or after `since`, at most `limit` (+ the first one left out, if any). */
  messagesSince(tenantId: string, endpointId: string, since: string, limit: number): Promise<{ items: MessageSummary[]; next?: MessageSummary }>;
}

/** At most this many attempts are kept on a message (the oldest are dropped). */
export const MAX_KEPT_ATTEMPTS = 50;
/** Delivered messages are kept this long (TTL); failed ones are kept. */
export const DELIVERED_RETENTION_DAYS = 90;

/** The API shape of a stored message: no body, no bookkeeping. */
export function toWebhookMessage(m: StoredMessage): WebhookMessage {
  return {
    id: m.id,
    endpointId: m.endpointId,
    eventType: m.eventType,
    ...(m.workOrderId !== undefined ? { workOrderId: m.workOrderId } : {}),
    ...(m.lotId !== undefined ? { lotId: m.lotId } : {}),
    ...(m.serialId !== undefined ? { serialId: m.serialId } : {}),
    ...(m.recallId !== undefined ? { recallId: m.recallId } : {}),
    ...(m.nonconformanceId !== undefined ? { nonconformanceId: m.nonconformanceId } : {}),
    ...(m.characteristicId !== undefined ? { characteristicId: m.characteristicId } : {}),
    sequence: m.sequence,
    occurredAt: m.occurredAt,
    format: m.format ?? 'json',
    status: m.status,
    attemptCount: m.attemptCount,
    attempts: m.attempts,
    ...(m.nextAttemptAt !== undefined ? { nextAttemptAt: m.nextAttemptAt } : {}),
    ...(m.deliveredAt !== undefined ? { deliveredAt: m.deliveredAt } : {}),
    ...(m.failedAt !== undefined ? { failedAt: m.failedAt } : {}),
    ...(m.failureReason !== undefined ? { failureReason: m.failureReason } : {}),
    createdAt: m.createdAt,
  };
}

/** The API shape of a stored endpoint: never a secret. */
export function toWebhookEndpoint({ secrets: _, format = 'json', ...endpoint }: StoredEndpoint): WebhookEndpoint {
  return { ...endpoint, format };
}

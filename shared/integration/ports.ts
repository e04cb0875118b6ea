/**
 * The ports of the ERP integration: what the domain services need from the outside world.
 * AWS adapters (KMS, SQS) and local ones (an AES key, an in-process delay queue) implement
 * them; functions/lib/ wires whichever the environment has. Domain code never asks which.
 */

/** The Clock is the domain's (shared/domain/clock.ts); re-exported for code that reads the ports here. */
export type { Clock } from '../domain/clock.ts';

/**
 * Seals secrets at rest: KMS on AWS, AES-256-GCM with a local key in the local runtime. The
 * context (tenant, purpose, id) is bound to the ciphertext: a sealed secret copied to another
 * tenant's record does not open.
 */
export interface SecretBox {
  seal(plaintext: string, context: Record<string, string>): Promise<string>;
  open(sealed: string, context: Record<string, string>): Promise<string>;
}

/** One delivery attempt of one message to one endpoint, due at a time. */
export interface DeliveryJob {
  tenantId: string;
  endpointId: string;
  messageId: string;
  /** The attempt this job makes: the message's attemptCount + 1 when it was queued. */
  attempt: number;
  /** Not before this time (ISO). SQS delays reach 15 minutes: a job that arrives early goes back. */
  dueAt: string;
}

/** SQS on AWS, an in-process delay queue locally. At least once: a job may arrive twice. */
export interface DeliveryQueue {
  enqueue(jobs: DeliveryJob[]): Promise<void>;
}

export interface SendRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** application/json unless given (a B2MML endpoint's body is application/xml). */
  contentType?: string;
  timeoutMs: number;
}

export interface SendResult {
  /** Absent when no HTTP response came (timeout, refused, blocked address). */
  statusCode?: number;
  /** The receiver's Retry-After header, as sent. */
  retryAfter?: string;
  durationMs: number;
  error?: string;
}

/** POSTs a signed webhook; refuses addresses the URL policy forbids at connect time (SSRF). */
export interface WebhookSender {
  send(request: SendRequest): Promise<SendResult>;
}

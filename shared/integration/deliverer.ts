/**
 * One delivery attempt of one message (a DeliveryJob from the queue). The queue delivers at
 * least once and delays at most 15 minutes (SQS), so a job may be a duplicate, stale, or early:
 * - not pending, or not the next attempt: dropped;
 * - early (before the message's nextAttemptAt): queued again for then;
 * - endpoint deleted or disabled: the message fails;
 * - else the attempt is claimed (a conditional write: one sender per attempt), signed with every
 *   live secret (Standard Webhooks), sent, and recorded: 2xx delivered; 410 disables the
 *   endpoint and fails the message; anything else retries per the schedule, or fails after the
 *   last attempt. The next attempt's job is queued BEFORE the attempt is recorded, so a crash in
 *   between leaves the job (redelivered, the claim lapses) rather than a message nobody sends.
 * Time comes from the injected Clock only.
 */
import { Webhook } from 'standardwebhooks';
import type { WebhookAttempt } from '../api/integration-schemas.ts';
import { StaleVersionError } from '../domain/errors.ts';
import { liveSecrets, secretContext } from './endpoints.ts';
import { MAX_KEPT_ATTEMPTS, type AttemptRecord, type StoredEndpoint, type StoredMessage, type WebhookRepository } from './model.ts';
import type { Clock } from '../domain/clock.ts';
import type { DeliveryJob, DeliveryQueue, SecretBox, SendResult, WebhookSender } from './ports.ts';
import { CONTENT_TYPES } from './payload.ts';
import { MAX_ATTEMPTS, nextAttempt } from './retry-schedule.ts';

/** Who the audit trail names when the MES itself changes an endpoint. */
export const MES_ACTOR = 'mes';
export const GONE_REASON = 'the receiver answered 410 Gone';
/** A claim outlives the send's timeout by this much before another sender may take over. */
const CLAIM_MARGIN_MS = 60_000;
/** How long one attempt may take when nothing says otherwise (MES_WEBHOOK_TIMEOUT_MS). */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000;
/** How long a sender holds an attempt it claimed: its timeout and a margin. */
export const claimDurationMs = (timeoutMs: number) => timeoutMs + CLAIM_MARGIN_MS;

export type AttemptOutcome =
  | 'ignored'
  | 'stale'
  | 'requeued'
  | 'busy'
  | 'endpoint-deleted'
  | 'endpoint-disabled'
  | 'delivered'
  | 'retry-scheduled'
  | 'failed'
  | 'gone'
  | 'claim-lost';

export interface WebhookDelivererDeps {
  repository: WebhookRepository;
  queue: DeliveryQueue;
  clock: Clock;
  secretBox: SecretBox;
  sender: WebhookSender;
  /** Per-attempt timeout, ms, read at each attempt. */
  timeoutMs: () => number;
  /** Jitter source, uniform in [0, 1). */
  random?: () => number;
}

export class WebhookDeliverer {
  constructor(private readonly deps: WebhookDelivererDeps) {}

  async attempt(job: DeliveryJob): Promise<AttemptOutcome> {
    const { repository, clock } = this.deps;
    const message = await repository.getMessage(job.tenantId, job.endpointId, job.messageId);
    if (message?.status !== 'pending') return 'ignored';
    const now = clock.now();
    const nowIso = now.toISOString();
    if (job.attempt <= message.attemptCount) return 'stale';
    if (job.attempt > message.attemptCount + 1) {
      // Queued by an attempt still being recorded: wait for it; if its sender died, its own job comes back.
      if (message.claimUntil && message.claimUntil > nowIso) {
        await this.deps.queue.enqueue([{ ...job, dueAt: message.claimUntil }]);
        return 'requeued';
      }
      return 'stale';
    }
    if (message.nextAttemptAt && nowIso < message.nextAttemptAt) {
      await this.deps.queue.enqueue([{ ...job, dueAt: message.nextAttemptAt }]);
      return 'requeued';
    }

    const endpoint = await repository.getEndpoint(job.tenantId, job.endpointId);
    if (!endpoint?.enabled) {
      const reason = endpoint ? 'endpoint disabled' : 'endpoint deleted';
      await repository.failMessage(job.tenantId, job.endpointId, message.id, message.attemptCount, nowIso, reason);
      return endpoint ? 'endpoint-disabled' : 'endpoint-deleted';
    }

    const timeoutMs = this.deps.timeoutMs();
    const claimUntil = new Date(now.getTime() + claimDurationMs(timeoutMs)).toISOString();
    if (!(await repository.claimAttempt(job.tenantId, job.endpointId, message.id, job.attempt, nowIso, claimUntil))) return 'busy';

    const headers = await this.sign(job.tenantId, endpoint, message, now);
    const contentType = CONTENT_TYPES[message.format ?? 'json'];
    const result = await this.deps.sender.send({ url: endpoint.url, headers, body: message.payload, contentType, timeoutMs });
    const end = clock.now();
    return this.settle(job, endpoint, message, now, end, result);
  }

  /** webhook-id is the event id on every attempt; one `v1,` signature per live secret. */
  private async sign(tenantId: string, endpoint: StoredEndpoint, message: StoredMessage, now: Date) {
    const secrets = await Promise.all(
      liveSecrets(endpoint.secrets, now.toISOString()).map((s) => this.deps.secretBox.open(s.sealed, secretContext(tenantId, endpoint.id))),
    );
    return {
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(message.id, now, message.payload)).join(' '),
    };
  }

  private async settle(
    job: DeliveryJob,
    endpoint: StoredEndpoint,
    message: StoredMessage,
    start: Date,
    end: Date,
    result: SendResult,
  ): Promise<AttemptOutcome> {
    const { statusCode } = result;
    const ok = statusCode !== undefined && statusCode >= 200 && statusCode < 300;
    const roundIndex = job.attempt - message.roundStart;
    const schedule =
      ok || statusCode === 410
        ? undefined
        : nextAttempt({
            failedAttempts: roundIndex,
            retryAfter: result.retryAfter,
            now: end,
            ...(this.deps.random ? { random: this.deps.random } : {}),
          });
    const attempt: WebhookAttempt = {
      attempt: job.attempt,
      at: start.toISOString(),
      trigger: roundIndex === 1 ? message.roundTrigger : 'scheduled',
      ...(statusCode !== undefined ? { statusCode } : {}),
      durationMs: result.durationMs,
      ...(result.error
        ? { error: result.error }
        : statusCode !== undefined && statusCode >= 300 && statusCode < 400
          ? { error: 'redirects are not followed' }
          : {}),
      ...(schedule?.retryAfterSeconds !== undefined ? { retryAfterSeconds: schedule.retryAfterSeconds } : {}),
    };
    const endIso = end.toISOString();
    let record: AttemptRecord;
    let outcome: AttemptOutcome;
    if (ok) {
      record = { attempt, status: 'delivered', deliveredAt: endIso };
      outcome = 'delivered';
    } else if (statusCode === 410) {
      await this.disable(job.tenantId, endpoint, endIso);
      record = { attempt, status: 'failed', failedAt: endIso, failureReason: `${GONE_REASON}: the endpoint is disabled` };
      outcome = 'gone';
    } else if (schedule?.kind === 'retry') {
      const nextAt = schedule.at.toISOString();
      await this.deps.queue.enqueue([{ ...job, attempt: job.attempt + 1, dueAt: nextAt }]);
      record = { attempt, status: 'pending', nextAttemptAt: nextAt };
      outcome = 'retry-scheduled';
    } else {
      const last = attempt.error ?? `HTTP ${statusCode}`;
      record = { attempt, status: 'failed', failedAt: endIso, failureReason: `no success after ${MAX_ATTEMPTS} attempts; the last: ${last}` };
      outcome = 'failed';
    }
    const attempts = [...message.attempts, attempt].slice(-MAX_KEPT_ATTEMPTS);
    const recorded = await this.deps.repository.recordAttempt(job.tenantId, job.endpointId, message.id, attempts, record);
    return recorded ? outcome : 'claim-lost';
  }

  /** The receiver said 410 Gone: the endpoint is disabled (versioned and audited like any change). */
  private async disable(tenantId: string, endpoint: StoredEndpoint, at: string) {
    let current: StoredEndpoint | undefined = endpoint;
    for (let tries = 0; current?.enabled && tries < 5; tries++) {
      const next: StoredEndpoint = {
        ...current,
        enabled: false,
        disabledReason: GONE_REASON,
        updatedAt: at,
        updatedBy: MES_ACTOR,
        version: current.version + 1,
      };
      try {
        await this.deps.repository.saveEndpoint(tenantId, next, current, { action: 'webhook-endpoint.disable', at, by: MES_ACTOR });
        return;
      } catch (error) {
        if (!(error instanceof StaleVersionError)) throw error;
        current = await this.deps.repository.getEndpoint(tenantId, endpoint.id);
      }
    }
  }
}

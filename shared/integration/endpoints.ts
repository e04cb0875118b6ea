/**
 * Webhook endpoints as a tenant's admin manages them: subscribe a URL to event types, change
 * it, rotate its signing secret, read its deliveries, send a message again or replay a period.
 * A secret is shown once (in the create or rotate answer) and stored sealed. Every change is
 * versioned and audited; another tenant's endpoint does not exist (404).
 */
import { randomBytes } from 'node:crypto';
import {
  B2MML_EVENT_TYPES,
  type CreateWebhookEndpoint,
  type PatchWebhookEndpoint,
  type WebhookEndpoint,
  type WebhookFormat,
  type WebhookMessage,
  hasB2mmlForm,
} from '../api/integration-schemas.ts';
import type { AuthContext } from '../auth/claims.ts';
import { type FieldError, IllegalTransitionError, NotFoundError, StaleVersionError, ValidationError } from '../domain/errors.ts';
import { runCommand } from '../domain/retry.ts';
import type { Page, PageRequest } from '../domain/work-order/repository.ts';
import {
  type AttemptTrigger,
  type MessageStatus,
  type SealedSecret,
  type StoredEndpoint,
  type StoredMessage,
  type WebhookRepository,
  toWebhookEndpoint,
  toWebhookMessage,
} from './model.ts';
import type { Clock } from '../domain/clock.ts';
import type { DeliveryJob, DeliveryQueue, SecretBox } from './ports.ts';
import { newWebhookSecret } from './secrets.ts';
import { type Resolve, type UrlPolicy, urlRefusal } from './url-policy.ts';

/** Messages one replay call queues again; the answer's nextSince continues. */
export const REPLAY_LIMIT = 1000;
const RESTART_CONCURRENCY = 25;

/** The context a webhook secret is sealed with: it opens only for this tenant and endpoint. */
export const secretContext = (tenantId: string, endpointId: string) => ({
  tenantId,
  purpose: 'webhook-endpoint',
  endpointId,
});

/** `ep_` and 20 base32 characters (100 random bits): a valid IdSchema. */
const newEndpointId = () => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return `ep_${[...randomBytes(20)].map((b) => alphabet[b & 31]).join('')}`;
};

export interface WebhookEndpointServiceDeps {
  repository: WebhookRepository;
  secretBox: SecretBox;
  queue: DeliveryQueue;
  clock: Clock;
  urlPolicy: UrlPolicy;
  /** DNS resolution for the URL check; the system resolver unless a test swaps it. */
  resolve?: Resolve;
}

export type WebhookEndpointWithSecret = WebhookEndpoint & { secret: string };

export class WebhookEndpointService {
  constructor(private readonly deps: WebhookEndpointServiceDeps) {}

  private now() {
    return this.deps.clock.now().toISOString();
  }

  /** `format` defaults to json, as the route's schema does. */
  async create(auth: AuthContext, input: Omit<CreateWebhookEndpoint, 'format'> & { format?: WebhookFormat }): Promise<WebhookEndpointWithSecret> {
    const format = input.format ?? 'json';
    checkFormat(format, input.eventTypes, 'eventTypes');
    await this.checkUrl(input.url);
    const now = this.now();
    const id = newEndpointId();
    const secret = newWebhookSecret();
    const endpoint: StoredEndpoint = {
      id,
      url: input.url,
      eventTypes: input.eventTypes,
      format,
      enabled: input.enabled,
      ...(input.description !== undefined ? { description: input.description } : {}),
      createdAt: now,
      createdBy: auth.userId,
      updatedAt: now,
      updatedBy: auth.userId,
      version: 1,
      secrets: [{ sealed: await this.deps.secretBox.seal(secret, secretContext(auth.tenantId, id)), createdAt: now }],
    };
    await this.deps.repository.saveEndpoint(auth.tenantId, endpoint, undefined, { action: 'webhook-endpoint.create', at: now, by: auth.userId });
    return { ...toWebhookEndpoint(endpoint), secret };
  }

  async list(auth: AuthContext, page: PageRequest): Promise<Page<WebhookEndpoint>> {
    const result = await this.deps.repository.listEndpoints(auth.tenantId, page);
    return { ...result, items: result.items.map(toWebhookEndpoint) };
  }

  async get(auth: AuthContext, id: string): Promise<WebhookEndpoint> {
    return toWebhookEndpoint(await this.load(auth, id));
  }

  update(auth: AuthContext, id: string, patch: PatchWebhookEndpoint, expectedVersion?: number): Promise<WebhookEndpoint> {
    return runCommand(auth.tenantId, `webhook-endpoint/${id}`, expectedVersion, async () => {
      const before = await this.load(auth, id, expectedVersion);
      checkFormat(patch.format ?? before.format ?? 'json', patch.eventTypes ?? before.eventTypes, patch.eventTypes ? 'eventTypes' : 'format');
      if (patch.url !== undefined && patch.url !== before.url) await this.checkUrl(patch.url);
      const now = this.now();
      // Re-enabling clears why the MES had disabled it.
      const { disabledReason: _, ...withoutReason } = before;
      const base: StoredEndpoint = patch.enabled === true ? withoutReason : before;
      const saved: StoredEndpoint = {
        ...base,
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.eventTypes !== undefined ? { eventTypes: patch.eventTypes } : {}),
        ...(patch.format !== undefined ? { format: patch.format } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        updatedAt: now,
        updatedBy: auth.userId,
        version: before.version + 1,
        secrets: liveSecrets(before.secrets, now),
      };
      await this.deps.repository.saveEndpoint(auth.tenantId, saved, before, { action: 'webhook-endpoint.update', at: now, by: auth.userId });
      return toWebhookEndpoint(saved);
    });
  }

  delete(auth: AuthContext, id: string, expectedVersion?: number): Promise<void> {
    return runCommand(auth.tenantId, `webhook-endpoint/${id}`, expectedVersion, async () => {
      const before = await this.load(auth, id, expectedVersion);
      await this.deps.repository.deleteEndpoint(auth.tenantId, before, { action: 'webhook-endpoint.delete', at: this.now(), by: auth.userId });
    });
  }

  /** A new secret now; the previous one keeps signing (both signatures sent) for the grace period. */
  rotateSecret(auth: AuthContext, id: string, previousSecretValidSeconds: number, expectedVersion?: number): Promise<WebhookEndpointWithSecret> {
    return runCommand(auth.tenantId, `webhook-endpoint/${id}`, expectedVersion, async () => {
      const before = await this.load(auth, id, expectedVersion);
      const now = this.now();
      const current = liveSecrets(before.secrets, now)[0];
      const expiresAt = new Date(Date.parse(now) + previousSecretValidSeconds * 1000).toISOString();
      const secret = newWebhookSecret();
      const secrets: SealedSecret[] = [
        { sealed: await this.deps.secretBox.seal(secret, secretContext(auth.tenantId, id)), createdAt: now },
        // Only the secret in use before this rotation stays: one before that is dropped.
        ...(current && previousSecretValidSeconds > 0 ? [{ sealed: current.sealed, createdAt: current.createdAt, expiresAt }] : []),
      ];
      const { previousSecretExpiresAt: _, ...rest } = before;
      const next: StoredEndpoint = {
        ...rest,
        rotatedAt: now,
        ...(secrets.length > 1 ? { previousSecretExpiresAt: expiresAt } : {}),
        updatedAt: now,
        updatedBy: auth.userId,
        version: before.version + 1,
        secrets,
      };
      await this.deps.repository.saveEndpoint(auth.tenantId, next, before, { action: 'webhook-endpoint.rotate-secret', at: now, by: auth.userId });
      return { ...toWebhookEndpoint(next), secret };
    });
  }

  async deliveries(auth: AuthContext, id: string, query: PageRequest & { status?: MessageStatus | undefined }): Promise<Page<WebhookMessage>> {
    await this.load(auth, id);
    const page = await this.deps.repository.listMessages(auth.tenantId, id, query);
    return { ...page, items: page.items.map(toWebhookMessage) };
  }

  /** Sends one message again now, same webhook-id, with a fresh retry schedule behind it. */
  async retry(auth: AuthContext, id: string, messageId: string): Promise<WebhookMessage> {
    await this.loadSending(auth, id);
    const message = await this.restart(auth.tenantId, id, messageId, 'manual');
    if (!message) throw new NotFoundError(`message ${messageId} of webhook endpoint ${id}`);
    await this.deps.queue.enqueue([jobFor(auth.tenantId, message, this.now())]);
    return toWebhookMessage(message);
  }

  /** Every message whose event occurred at or after `since`, whatever its status, sent again. */
  async replay(auth: AuthContext, id: string, since: string): Promise<{ replayed: number; nextSince?: string }> {
    await this.loadSending(auth, id);
    const { items, next } = await this.deps.repository.messagesSince(auth.tenantId, id, new Date(since).toISOString(), REPLAY_LIMIT);
    // The next call starts at `next`'s time: leave out the ones of that same time, it replays them.
    const chosen = next ? items.filter((m) => m.occurredAt !== next.occurredAt) : items;
    const batch = chosen.length > 0 ? chosen : items;
    const jobs: DeliveryJob[] = [];
    for (let i = 0; i < batch.length; i += RESTART_CONCURRENCY) {
      const restarted = await Promise.all(batch.slice(i, i + RESTART_CONCURRENCY).map((m) => this.restart(auth.tenantId, id, m.id, 'replay')));
      for (const message of restarted) if (message) jobs.push(jobFor(auth.tenantId, message, this.now()));
    }
    await this.deps.queue.enqueue(jobs);
    return { replayed: jobs.length, ...(next ? { nextSince: next.occurredAt } : {}) };
  }

  private restart(tenantId: string, endpointId: string, messageId: string, trigger: AttemptTrigger) {
    return this.deps.repository.restartMessage(tenantId, endpointId, messageId, trigger, this.now());
  }

  private async load(auth: AuthContext, id: string, expectedVersion?: number): Promise<StoredEndpoint> {
    const endpoint = await this.deps.repository.getEndpoint(auth.tenantId, id);
    if (!endpoint) throw new NotFoundError(`webhook endpoint ${id}`);
    if (expectedVersion !== undefined && endpoint.version !== expectedVersion) {
      throw new StaleVersionError(`webhook endpoint ${id} is at version ${endpoint.version}, not ${expectedVersion}; reload it and try again`);
    }
    return endpoint;
  }

  private async loadSending(auth: AuthContext, id: string) {
    const endpoint = await this.load(auth, id);
    if (!endpoint.enabled) {
      throw new IllegalTransitionError(
        `webhook endpoint ${id} is disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}: enable it before sending again`,
      );
    }
    return endpoint;
  }

  private async checkUrl(url: string) {
    const why = await urlRefusal(url, this.deps.urlPolicy, this.deps.resolve);
    if (why) throw new ValidationError([{ pointer: '/body/url', detail: why }]);
  }
}

/**
 * A B2MML endpoint takes only the events with a B2MML form: anything else would never reach it,
 * so it is refused here rather than silently dropped later. `at` names what the request sent:
 * the event types (each refused one at its index) or, when only the format changed, the format.
 */
function checkFormat(format: WebhookFormat, eventTypes: readonly string[], at: 'eventTypes' | 'format') {
  if (format !== 'b2mml') return;
  const without = eventTypes.map((type, i) => ({ type, i })).filter(({ type }) => !hasB2mmlForm(type));
  if (without.length === 0) return;
  const forms = B2MML_EVENT_TYPES.join(', ');
  const errors: FieldError[] =
    at === 'eventTypes'
      ? without.map(({ type, i }) => ({
          pointer: `/body/eventTypes/${i}`,
          detail: `${type} has no B2MML form; a b2mml endpoint takes ${forms}. Subscribe a json endpoint to it`,
        }))
      : [
          {
            pointer: '/body/format',
            detail: `b2mml cannot carry ${without.map(({ type }) => type).join(', ')} (subscribed); a b2mml endpoint takes ${forms}. Change eventTypes with it`,
          },
        ];
  throw new ValidationError(errors);
}

/** Secrets still signing at `now`: the current one, and the previous one until it expires. */
export const liveSecrets = (secrets: readonly SealedSecret[], now: string) => secrets.filter((s) => s.expiresAt === undefined || s.expiresAt > now);

const jobFor = (tenantId: string, message: StoredMessage, now: string): DeliveryJob => ({
  tenantId,
  endpointId: message.endpointId,
  messageId: message.id,
  attempt: message.attemptCount + 1,
  dueAt: message.nextAttemptAt ?? now,
});

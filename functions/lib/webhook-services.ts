/**
 * Outbound webhooks wired to their adapters: DynamoDB, the secret box (KMS or the local key),
 * the delivery queue (SQS when WEBHOOK_QUEUE_URL is set, else the one the local runtime lends),
 * the clock (the local runtime's, e.g. a test's virtual clock, else the system's) and the HTTP
 * sender. Built on first use; the queue and clock are looked up at each use, so bindings set
 * after import still count.
 */
import { ENV } from '#shared/config.ts';
import { DynamoDbWebhookRepository } from '#shared/db/webhook-repository.ts';
import { DEFAULT_WEBHOOK_TIMEOUT_MS, WebhookDeliverer } from '#shared/integration/deliverer.ts';
import { OutboxDispatcher } from '#shared/integration/dispatcher.ts';
import { WebhookEndpointService } from '#shared/integration/endpoints.ts';
import type { DeliveryQueue, SecretBox } from '#shared/integration/ports.ts';
import { clock } from './clock.ts';
import type { UrlPolicy } from '#shared/integration/url-policy.ts';
import { NodeHttpSender } from './http-sender.ts';
import { localBindings } from './local-bindings.ts';
import { secretBox } from './secret-box.ts';
import { SqsDeliveryQueue } from './sqs-delivery-queue.ts';

let sqs: SqsDeliveryQueue | undefined;
const queue: DeliveryQueue = {
  enqueue: (jobs) => {
    if (jobs.length === 0) return Promise.resolve();
    const url = process.env[ENV.webhookQueueUrl];
    if (url) return (sqs ??= new SqsDeliveryQueue(url, clock)).enqueue(jobs);
    const local = localBindings().deliveryQueue;
    if (local) return local.enqueue(jobs);
    return Promise.reject(
      new Error(
        `no webhook delivery queue: set ${ENV.webhookQueueUrl} (AWS) or lend one through setLocalBindings({ deliveryQueue }) (local runtime)`,
      ),
    );
  },
};

/** Loopback only where the runtime says so (MES_WEBHOOK_ALLOW_LOOPBACK=1, the local runtime). */
const urlPolicy: UrlPolicy = {
  get allowLoopback() {
    return process.env[ENV.webhookAllowLoopback] === '1';
  },
};

const timeoutMs = () => {
  const value = Number(process.env[ENV.webhookTimeoutMs]);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_WEBHOOK_TIMEOUT_MS;
};

// Only the functions that seal or open secrets are given the key: the others never touch it.
const box: SecretBox = {
  seal: (plaintext, context) => secretBox().seal(plaintext, context),
  open: (sealed, context) => secretBox().open(sealed, context),
};

let repository: DynamoDbWebhookRepository | undefined;
const repo = () => (repository ??= new DynamoDbWebhookRepository());

let endpoints: WebhookEndpointService | undefined;
export const webhookEndpoints = () => (endpoints ??= new WebhookEndpointService({ repository: repo(), secretBox: box, queue, clock, urlPolicy }));

let dispatcher: OutboxDispatcher | undefined;
export const outboxDispatcher = () => (dispatcher ??= new OutboxDispatcher(repo(), queue, clock));

let deliverer: WebhookDeliverer | undefined;
export const webhookDeliverer = () =>
  (deliverer ??= new WebhookDeliverer({ repository: repo(), queue, clock, secretBox: box, sender: new NodeHttpSender(urlPolicy), timeoutMs }));

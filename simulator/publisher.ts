/**
 * Publishes telemetry over real MQTT, as the units would: one mqtt.js connection per unit, with
 * the unit's own identity (client id = thing name `{tenantId}:{equipmentId}`, username = tenant
 * id, password = its credential, from `credentials`), QoS 1.
 * With `batch` > 1 it acts as a gateway and sends counts and process samples as
 * `{ samples: [...] }`, N at a time; state changes still go out at once (the live status).
 */
import { connect, type MqttClient } from 'mqtt';
import type { Device, DeviceCredentials } from '../shared/telemetry/device-identity.ts';
import { basicIngestTopic, ruleFor, type TelemetryRule } from '../shared/telemetry/rules.ts';
import type { Payload, TelemetryMessage } from './generator.ts';

/**
 * Where a unit's MQTT credentials come from: the runtime in-process (`runtime.deviceCredentials`),
 * or a running MES over HTTP (device-credentials.ts). Asked once per unit.
 */
export type CredentialSource = (device: Device) => DeviceCredentials | Promise<DeviceCredentials>;

export interface PublisherOptions {
  url: string;
  credentials: CredentialSource;
  /** Publish under this tenant instead of the one in the topic. */
  tenantId?: string | undefined;
  batch?: number;
  /** Publish through `$aws/rules/<rule>/...`, as devices on AWS do to skip the messaging charge. */
  basicIngest?: boolean;
  /** Most publishes awaiting their PUBACK before `publish` waits. */
  maxInflight?: number;
  onError?: (error: Error) => void;
}

export interface PublisherStats {
  /** MQTT messages sent and acknowledged. */
  messages: number;
  /** Samples in them. */
  samples: number;
  failed: number;
}

export function createPublisher(options: PublisherOptions) {
  const batch = Math.max(1, options.batch ?? 1);
  const maxInflight = options.maxInflight ?? 500;
  const clients = new Map<string, Promise<MqttClient>>();
  const batches = new Map<string, Payload[]>();
  const inflight = new Set<Promise<void>>();
  const stats: PublisherStats = { messages: 0, samples: 0, failed: 0 };

  function clientFor(tenantId: string, equipmentId: string): Promise<MqttClient> {
    const key = `${tenantId}/${equipmentId}`;
    let client = clients.get(key);
    if (!client) {
      client = connectAs({ tenantId, equipmentId });
      // Said once per unit; its publishes then count as failed without saying it again.
      client.catch((error: Error) => options.onError?.(new Error(`${key}: no credentials: ${error.message}`)));
      clients.set(key, client);
    }
    return client;
  }

  async function connectAs(device: Device): Promise<MqttClient> {
    const { clientId, username, password } = await options.credentials(device);
    // mqtt.js keeps QoS 1 publishes until acknowledged and resends them after a reconnect: at
    // least once, as on AWS. A refused CONNACK will not change on retry, so that ends the client.
    const created = connect(options.url, { clientId, username, password, reconnectPeriod: 1000, connectTimeout: 10_000 });
    // Said once per outage, not once per reconnect attempt.
    let failing = false;
    created.on('connect', () => (failing = false));
    created.on('error', (error: Error & { code?: unknown }) => {
      if (!failing) options.onError?.(new Error(`${clientId}: ${error.message}${typeof error.code === 'number' ? '' : ' (retrying)'}`));
      failing = true;
      if (typeof error.code === 'number') created.end(true);
    });
    return created;
  }

  async function send(topic: string, body: Payload | { samples: Payload[] }, samples: number) {
    const [, , tenant = '', unit = ''] = topic.split('/');
    const target = options.basicIngest ? basicIngestTopic(ruleFor(topic) as TelemetryRule, topic) : topic;
    const failed = () => {
      stats.failed += samples;
    };
    const sent = clientFor(tenant, unit).then(
      (client) =>
        client.publishAsync(target, JSON.stringify(body), { qos: 1 }).then(
          () => {
            stats.messages++;
            stats.samples += samples;
          },
          (error: Error) => {
            failed();
            options.onError?.(error);
          },
        ),
      failed,
    );
    const tracked = sent.finally(() => inflight.delete(tracked));
    inflight.add(tracked);
    while (inflight.size >= maxInflight) await Promise.race(inflight);
  }

  const retarget = (topic: string) => (options.tenantId ? topic.replace(/^dt\/mes\/[^/]+\//, `dt/mes/${options.tenantId}/`) : topic);

  return {
    stats,
    async publish(message: TelemetryMessage) {
      const topic = retarget(message.topic);
      if (batch === 1 || topic.endsWith('/state')) return send(topic, message.payload, 1);
      const pending = batches.get(topic) ?? [];
      pending.push(message.payload);
      if (pending.length < batch) return void batches.set(topic, pending);
      batches.delete(topic);
      return send(topic, { samples: pending }, pending.length);
    },
    /** Sends part-filled batches and waits for every PUBACK. */
    async flush() {
      for (const [topic, pending] of [...batches]) {
        batches.delete(topic);
        await send(topic, { samples: pending }, pending.length);
      }
      await Promise.all(inflight);
    },
    /** Flushes, then disconnects; a broker that stopped answering gets `graceMs` before the connections are cut. */
    async close(graceMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const flushed = await Promise.race([
        this.flush().then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
      ]);
      clearTimeout(timer);
      const connected = await Promise.allSettled(clients.values());
      await Promise.all(connected.map((c) => (c.status === 'fulfilled' ? c.value.endAsync(!flushed) : undefined)));
      clients.clear();
    },
  };
}

export type Publisher = ReturnType<typeof createPublisher>;

/**
 * Publishes telemetry over real MQTT, as the units would: one mqtt.js connection per unit, with
 * the unit's own identity (client id = thing name `{tenantId}:{equipmentId}`, username = tenant
 * id, password = its credential, from `credentials`), QoS 1.
 * With `batch` > 1 a unit sends its counts and process samples as `{ samples: [...] }`, N at a
 * time; state changes still go out at once (the live status).
 *
 * Gateway mode (`gatewayOf`, issue 13): a unit that has a gateway does not connect itself; its
 * gateway connects once, with the gateway's credentials (`{tenantId}:{gatewayId}`), and
 * publishes for all its units on its own topics `dt/mes/{tenant}/{gatewayId}/{type}`, each
 * sample naming its unit (`equipmentId`): state changes and presence at once, counts and process
 * values batched per type, out when `batch` samples are waiting or after `flushAfterMs`.
 */
import { connect, type MqttClient } from 'mqtt';
import { type Device, type DeviceCredentials, gatewayDevice } from '../shared/telemetry/device-identity.ts';
import { basicIngestTopic, ruleFor, type TelemetryRule } from '../shared/telemetry/rules.ts';
import type { Payload, TelemetryMessage } from './generator.ts';

/**
 * Where a device's MQTT credentials come from: the runtime in-process (`runtime.deviceCredentials`),
 * or a running MES over HTTP (device-credentials.ts). Asked once per unit or gateway; a
 * gateway's `device` holds its gateway id where a unit's equipment id would be (gatewayDevice).
 */
export type CredentialSource = (device: Device, kind?: 'unit' | 'gateway') => DeviceCredentials | Promise<DeviceCredentials>;

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
  /** Gateway mode: the gateway that publishes for a unit; undefined = the unit publishes itself. */
  gatewayOf?: ((equipmentId: string) => string | undefined) | undefined;
  /** A part-filled batch goes out this long (wall clock) after its first sample. Default: 2 s for a gateway's, never for a unit's. */
  flushAfterMs?: number;
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
  const batches = new Map<string, GatewayPayload[]>();
  const flushTimers = new Map<string, NodeJS.Timeout>();
  const flushAfterMs = options.flushAfterMs ?? 2000;
  const inflight = new Set<Promise<void>>();
  const stats: PublisherStats = { messages: 0, samples: 0, failed: 0 };

  function clientFor(tenantId: string, id: string, kind: 'unit' | 'gateway'): Promise<MqttClient> {
    const key = `${tenantId}/${id}`;
    let client = clients.get(key);
    if (!client) {
      client = connectAs(kind === 'gateway' ? gatewayDevice({ tenantId, gatewayId: id }) : { tenantId, equipmentId: id }, kind);
      // Said once per unit; its publishes then count as failed without saying it again.
      client.catch((error: Error) => options.onError?.(new Error(`${key}: no credentials: ${error.message}`)));
      clients.set(key, client);
    }
    return client;
  }

  async function connectAs(device: Device, kind: 'unit' | 'gateway'): Promise<MqttClient> {
    const { clientId, username, password } = await options.credentials(device, kind);
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

  async function send(topic: string, body: GatewayPayload | { samples: GatewayPayload[] }, samples: number) {
    const [, , tenant = '', publisher = ''] = topic.split('/');
    const kind = gateways.has(`${tenant}/${publisher}`) ? 'gateway' : 'unit';
    const target = options.basicIngest ? basicIngestTopic(ruleFor(topic) as TelemetryRule, topic) : topic;
    const failed = () => {
      stats.failed += samples;
    };
    const sent = clientFor(tenant, publisher, kind).then(
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
  /** `${tenant}/${gatewayId}` of the gateways publishing. */
  const gateways = new Set<string>();

  /** The unit's message as its gateway sends it: on the gateway's topic, the sample naming the unit. */
  function throughGateway(topic: string, payload: GatewayPayload): { topic: string; payload: GatewayPayload; gateway: boolean } {
    const [prefix, mes, tenant = '', unit = '', type = ''] = topic.split('/');
    const gatewayId = options.gatewayOf?.(unit);
    if (!gatewayId) return { topic, payload, gateway: false };
    gateways.add(`${tenant}/${gatewayId}`);
    return { topic: [prefix, mes, tenant, gatewayId, type].join('/'), payload: { equipmentId: unit, ...payload }, gateway: true };
  }

  function sendBatch(topic: string) {
    clearTimeout(flushTimers.get(topic));
    flushTimers.delete(topic);
    const pending = batches.get(topic);
    batches.delete(topic);
    return pending?.length ? send(topic, { samples: pending }, pending.length) : undefined;
  }

  return {
    stats,
    async publish(message: TelemetryMessage | { topic: string; payload: GatewayPayload }) {
      const { topic, payload, gateway } = throughGateway(retarget(message.topic), message.payload);
      if (batch === 1 || topic.endsWith('/state') || topic.endsWith('/presence')) return send(topic, payload, 1);
      const pending = batches.get(topic) ?? [];
      pending.push(payload);
      batches.set(topic, pending);
      if (pending.length >= batch) return sendBatch(topic);
      // A gateway does not hold a slow trickle back for long: out after flushAfterMs at the latest
      // (a unit's own batches too, when flushAfterMs is set).
      if ((gateway || options.flushAfterMs !== undefined) && !flushTimers.has(topic))
        flushTimers.set(
          topic,
          setTimeout(() => void sendBatch(topic), flushAfterMs),
        );
    },
    /** Sends part-filled batches and waits for every PUBACK. */
    async flush() {
      for (const topic of [...batches.keys()]) await sendBatch(topic);
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

/** What a gateway says about a unit's link (presence, issue 13): `online: false` when it lost the unit's PLC. */
export interface PresencePayload {
  ts: number;
  msgId: string;
  online: boolean;
  reason?: string;
}
/** A sample as published: a unit's own, or naming its unit in a gateway's batch. */
export type GatewayPayload = (Payload | PresencePayload) & { equipmentId?: string };

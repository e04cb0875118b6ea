/**
 * The local IoT Core: an in-process aedes broker on loopback, MQTT over TCP (default 1883) and
 * over WebSocket for browsers (default 9001), applying the policy a device would have on AWS.
 *
 * Identity, the local stand-in for an IoT thing and its certificate: the client id is the
 * device's thing name, `{tenantId}:{equipmentId}` (shared/telemetry/device-identity.ts), the
 * username its tenant id, and the password the credential issued for exactly that client id
 * (device-credentials.ts; an admin of the tenant gets it from POST /local/device-credentials).
 * On AWS the policy allows connecting only as `client/${iot:Connection.Thing.ThingName}` with a
 * certificate attached to that thing; here a CONNECT with any other client id, another tenant
 * as username, or a missing or wrong password is refused. It is refused in `authenticate`,
 * which aedes runs before it ends an existing session with the same client id, so a refused
 * CONNECT never disturbs the device that is connected; the device itself, with its
 * credential, may take its session over (MQTT semantics, and what IoT Core does).
 *
 A device has exactly the rights of the IoT policy CDK deploys, from the same definition
 * (shared/telemetry/device-policy.ts): it may
 * - publish, QoS 0 or 1 (IoT Core has no QoS 2), only to `dt/mes/{its tenant}/{its id}/{type}`
 *   with type state | counts | process, or the same through Basic Ingest
 *   (`$aws/rules/<rule>/dt/mes/...`) naming the rule that takes that topic. Anything else
 *   closes the connection, as IoT Core does;
 * - subscribe to the policy's filters only, today none (refused in the SUBACK).
 *
 * Every publish it accepts goes to `onPublish` before the PUBACK is sent, so a device that got
 * its PUBACK knows the rules have the message (the telemetry pipeline hangs here). A Last Will
 * is a publish like any other: the policy decides (a unit's `presence` topic is allowed), and
 * it is sent when the connection ends without a DISCONNECT.
 *
 * Presence, as IoT Core does it: when a device connects or disconnects (a DISCONNECT, a dropped
 * socket, a keep-alive timeout, a session taken over), `onLifecycle` hears the lifecycle event
 * IoT Core would publish on `$aws/events/presence/connected|disconnected/{clientId}`, with the
 * same fields and a versionNumber that grows per client id (a disconnect carries its session's).
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type Subscription } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { TenantIdSchema } from '../../shared/api/schemas.ts';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/domain/clock.ts';
import { parseThingName } from '../../shared/telemetry/device-identity.ts';
import { lifecycleTopic } from '../../shared/telemetry/rules.ts';
import { devicePublishTopics, deviceSubscriptions } from '../../shared/telemetry/device-policy.ts';
import { consoleLog, type Log } from './http-server.ts';

export const DEFAULT_MQTT_PORT = 1883;
export const DEFAULT_MQTT_WS_PORT = 9001;
/** IoT Core's payload limit. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;
/** Where the live feed for browsers publishes, per tenant (shared/telemetry/live-feed.ts). */
export { LIVE_FEED_PREFIX } from '../../shared/telemetry/live-feed.ts';
import { LIVE_FEED_PREFIX, VIEWER_CLIENT_PREFIX } from '../../shared/telemetry/live-feed.ts';

/** A publish the device policy refused: aedes closes the connection, as IoT Core does. */
export class PolicyRefusalError extends Error {
  override name = 'PolicyRefusalError';
}

/** A QoS 1 publish its handler could not store, under `ackWhen: 'stored'`: the client is disconnected instead of acknowledged. */
export class NotStoredError extends Error {
  override name = 'NotStoredError';
}

/** A CONNECT refused (CONNACK return code 2, 4 or 5): logged once, where it is refused. */
class ConnectRefusalError extends Error {
  override name = 'ConnectRefusalError';
  constructor(
    readonly returnCode: 2 | 4 | 5,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A unit, or a gateway (issue 13): a gateway connects as `{tenantId}:{gatewayId}` and its id
 * stands where a unit's would, in `equipmentId` as in its topics. The same policy confines both
 * to their own topics; which units a gateway publishes for, the ingest checks against master data.
 */
export interface DeviceIdentity {
  kind: 'device';
  tenantId: string;
  equipmentId: string;
}
/** A browser (web app) following the live feed of its tenant: subscribes, never publishes. */
export interface ViewerIdentity {
  kind: 'viewer';
  tenantId: string;
  userId: string;
}
export type MqttIdentity = DeviceIdentity | ViewerIdentity;

export interface AcceptedPublish {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  device: DeviceIdentity;
  /** The client id it connected with (its thing name), as IoT SQL's clientid() gives it. */
  clientId: string;
}

export interface MqttBrokerOptions {
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /** 0 = a free port; false = no WebSocket listener. */
  wsPort?: number | false;
  /**
   * Called for every publish the policy allowed, before the PUBACK. Must not throw. With
   * `ackWhen: 'stored'` it returns whether the message was stored, and a QoS 1 PUBACK waits for it.
   */
  onPublish?: (publish: AcceptedPublish) => undefined | Promise<boolean>;
  /**
   * When a QoS 1 publish is acknowledged: once the rules have it ('received', IoT Core's way:
   * SQS and Kinesis keep it from there), or once its handler has stored it ('stored': locally
   * the rules' batches are only in memory, so this is what makes a PUBACK mean "kept"). A
   * message that could not be stored gets no PUBACK: the connection is closed, and the device
   * sends it again when it reconnects. Default 'received'.
   */
  ackWhen?: 'received' | 'stored';
  /**
   * Hears each device's lifecycle events as IoT Core publishes them (topic, JSON payload, the
   * client id they are about): the telemetry pipeline's lifecycle rule takes them. Must not throw.
   */
  onLifecycle?: (event: { topic: string; payload: Buffer; clientId: string }) => void;
  /** The time lifecycle events are stamped with (tests: a VirtualClock). Default: the system clock. */
  clock?: Clock;
  /**
   * Checks a device's password against its client id: the local stand-in for its certificate.
   * The runtime's reads the device registry at CONNECT (issue 17): only a registered, active
   * device with its registration's password is admitted.
   */
  devices: { verify(clientId: string, password: Buffer | undefined): boolean | Promise<boolean> };
  /**
   * Hook for the web app's live feed (issue 5): a client whose id starts with `viewer-`
   * (VIEWER_CLIENT_PREFIX, as the AWS browser policy requires) and that sends a password is a
   * viewer when this accepts it (a token from the local identity provider). A device's client id
   * is always checked as a device, whatever the password.
   */
  authenticateViewer?: (username: string, password: string) => Promise<Omit<ViewerIdentity, 'kind'> | undefined>;
  log?: Log;
}

export interface MqttBroker {
  /** mqtt://host:port */
  url: string;
  /** ws://host:port/mqtt, when the WebSocket listener is on. */
  wsUrl?: string | undefined;
  /** Server-side publish (the live feed's way out); skips the device policy and the rules. */
  publish(topic: string, payload: string | Buffer, qos?: 0 | 1): Promise<void>;
  /**
   * Closes the connection of this client id now, as IoT Core's DeleteConnection does (a revoked
   * device, issue 17); its Last Will is sent. Whether one was open.
   */
  disconnect(clientId: string): boolean;
  connectedClients(): number;
  stop(): Promise<void>;
}

/**
 * What a device may publish to, or why not: exactly the topics of the device policy CDK
 * deploys (shared/telemetry/device-policy.ts), with the unit's own ids. Exported for the tests.
 */
export function devicePublishRefusal(device: DeviceIdentity, topic: string): string | undefined {
  if (devicePublishTopics(device.tenantId, device.equipmentId).includes(topic)) return undefined;
  return `${topic} is not one of the device's own telemetry topics (the device policy)`;
}

/** Whether a subscription filter stays within what the identity may read: a device, its policy's filters exactly. */
export function subscriptionAllowed(identity: MqttIdentity, filter: string): boolean {
  const levels = filter.split('/');
  const [prefix, mid, tenant] = levels;
  const fixed = (n: number) => levels.slice(0, n).every((l) => l !== '#' && l !== '+');
  if (identity.kind === 'viewer') return `${prefix}/${mid}` === LIVE_FEED_PREFIX && tenant === identity.tenantId && fixed(3);
  return deviceSubscriptions(identity.tenantId, identity.equipmentId).includes(filter);
}

export async function startMqttBroker(options: MqttBrokerOptions): Promise<MqttBroker> {
  const log = options.log ?? consoleLog;
  const host = options.host ?? '127.0.0.1';
  const identities = new WeakMap<Client, MqttIdentity>();
  const emptyClientIds = new WeakSet<Client>();
  const now = () => (options.clock ? options.clock.now().getTime() : Date.now());
  /** Per client id, the last lifecycle version given; per connection, its session. */
  const versions = new Map<string, number>();
  const sessions = new WeakMap<Client, { version: number; sessionIdentifier: string }>();
  /** Why a connection ended, when the broker knows better than "connection lost". */
  const endReasons = new WeakMap<Client, string>();
  let stopping = false;

  function lifecycle(client: Client, eventType: 'connected' | 'disconnected', fields: Record<string, unknown>) {
    const identity = identities.get(client);
    if (identity?.kind !== 'device' || !options.onLifecycle) return;
    const session = sessions.get(client);
    if (!session) return;
    const payload = {
      clientId: client.id,
      timestamp: now(),
      eventType,
      sessionIdentifier: session.sessionIdentifier,
      principalIdentifier: client.id,
      versionNumber: session.version,
      ...fields,
    };
    try {
      options.onLifecycle({ topic: lifecycleTopic(eventType, client.id), payload: Buffer.from(JSON.stringify(payload)), clientId: client.id });
    } catch (error) {
      log.error(`MQTT: the lifecycle event of ${client.id} failed`, error);
    }
  }

  const aedes = await Aedes.createBroker({
    // MQTT allows an empty client id (the broker makes one up); a thing always has a name.
    preConnect: (client, packet, done) => {
      if (!packet.clientId) emptyClientIds.add(client);
      done(null, true);
    },
    authenticate: (client, username, password, done) => {
      identify(client, username, password)
        .then((identity) => {
          identities.set(client, identity);
          // This connection takes the session of the one connected with the same client id (MQTT-3.1.4-2).
          const taken = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients[client.id];
          if (taken && taken !== client) endReasons.set(taken, 'DUPLICATE_CLIENTID');
          done(null, true);
        })
        .catch((error: Error) => {
          log.info(`MQTT: refused a connection as ${JSON.stringify(client.id)} (username ${JSON.stringify(username ?? '')}): ${error.message}`);
          done(error as AuthenticateError, false);
        });
    },
    authorizePublish: (client, packet, done) => {
      const identity = client && identities.get(client);
      if (!identity) return done(new Error('not connected'));
      if (identity.kind !== 'device') return done(new PolicyRefusalError('viewers do not publish'));
      const refusal =
        packet.qos === 2
          ? 'QoS 2 is not supported (IoT Core)'
          : packet.payload.length > MAX_PAYLOAD_BYTES
            ? `payload over ${MAX_PAYLOAD_BYTES} bytes`
            : devicePublishRefusal(identity, packet.topic);
      if (refusal) {
        log.info(`MQTT: refused publish from ${identity.tenantId}/${identity.equipmentId}: ${refusal}`);
        return done(new PolicyRefusalError(refusal));
      }
      let stored: undefined | Promise<boolean>;
      try {
        stored = options.onPublish?.({
          topic: packet.topic,
          payload: Buffer.from(packet.payload),
          qos: packet.qos as 0 | 1,
          device: identity,
          clientId: client.id,
        });
      } catch (error) {
        // The rules engine failing is not the device's fault: accept, and say so.
        log.error(`MQTT: the rules failed on ${packet.topic}`, error);
      }
      if (options.ackWhen !== 'stored' || packet.qos !== 1 || !stored) return done(null);
      stored.then(
        (ok) => done(ok ? null : new NotStoredError(`${packet.topic} was not stored: no PUBACK, send it again`)),
        (error: Error) => done(new NotStoredError(`${packet.topic} was not stored (${error.message}): no PUBACK, send it again`)),
      );
    },
    authorizeSubscribe: (client, subscription, done) => {
      const identity = identities.get(client);
      if (!identity || !subscriptionAllowed(identity, subscription.topic)) {
        log.info(`MQTT: refused subscription of ${client.id} to ${subscription.topic}`);
        return done(null, null);
      }
      // IoT Core grants at most QoS 1.
      done(null, { ...subscription, qos: Math.min(subscription.qos, 1) } as Subscription);
    },
  });
  aedes.on('client', (client) => {
    if (identities.get(client)?.kind !== 'device') return;
    const version = (versions.get(client.id) ?? 0) + 1;
    versions.set(client.id, version);
    sessions.set(client, { version, sessionIdentifier: randomUUID() });
    lifecycle(client, 'connected', {});
  });
  aedes.on('keepaliveTimeout', (client) => endReasons.set(client, 'MQTT_KEEP_ALIVE_TIMEOUT'));
  aedes.on('clientDisconnect', (client) => {
    // aedes sets _disconnected only on a DISCONNECT packet: the client said goodbye (no Last Will).
    const clean = (client as unknown as { _disconnected?: boolean })._disconnected === true;
    const reason = endReasons.get(client) ?? (clean ? 'CLIENT_INITIATED_DISCONNECT' : stopping ? 'SERVER_INITIATED_DISCONNECT' : 'CONNECTION_LOST');
    lifecycle(client, 'disconnected', { clientInitiatedDisconnect: reason === 'CLIENT_INITIATED_DISCONNECT', disconnectReason: reason });
  });
  aedes.on('clientError', (client, error) => {
    if (error instanceof PolicyRefusalError) endReasons.set(client, 'CLIENT_ERROR');
    if (!(error instanceof PolicyRefusalError || error instanceof ConnectRefusalError)) log.info(`MQTT: client ${client.id}: ${error.message}`);
  });

  async function identify(client: Client, username: string | undefined, password: Buffer | undefined): Promise<MqttIdentity> {
    // A device's client id is a device's whatever else is sent: no viewer token takes it over.
    const device = emptyClientIds.has(client) ? undefined : parseThingName(client.id);
    if (device) {
      if (username !== device.tenantId)
        throw new ConnectRefusalError(5, `${client.id} is a device of tenant ${device.tenantId}: the username must be that tenant`);
      if (!(await options.devices.verify(client.id, password)))
        throw new ConnectRefusalError(4, `${client.id} is not a registered, active device with this password`);
      return { kind: 'device', ...device };
    }
    if (!username || !TenantIdSchema.safeParse(username).success) throw new ConnectRefusalError(4, 'the username must be the tenant id');
    if (password?.length && options.authenticateViewer && client.id.startsWith(VIEWER_CLIENT_PREFIX)) {
      const viewer = await options.authenticateViewer(username, password.toString('utf8'));
      if (!viewer || viewer.tenantId !== username) throw new ConnectRefusalError(4, 'viewer credentials refused');
      return { kind: 'viewer', ...viewer };
    }
    throw new ConnectRefusalError(
      2,
      "the client id must be the device's thing name, {tenantId}:{equipmentId} or {tenantId}:{gatewayId} (see POST /local/device-credentials)",
    );
  }

  const tcp: Server = createServer((socket) => aedes.handle(socket));
  let ws: WebSocketServer | undefined;
  try {
    const port = await listen(tcp, options.port ?? DEFAULT_MQTT_PORT, host);
    let wsUrl: string | undefined;
    if (options.wsPort !== false) {
      ws = await listenWebSocket(options.wsPort ?? DEFAULT_MQTT_WS_PORT, host);
      ws.on('connection', (socket, req) => aedes.handle(createWebSocketStream(socket), req));
      wsUrl = `ws://${host}:${(ws.address() as AddressInfo).port}/mqtt`;
    }
    return {
      url: `mqtt://${host}:${port}`,
      wsUrl,
      publish: (topic, payload, qos = 0) =>
        new Promise((resolve, reject) =>
          aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false }, (error) =>
            error ? reject(error) : resolve(),
          ),
        ),
      disconnect: (clientId) => {
        const client = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients[clientId];
        if (!client) return false;
        endReasons.set(client, 'SERVER_INITIATED_DISCONNECT');
        client.close();
        return true;
      },
      connectedClients: () => aedes.connectedClients,
      stop: () => {
        stopping = true;
        return close(aedes, tcp, ws);
      },
    };
  } catch (error) {
    await close(aedes, tcp, ws);
    throw error;
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function listenWebSocket(port: number, host: string): Promise<WebSocketServer> {
  return new Promise((resolve, reject) => {
    const server = new WebSocketServer({ port, host });
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

async function close(aedes: Aedes, tcp: Server, ws: WebSocketServer | undefined) {
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  for (const client of ws?.clients ?? []) client.terminate();
  await Promise.all([
    new Promise<void>((resolve) => (tcp.listening ? tcp.close(() => resolve()) : resolve())),
    new Promise<void>((resolve) => (ws ? ws.close(() => resolve()) : resolve())),
  ]);
}

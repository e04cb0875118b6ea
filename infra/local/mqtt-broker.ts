/**
 * The local IoT Core: an in-process aedes broker on loopback, MQTT over TCP (default 1883) and
 * over WebSocket for browsers (default 9001), applying the policy a device would have on AWS.
 *
 * Identity, the local stand-in for an IoT thing and its certificate: the MQTT client id is the
 * equipment id (the thing name) and the username is the tenant id. On AWS the thing's policy
 * names `${iot:Connection.Thing.ThingName}`; here the client id plays that part. No password:
 * loopback only, and the point is to exercise the topic rules, not to keep anyone out.
 *
 * A device may
 * - publish, QoS 0 or 1 (IoT Core has no QoS 2), only to `dt/mes/{its tenant}/{its id}/{type}`
 *   with type state | counts | process, or the same through Basic Ingest
 *   (`$aws/rules/<rule>/dt/mes/...`) naming the rule that takes that topic. Anything else
 *   closes the connection, as IoT Core does;
 * - subscribe only to its own commands, `cmd/mes/{its tenant}/{its id}/...`: never `#`, never
 *   another unit's or tenant's topics (refused in the SUBACK).
 *
 * Every publish it accepts goes to `onPublish` before the PUBACK is sent, so a device that got
 * its PUBACK knows the rules have the message (the telemetry pipeline hangs here).
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type Subscription } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { IdSchema, TenantIdSchema } from '../../shared/api/schemas.ts';
import { TELEMETRY_TYPES } from '../../shared/telemetry/messages.ts';
import { applyRules, TELEMETRY_TOPIC_PREFIX } from '../../shared/telemetry/rules.ts';
import { consoleLog, type Log } from './http-server.ts';

export const DEFAULT_MQTT_PORT = 1883;
export const DEFAULT_MQTT_WS_PORT = 9001;
/** IoT Core's payload limit. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;
/** Where the live change feed for browsers (issue 5) will publish, per tenant. */
export const LIVE_FEED_PREFIX = 'feed/mes';
const COMMAND_PREFIX = 'cmd/mes';

/** A publish the device policy refused: aedes closes the connection, as IoT Core does. */
export class PolicyRefusalError extends Error {
  override name = 'PolicyRefusalError';
}

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
}

export interface MqttBrokerOptions {
  host?: string;
  /** 0 = a free port. */
  port?: number;
  /** 0 = a free port; false = no WebSocket listener. */
  wsPort?: number | false;
  /** Called for every publish the policy allowed, before the PUBACK. Must not throw. */
  onPublish?: (publish: AcceptedPublish) => void;
  /**
   * Hook for the web app's live feed (issue 5): a client that sends a password is a viewer
   * when this accepts it (e.g. a token from the local identity provider). Without it,
   * passwords are ignored and every client is a device.
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
  connectedClients(): number;
  stop(): Promise<void>;
}

/** What a device may publish to, or why not. Exported for the tests and the simulator. */
export function devicePublishRefusal(device: DeviceIdentity, topic: string): string | undefined {
  const basicIngest = /^\$aws\/rules\/([^/]+)\/(.*)$/.exec(topic);
  const bare = basicIngest ? (basicIngest[2] ?? '') : topic;
  const [dt, mes, tenant, unit, type, ...rest] = bare.split('/');
  if (`${dt}/${mes}` !== TELEMETRY_TOPIC_PREFIX || rest.length > 0 || !(TELEMETRY_TYPES as readonly string[]).includes(type ?? '')) {
    return `${topic} is not a telemetry topic`;
  }
  if (tenant !== device.tenantId || unit !== device.equipmentId) return `${topic} belongs to another unit or tenant`;
  // A least-privilege policy names the rule, so Basic Ingest must address the rule that takes the topic.
  if (basicIngest && applyRules(bare, new Uint8Array(), 0)?.rule.name !== basicIngest[1]) {
    return `rule ${basicIngest[1]} does not take ${bare}`;
  }
  return undefined;
}

/** Whether a subscription filter stays within what the identity may read. */
export function subscriptionAllowed(identity: MqttIdentity, filter: string): boolean {
  const levels = filter.split('/');
  const [prefix, mid, tenant, unit] = levels;
  const fixed = (n: number) => levels.slice(0, n).every((l) => l !== '#' && l !== '+');
  if (identity.kind === 'viewer') return `${prefix}/${mid}` === LIVE_FEED_PREFIX && tenant === identity.tenantId && fixed(3);
  return `${prefix}/${mid}` === COMMAND_PREFIX && tenant === identity.tenantId && unit === identity.equipmentId && fixed(4);
}

export async function startMqttBroker(options: MqttBrokerOptions = {}): Promise<MqttBroker> {
  const log = options.log ?? consoleLog;
  const host = options.host ?? '127.0.0.1';
  const identities = new WeakMap<Client, MqttIdentity>();
  const emptyClientIds = new WeakSet<Client>();
  const refuse = (returnCode: number, message: string) => Object.assign(new Error(message), { returnCode }) as AuthenticateError;

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
          done(null, true);
        })
        .catch((error: AuthenticateError) => done(error, false));
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
      try {
        options.onPublish?.({ topic: packet.topic, payload: Buffer.from(packet.payload), qos: packet.qos as 0 | 1, device: identity });
      } catch (error) {
        // The rules engine failing is not the device's fault: accept, and say so.
        log.error(`MQTT: the rules failed on ${packet.topic}`, error);
      }
      done(null);
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
  aedes.on('clientError', (client, error) => {
    if (!(error instanceof PolicyRefusalError)) log.info(`MQTT: client ${client.id}: ${error.message}`);
  });

  async function identify(client: Client, username: string | undefined, password: Buffer | undefined): Promise<MqttIdentity> {
    if (!username || !TenantIdSchema.safeParse(username).success) throw refuse(4, 'the username must be the tenant id');
    if (password?.length && options.authenticateViewer) {
      const viewer = await options.authenticateViewer(username, password.toString('utf8'));
      if (!viewer || viewer.tenantId !== username) throw refuse(4, 'viewer credentials refused');
      return { kind: 'viewer', ...viewer };
    }
    if (emptyClientIds.has(client) || !IdSchema.safeParse(client.id).success) throw refuse(2, 'the client id must be the equipment id');
    return { kind: 'device', tenantId: username, equipmentId: client.id };
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
          aedes.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false }, (error) => (error ? reject(error) : resolve())),
        ),
      connectedClients: () => aedes.connectedClients,
      stop: () => close(aedes, tcp, ws),
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

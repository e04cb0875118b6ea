/**
 * The live feed's MQTT connection (issue 13), loaded lazily (its own chunk: mqtt.js's browser
 * build is about 100 KB gzipped, far over what the first page may cost). Subscribes, read-only,
 * to the tenant's feed (viewerSubscriptions, the one definition the broker and the AWS policy
 * render) and hands each valid message over. Locally: the broker's WebSocket, the tenant id as
 * username and the ID token as password. On AWS: IoT Core's endpoint, a SigV4-signed URL made
 * from the identity pool's credentials for the user's ID token (live-feed-aws.ts).
 */
import mqtt from 'mqtt';
import { type LiveFeedMessage, LiveFeedMessageSchema, VIEWER_CLIENT_PREFIX, viewerSubscriptions } from '../../shared/telemetry/live-feed.ts';
import type { Session } from './auth.ts';
import type { LiveFeedConfig } from './config.ts';

export interface LiveFeedHandlers {
  onMessage: (message: LiveFeedMessage) => void;
  /** Subscribed (true), or the connection is down (false); mqtt.js reconnects by itself. */
  onUp: (up: boolean) => void;
}

/** Connects and subscribes; returns how to close. */
export function connectLiveFeed(config: LiveFeedConfig, session: Session, handlers: LiveFeedHandlers): () => void {
  let client: mqtt.MqttClient | undefined;
  let closed = false;
  const clientId = `${VIEWER_CLIENT_PREFIX}${session.userId}-${Math.random().toString(36).slice(2, 10)}`;
  const options: mqtt.IClientOptions = {
    clientId,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 3000,
    connectTimeout: 10_000,
    protocolVersion: 4,
    // mqtt.js would run its keepalive timer in a blob: worker, which the app's CSP (worker-src 'self') refuses.
    timerVariant: 'native',
  };

  const start = async () => {
    if (config.mode === 'local') {
      client = mqtt.connect(config.url, { ...options, username: session.tenantId, password: session.token });
    } else {
      const { signedIotUrl, startLiveFeedSession } = await import('./live-feed-aws.ts');
      // IoT Core lets the identity connect only with the browser policy attached: the API attaches
      // it once per sign-in. If that fails now (offline), connect all the same (an earlier
      // session may have attached it) and ask again before the next reconnection.
      const attach = () => startLiveFeedSession(session.token).catch(() => {});
      await attach();
      // Credentials last an hour: after each close a fresh URL is signed for the next reconnection.
      let signed = await signedIotUrl(config, session.token);
      client = mqtt.connect(signed, { ...options, transformWsUrl: () => signed });
      client.on('close', () => {
        attach()
          .then(() => signedIotUrl(config, session.token))
          .then(
            (next) => {
              signed = next;
            },
            () => {},
          );
      });
    }
    if (closed) {
      client.end(true);
      return;
    }
    client.on('connect', () => {
      client?.subscribe(
        Object.fromEntries(viewerSubscriptions(session.tenantId).map((filter) => [filter, { qos: 0 as const }])),
        (error, granted) => {
          const refused = !!error || !granted || granted.some((g) => g.qos === 128);
          handlers.onUp(!refused);
        },
      );
    });
    client.on('close', () => handlers.onUp(false));
    client.on('offline', () => handlers.onUp(false));
    client.on('message', (_topic, payload) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(payload));
      } catch {
        return;
      }
      const message = LiveFeedMessageSchema.safeParse(parsed);
      if (message.success) handlers.onMessage(message.data);
    });
  };
  start().catch(() => handlers.onUp(false));
  return () => {
    closed = true;
    client?.end(true);
  };
}

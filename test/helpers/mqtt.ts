/**
 * Real mqtt.js clients for the broker tests: connect with a unit's credentials (or a mix-up of
 * them), watch whether a connected device was ever disconnected, try a connection and report
 * the CONNACK's refusal, and read a SUBACK's grants. No reconnecting behind a test's back.
 */
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import type { DeviceCredentials } from '../../shared/telemetry/device-identity.ts';

export function connectWith(url: string, credentials: Partial<DeviceCredentials>, extra: IClientOptions = {}): Promise<MqttClient> {
  return connectAsync(url, { ...credentials, reconnectPeriod: 0, connectTimeout: 10_000, ...extra });
}

/** A connected device that remembers whether it was ever disconnected. */
export async function watched(url: string, credentials: DeviceCredentials) {
  const client = await connectWith(url, credentials);
  let closed = false;
  client.on('close', () => (closed = true));
  return { client, wasClosed: () => closed };
}

/** The CONNACK's refusal for a connection attempt, or 'connected' (and it is closed again). */
export async function attempt(url: string, credentials: Partial<DeviceCredentials>): Promise<string> {
  try {
    await (await connectWith(url, credentials)).endAsync(true);
    return 'connected';
  } catch (error) {
    return (error as Error).message;
  }
}

/** The QoS granted per filter, 128 = refused (mqtt.js rejects a SUBACK holding any refusal). */
export async function grantedQos(client: MqttClient, filters: Record<string, { qos: 0 | 1 }>): Promise<number[]> {
  try {
    return (await client.subscribeAsync(filters)).map((g) => g.qos);
  } catch (error) {
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw error;
    return granted;
  }
}

/** Publishes something the policy refuses and resolves once the broker closed the connection. */
export async function publishRefused(client: MqttClient, topic: string, payload: string, qos: 0 | 1 | 2 = 1) {
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  client.publish(topic, payload, { qos }, () => {});
  await closed;
  client.end(true);
}

/**
 * Lifecycle events (issue 13): what IoT Core publishes on `$aws/events/presence/connected|
 * disconnected/{clientId}` when a client connects or disconnects, and what the local broker
 * publishes the same way (infra/local/mqtt-broker.ts). The lifecycle rule (rules.ts) hands
 * them on base64 with the client id; the ingest stores them per client id (a unit's thing name
 * or a gateway's, `{tenantId}:{id}`). Duplicates and out-of-order arrivals are expected:
 * `versionNumber` orders a client id's events (shared/domain/telemetry/presence.ts).
 */
import * as z from 'zod/mini';
import type { StoredConnectionEvent } from '../domain/telemetry/repository.ts';
import { parseThingName } from './device-identity.ts';

/** The event as AWS documents it (fields the MES does not use are allowed and ignored). */
export const LifecycleEventSchema = z.object({
  clientId: z.string().check(z.minLength(1), z.maxLength(128)),
  /** Epoch ms. */
  timestamp: z.number().check(z.int(), z.gte(0)),
  eventType: z.enum(['connected', 'disconnected']),
  versionNumber: z.number().check(z.int(), z.gte(0)),
  sessionIdentifier: z.optional(z.string()),
  principalIdentifier: z.optional(z.string()),
  ipAddress: z.optional(z.string()),
  clientInitiatedDisconnect: z.optional(z.boolean()),
  disconnectReason: z.optional(z.string()),
});
export type LifecycleEvent = z.output<typeof LifecycleEventSchema>;

/** What the lifecycle rule's SQL hands on (rules.ts `LifecycleEnvelope`). */
export const LifecycleEnvelopeSchema = z.object({
  type: z.literal('lifecycle'),
  clientId: z.string(),
  receivedAt: z.number(),
  raw: z.string(),
});

/**
 * A lifecycle record's event and whose it is, or why it is not one of ours. Client ids that are
 * not thing names (a browser's, say) are not the MES's business: `ignored`, never an error.
 */
export function parseLifecycleRecord(body: unknown): { tenantId: string; event: StoredConnectionEvent } | { ignored: string } {
  const envelope = LifecycleEnvelopeSchema.safeParse(body);
  if (!envelope.success) return { ignored: 'not a lifecycle envelope' };
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(envelope.data.raw, 'base64').toString('utf8'));
  } catch {
    return { ignored: 'lifecycle payload is not JSON' };
  }
  const parsed = LifecycleEventSchema.safeParse(payload);
  if (!parsed.success) return { ignored: `not a lifecycle event: ${parsed.error.issues.map((i) => `/${i.path.join('/')} ${i.message}`).join('; ')}` };
  const e = parsed.data;
  const owner = parseThingName(e.clientId);
  if (!owner) return { ignored: `client id ${JSON.stringify(e.clientId)} is not a thing name` };
  return {
    tenantId: owner.tenantId,
    event: {
      clientId: e.clientId,
      ts: e.timestamp,
      version: e.versionNumber,
      connected: e.eventType === 'connected',
      ...(e.disconnectReason ? { reason: e.disconnectReason } : {}),
      ...(e.sessionIdentifier ? { sessionId: e.sessionIdentifier } : {}),
      receivedAt: envelope.data.receivedAt,
    },
  };
}

/**
 * What changed in a batch, for the live view: a client's connection (a unit's own, or a
 * gateway's: every unit registered under it follows it), or a unit's declared link. `version`
 * orders a client's connection changes (keep the highest seen); `at` is when it happened.
 */
export type PresenceChange =
  | { kind: 'connection'; tenantId: string; clientId: string; id: string; online: boolean; at: number; version: number }
  | { kind: 'declared'; tenantId: string; equipmentId: string; online: boolean; at: number };

/** The units a presence change concerns: the unit itself, or (a connection) every unit that reports through the gateway of that id. */
export function unitsOfChange(change: PresenceChange, units: readonly { id: string; gatewayId?: string | undefined }[]): string[] {
  if (change.kind === 'declared') return [change.equipmentId];
  return units.filter((u) => (u.gatewayId ? u.gatewayId === change.id : u.id === change.id)).map((u) => u.id);
}

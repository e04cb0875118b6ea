/**
 * The live feed, declared once (issue 13): what the MES pushes to browsers over MQTT when a
 * unit's live state changes, and on which topics. The plant's live view (one entry per unit)
 * is what `GET /v1/plant/status` reads; every change of an entry is published, whole: the
 * changes of a plant that come together (a stream batch) go out as one message on
 * `feed/mes/{tenantId}/units` (IoT Core meters messages per 5 KB and per subscriber, so a plant
 * of 200 units costs one message a second, not one per change), so a browser that loaded the
 * overview once keeps it current without polling. A browser may subscribe to its own tenant's feed only, read-only:
 * the local broker (infra/local/mqtt-broker.ts) and the browser IoT policy on AWS
 * (infra/stacks) both render `viewerSubscriptions` below.
 */
import * as z from 'zod/mini';
import { UnitLiveStateSchema } from '../api/schemas.ts';

export const LIVE_FEED_PREFIX = 'feed/mes';

/** A browser's MQTT client id starts with this (then its own random part): the local broker and the AWS browser policy both require it. */
export const VIEWER_CLIENT_PREFIX = 'viewer-';

/** The IoT policy IoT Core requires on each browser's Cognito identity (attached by `POST /v1/live-feed/session`). */
export const BROWSER_IOT_POLICY_NAME = 'mes-browser';

/**
 * SSM parameter holding the browser identity pool's id. The live stack owns the pool and writes
 * it; the API function that attaches the IoT policy reads it at run time, so the API stack needs
 * no reference to the live stack (which already depends on the API stack's user pool).
 */
export const BROWSER_IDENTITY_POOL_PARAMETER = '/mes/live/browser-identity-pool-id';

/** Where a unit's live state is published. */
export const liveUnitTopic = (tenantId: string, equipmentId: string) => `${LIVE_FEED_PREFIX}/${tenantId}/units/${equipmentId}`;

/** Topic filters a browser of the tenant may subscribe to (and receive from): its tenant's feed, nothing else. */
export const viewerSubscriptions = (tenantId: string): string[] => [`${LIVE_FEED_PREFIX}/${tenantId}/#`];

/** Where a plant's changes are published together. */
export const liveUnitsTopic = (tenantId: string) => `${LIVE_FEED_PREFIX}/${tenantId}/units`;

/** Most units one message carries (about 500 B each: well inside IoT Core's 128 KB). */
export const MAX_UNITS_PER_MESSAGE = 100;

/** A unit's live state as the live view now holds it. */
const UnitChange = z.object({
  /** When the live view changed (epoch ms): a browser keeps the newest per unit. */
  at: z.number(),
  unit: UnitLiveStateSchema,
});

/** One message of the feed: one unit's change, or the changes of several units of the plant. */
export const LiveFeedMessageSchema = z.union([
  z.object({ kind: z.literal('unit'), ...UnitChange.shape }),
  z.object({ kind: z.literal('units'), units: z.array(UnitChange) }),
]);
export type LiveFeedMessage = z.infer<typeof LiveFeedMessageSchema>;
export type LiveUnitChange = z.infer<typeof UnitChange>;

/** The unit changes a message carries. */
export const changesOf = (message: LiveFeedMessage): LiveUnitChange[] =>
  message.kind === 'unit' ? [{ at: message.at, unit: message.unit }] : message.units;

/** The outbound webhook events of a recall (docs/webhooks.md, docs/tracking.md "Trace and recall"). */
export const RECALL_EVENT_TYPES = ['recall.started', 'recall.completed'] as const;
export type RecallEventType = (typeof RECALL_EVENT_TYPES)[number];
export const isRecallEventType = (type: string): type is RecallEventType => (RECALL_EVENT_TYPES as readonly string[]).includes(type);

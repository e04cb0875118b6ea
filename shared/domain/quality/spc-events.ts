/** The outbound webhook events of SPC (docs/webhooks.md, docs/spc.md): each to its characteristic's own outbox. */
export const SPC_EVENT_TYPES = ['quality.spc-violation', 'quality.baseline-frozen'] as const;
export type SpcEventType = (typeof SPC_EVENT_TYPES)[number];
export const isSpcEventType = (type: string): type is SpcEventType => (SPC_EVENT_TYPES as readonly string[]).includes(type);

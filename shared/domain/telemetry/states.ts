/** Machine states (PackML mapped for OEE). `offline` is derived, never reported: presence says the unit cannot report (presence.ts). */
export const EQUIPMENT_STATES = ['running', 'idle', 'down', 'setup', 'planned-stop'] as const;
export type ReportedState = (typeof EQUIPMENT_STATES)[number];
export type EquipmentState = ReportedState | 'offline';
/** Every state a unit can be shown in, the derived one included. */
export const ALL_EQUIPMENT_STATES = [...EQUIPMENT_STATES, 'offline'] as const satisfies readonly EquipmentState[];

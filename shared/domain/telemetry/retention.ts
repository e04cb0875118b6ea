/**
 * How long telemetry is kept, a plant setting (tenant settings, `telemetryRetention`): minute
 * items for `minuteDays`, day items (rollup.ts) for `dailyDays`, each by the table's TTL
 * attribute (TABLE.ttlAttribute) = the item's own time + its retention.
 */
export interface TelemetryRetention {
  minuteDays: number;
  dailyDays: number;
}

export const DEFAULT_RETENTION: TelemetryRetention = { minuteDays: 35, dailyDays: 400 };
/**
 * Minute items must outlive the rollup of their day: it runs once the day can no longer change
 * (its end + the 24 h late window), so a day's minutes are rolled up within 2 days; 3 leaves a day's margin.
 */
export const MIN_MINUTE_RETENTION_DAYS = 3;
export const MAX_MINUTE_RETENTION_DAYS = 400;
/** Day items answer ranges beyond the minute items' 31-day limit: at least that. */
export const MIN_DAILY_RETENTION_DAYS = 31;
export const MAX_DAILY_RETENTION_DAYS = 3660;

const DAY_S = 86_400;

export const retentionOf = (settings: { telemetryRetention?: TelemetryRetention | undefined } | undefined): TelemetryRetention =>
  settings?.telemetryRetention ?? DEFAULT_RETENTION;

/** The TTL attribute (epoch seconds) of a minute item: its minute + the minute retention. */
export const minuteExpiresAt = (minuteStart: number, retention: TelemetryRetention): number =>
  Math.floor(minuteStart / 1000) + retention.minuteDays * DAY_S;

/** The TTL attribute of a day item: its day's start + the daily retention. */
export const dayExpiresAt = (dayStart: number, retention: TelemetryRetention): number => Math.floor(dayStart / 1000) + retention.dailyDays * DAY_S;

/**
 * A schedule (EventBridge on AWS, a timer locally: infra/event-sources.ts SCHEDULED_FUNCTIONS)
 * -> every unit's OEE so far today in the plant's live view, for each tenant with live data
 * today (shared/telemetry/live-view-refresh.ts). A failure throws: the next run starts over.
 */
import { logger } from '#functions/lib/logger.ts';
import { liveViewRefresh } from '#functions/lib/live-view-refresh.ts';

export const handler = async () => {
  const result = await liveViewRefresh.run();
  logger.info('live view refreshed', { ...result });
  return result;
};

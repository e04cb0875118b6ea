/**
 * A schedule (EventBridge on AWS, a timer locally: infra/event-sources.ts SCHEDULED_FUNCTIONS)
 * -> every tenant's preventive maintenance plans (issue 18, docs/maintenance.md): each plan that
 * fell due raises one request for its occurrence. A tenant that fails is logged and left for
 * the next run; the others go on.
 */
import { logger } from '#functions/lib/logger.ts';
import { maintenance } from '#functions/lib/maintenance-services.ts';

export const handler = async () => {
  const result = await maintenance.run({ warn: (message, details) => logger.warn(message, { ...details }) });
  logger.info('maintenance plans evaluated', { ...result });
  return result;
};

/**
 * A schedule (EventBridge on AWS, a timer locally: infra/event-sources.ts SCHEDULED_FUNCTIONS)
 * -> every tenant's preventive maintenance plans (issue 18, docs/maintenance.md): each plan that
 * fell due raises one request for its occurrence, each tenant in its own tenant scope. A plan
 * or tenant that fails is logged and left for the next run; the others go on.
 */
import { logger } from '#functions/lib/logger.ts';
import { maintenance } from '#functions/lib/maintenance-services.ts';
import { withTenantScope } from '#shared/db/tenant-scope.ts';

export const handler = async () => {
  const result = await maintenance.run({ warn: (message, details) => logger.warn(message, { ...details }) }, withTenantScope);
  logger.info('maintenance plans evaluated', { ...result });
  return result;
};

/**
 * A schedule (EventBridge on AWS, a timer locally: infra/event-sources.ts SCHEDULED_FUNCTIONS)
 * -> per tenant that wrote audit records, the heads of the chains changed since its last
 * checkpoint, as a record of its checkpoint chain and a copy in the anchor store
 * (shared/domain/audit/checkpoints.ts). A failure throws: the next run starts over.
 */
import { checkpoints } from '#functions/lib/audit-services.ts';
import { clock } from '#functions/lib/clock.ts';
import { logger } from '#functions/lib/logger.ts';

export const handler = async () => {
  const result = await checkpoints.run(clock.now());
  logger.info('audit checkpoints written', { ...result });
  return result;
};

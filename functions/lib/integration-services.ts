/**
 * The ERP integration's services, wired once per cold start: credentials on DynamoDB with their
 * secrets sealed by secretBox() (KMS on AWS, the local key in the local runtime), and the
 * inbound endpoint on top of the work order and master data services.
 */
import { DynamoDbIntegrationCredentialRepository } from '#shared/db/integration-credential-repository.ts';
import { IntegrationCredentialService } from '#shared/integration/credentials.ts';
import { ErpInboundService } from '#shared/integration/inbound/receive.ts';
import { clock } from './clock.ts';
import { secretBox } from './secret-box.ts';
import { logger } from './logger.ts';
import { labor, masterData, workOrders } from './services.ts';
import { lots } from './tracking-services.ts';

// secretBox() is asked when a secret is sealed or opened, so reading credentials needs no key.
export const credentials = new IntegrationCredentialService(new DynamoDbIntegrationCredentialRepository(), secretBox, clock);
// Issue 18: nobody stays clocked on an order the ERP cancelled (as the cancel endpoint does).
export const erpInbound = new ErpInboundService(credentials, workOrders, masterData, lots, (auth, order) =>
  labor
    .clockOffOperations(
      auth,
      order.id,
      order.operations.map((o) => o.seq),
      'order-cancelled',
    )
    .catch((error: Error) => logger.warn('labor: could not clock off the cancelled order', { workOrderId: order.id, error: error.message })),
);

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
import { masterData, workOrders } from './services.ts';
import { lots } from './tracking-services.ts';

// secretBox() is asked when a secret is sealed or opened, so reading credentials needs no key.
export const credentials = new IntegrationCredentialService(new DynamoDbIntegrationCredentialRepository(), secretBox, clock);
export const erpInbound = new ErpInboundService(credentials, workOrders, masterData, lots);

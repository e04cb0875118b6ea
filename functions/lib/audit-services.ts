/** The audit context's service (issue 16), wired to its DynamoDB reader and the checkpoints once per cold start. */
import { DynamoDbAuditRepository } from '#shared/db/audit-repository.ts';
import { AuditService } from '#shared/domain/audit/service.ts';
import { clock } from './clock.ts';

export const audit = new AuditService(new DynamoDbAuditRepository(), clock);

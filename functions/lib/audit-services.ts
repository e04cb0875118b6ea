/** The audit context's services (issue 16), wired to their DynamoDB adapters and the anchor store once per cold start. */
import { DynamoDbAuditRepository } from '#shared/db/audit-repository.ts';
import { DynamoDbCheckpointStore } from '#shared/db/checkpoint-repository.ts';
import { CheckpointService } from '#shared/domain/audit/checkpoints.ts';
import { AuditService } from '#shared/domain/audit/service.ts';
import { anchorStore } from './audit-anchor.ts';
import { clock } from './clock.ts';

const reader = new DynamoDbAuditRepository();
export const checkpoints = new CheckpointService(reader, new DynamoDbCheckpointStore(), anchorStore());
export const audit = new AuditService(reader, clock, checkpoints);

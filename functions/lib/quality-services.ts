/** The quality context's services (inspections; issue 15), wired to their DynamoDB adapters once per cold start. */
import { DynamoDbInspectionRepository } from '#shared/db/inspection-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { InspectionService } from '#shared/domain/quality/inspection-service.ts';
import { clock } from './clock.ts';

export const inspections = new InspectionService(new DynamoDbWorkOrderRepository(), new DynamoDbInspectionRepository(), clock);

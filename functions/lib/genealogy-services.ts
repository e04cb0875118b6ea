/** The genealogy trace and a serial's record, wired to their DynamoDB adapters once per cold start. */
import { DynamoDbGenealogyRepository } from '#shared/db/genealogy-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { GenealogyService } from '#shared/domain/tracking/genealogy.ts';
import { SerialRecordService } from '#shared/domain/tracking/serial-record.ts';
import { telemetry } from './telemetry-services.ts';

const reader = new DynamoDbGenealogyRepository();
export const genealogy = new GenealogyService(reader);
export const serialRecords = new SerialRecordService(new DynamoDbWorkOrderRepository(), reader, (auth, id) => telemetry.machineData(auth, id));

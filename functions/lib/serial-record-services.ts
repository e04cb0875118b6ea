/**
 * A serial's record: the order, the genealogy and the machine data of its operations. Its own
 * module, so only the serial record's route chunk loads the telemetry read side.
 */
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { SerialRecordService } from '#shared/domain/tracking/serial-record.ts';
import { genealogyReader } from './genealogy-services.ts';
import { telemetry } from './telemetry-services.ts';

export const serialRecords = new SerialRecordService(new DynamoDbWorkOrderRepository(), genealogyReader, (auth, id) =>
  telemetry.machineData(auth, id),
);

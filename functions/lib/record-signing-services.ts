/**
 * Signing an order's batch record, in the orders function (issue 16). The record is built
 * without telemetry (its signable content leaves machine data and downtime out), so neither the
 * telemetry read side nor the PDF renderer loads here.
 */
import { v7 as uuidv7 } from 'uuid';
import { DynamoDbRecordReader, DynamoDbRecordSignatureWriter } from '#shared/db/record-repository.ts';
import { RecordService } from '#shared/domain/record/service.ts';
import { RecordSigning } from '#shared/domain/record/signing.ts';
import { clock } from './clock.ts';
import { signing } from './signing.ts';

const reader = new DynamoDbRecordReader();
const withoutTelemetry = { machineData: async () => ({ operations: [] }), downtime: async () => [] };

export const recordSigning = new RecordSigning(
  reader,
  new RecordService(reader, withoutTelemetry, () => clock.now()),
  signing,
  new DynamoDbRecordSignatureWriter(),
  uuidv7,
);

/**
 * The records function's services (issue 16): the batch record read side, wired once per cold
 * start. The PDF renderer is not imported here: a JSON request never loads it.
 */
import { DynamoDbRecordReader } from '#shared/db/record-repository.ts';
import { RecordService } from '#shared/domain/record/service.ts';
import { clock } from './clock.ts';
import { telemetry } from './telemetry-services.ts';

export const records = new RecordService(
  new DynamoDbRecordReader(),
  {
    machineData: (auth, id) => telemetry.machineData(auth, id),
    downtime: async (auth, centers, from, to) =>
      (await telemetry.downtimeOfCenters(auth, centers, from, to)).map((e) => ({
        equipmentId: e.equipmentId,
        start: e.start,
        end: e.end,
        seconds: e.seconds,
        state: e.state,
        ...(e.reasonCode !== undefined ? { reasonCode: e.reasonCode } : {}),
        ...(e.reasonName !== undefined ? { reasonName: e.reasonName } : {}),
      })),
  },
  () => clock.now(),
);

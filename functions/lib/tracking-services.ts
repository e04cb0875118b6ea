/** The tracking context's services (lots, serials, recalls), wired to their DynamoDB adapters once per cold start. */
import { DynamoDbGenealogyRepository } from '#shared/db/genealogy-repository.ts';
import { DynamoDbLotRepository } from '#shared/db/lot-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbRecallRepository } from '#shared/db/recall-repository.ts';
import { DynamoDbSerialRepository } from '#shared/db/serial-repository.ts';
import { LotService } from '#shared/domain/tracking/lot-service.ts';
import { RecallService } from '#shared/domain/tracking/recall.ts';
import { SerialService } from '#shared/domain/tracking/serial-service.ts';
import { clock } from './clock.ts';

const lotRepository = new DynamoDbLotRepository();
const serialRepository = new DynamoDbSerialRepository();
export const lots = new LotService(lotRepository, new DynamoDbMasterDataRepository(), clock);
export const serials = new SerialService(serialRepository, clock);
export const recalls = new RecallService(new DynamoDbRecallRepository(), lotRepository, serialRepository, new DynamoDbGenealogyRepository(), clock);

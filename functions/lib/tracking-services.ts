/** The tracking context's services (lots), wired to their DynamoDB adapters once per cold start. */
import { DynamoDbLotRepository } from '#shared/db/lot-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { LotService } from '#shared/domain/tracking/lot-service.ts';
import { clock } from './clock.ts';

export const lots = new LotService(new DynamoDbLotRepository(), new DynamoDbMasterDataRepository(), clock);

/** The services each function uses, wired to their DynamoDB adapters once per cold start. */
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbWorkOrderRepository } from '#shared/db/work-order-repository.ts';
import { MasterDataService } from '#shared/domain/master-data/service.ts';
import { WorkOrderService } from '#shared/domain/work-order/service.ts';
import { clock } from './clock.ts';

const masterDataRepository = new DynamoDbMasterDataRepository();
export const masterData = new MasterDataService(masterDataRepository, clock);
export const workOrders = new WorkOrderService(new DynamoDbWorkOrderRepository(), masterDataRepository, clock);

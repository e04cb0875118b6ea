/** The genealogy trace, wired to its DynamoDB adapter once per cold start. */
import { DynamoDbGenealogyRepository } from '#shared/db/genealogy-repository.ts';
import { GenealogyService } from '#shared/domain/tracking/genealogy.ts';

export const genealogyReader = new DynamoDbGenealogyRepository();
export const genealogy = new GenealogyService(genealogyReader);

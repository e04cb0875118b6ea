/**
 * The controlled-document service (issue 16), wired to its DynamoDB adapters once per cold
 * start, with the signing service that checks a signer's re-entered password (signing.ts).
 */
import { DynamoDbDocumentRepository } from '#shared/db/document-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DocumentService } from '#shared/domain/documents/service.ts';
import { clock } from './clock.ts';
import { signing } from './signing.ts';

export const documents = new DocumentService(new DynamoDbDocumentRepository(), new DynamoDbMasterDataRepository(), signing, clock);

/**
 * The controlled-document service (issue 16), wired to its DynamoDB adapters once per cold
 * start, with the signature service that checks a signer's re-entered password.
 */
import { DynamoDbDocumentRepository } from '#shared/db/document-repository.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbSigningStateRepository } from '#shared/db/signature-repository.ts';
import { DocumentService } from '#shared/domain/documents/service.ts';
import type { SignatureSettings } from '#shared/domain/signatures/policy.ts';
import { type PasswordVerifier, SignatureService } from '#shared/domain/signatures/service.ts';
import { clock } from './clock.ts';

const masterData = new DynamoDbMasterDataRepository();

/**
 * UNTIL i16-sign's wiring LANDS: its password verifier (Cognito's InitiateAuth, the local
 * identity provider locally) replaces this one, which refuses every password.
 */
const pendingVerifier: PasswordVerifier = { verify: async () => false };

const signatures = new SignatureService(
  pendingVerifier,
  new DynamoDbSigningStateRepository(),
  {
    printedName: async (tenantId, userId) => (await masterData.get(tenantId, 'personnel', userId))?.name,
    settings: async (tenantId) => (await masterData.get(tenantId, 'settings', 'settings')) as SignatureSettings | undefined,
  },
  clock,
);

export const documents = new DocumentService(new DynamoDbDocumentRepository(), masterData, signatures, clock);

/**
 * The signing service (issue 16), wired once per cold start in the functions that serve signable
 * records: the password check speaks Cognito's InitiateAuth to the endpoint and signing-only app
 * client the deployment names (ENV.signingAuthEndpoint, ENV.signingClientId); CDK sets them on
 * AWS, the local runtime points them at its identity provider.
 */
import { CognitoPasswordVerifier } from '#shared/auth/cognito-password.ts';
import { ENV } from '#shared/config.ts';
import { DynamoDbMasterDataRepository } from '#shared/db/master-data-repository.ts';
import { DynamoDbSigningStateRepository } from '#shared/db/signature-repository.ts';
import type { PasswordVerifier } from '#shared/domain/signatures/service.ts';
import { SignatureService, type SignerDirectory } from '#shared/domain/signatures/service.ts';
import { clock } from './clock.ts';

/** Read at the first signature, not at import: the local runtime sets the endpoint once it listens. */
const verifier: PasswordVerifier = {
  verify(tenantId, userId, password) {
    const endpoint = process.env[ENV.signingAuthEndpoint];
    const clientId = process.env[ENV.signingClientId];
    if (!endpoint || !clientId) throw new Error(`${ENV.signingAuthEndpoint} and ${ENV.signingClientId} must be set to check signing passwords`);
    return new CognitoPasswordVerifier(endpoint, clientId).verify(tenantId, userId, password);
  },
};

const masterData = new DynamoDbMasterDataRepository();
const directory: SignerDirectory = {
  printedName: async (tenantId, userId) => (await masterData.get(tenantId, 'personnel', userId))?.name,
  settings: (tenantId) => masterData.get(tenantId, 'settings', 'settings'),
};

export const signing = new SignatureService(verifier, new DynamoDbSigningStateRepository(), directory, clock);

/** The quality context's services (SPC), wired to their DynamoDB adapters once per cold start. */
import { SpcService } from '#shared/domain/quality/spc-service.ts';

export const spc = new SpcService();

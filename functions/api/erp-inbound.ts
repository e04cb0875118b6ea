/** The ERP inbound API function: the public, signed route (shared/api/functions.ts), loaded on first use. */
import { apiFunction } from '#functions/lib/api-function.ts';

export const handler = apiFunction('erpInbound');

/** The maintenance API function (issue 18): its routes (shared/api/functions.ts), each loaded on first use. */
import { apiFunction } from '#functions/lib/api-function.ts';

export const handler = apiFunction('maintenance');

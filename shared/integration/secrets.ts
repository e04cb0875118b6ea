/** Standard Webhooks secrets: `whsec_` and the base64 of 32 random bytes (256-bit HMAC-SHA256 key). */
import { randomBytes } from 'node:crypto';

export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

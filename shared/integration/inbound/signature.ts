/**
 * Standard Webhooks verification of an inbound request, with the reference implementation
 * (`standardwebhooks`: constant-time comparison, ±5 minutes). Every refusal is a 401 whose
 * detail tells the integrator which check failed; the body is not looked at before this passes.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { UnauthorizedError } from '../../domain/errors.ts';

export const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
/** Visible ASCII: the webhook-id is also the idempotency key. */
const WEBHOOK_ID = /^[\x21-\x7e]{1,255}$/;

const REASONS: Record<string, string> = {
  'Message timestamp too old':
    'webhook-timestamp is more than 5 minutes old: sign each delivery (and each retry) when it is sent, and check the sender clock',
  'Message timestamp too new': 'webhook-timestamp is more than 5 minutes in the future: check the sender clock',
  'Invalid Signature Headers': 'webhook-timestamp must be the signing time in Unix seconds',
};

/**
 * Returns the webhook-id when one `v1,` signature in webhook-signature matches one of the
 * secrets (the current one, and the previous one during a rotation's grace period).
 */
export function verifySignature(
  credentialId: string,
  secrets: readonly string[],
  headers: Record<string, string | undefined>,
  rawBody: string,
): string {
  const missing = SIGNATURE_HEADERS.filter((h) => !headers[h]);
  if (missing.length) throw new UnauthorizedError(`missing Standard Webhooks header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const [id, timestamp, signature] = SIGNATURE_HEADERS.map((h) => String(headers[h]));
  if (!WEBHOOK_ID.test(id as string)) throw new UnauthorizedError('webhook-id must be 1-255 visible ASCII characters');
  if (!/^\d{1,12}$/.test(timestamp as string)) throw new UnauthorizedError(REASONS['Invalid Signature Headers'] as string);
  const signed = { 'webhook-id': id as string, 'webhook-timestamp': timestamp as string, 'webhook-signature': signature as string };
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(rawBody, signed, { jsonParse: false });
      return id as string;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      // The timestamp is checked before any signature, and the same for every secret.
      const reason = REASONS[error.message];
      if (reason) throw new UnauthorizedError(reason);
    }
  }
  throw new UnauthorizedError(
    `no v1 signature in webhook-signature matches a current secret of integration credential ${credentialId}: ` +
      'sign "{webhook-id}.{webhook-timestamp}.{body}" (the exact bytes sent) with HMAC-SHA256 and the base64-decoded part of the whsec_ secret',
  );
}

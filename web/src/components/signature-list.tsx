/**
 * A record's signatures as the record shows them (21 CFR 11.50): printed name, date and time,
 * meaning, and whether it still holds for the record as it is now; then what is still missing.
 */
import type { CallOutput } from '../contract.ts';
import { fmtDateTime } from '../plant.ts';
import { STANDARD_MEANING_TEXT } from '../../../shared/domain/signatures/model.ts';

type Signatures = CallOutput<'listLotSignatures'>;

export function SignatureList({ data }: { data: Signatures }) {
  const missing = data.required.missing;
  return (
    <section aria-labelledby="signatures" class="group">
      <h2 id="signatures" class="subhead">
        Signatures
      </h2>
      {data.signatures.length === 0 ? <p class="muted">Not signed yet.</p> : null}
      <ol class="plain-list" data-testid="signatures">
        {data.signatures.map((s) => (
          <li key={s.id} class="card">
            <p>
              <strong>{s.meaningText}</strong>: {s.printedName}, <time dateTime={s.signedAt}>{fmtDateTime(s.signedAt)}</time>
            </p>
            {s.comment ? <p>{s.comment}</p> : null}
            {s.valid ? null : <p class="error">No longer valid: {s.invalidReason}.</p>}
          </li>
        ))}
      </ol>
      {missing.length ? (
        <p class="muted" data-testid="signatures-missing">
          Still needed:{' '}
          {missing
            .map((m) => `${STANDARD_MEANING_TEXT[m.meaning as keyof typeof STANDARD_MEANING_TEXT] ?? m.meaning} by ${m.roles.join(' or ')}`)
            .join('; ')}
          .
        </p>
      ) : null}
    </section>
  );
}

/**
 * A start refused for missing qualifications (issue 18; docs/qualifications.md): who lacks what,
 * in plain words, and "Override (supervisor)": a supervisor signs at this phone (their user id,
 * password and a reason) and the start is sent again with the override.
 */
import type { MissingQualification } from '../../../shared/domain/qualifications/gate.ts';
import { qualificationWords } from '../api-error.ts';
import { SignDialog } from './sign-dialog.tsx';

export function QualificationRefusal(props: {
  missing: readonly MissingQualification[];
  /** What is started, in words: "operation 10 (Assemble pump) of WO-1020". */
  what: string;
  /** Sends the start again with the override. */
  retry: (override: { reason: string; signature: { userId: string; password: string } }) => Promise<void>;
  after: () => void;
}) {
  return (
    <div class="action-notice" data-testid="qualification-refusal">
      <p class="error" role="alert">
        Not started: {qualificationWords(props.missing)}
      </p>
      <SignDialog
        label="Override (supervisor)"
        title="Supervisor override"
        summary={`start ${props.what} although: ${qualificationWords(props.missing)} You take responsibility for the work going ahead`}
        effect="Signing starts the operation; the override, your name and your reason go into its record."
        meanings={['responsibility']}
        otherSigner
        commentLabel="Reason"
        commentRequired
        sign={(b) => props.retry({ reason: b.comment ?? '', signature: { userId: b.userId, password: b.password } })}
        after={props.after}
      />
    </div>
  );
}

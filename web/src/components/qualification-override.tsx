/**
 * A start or a clock-on refused for missing qualifications (issue 18; docs/qualifications.md):
 * who lacks what, in plain words, and "Override (supervisor)": a supervisor signs at this phone
 * (their user id, password and a reason) and the start or clock-on is sent again with the override.
 */
import type { MissingQualification } from '../../../shared/domain/qualifications/gate.ts';
import { qualificationWords } from '../api-error.ts';
import { SignDialog } from './sign-dialog.tsx';

export function QualificationRefusal(props: {
  missing: readonly MissingQualification[];
  /** What is started or clocked on, in words: "operation 10 (Assemble pump) of WO-1020". */
  what: string;
  /** Which command was refused: starting the operation (the default) or clocking on it. */
  action?: 'start' | 'clock-on';
  /** Sends the start (or clock-on) again with the override. */
  retry: (override: { reason: string; signature: { userId: string; password: string } }) => Promise<void>;
  after: () => void;
}) {
  const clockOn = props.action === 'clock-on';
  return (
    <div class="action-notice" data-testid="qualification-refusal">
      <p class="error" role="alert">
        {clockOn ? 'Not clocked on' : 'Not started'}: {qualificationWords(props.missing)}
      </p>
      <SignDialog
        label="Override (supervisor)"
        title="Supervisor override"
        summary={`${clockOn ? 'clock on' : 'start'} ${props.what} although: ${qualificationWords(props.missing)} You take responsibility for the work going ahead`}
        effect={
          clockOn
            ? 'Signing clocks the person on; the override, your name and your reason go into their time record.'
            : 'Signing starts the operation; the override, your name and your reason go into its record.'
        }
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

/**
 * The sign dialog (issue 16, 21 CFR Part 11): a signature is an act of its own, so the signer
 * types both components again, user id (prefilled with the signed-in user's) and password, picks
 * what the signature means from the meanings the record still needs, and reads what signing
 * means (11.50) and the record it signs. A refusal or a lock-out is said in plain words; the
 * password leaves the dialog only in the request.
 */
import { STANDARD_MEANING_TEXT } from '../../../shared/domain/signatures/model.ts';
import { currentSession } from '../auth.ts';
import { ConfirmAction } from '../ui.tsx';

export interface SignBody {
  userId: string;
  password: string;
  meaning: string;
  comment?: string;
}

export interface SignDialogProps {
  /** The button, e.g. "Sign: approve use as is". */
  label: string;
  /** What is signed, in words: "NC-2026-00001: use 2 pcs of lot HSG-1-… as is". */
  summary: string;
  /** What the signature will do when it is the last one needed ("Signing releases the lot."). */
  effect?: string | undefined;
  /** The meanings the record still needs (codes); their words from the standard list, else the code. */
  meanings: readonly string[];
  sign: (body: SignBody) => Promise<void>;
  after?: () => void;
  /** Someone else signs (a supervisor's override at an operator's phone): the user id starts empty. */
  otherSigner?: boolean;
  /** The comment's label, and whether it must be given (an override's reason). */
  commentLabel?: string;
  commentRequired?: boolean;
  /** The dialog's title, when it is not "Electronic signature". */
  title?: string;
}

const meaningWords = (code: string) => STANDARD_MEANING_TEXT[code as keyof typeof STANDARD_MEANING_TEXT] ?? code;

export function SignDialog(props: SignDialogProps) {
  const me = props.otherSigner ? '' : (currentSession()?.userId ?? '');
  const meanings = [...new Set(props.meanings)];
  return (
    <ConfirmAction
      label={props.label}
      title={props.title ?? 'Electronic signature'}
      question={[
        `You sign: ${props.summary}.`,
        props.effect ?? '',
        'Your electronic signature counts as your handwritten one: it records your full name, the date and time, and what it means, and it is bound to this record as it is now. Type your user id and password again to sign.',
      ]
        .filter(Boolean)
        .join(' ')}
      fields={[
        { name: 'userId', label: 'User id', type: 'text', required: true, initial: me },
        { name: 'password', label: 'Password', type: 'password', required: true },
        {
          name: 'meaning',
          label: 'Meaning of your signature',
          type: 'select',
          required: true,
          options: meanings.map((m) => ({ value: m, label: meaningWords(m) })),
          ...(meanings.length === 1 ? { initial: meanings[0] } : {}),
        },
        { name: 'comment', label: props.commentLabel ?? 'Comment (optional)', type: 'text', required: props.commentRequired ?? false },
      ]}
      run={async (values) => {
        if (!values.meaning) throw new Error('Choose what your signature means from the list.');
        const comment = (values.comment ?? '').trim();
        if (props.commentRequired && !comment) throw new Error(`${props.commentLabel ?? 'A comment'} must be given.`);
        await props.sign({
          userId: (values.userId ?? '').trim(),
          password: values.password ?? '',
          meaning: values.meaning,
          ...(comment ? { comment } : {}),
        });
      }}
      {...(props.after ? { after: props.after } : {})}
    />
  );
}

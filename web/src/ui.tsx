/**
 * The shared building blocks of every screen: page frame, buttons with 44 px touch targets,
 * a confirmation dialog with optional fields, state badges that say their state in words (never
 * colour alone), and the formatting of times, durations and percentages.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { currentPath } from './early.ts';
import { isOnline, useConnection } from './live.ts';
import { statusWords } from './plant.ts';

export function Page({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <main class="page" aria-labelledby="page-title">
      <header class="page-head">
        <h1 id="page-title">{title}</h1>
        {actions ? <div class="page-actions">{actions}</div> : null}
      </header>
      {children}
    </main>
  );
}

export function Button(props: {
  onClick?: () => void;
  kind?: 'primary' | 'danger' | 'plain';
  disabled?: boolean;
  type?: 'button' | 'submit';
  children: ComponentChildren;
  label?: string;
}) {
  return (
    <button
      type={props.type ?? 'button'}
      class={`btn btn-${props.kind ?? 'plain'}`}
      onClick={props.onClick}
      disabled={props.disabled}
      aria-label={props.label}
    >
      {props.children}
    </button>
  );
}

/** A field a confirmation asks for: a quantity, a reason, a comment, or a choice. */
export interface Field {
  name: string;
  label: string;
  /** `password`: typed hidden, never kept after the dialog closes (a signature's second component). */
  /** `checkboxes`: several of `options` (roles); the value is the chosen values joined by commas. */
  /** `date`: a calendar date (YYYY-MM-DD), the phone's date picker. */
  type: 'number' | 'text' | 'select' | 'password' | 'checkboxes' | 'date';
  required?: boolean;
  /** Smallest value of a number field, said in its error (the field itself is text, see below). */
  min?: number;
  options?: { value: string; label: string }[];
  initial?: string;
  /** A number's unit, shown beside it ("pcs", "kg"). */
  unit?: string;
  /** The phone keypad for a number: `numeric` (digits only) for whole units; `decimal` unless told. */
  inputMode?: 'numeric' | 'decimal';
}

/** What a ConfirmAction's dialog needs; the dialog lives in the DialogHost, so it outlives its button. */
interface ActionDialogSpec {
  label: string;
  title?: string | undefined;
  kind?: 'primary' | 'danger' | 'plain' | undefined;
  fields?: Field[] | undefined;
  question?: string | undefined;
  /** Runs the action; throw an ApiError to show it. */
  run: (values: Record<string, string>) => Promise<void>;
  /** A warning to read before acting (a value out of limits): the first Confirm shows it, the next acts. */
  warn?: ((values: Record<string, string>) => string | undefined) | undefined;
  /** After success or a refusal: reload what the screen shows. */
  after?: (() => void) | undefined;
}

interface OpenDialog {
  id: number;
  spec: ActionDialogSpec;
  /** The button that opened it is gone: someone else's change (seen by the live refresh) took the action away. */
  overtaken: boolean;
  /** The screen it was opened on (hash path): another screen does not show it. */
  at: string;
}

let openDialog: OpenDialog | undefined;
let dialogIds = 0;
const dialogListeners = new Set<() => void>();
const setOpenDialog = (next: OpenDialog | undefined) => {
  openDialog = next;
  for (const l of dialogListeners) l();
};

/**
 * A button that asks before it acts: a dialog names the action, takes the fields it needs, and
 * shows the API's answer in plain words. Disabled while the connection is lost. The dialog is
 * shown by the DialogHost (app.tsx): when someone else's change takes the action away while it
 * is open, it stays and says so instead of disappearing.
 */
export function ConfirmAction(props: ActionDialogSpec) {
  const connection = useConnection();
  const [mine, setMine] = useState<number | undefined>();
  useEffect(
    () => () => {
      if (mine !== undefined && openDialog?.id === mine) setOpenDialog({ ...openDialog, overtaken: true });
    },
    [mine],
  );
  // The open dialog follows its button's latest props (a pick list that finished loading, a
  // limit that changed) for as long as the button is there.
  useEffect(() => {
    if (mine !== undefined && openDialog?.id === mine && openDialog.spec !== props) setOpenDialog({ ...openDialog, spec: props });
  });
  const start = () => {
    const id = ++dialogIds;
    setMine(id);
    // As the DialogHost reads it (decoded): a chart's `insp%3A…` id is `insp:…` there.
    setOpenDialog({ id, spec: props, overtaken: false, at: currentPath().split('?')[0] || '/' });
  };
  return (
    <Button kind={props.kind ?? 'primary'} onClick={start} disabled={!connection.online}>
      {props.label}
    </Button>
  );
}

/** Shows the one open action dialog; rendered once by the app shell. Going to another screen closes it. */
export function DialogHost({ path }: { path: string }) {
  const [, setTick] = useState(0);
  useEffect(() => {
    const rerender = () => setTick((t) => t + 1);
    dialogListeners.add(rerender);
    return () => void dialogListeners.delete(rerender);
  }, []);
  if (!openDialog || openDialog.at !== path) return null;
  return <ActionDialog key={openDialog.id} open={openDialog} close={() => setOpenDialog(undefined)} />;
}

function ActionDialog({ open, close }: { open: OpenDialog; close: () => void }) {
  const { spec: props, overtaken } = open;
  const connection = useConnection();
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries((props.fields ?? []).map((f) => [f.name, f.initial ?? ''])));
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [warned, setWarned] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!isOnline()) {
      setError('No connection to the MES: nothing was sent. Try again when the connection is back.');
      return;
    }
    const warning = props.warn?.(values);
    if (warning && warning !== warned) {
      setWarned(warning);
      setError(undefined);
      return;
    }
    setBusy(true);
    try {
      await props.run(values);
      close();
    } catch (err) {
      setError(err instanceof ApiError ? err.plain : String((err as Error).message));
    } finally {
      setBusy(false);
      props.after?.();
    }
  };
  return (
    <div class="dialog-backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="dialog-title" class="dialog">
        <form onSubmit={submit}>
          <h2 id="dialog-title">{props.title ?? props.label}</h2>
          {props.question ? <p>{props.question}</p> : null}
          {(props.fields ?? []).map((f) => (
            <div class="field" key={f.name}>
              {/* A label apart from its control: a wrapping label would be named by every option too. */}
              <label for={`confirm-${f.name}`}>{f.label}</label>
              {f.type === 'checkboxes' ? (
                <fieldset id={`confirm-${f.name}`} class="checks">
                  {(f.options ?? []).map((o) => {
                    const chosen = (values[f.name] ?? '').split(',').filter(Boolean);
                    return (
                      <label key={o.value} class="check">
                        <input
                          type="checkbox"
                          checked={chosen.includes(o.value)}
                          onChange={(e) => {
                            const on = (e.target as HTMLInputElement).checked;
                            const next = on ? [...chosen, o.value] : chosen.filter((c) => c !== o.value);
                            setValues({ ...values, [f.name]: next.join(',') });
                            setWarned(undefined);
                          }}
                        />{' '}
                        {o.label}
                      </label>
                    );
                  })}
                </fieldset>
              ) : f.type === 'select' ? (
                <select
                  id={`confirm-${f.name}`}
                  required={f.required}
                  value={values[f.name] ?? ''}
                  onChange={(e) => {
                    setValues({ ...values, [f.name]: (e.target as HTMLSelectElement).value });
                    setWarned(undefined);
                  }}
                >
                  <option value="">Choose…</option>
                  {(f.options ?? []).map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              ) : (
                // A number is typed as text with the decimal keypad: a number input hands "12abc"
                // over as "" (read as nothing, so 0), where the app must say it is not a number.
                <WithUnit unit={f.unit} id={`confirm-${f.name}-unit`}>
                  <input
                    id={`confirm-${f.name}`}
                    type={f.type === 'password' ? 'password' : f.type === 'date' ? 'date' : 'text'}
                    inputMode={f.type === 'number' ? (f.inputMode ?? 'decimal') : undefined}
                    autoComplete={f.type === 'number' ? 'off' : f.type === 'password' ? 'current-password' : undefined}
                    required={f.required}
                    aria-describedby={f.unit ? `confirm-${f.name}-unit` : undefined}
                    value={values[f.name] ?? ''}
                    onInput={(e) => {
                      setValues({ ...values, [f.name]: (e.target as HTMLInputElement).value });
                      setWarned(undefined);
                    }}
                  />
                </WithUnit>
              )}
            </div>
          ))}
          {/* The foot stays in sight while a long dialog scrolls: what happened, and the buttons. */}
          <div class="dialog-foot">
            {warned && !error ? (
              <p class="warning" role="alert" data-testid="dialog-warning">
                {warned}
              </p>
            ) : null}
            {error ? (
              <p class="error" role="alert">
                {error}
              </p>
            ) : overtaken ? (
              <p class="error" role="alert" data-testid="dialog-overtaken">
                Someone else changed this meanwhile: "{props.label}" is no longer possible as it stands. Nothing was sent. Close this and check the
                current state on the screen.
              </p>
            ) : null}
            <div class="dialog-actions">
              <Button onClick={close}>{overtaken ? 'Close' : 'Cancel'}</Button>
              <Button type="submit" kind={props.kind ?? 'primary'} disabled={busy || !connection.online}>
                {busy ? 'Working…' : warned ? `${props.label} anyway` : `Confirm: ${props.label}`}
              </Button>
            </div>
          </div>
        </form>
      </div>
    </div>
  );
}

/** A number field with its unit beside it ("pcs", "kg"); the field alone without one. */
export function WithUnit({ unit, id, children }: { unit: string | undefined; id: string; children: ComponentChildren }) {
  if (!unit) return <>{children}</>;
  return (
    <span class="with-unit">
      {children}
      <span class="unit" id={id}>
        {unit}
      </span>
    </span>
  );
}

/** Equipment and order states, each with a colour class and its name in words. */
export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state.toLowerCase().replace(/_/g, '-')}`}>{statusWords(state)}</span>;
}

export function ErrorNote({ error }: { error: Error | undefined }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error instanceof ApiError ? error.plain : error.message}
    </p>
  );
}

export function Loading() {
  return (
    <p class="muted" aria-live="polite">
      Loading…
    </p>
  );
}

export { fmtDate, fmtDateTime, fmtTime, statusWords } from './plant.ts';
export function fmtDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} d ${h % 24} h`;
}
export const fmtAgo = (iso: string | null | undefined) => (iso ? `${fmtDuration(Date.now() - new Date(iso).getTime())} ago` : '–');
export const fmtPct = (ratio: number | null | undefined) =>
  ratio === null || ratio === undefined || !Number.isFinite(ratio) ? '–' : `${(ratio * 100).toFixed(1)} %`;

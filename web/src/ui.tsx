/**
 * The shared building blocks of every screen: page frame, buttons with 44 px touch targets,
 * a confirmation dialog with optional fields, state badges that say their state in words (never
 * colour alone), and the formatting of times, durations and percentages.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from './api.ts';
import { isOnline } from './live.ts';

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
  type: 'number' | 'text' | 'select';
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

/**
 * A button that asks before it acts: a dialog names the action, takes the fields it needs, and
 * shows the API's answer in plain words. Refused while the connection is lost.
 */
export function ConfirmAction(props: {
  label: string;
  title?: string;
  kind?: 'primary' | 'danger' | 'plain';
  fields?: Field[];
  question?: string;
  /** Runs the action; throw an ApiError to show it. */
  run: (values: Record<string, string>) => Promise<void>;
  /** A warning to read before acting (a value out of limits): the first Confirm shows it, the next acts. */
  warn?: (values: Record<string, string>) => string | undefined;
  /** After success or a refusal: reload what the screen shows. */
  after?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [warned, setWarned] = useState<string | undefined>();
  const start = () => {
    setValues(Object.fromEntries((props.fields ?? []).map((f) => [f.name, f.initial ?? ''])));
    setError(undefined);
    setWarned(undefined);
    setOpen(true);
  };
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
      setOpen(false);
    } catch (err) {
      setError(err instanceof ApiError ? err.plain : String((err as Error).message));
    } finally {
      setBusy(false);
      props.after?.();
    }
  };
  return (
    <>
      <Button kind={props.kind ?? 'primary'} onClick={start}>
        {props.label}
      </Button>
      {open ? (
        <div class="dialog-backdrop">
          <div role="dialog" aria-modal="true" aria-labelledby="dialog-title" class="dialog">
            <form onSubmit={submit}>
              <h2 id="dialog-title">{props.title ?? props.label}</h2>
              {props.question ? <p>{props.question}</p> : null}
              {(props.fields ?? []).map((f) => (
                <div class="field" key={f.name}>
                  {/* A label apart from its control: a wrapping label would be named by every option too. */}
                  <label for={`confirm-${f.name}`}>{f.label}</label>
                  {f.type === 'select' ? (
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
                        type="text"
                        inputMode={f.type === 'number' ? (f.inputMode ?? 'decimal') : undefined}
                        autoComplete={f.type === 'number' ? 'off' : undefined}
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
              {warned ? (
                <p class="warning" role="alert" data-testid="dialog-warning">
                  {warned}
                </p>
              ) : null}
              {error ? (
                <p class="error" role="alert">
                  {error}
                </p>
              ) : null}
              <div class="dialog-actions">
                <Button onClick={() => setOpen(false)}>Cancel</Button>
                <Button type="submit" kind={props.kind ?? 'primary'} disabled={busy}>
                  {busy ? 'Working…' : warned ? `${props.label} anyway` : `Confirm: ${props.label}`}
                </Button>
              </div>
            </form>
          </div>
        </div>
      ) : null}
    </>
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
  return <span class={`badge state-${state.toLowerCase().replace(/_/g, '-')}`}>{state.replace(/_/g, ' ').toLowerCase()}</span>;
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

// Made once: each toLocale…String call with options builds a formatter, which costs a slow phone a few ms.
let timeFormat: Intl.DateTimeFormat | undefined;
let dateTimeFormat: Intl.DateTimeFormat | undefined;
export const fmtTime = (iso: string | null | undefined) =>
  iso ? (timeFormat ??= new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })).format(new Date(iso)) : '–';
export const fmtDateTime = (iso: string | null | undefined) =>
  iso
    ? (dateTimeFormat ??= new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' })).format(
        new Date(iso),
      )
    : '–';
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

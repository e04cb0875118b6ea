/**
 * "New work order", for planners and admins (PERMISSIONS.createWorkOrder): the material from a
 * pick list (names, the code beside), a routing that makes it, the quantity in the material's
 * unit (whole units refused on the screen, as the API refuses them), the due date and time in
 * the plant's time zone (the shift calendar's), and the priority. A due date already past is
 * allowed (the ERP sends overdue orders too) only after the dialog asks. The new order opens.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Material, Routing, ShiftCalendar } from '../../../shared/api/schemas.ts';
import { quantityProblem, unitOf } from '../../../shared/domain/master-data/units.ts';
import { PERMISSIONS, type Role } from '../../../shared/domain/roles.ts';
import { localToUtc, zoneOffsetMs } from '../../../shared/domain/telemetry/shifts.ts';
import { ApiError, api } from '../api.ts';
import { isOnline } from '../live.ts';
import { navigate } from '../router.ts';
import { Button, WithUnit } from '../ui.tsx';
import { browserTimeZone, loadCalendar } from './oee-time.tsx';
import { parseDecimal } from './order-report-fields.tsx';

const DAY_MS = 86_400_000;

/** Whether this person may create orders (the same roles the API allows). */
export const mayCreateOrders = (roles: readonly Role[]) => roles.some((r) => (PERMISSIONS.createWorkOrder as readonly Role[]).includes(r));

interface Choices {
  materials: Material[];
  routings: Routing[];
  timeZone: string;
}

async function loadChoices(): Promise<Choices> {
  const [materials, routings, calendar] = await Promise.all([
    api.allPages('listMaterials'),
    api.allPages('listRoutings'),
    loadCalendar().catch((): ShiftCalendar | undefined => undefined),
  ]);
  const byName = <T extends { id: string; name?: string | undefined }>(a: T, b: T) => (a.name ?? a.id).localeCompare(b.name ?? b.id);
  return { materials: materials.sort(byName), routings: routings.sort(byName), timeZone: calendar?.timeZone ?? browserTimeZone() };
}

interface Values {
  materialId: string;
  routingId: string;
  quantity: string;
  date: string;
  time: string;
  priority: string;
}
type FieldName = keyof Values;

/** The plant-local date a week from now, and a time in the afternoon: a due date to change, not to keep. */
function initialValues(timeZone: string): Values {
  const now = Date.now();
  const date = new Date(now + 7 * DAY_MS + zoneOffsetMs(timeZone, now)).toISOString().slice(0, 10);
  return { materialId: '', routingId: '', quantity: '', date, time: '14:00', priority: '500' };
}

/** The instant a plant-local date and time ("2026-12-02", "14:00") happen; undefined when unreadable. */
export function plantInstant(timeZone: string, date: string, time: string): number | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return undefined;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  return Number.isNaN(wall) ? undefined : localToUtc(timeZone, wall);
}

/** "Dec 2, 14:00" in the plant's zone: the format this dialog says times in. */
const plantTime = (timeZone: string, at: number) =>
  new Intl.DateTimeFormat(undefined, { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

interface Checked {
  body?: { materialId: string; routingId: string; quantity: number; dueDate: string; priority: number };
  errors: Partial<Record<FieldName, string>>;
  due?: number;
}

/** What was typed, as a create request, or what is wrong with it, per field, in plain words. */
export function checkNewOrder(values: Values, choices: Choices): Checked {
  const errors: Partial<Record<FieldName, string>> = {};
  const material = choices.materials.find((m) => m.id === values.materialId);
  if (!material) errors.materialId = 'Choose the material to make.';
  const routing = choices.routings.find((r) => r.id === values.routingId && r.materialId === values.materialId);
  if (material && !routing) errors.routingId = 'Choose how to make it: a routing for this material.';
  const text = values.quantity.trim();
  const quantity = parseDecimal(text);
  const unit = unitOf(material?.uom);
  if (text === '') errors.quantity = 'Enter how many to make.';
  else if (quantity === undefined || quantity <= 0) {
    errors.quantity = `Enter a number more than 0, such as ${unit?.whole === false ? '12.5' : '12'} (you typed "${text}").`;
  } else {
    const problem = quantityProblem(quantity, material?.uom);
    if (problem) errors.quantity = `The quantity ${problem} (you typed "${text}").`;
  }
  const due = plantInstant(choices.timeZone, values.date, values.time);
  if (due === undefined) errors.date = 'Enter the date and time the order is due.';
  const priority = /^\d{1,3}$/.test(values.priority.trim()) ? Number(values.priority.trim()) : Number.NaN;
  if (!(priority >= 1 && priority <= 999)) errors.priority = 'Enter a priority from 1 (most urgent) to 999.';
  if (Object.keys(errors).length || !material || !routing || quantity === undefined || due === undefined) return { errors };
  return {
    body: { materialId: material.id, routingId: routing.id, quantity, dueDate: new Date(due).toISOString(), priority },
    errors,
    due,
  };
}

export function NewOrderButton({ roles }: { roles: readonly Role[] }) {
  const [open, setOpen] = useState(false);
  if (!mayCreateOrders(roles)) return null;
  return (
    <>
      <Button kind="primary" onClick={() => setOpen(true)}>
        New work order
      </Button>
      {open ? <NewOrderDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function NewOrderDialog({ onClose }: { onClose: () => void }) {
  const [choices, setChoices] = useState<Choices | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [values, setValues] = useState<Values | undefined>();
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [error, setError] = useState<string | undefined>();
  const [overdue, setOverdue] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  // One key per dialog: a retry after a lost answer creates the order once.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  useEffect(() => {
    let open = true;
    loadChoices().then(
      (c) => {
        if (!open) return;
        setChoices(c);
        setValues(initialValues(c.timeZone));
      },
      (e: unknown) => open && setLoadError(e instanceof ApiError ? e.plain : String((e as Error).message)),
    );
    return () => {
      open = false;
    };
  }, []);

  const set = (name: FieldName, value: string) => {
    if (!values) return;
    const next = { ...values, [name]: value };
    // Another material: its routings differ, so the one chosen goes (the only one is taken).
    if (name === 'materialId') {
      const routings = choices?.routings.filter((r) => r.materialId === value) ?? [];
      next.routingId = routings.length === 1 ? (routings[0]?.id ?? '') : '';
    }
    setValues(next);
    setErrors({ ...errors, [name]: undefined, ...(name === 'time' ? { date: undefined } : {}) });
    setOverdue(undefined);
    setError(undefined);
  };

  const create = async (anyway: boolean) => {
    if (!choices || !values) return;
    const checked = checkNewOrder(values, choices);
    setErrors(checked.errors);
    if (!checked.body || checked.due === undefined) return;
    if (!anyway && checked.due < Date.now()) {
      setOverdue(`This order is already overdue: due ${plantTime(choices.timeZone, checked.due)}. Create it anyway?`);
      return;
    }
    if (!isOnline()) {
      setError('No connection to the MES: nothing was sent. Try again when the connection is back.');
      return;
    }
    setBusy(true);
    try {
      const order = await api.call('createWorkOrder', { body: checked.body, idempotencyKey });
      onClose();
      navigate(`/orders/${encodeURIComponent(order.id)}`);
    } catch (e) {
      setOverdue(undefined);
      setError(e instanceof ApiError ? e.plain : String((e as Error).message));
    } finally {
      setBusy(false);
    }
  };

  const material = choices?.materials.find((m) => m.id === values?.materialId);
  const unit = unitOf(material?.uom);
  const routings = choices?.routings.filter((r) => r.materialId === values?.materialId) ?? [];
  const fieldError = (name: FieldName) =>
    errors[name] ? (
      <p class="error" id={`new-order-${name}-error`} role="alert">
        {errors[name]}
      </p>
    ) : null;
  const described = (name: FieldName, hint?: string) =>
    [hint, errors[name] ? `new-order-${name}-error` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <div class="dialog-backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="new-order-title" class="dialog" data-testid="new-order-dialog">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create(false);
          }}
          noValidate
        >
          <h2 id="new-order-title">New work order</h2>
          {loadError ? (
            <p class="error" role="alert">
              {loadError}
            </p>
          ) : !choices || !values ? (
            <p class="muted" aria-live="polite">
              Loading materials and routings…
            </p>
          ) : (
            <>
              <div class="field">
                <label for="new-order-material">Material</label>
                <select
                  id="new-order-material"
                  value={values.materialId}
                  aria-describedby={described('materialId')}
                  onChange={(e) => set('materialId', (e.target as HTMLSelectElement).value)}
                >
                  <option value="">Choose…</option>
                  {choices.materials.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name} ({m.id})
                    </option>
                  ))}
                </select>
                {fieldError('materialId')}
              </div>
              <div class="field">
                <label for="new-order-routing">Routing</label>
                <select
                  id="new-order-routing"
                  value={values.routingId}
                  disabled={!material}
                  aria-describedby={described('routingId', 'new-order-routing-hint')}
                  onChange={(e) => set('routingId', (e.target as HTMLSelectElement).value)}
                >
                  <option value="">{material ? 'Choose…' : 'Choose the material first'}</option>
                  {routings.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name ? `${r.name} (${r.id})` : r.id}
                    </option>
                  ))}
                </select>
                <p class="hint muted" id="new-order-routing-hint">
                  {material && routings.length === 0
                    ? `No routing makes ${material.name} yet: a planner adds one first.`
                    : 'How it is made: the operations, in order.'}
                </p>
                {fieldError('routingId')}
              </div>
              <div class="field">
                <label for="new-order-quantity">Quantity</label>
                <WithUnit unit={unit?.symbol ?? material?.uom} id="new-order-quantity-unit">
                  <input
                    id="new-order-quantity"
                    type="text"
                    inputMode={unit?.whole === false ? 'decimal' : 'numeric'}
                    autoComplete="off"
                    aria-describedby={described('quantity', material ? 'new-order-quantity-unit' : undefined)}
                    value={values.quantity}
                    onInput={(e) => set('quantity', (e.target as HTMLInputElement).value)}
                  />
                </WithUnit>
                {fieldError('quantity')}
              </div>
              <fieldset class="field">
                <legend>Due (plant time, {choices.timeZone})</legend>
                <label for="new-order-date">Date</label>
                <input id="new-order-date" type="date" value={values.date} onInput={(e) => set('date', (e.target as HTMLInputElement).value)} />
                <label for="new-order-time">Time</label>
                <input
                  id="new-order-time"
                  type="time"
                  value={values.time}
                  aria-describedby={described('date')}
                  onInput={(e) => set('time', (e.target as HTMLInputElement).value)}
                />
                {fieldError('date')}
              </fieldset>
              <div class="field">
                <label for="new-order-priority">Priority</label>
                <input
                  id="new-order-priority"
                  type="text"
                  inputMode="numeric"
                  autoComplete="off"
                  aria-describedby={described('priority', 'new-order-priority-hint')}
                  value={values.priority}
                  onInput={(e) => set('priority', (e.target as HTMLInputElement).value)}
                />
                <p class="hint muted" id="new-order-priority-hint">
                  1 is most urgent, 999 least; 500 is usual.
                </p>
                {fieldError('priority')}
              </div>
            </>
          )}
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
          {overdue ? (
            <div class="overdue-confirm" data-testid="new-order-overdue">
              <p role="alert">{overdue}</p>
              <div class="dialog-actions">
                <Button onClick={() => setOverdue(undefined)}>Change the due date</Button>
                <Button kind="primary" disabled={busy} onClick={() => void create(true)}>
                  {busy ? 'Working…' : 'Create it anyway'}
                </Button>
              </div>
            </div>
          ) : (
            <div class="dialog-actions">
              <Button onClick={onClose}>Cancel</Button>
              <Button type="submit" kind="primary" disabled={busy || !choices}>
                {busy ? 'Working…' : 'Create work order'}
              </Button>
            </div>
          )}
        </form>
      </div>
    </div>
  );
}

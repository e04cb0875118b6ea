/**
 * "New work order", for planners and admins (PERMISSIONS.createWorkOrder): the material from a
 * pick list (names, the code beside), a routing that makes it, the quantity in the material's
 * unit (whole units refused on the screen, as the API refuses them), the due date and time in
 * the plant's time zone (the shift calendar's), and the priority. A due date already past is
 * allowed (the ERP sends overdue orders too) only after the dialog asks. The new order opens.
 */
import { fmtDateTime } from '../plant.ts';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ShiftCalendar } from '../../../shared/api/schemas.ts';
import { unitOf } from '../../../shared/domain/master-data/units.ts';
import { PERMISSIONS, type Role } from '../../../shared/domain/roles.ts';
import { ApiError, api } from '../api.ts';
import { isOnline } from '../live.ts';
import { navigate } from '../router.ts';
import { Button, WithUnit } from '../ui.tsx';
import { browserTimeZone, loadCalendar } from './oee-time.tsx';
import { type Choices, checkNewOrder, FIELD_IDS, type FieldName, initialValues, type Values } from './new-order-form.ts';

/** Whether this person may create orders (the same roles the API allows). */
export const mayCreateOrders = (roles: readonly Role[]) => roles.some((r) => (PERMISSIONS.createWorkOrder as readonly Role[]).includes(r));

async function loadChoices(): Promise<Choices> {
  const [materials, routings, calendar] = await Promise.all([
    api.allPages('listMaterials'),
    api.allPages('listRoutings'),
    loadCalendar().catch((): ShiftCalendar | undefined => undefined),
  ]);
  const byName = <T extends { id: string; name?: string | undefined }>(a: T, b: T) => (a.name ?? a.id).localeCompare(b.name ?? b.id);
  return { materials: materials.sort(byName), routings: routings.sort(byName), timeZone: calendar?.timeZone ?? browserTimeZone() };
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
  // One key per request content: a retry after a lost answer creates the order once; a changed
  // request is a new one (the API refuses a key reused with another body).
  const idempotencyKey = useRef(crypto.randomUUID());
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
    idempotencyKey.current = crypto.randomUUID();
    setErrors({ ...errors, [name]: undefined, ...(name === 'time' ? { date: undefined } : {}) });
    setOverdue(undefined);
    setError(undefined);
  };

  const create = async (anyway: boolean) => {
    if (!choices || !values) return;
    const checked = checkNewOrder(values, choices);
    setErrors(checked.errors);
    if (!checked.body || checked.due === undefined) {
      // The first field to fix, in view and focused: the person tapped Create at the bottom.
      const first = (Object.keys(FIELD_IDS) as FieldName[]).find((f) => checked.errors[f]);
      if (first) document.getElementById(FIELD_IDS[first])?.focus();
      return;
    }
    if (!anyway && checked.due < Date.now()) {
      // Said in the app's one time format, in the plant's zone, as every other screen says times.
      setOverdue(`This order is already overdue: due ${fmtDateTime(new Date(checked.due).toISOString())}. Create it anyway?`);
      return;
    }
    if (!isOnline()) {
      setError('No connection to the MES: nothing was sent. Try again when the connection is back.');
      return;
    }
    setBusy(true);
    try {
      const order = await api.call('createWorkOrder', { body: checked.body, idempotencyKey: idempotencyKey.current });
      onClose();
      navigate(`/orders/${encodeURIComponent(order.id)}`);
    } catch (e) {
      setOverdue(undefined);
      setError(e instanceof ApiError ? e.plain : String((e as Error).message));
    } finally {
      setBusy(false);
    }
  };

  // The question shows where the buttons were; it is brought into view and its safe answer focused.
  const confirmRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!overdue) return;
    confirmRef.current?.scrollIntoView({ block: 'end' });
    confirmRef.current?.querySelector('button')?.focus();
  }, [overdue]);

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
                  aria-describedby={described('routingId', material && routings.length === 0 ? 'new-order-routing-hint' : undefined)}
                  onChange={(e) => set('routingId', (e.target as HTMLSelectElement).value)}
                >
                  <option value="">{material ? 'Choose…' : 'Choose the material first'}</option>
                  {routings.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name ? `${r.name} (${r.id})` : r.id}
                    </option>
                  ))}
                </select>
                {material && routings.length === 0 ? (
                  <p class="hint error" id="new-order-routing-hint">
                    No routing makes {material.name} yet: add one first.
                  </p>
                ) : null}
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
              <fieldset class="field due">
                <legend>Due (plant time, {choices.timeZone})</legend>
                <div class="due-row">
                  <div class="field">
                    <label for="new-order-date">Date</label>
                    <input
                      id="new-order-date"
                      type="date"
                      value={values.date}
                      aria-describedby={described('date')}
                      onInput={(e) => set('date', (e.target as HTMLInputElement).value)}
                    />
                  </div>
                  <div class="field">
                    <label for="new-order-time">Time</label>
                    <input id="new-order-time" type="time" value={values.time} onInput={(e) => set('time', (e.target as HTMLInputElement).value)} />
                  </div>
                </div>
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
            <div class="overdue-confirm" data-testid="new-order-overdue" ref={confirmRef}>
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

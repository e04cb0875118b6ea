/**
 * The materials an operation consumes (its BOM lines, copied at release) and what it consumed:
 * per line the name, what the order needs, what was consumed from which lot or serial (scanned,
 * picked or backflushed), and what must still be consumed before the operation may complete.
 * While it runs, an operator consumes a lot picked from the available lots of the line's
 * material (or a substitute), or a serialized unit by its number (issue 14).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Operation, WorkOrderDetail } from '../../../shared/api/schemas.ts';
import type { MaterialLot } from '../../../shared/domain/tracking/model.ts';
import { PERMISSIONS, type Role } from '../../../shared/domain/roles.ts';
import { formatQuantity, unitOf } from '../../../shared/domain/master-data/units.ts';
import { type OperationComponent, consumedAgainst, acceptsMaterial, missingConsumption } from '../../../shared/domain/tracking/consumption.ts';
import { api, ApiError } from '../api.ts';
import { ConfirmAction, type Field } from '../ui.tsx';
import { fmtDate, materialName } from '../plant.ts';
import type { OnOutcome } from './order-actions.tsx';

const CONSUMING = new Set(['RUNNING', 'PAUSED']);

/** The available lots of the line's material and its substitutes, read again when the order changes (a consumption took from one). */
function useAvailableLots(components: readonly OperationComponent[], active: boolean, orderVersion: number) {
  const [lots, setLots] = useState<MaterialLot[]>([]);
  const ids = [...new Set(components.filter((c) => c.tracking === 'lot').flatMap((c) => [c.materialId, ...c.substitutes]))];
  const key = ids.join(',');
  useEffect(() => {
    if (!active || ids.length === 0) return;
    const abort = new AbortController();
    Promise.all(ids.map((materialId) => api.call('listLots', { query: { materialId, status: 'available', limit: 100 }, signal: abort.signal })))
      .then((pages) => setLots(pages.flatMap((p) => p.items)))
      .catch(() => setLots([]));
    return () => abort.abort();
  }, [key, active, orderVersion]);
  return lots;
}

/** Its use-by date in the plant's time zone, as every date on the screen. */
const expiry = (l: MaterialLot) => (l.expiresAt ? `, use by ${fmtDate(l.expiresAt)}` : '');

export function OperationMaterials(props: {
  order: WorkOrderDetail;
  op: Operation;
  roles: readonly Role[];
  reload: () => void;
  onOutcome: OnOutcome;
}) {
  const { order, op, roles, reload, onOutcome } = props;
  const components = op.components ?? [];
  const mayConsume =
    roles.some((r) => (PERMISSIONS.executeOperation as readonly Role[]).includes(r)) && CONSUMING.has(op.status) && order.status === 'IN_PROGRESS';
  const lots = useAvailableLots(components, mayConsume, order.version);
  if (components.length === 0) return null;
  const consumed = op.consumed ?? [];
  const missing = new Map(missingConsumption(components, consumed, op.goodQty + op.scrapQty).map((m) => [m.component.materialId, m]));
  const consume = async (body: { lotId: string; quantity: number } | { serialId: string }) => {
    try {
      await api.call('consumeMaterial', { params: { id: order.id, seq: op.seq }, body, ifMatch: order.version });
      onOutcome(undefined);
    } catch (error) {
      // What the person can fix in the open dialog (another lot, another quantity) stays there.
      if (error instanceof ApiError && error.status !== 400 && error.status !== 422 && error.fields.length === 0)
        onOutcome({ target: String(op.seq), text: `Consume: ${error.plain}` });
      throw error;
    }
  };
  return (
    <>
      <h4 class="subhead">Materials</h4>
      <ul class="materials" data-testid={`op-${op.seq}-materials`}>
        {components.map((c) => {
          const name = materialName(c.materialId, c.materialName);
          const got = consumedAgainst(c, consumed);
          const short = missing.get(c.materialId);
          const mine = consumed.filter((m) => acceptsMaterial(c, m.materialId));
          const offered = lots.filter((l) => acceptsMaterial(c, l.materialId)).sort((a, b) => (a.expiresAt ?? '9').localeCompare(b.expiresAt ?? '9'));
          const needed = Math.round(c.quantityPer * order.quantity * 1e6) / 1e6;
          const left = Math.max(0, Math.round((needed - got) * 1e6) / 1e6);
          const fields: Field[] =
            c.tracking === 'serial'
              ? [{ name: 'serialId', label: `Serial number of the ${name}`, type: 'text', required: true }]
              : [
                  {
                    name: 'lotId',
                    label: 'Lot',
                    type: 'select',
                    required: true,
                    // First expiring first: the lot to take unless there is a reason not to.
                    ...(offered[0] ? { initial: offered[0].id } : {}),
                    options: offered.map((l) => ({
                      value: l.id,
                      label: `${l.id}: ${formatQuantity(l.quantity, l.uom)} left${l.supplierLot ? `, supplier lot ${l.supplierLot}` : ''}${expiry(l)}`,
                    })),
                  },
                  {
                    name: 'quantity',
                    label: 'Quantity',
                    type: 'number',
                    required: true,
                    min: 0,
                    unit: unitOf(c.uom)?.symbol ?? c.uom,
                    inputMode: unitOf(c.uom)?.whole ? 'numeric' : 'decimal',
                    initial: left ? String(left) : '',
                  },
                ];
          return (
            <li key={c.materialId} data-testid={`op-${op.seq}-material-${c.materialId}`}>
              <strong>{name}</strong>{' '}
              <span class="muted">
                {c.tracking === 'none'
                  ? `${formatQuantity(needed, c.uom)} for the order · not tracked by lot, nothing to scan`
                  : `${formatQuantity(got, c.uom)} of ${formatQuantity(needed, c.uom)} consumed`}
                {c.issue === 'backflush' && c.tracking !== 'none' ? ' · taken from the lot staged here at each report' : ''}
              </span>
              {mine.length ? (
                <ul class="consumed">
                  {mine.map((m) => (
                    <li key={`${m.node.id}-${m.at}`}>
                      {m.node.kind === 'lot' ? 'Lot' : 'Serial'} <a href={`#/trace?${m.node.kind}=${encodeURIComponent(m.node.id)}`}>{m.node.id}</a>:{' '}
                      {formatQuantity(m.quantity, c.uom)}
                      {m.backflush ? ' (backflush)' : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
              {short ? <p class="warning">Consume at least {formatQuantity(short.min - short.consumed, c.uom)} more before completing.</p> : null}
              {mayConsume && c.tracking !== 'none' && c.issue !== 'backflush' ? (
                c.tracking === 'lot' && offered.length === 0 ? (
                  <p class="muted">No lot of {name} is available: ask the stores to receive or release one.</p>
                ) : (
                  <ConfirmAction
                    label={`Consume ${name}`}
                    title={`Consume ${name} at operation ${op.seq}`}
                    kind="plain"
                    question={
                      c.tracking === 'serial'
                        ? `Scan or type the serial number of the ${name} fitted.`
                        : `Pick the lot you take it from and how much. ${left ? `The order still needs ${formatQuantity(left, c.uom)}.` : ''}`
                    }
                    fields={fields}
                    after={reload}
                    run={async (v) => {
                      if (c.tracking === 'serial') return consume({ serialId: (v.serialId ?? '').trim() });
                      const quantity = Number((v.quantity ?? '').replace(',', '.'));
                      if (!Number.isFinite(quantity) || quantity <= 0) throw new Error('Enter how much was taken: a number above 0.');
                      return consume({ lotId: v.lotId ?? '', quantity });
                    }}
                  />
                )
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}

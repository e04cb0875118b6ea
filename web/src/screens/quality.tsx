/**
 * `#/quality`: what quality has to decide, newest first: the open nonconformances and those
 * awaiting a second person's approval, each with what it names (material, lot, serial, order
 * and operation by name), the defect, how many, who found it and when. Below, the plant's
 * control charts: the characteristics of its inspection plans.
 */
import type { Nonconformance } from '../../../shared/domain/quality/nonconformance-model.ts';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { materialName, personName, usePlantContext } from '../plant.ts';
import { reasonName, useReasonLists } from '../reason-lists.ts';
import { chartPath, inspectionCharacteristicId, NC_STATUS_WORDS } from '../quality/words.ts';
import { ErrorNote, fmtDateTime, Loading, Page } from '../ui.tsx';

/** A person by the plant's personnel name, else the name the token carried. */
export const who = (userId: string, name?: string) => {
  const known = personName(userId);
  return known !== userId ? known : (name ?? userId);
};

/** Operation names of the orders the list names: one read per order. */
export async function operationNames(orderIds: readonly string[], signal: AbortSignal): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all(
    [...new Set(orderIds)].map(async (id) => {
      try {
        const order = await api.call('getWorkOrder', { params: { id }, signal });
        for (const op of order.operations) names.set(`${id}|${op.seq}`, op.name);
      } catch {
        // The order's operations stay by number.
      }
    }),
  );
  return names;
}

/** "Pump · order WO-1, operation 10 (Assemble) · lot L-7" */
export function ncSubject(nc: Nonconformance, opNames: Map<string, string> | undefined): string {
  const parts: string[] = [];
  if (nc.materialId) parts.push(materialName(nc.materialId));
  if (nc.workOrderId) {
    const op = nc.seq !== undefined ? opNames?.get(`${nc.workOrderId}|${nc.seq}`) : undefined;
    parts.push(`order ${nc.workOrderId}${nc.seq !== undefined ? `, operation ${nc.seq}${op ? ` (${op})` : ''}` : ''}`);
  }
  if (nc.lotId) parts.push(`lot ${nc.lotId}`);
  if (nc.serialId) parts.push(`serial ${nc.serialId}`);
  return parts.join(' · ');
}

function NcCard({ nc, opNames }: { nc: Nonconformance; opNames: Map<string, string> | undefined }) {
  const { lists } = useReasonLists();
  return (
    <li class="card nc-card" data-testid={`nc-${nc.id}`}>
      <h3 class="entry-title">
        <a href={`#/nonconformances/${encodeURIComponent(nc.id)}`}>
          {nc.defectName ?? reasonName(lists, 'defect', nc.defectCode)}: {ncSubject(nc, opNames)}
        </a>
      </h3>
      <p class="badges">
        <span class={`badge nc-${nc.status}`}>{NC_STATUS_WORDS[nc.status]}</span> <span class="muted">{nc.id}</span>
      </p>
      <dl class="kv">
        <dt>How many</dt>
        <dd>{formatQuantity(nc.quantity, nc.uom)}</dd>
        <dt>Found</dt>
        <dd>
          by {who(nc.reportedBy, nc.reportedByName)}, <time dateTime={nc.reportedAt}>{fmtDateTime(nc.reportedAt)}</time>
        </dd>
        {nc.status === 'awaiting-approval' && nc.disposition ? (
          <>
            <dt>Decided</dt>
            <dd>Use as is, by {who(nc.disposition.decidedBy, nc.disposition.decidedByName)}. A second person must approve.</dd>
          </>
        ) : null}
      </dl>
      <p class="nc-description">{nc.description}</p>
    </li>
  );
}

function Nonconformances() {
  const list = useLive(
    async (signal) => {
      const [open, awaiting] = await Promise.all([
        api.allPages('listNonconformances', { query: { status: 'open' }, signal }),
        api.allPages('listNonconformances', { query: { status: 'awaiting-approval' }, signal }),
      ]);
      const items = [...awaiting, ...open].sort((a, b) => b.reportedAt.localeCompare(a.reportedAt));
      const opNames = await operationNames(
        items.flatMap((nc) => (nc.workOrderId ? [nc.workOrderId] : [])),
        signal,
      );
      return { items, opNames };
    },
    [],
    { intervalMs: 15_000 },
  );
  return (
    <section aria-labelledby="nc-title" class="group" data-testid="quality-nonconformances">
      <h2 id="nc-title" class="subhead">
        Nonconformances to decide{list.data ? ` (${list.data.items.length})` : ''}
      </h2>
      <ErrorNote error={list.error} />
      {!list.data ? (
        list.error ? null : (
          <Loading />
        )
      ) : list.data.items.length === 0 ? (
        <p class="muted">Nothing to decide: no open nonconformances.</p>
      ) : (
        <ul class="cards plain-list">
          {list.data.items.map((nc) => (
            <NcCard key={nc.id} nc={nc} opNames={list.data?.opNames} />
          ))}
        </ul>
      )}
    </section>
  );
}

function Charts() {
  const plans = useLive((signal) => api.allPages('listInspectionPlans', { signal }), [], { intervalMs: 0 });
  const active = (plans.data ?? []).filter((p) => p.active);
  return (
    <section aria-labelledby="charts-title" class="group" data-testid="quality-charts">
      <h2 id="charts-title" class="subhead">
        Control charts
      </h2>
      <ErrorNote error={plans.error} />
      {!plans.data ? (
        plans.error ? null : (
          <Loading />
        )
      ) : active.length === 0 ? (
        <p class="muted">No inspection plans yet: their characteristics get control charts.</p>
      ) : (
        <ul class="plain-list chart-links">
          {active.flatMap((plan) =>
            plan.characteristics.map((c) => (
              <li key={`${plan.id}:${c.id}`}>
                <a class="chart-link" href={`#${chartPath(inspectionCharacteristicId(plan.id, c.id))}`}>
                  {c.name}{' '}
                  <span class="muted">
                    · {plan.name}, {materialName(plan.materialId)}, operation {plan.operationSeq}
                  </span>
                </a>
              </li>
            )),
          )}
        </ul>
      )}
    </section>
  );
}

export default function Quality(_: ScreenProps) {
  usePlantContext();
  return (
    <Page title="Quality">
      <Nonconformances />
      <Charts />
    </Page>
  );
}

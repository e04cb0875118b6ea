/**
 * An order's batch record on a phone (`#/orders/<id>/record`, issue 16): what to check first
 * (the exceptions, in plain words), the signatures as printed (name, meaning, date and time in
 * the plant's zone; whether the record is still as signed), each section folded, a Sign button
 * and the PDF to download.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { currentSession } from '../auth.ts';
import { SignDialog } from '../components/sign-dialog.tsx';
import { appConfig } from '../config.ts';
import { routePath } from '../contract.ts';
import { useLive } from '../live.ts';
import { personName, usePlantContext } from '../plant.ts';
import { ErrorNote, fmtDateTime, Loading, Page } from '../ui.tsx';

const ROLE_WORDS: Record<string, string> = {
  supervisor: 'a supervisor',
  quality: 'quality',
  admin: 'an administrator',
  operator: 'an operator',
  planner: 'a planner',
};
const MEANING_WORDS: Record<string, string> = { review: 'Review', approval: 'Approval', responsibility: 'Responsibility', authorship: 'Authorship' };

/** The record as a PDF, through the route table's path and the signed-in person's token, saved by the browser. */
async function downloadPdf(id: string): Promise<void> {
  const res = await fetch(`${appConfig().apiUrl}${routePath('getWorkOrderRecord', { params: { id } })}`, {
    headers: { accept: 'application/pdf', authorization: `Bearer ${currentSession()?.token ?? ''}` },
  });
  if (!res.ok) throw new Error(`The PDF could not be made (${res.status}). Try again.`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `${id}-batch-record.pdf`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Section({ title, count, children }: { title: string; count?: number; children: ComponentChildren }) {
  return (
    <details class="record-section">
      <summary>
        {title}
        {count !== undefined ? <span class="muted"> ({count})</span> : null}
      </summary>
      {children}
    </details>
  );
}

export default function RecordScreen({ params }: ScreenProps) {
  const id = params.id ?? '';
  // Re-rendered when the plant's names arrive: the record shows people by name.
  usePlantContext();
  const live = useLive((signal) => api.call('getWorkOrderRecord', { params: { id }, signal }), [id], { intervalMs: 60_000 });
  const [pdfError, setPdfError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const r = live.data?.workOrderId === id ? live.data : undefined;
  const back = (
    <a class="btn" href={`#/orders/${encodeURIComponent(id)}`}>
      Back to order
    </a>
  );
  if (!r) {
    return (
      <Page title={`Batch record of ${id}`} actions={back}>
        {live.error ? <ErrorNote error={live.error} /> : <Loading />}
      </Page>
    );
  }
  const uom = r.order.uom ? ` ${r.order.uom}` : '';
  const pdf = async () => {
    setBusy(true);
    setPdfError(undefined);
    try {
      await downloadPdf(id);
    } catch (error) {
      setPdfError(error as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={`Batch record of ${id}`} actions={back}>
      <p class="record-status" data-testid="record-status">
        {r.released ? `Released ${fmtDateTime(r.recordReleasedAt)}: this record can no longer change.` : 'Not released yet.'}{' '}
        {r.order.materialName ?? r.order.materialId}, {r.order.producedQty}
        {uom} made of {r.order.quantity}
        {uom}.
      </p>

      <section aria-labelledby="check-title" class="record-exceptions">
        <h2 id="check-title">
          {r.exceptions.length === 0 ? 'Nothing to check' : `Check first: ${r.exceptions.length} ${r.exceptions.length === 1 ? 'thing' : 'things'}`}
        </h2>
        {r.exceptions.length ? (
          <ul data-testid="record-exceptions">
            {r.exceptions.map((e) => (
              <li key={`${e.kind}${e.ref}`} data-kind={e.kind}>
                {e.text}
              </li>
            ))}
          </ul>
        ) : (
          <p>Nothing deviated from the plan or the limits.</p>
        )}
      </section>

      <section aria-labelledby="signatures-title" class="record-signatures">
        <h2 id="signatures-title">Signatures</h2>
        {r.signatures.length === 0 ? <p>Nobody has signed this record yet.</p> : null}
        <ul data-testid="record-signatures">
          {r.signatures.map((s) => (
            <li key={s.id} class={s.valid ? '' : 'invalid'}>
              <strong>{s.printedName}</strong> — {s.meaningText}
              <br />
              <span>{fmtDateTime(s.signedAt)}</span>
              <br />
              <span>{s.valid ? 'The record is as it was signed.' : 'The record changed after this signature: it no longer counts.'}</span>
              {s.comment ? <p class="muted">“{s.comment}”</p> : null}
            </li>
          ))}
        </ul>
        {r.required.missing.length ? (
          <p>
            Still needed:{' '}
            {r.required.missing
              .map((m) => `${MEANING_WORDS[m.meaning] ?? m.meaning} by ${m.roles.map((role) => ROLE_WORDS[role] ?? role).join(' or ')}`)
              .join('; ')}
            .
          </p>
        ) : null}
        <div class="record-actions">
          {!r.released && ['COMPLETED', 'CLOSED'].includes(r.order.status) ? (
            <SignDialog
              label="Sign"
              summary={`the batch record of ${r.workOrderId}: ${r.exceptions.length} ${r.exceptions.length === 1 ? 'thing' : 'things'} to check first`}
              effect="When your signature is the last one needed, signing releases the record: after that, nothing in it can change."
              meanings={r.required.missing.length ? r.required.missing.map((m) => m.meaning) : ['review', 'approval']}
              sign={async (body) => {
                await api.call('signWorkOrderRecord', { params: { id }, body });
              }}
              after={() => void live.reload()}
            />
          ) : null}
          <button type="button" class="btn" onClick={pdf} disabled={busy}>
            {busy ? 'Making the PDF…' : 'Download PDF'}
          </button>
        </div>
        <ErrorNote error={pdfError} />
      </section>

      <h2>The record</h2>
      <Section title="Order">
        <p>
          {r.order.quantity}
          {uom} of {r.order.materialName ?? r.order.materialId}, routing {r.order.routingId}
          {r.order.routingVersion !== undefined ? ` (version ${r.order.routingVersion})` : ''}. Created {fmtDateTime(r.order.createdAt)} by{' '}
          {personName(r.order.createdBy)}; started {fmtDateTime(r.order.startedAt)}; completed {fmtDateTime(r.order.completedAt)}.
        </p>
      </Section>
      <Section title="Operations" count={r.operations.length}>
        {r.operations.map((op) => (
          <div key={op.seq} class="record-op">
            <h3>
              {op.seq} {op.name}
            </h3>
            <p>
              Started {fmtDateTime(op.startedAt)} by {personName(op.startedBy)}, completed {fmtDateTime(op.completedAt)} by{' '}
              {personName(op.completedBy)}: {op.goodQty}
              {uom} good, {op.scrapQty}
              {uom} scrap.
            </p>
            {(op.documents ?? []).map((d) => (
              <p key={`${d.id}@${d.version}`}>
                Ran by {d.title}, version {d.version} ({d.id}).
              </p>
            ))}
            {op.values.length ? (
              <ul>
                {op.values.map((v) => (
                  <li key={v.name} class={v.within ? '' : 'invalid'}>
                    {v.label}: {typeof v.value === 'boolean' ? (v.value ? 'yes' : 'no') : String(v.value)}
                    {v.unit ? ` ${v.unit}` : ''} {v.within ? '(within limits)' : '(outside its limits)'}, {personName(v.recordedBy)}
                  </li>
                ))}
              </ul>
            ) : null}
            {op.consumed.length ? (
              <ul>
                {op.consumed.map((c) => (
                  <li key={`${c.kind}${c.id}${c.at}`}>
                    Used {c.quantity} of {c.materialName ?? c.materialId} ({c.kind} {c.id}
                    {c.supplierLot ? `, supplier lot ${c.supplierLot}` : ''})
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ))}
      </Section>
      <Section title="Inspections" count={r.inspections.length}>
        <ul>
          {r.inspections.map((i) => (
            <li key={`${i.inspectionId}${i.attempt}`}>
              {i.planId} at operation {i.seq}: {i.passed ? 'passed' : 'failed'} ({i.defectiveUnits} of {i.sampleSize} defective),{' '}
              {personName(i.recordedBy)}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Nonconformances" count={r.nonconformances.length}>
        <ul>
          {r.nonconformances.map((n) => (
            <li key={n.id}>
              <a href={`#/nonconformances/${encodeURIComponent(n.id)}`}>{n.id}</a>: {n.description} (
              {n.status === 'closed' ? `closed, ${n.disposition}` : 'open'})
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Holds" count={r.holds.length}>
        <ul>
          {r.holds.map((h) => (
            <li key={h.heldAt}>
              Held {fmtDateTime(h.heldAt)} by {personName(h.heldBy)} ({h.reason ?? h.comment ?? 'no reason'}),{' '}
              {h.releasedAt ? `released ${fmtDateTime(h.releasedAt)}` : 'still held'}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Corrections" count={r.corrections.length}>
        <ul>
          {r.corrections.map((c) => (
            <li key={c.version}>
              {personName(c.by)} corrected entry {c.corrects} on {fmtDateTime(c.at)}: {c.reason}
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Downtime during the order" count={r.downtime.length}>
        <ul>
          {r.downtime.map((d) => (
            <li key={`${d.equipmentId}${d.start}`}>
              {d.equipmentId}: {Math.round(d.seconds / 60)} min {d.reasonName ?? d.state.toLowerCase()}
            </li>
          ))}
        </ul>
      </Section>
    </Page>
  );
}

/**
 * Order history (`#/orders/<id>/history`): the order's whole audit trail, every page of it,
 * newest first (or oldest first), each entry in words with its field changes old → new.
 */
import { useState } from 'preact/hooks';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { useLive } from '../live.ts';
import { ErrorNote, Loading, Page } from '../ui.tsx';
import { HistoryEntry } from '../components/history-entry.tsx';
import { usePeople } from '../components/history-people.tsx';
import { CorrectAction, CorrectionNotes, isCorrectable, mayCorrect } from '../components/history-correction.tsx';
import { currentSession } from '../auth.ts';

export default function History({ params }: ScreenProps) {
  const id = params.id ?? '';
  const personName = usePeople();
  const [newestFirst, setNewestFirst] = useState(true);
  const history = useLive(() => api.allPages('getWorkOrderHistory', { params: { id } }), [id], { intervalMs: 10_000 });
  // Operation names and data labels, so entries read "Operation 10 started (Assemble pump)".
  const order = useLive((signal) => api.call('getWorkOrder', { params: { id }, signal }), [id], { intervalMs: 60_000 });
  const records = history.data ? (newestFirst ? [...history.data].reverse() : history.data) : undefined;
  const correcting = mayCorrect(order.data, currentSession()?.roles ?? []);
  const reload = () => {
    history.reload();
    order.reload();
  };

  return (
    <Page
      title={`History of ${id}`}
      actions={
        <a class="history-back" href={`#/orders/${encodeURIComponent(id)}`}>
          Back to order {id}
        </a>
      }
    >
      <ErrorNote error={history.error} />
      {!records ? (
        history.error ? null : (
          <Loading />
        )
      ) : records.length === 0 ? (
        <p>No entries yet.</p>
      ) : (
        <section aria-labelledby="trail-title">
          <div class="page-head">
            <h2 id="trail-title">
              Audit trail, {records.length} {records.length === 1 ? 'entry' : 'entries'}
            </h2>
            <button type="button" class="btn" aria-pressed={newestFirst} onClick={() => setNewestFirst(!newestFirst)}>
              Newest first
            </button>
          </div>
          <ol class="history-list" reversed={newestFirst}>
            {records.map((r) => (
              <HistoryEntry key={r.version} record={r} order={order.data} personName={personName}>
                <CorrectionNotes record={r} records={history.data ?? []} personName={personName} />
                {correcting && order.data && isCorrectable(r) ? (
                  <CorrectAction record={r} records={history.data ?? []} order={order.data} personName={personName} after={reload} />
                ) : null}
              </HistoryEntry>
            ))}
          </ol>
        </section>
      )}
    </Page>
  );
}

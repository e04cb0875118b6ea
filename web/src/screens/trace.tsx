/**
 * `#/trace` (`?lot=<id>` or `?serial=<id>`): the trace in one screen, phone first. Type a lot
 * or serial number (or scan its label); see where it came from (backward, down to the supplier
 * lots) and everything made from it (forward, up to every finished lot and serial), each node
 * by material name with its number, status in words, quantity, and the order and operation
 * that made or used it. Tap a node to trace from it. Quality (and an admin) may put everything
 * made from it on hold in one confirmed action: a recall (route startRecall).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { PERMISSIONS } from '../../../shared/domain/roles.ts';
import type { ScreenProps } from '../app.tsx';
import { ApiError, api } from '../api.ts';
import { currentSession, hasRole } from '../auth.ts';
import type { CallOutput } from '../contract.ts';
import { fmtDateTime, materialName } from '../plant.ts';
import { navigate, queryOf } from '../router.ts';
import { ConfirmAction, Page } from '../ui.tsx';
import { type Root, StatusTag, type TraceNode, TraceTree, useTracePages } from '../components/trace-tree.tsx';
import { type ParsedCode, ScanButton } from '../components/scan.tsx';
import { resolveScanned } from '../scanned.ts';

type Recall = CallOutput<'startRecall'>;

/** What a recall of the root would do, counted over the whole forward trace (every page). */
interface RecallPreview {
  lots: number;
  serials: number;
  alreadyHeld: number;
  shipped: number;
}

function preview(nodes: readonly TraceNode[]): RecallPreview {
  const p = { lots: 0, serials: 0, alreadyHeld: 0, shipped: 0 };
  for (const n of nodes) {
    if (n.kind === 'lot' && n.status === 'available') p.lots++;
    else if (n.kind === 'serial' && n.status === 'made') p.serials++;
    else if (n.status === 'on-hold') p.alreadyHeld++;
    else if (n.status === 'shipped') p.shipped++;
  }
  return p;
}

/** Every node of the forward trace, 1,000 a request, for the recall's count. */
async function wholeForwardTrace(root: Root): Promise<TraceNode[]> {
  const nodes: TraceNode[] = [];
  let cursor: string | undefined;
  do {
    const input = { params: { id: root.id }, query: { direction: 'forward' as const, limit: 1000, ...(cursor ? { cursor } : {}) } };
    const page = root.kind === 'lot' ? await api.call('traceLot', input) : await api.call('traceSerial', input);
    nodes.push(...page.nodes);
    cursor = page.nextCursor;
  } while (cursor);
  return nodes;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "4 lots and 40 serials" */
const holdWords = (p: RecallPreview) =>
  [p.lots ? plural(p.lots, 'lot', 'lots') : '', p.serials ? plural(p.serials, 'serial', 'serials') : ''].filter(Boolean).join(' and ') || 'nothing';

/** A recall id made here, so that sending the same recall again (after a lost connection) resumes it. */
const newRecallId = () => `RC-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${Math.random().toString(36).slice(2, 7).toUpperCase()}`;

function RecallResult({ recall }: { recall: Recall }) {
  const c = recall.counts;
  const rest = [
    c.alreadyHeld ? `${plural(c.alreadyHeld, 'was', 'were')} on hold already` : '',
    c.consumed ? `${c.consumed} used up` : '',
    c.scrapped ? `${c.scrapped} scrapped` : '',
  ].filter(Boolean);
  return (
    <div class="trace-result" role="status" data-testid="recall-result">
      <p>
        <strong>
          Recall {recall.id}: {plural(c.held, 'lot or serial', 'lots and serials')} {c.held === 1 ? 'is' : 'are'} on hold now.
        </strong>{' '}
        {rest.length ? `Of the others, ${rest.join(', ')}.` : ''} Nothing of it can be used or shipped until quality releases it.
      </p>
      {recall.shipped.length ? (
        <>
          <p>{plural(recall.shipped.length, 'had', 'had')} already left the plant. Tell the customers of these deliveries:</p>
          <ul>
            {recall.shipped.map((s) => (
              <li key={`${s.kind}:${s.id}`}>
                {materialName(s.materialId, s.materialName)}, {s.kind === 'lot' ? 'lot' : 'serial'} {s.id}:{' '}
                {s.shipments
                  .map(
                    (x) =>
                      `${s.uom ? formatQuantity(x.quantity, s.uom) : `${x.quantity} unit${x.quantity === 1 ? '' : 's'}`} ${x.reference ? `on ${x.reference}` : '(no delivery reference)'}, ${fmtDateTime(x.at)}`,
                  )
                  .join('; ')}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>None of it had left the plant.</p>
      )}
    </div>
  );
}

function RecallAction({ root, reloadKey, after }: { root: Root; reloadKey: number; after: (recall: Recall) => void }) {
  const [count, setCount] = useState<RecallPreview | undefined>();
  const [error, setError] = useState<string | undefined>();
  const recallId = useRef(newRecallId());
  useEffect(() => {
    let stopped = false;
    setCount(undefined);
    setError(undefined);
    recallId.current = newRecallId();
    wholeForwardTrace(root).then(
      (nodes) => !stopped && setCount(preview(nodes)),
      (e: Error) => !stopped && setError(e.message),
    );
    return () => {
      stopped = true;
    };
  }, [root.kind, root.id, reloadKey]);
  if (error) return <p class="error">Could not count what a recall would hold: {error}</p>;
  if (!count) return <p class="muted">Counting what a recall would put on hold…</p>;
  const nothing = count.lots + count.serials === 0;
  return (
    <div class="trace-recall">
      <ConfirmAction
        label="Put everything made from this on hold"
        title="Recall: put everything made from this on hold"
        kind="danger"
        question={
          nothing
            ? `Nothing made from ${root.kind} ${root.id} can be held now (all of it is on hold, used up, scrapped or shipped). The recall still records it and lists what was shipped.`
            : `This puts ${holdWords(count)} on hold: ${root.kind} ${root.id} and everything made from it that is not on hold, used up, scrapped or shipped yet.` +
              (count.alreadyHeld
                ? ` ${plural(count.alreadyHeld, 'is', 'are')} on hold already and stay${count.alreadyHeld === 1 ? 's' : ''} so.`
                : '') +
              (count.shipped
                ? ` ${plural(count.shipped, 'has', 'have')} been shipped: the recall lists ${count.shipped === 1 ? 'it' : 'them'} so the customers can be told.`
                : '')
        }
        fields={[{ name: 'reason', label: 'Why (the hold reason everyone will see)', type: 'text', required: true }]}
        run={async (values) => {
          const body = { reason: values.reason ?? '', id: recallId.current, ...(root.kind === 'lot' ? { lotId: root.id } : { serialId: root.id }) };
          let recall = await api.call('startRecall', { body });
          // A very large trace takes more than one request: the same request goes on where it stopped.
          for (let i = 0; recall.status === 'in-progress' && i < 50; i++) recall = await api.call('startRecall', { body });
          // A later recall of the same node is a new one.
          recallId.current = newRecallId();
          after(recall);
        }}
      />
    </div>
  );
}

function RootCard({ node }: { node: TraceNode }) {
  return (
    <section class="card trace-root" aria-labelledby="trace-root-title" data-testid="trace-root">
      <h2 id="trace-root-title">{materialName(node.materialId ?? '', node.materialName)}</h2>
      <p class="trace-number">
        {node.kind === 'lot' ? 'Lot' : 'Serial'} {node.id}
      </p>
      <p class="trace-facts">
        <StatusTag status={node.status} />
        <span>{node.kind === 'serial' ? '1 unit' : `${formatQuantity(node.quantity ?? 0, node.uom)} left`}</span>
      </p>
      {node.holdReason ? <p>Why on hold: {node.holdReason}</p> : null}
      {node.supplierId ? (
        <p>
          From supplier {node.supplierId}
          {node.supplierLot ? `, their lot ${node.supplierLot}` : ''}
        </p>
      ) : null}
      {node.workOrderId ? (
        <p>
          Made by order <a href={`#/orders/${encodeURIComponent(node.workOrderId)}`}>{node.workOrderId}</a>
          {node.seq !== undefined ? `, operation ${node.seq}` : ''}
        </p>
      ) : null}
      <p>
        <a href={`#/${node.kind === 'lot' ? 'lots' : 'serials'}/${encodeURIComponent(node.id)}`}>
          {node.kind === 'lot' ? 'Its page and label' : 'How it was made, and its label'}
        </a>
      </p>
    </section>
  );
}

export default function Trace({ path }: ScreenProps) {
  const query = queryOf(path);
  const root: Root | undefined = query.get('serial')
    ? { kind: 'serial', id: query.get('serial') ?? '' }
    : query.get('lot')
      ? { kind: 'lot', id: query.get('lot') ?? '' }
      : undefined;
  const [kind, setKind] = useState<Root['kind']>(root?.kind ?? 'lot');
  const [text, setText] = useState(root?.id ?? '');
  const [reloadKey, setReloadKey] = useState(0);
  const [recall, setRecall] = useState<Recall | undefined>();
  const [scanNote, setScanNote] = useState<string | undefined>();
  useEffect(() => {
    if (root) {
      setKind(root.kind);
      setText(root.id);
    }
    setRecall(undefined);
  }, [root?.kind, root?.id]);
  const forward = useTracePages(root, 'forward', reloadKey);
  const backward = useTracePages(root, 'backward', reloadKey);
  const top = forward.nodes.find((n) => n.level === 0) ?? backward.nodes.find((n) => n.level === 0);
  const mayRecall = hasRole(currentSession(), PERMISSIONS.recall);

  /** Traces a number, typed or scanned. */
  const go = (k: Root['kind'], id: string) => {
    const trimmed = id.trim();
    if (trimmed) navigate(`/trace?${k}=${encodeURIComponent(trimmed)}`);
  };
  /** Traces what a scanned label names here (ours by number, a bare number as a lot then a serial, a supplier's label as the lots received with it). */
  const traceScanned = async (code: ParsedCode) => {
    setScanNote(undefined);
    try {
      const items = await resolveScanned(code);
      const first = items[0];
      if (!first) setScanNote(`No lot or serial ${code.id} in this plant. Check the label, or type the number.`);
      else {
        if (items.length > 1)
          setScanNote(`Supplier lot ${code.id} was received as ${items.length} lots here: tracing ${first.id}. Trace the others from their numbers.`);
        go(first.kind, first.id);
      }
    } catch (error) {
      setScanNote(error instanceof ApiError ? error.plain : (error as Error).message);
    }
  };
  const label = kind === 'lot' ? 'Lot number' : 'Serial number';
  return (
    <Page title="Trace">
      <form
        class="trace-form"
        onSubmit={(e) => {
          e.preventDefault();
          go(kind, text);
        }}
      >
        <fieldset class="trace-kind">
          <legend>What to trace</legend>
          {(['lot', 'serial'] as const).map((k) => (
            <label key={k} class="trace-kind-option">
              <input type="radio" name="trace-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {k === 'lot' ? 'A lot' : 'A serial number'}
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="trace-number">{label}</label>
          <div class="trace-input-row">
            <input
              id="trace-number"
              type="text"
              autoComplete="off"
              autoCapitalize="characters"
              spellcheck={false}
              value={text}
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
            />
          </div>
        </div>
        <button type="submit" class="btn btn-primary">
          Trace
        </button>
        <ScanButton label="Scan a label" onCode={(code) => void traceScanned(code)} />
        {scanNote ? (
          <p class="warning" role="status">
            {scanNote}
          </p>
        ) : null}
      </form>

      {!root ? (
        <p class="muted">Type a lot or serial number to see where it came from and everything made from it.</p>
      ) : (
        <>
          {top ? (
            <RootCard node={top} />
          ) : forward.error ? (
            <p class="error" role="alert">
              {forward.error instanceof ApiError && forward.error.status === 404
                ? `There is no ${root.kind === 'lot' ? 'lot' : 'serial number'} ${root.id} in this plant. Check the number (and whether it is a lot or a serial) and try again.`
                : forward.error instanceof ApiError
                  ? forward.error.plain
                  : forward.error.message}
            </p>
          ) : null}
          {recall ? <RecallResult recall={recall} /> : null}
          {top && mayRecall ? (
            <RecallAction
              root={root}
              reloadKey={reloadKey}
              after={(r) => {
                setRecall(r);
                setReloadKey((k) => k + 1);
              }}
            />
          ) : null}
          {top ? (
            <>
              <TraceTree pages={backward} direction="backward" title="Where it came from" />
              <TraceTree pages={forward} direction="forward" title="What was made from it" />
            </>
          ) : null}
        </>
      )}
    </Page>
  );
}

/**
 * One direction of a trace as a tree (the trace screen, screens/trace.tsx): backward to the
 * supplier lots, or forward to every lot and serial made from the root. The API pages the
 * trace by nodes in walk order (level by level); this follows the cursor on "Show more" and
 * hangs each node under the node it was first reached from (a node reached twice, a diamond,
 * shows once and names its other sources). Each node says its material by name, its number,
 * its status in words with a symbol (never colour alone), what is left, and the order and
 * operation that made or consumed it; a level's children fold away. Tapping a node traces it.
 */
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { useEffect, useState } from 'preact/hooks';
import type { CallOutput } from '../contract.ts';
import { api } from '../api.ts';
import { fmtDateTime, materialName } from '../plant.ts';
import { Button, ErrorNote, Loading } from '../ui.tsx';

export type Trace = CallOutput<'traceLot'>;
export type TraceNode = Trace['nodes'][number];
export type TraceEdge = Trace['edges'][number];
export type Direction = 'backward' | 'forward';
export interface Root {
  kind: 'lot' | 'serial';
  id: string;
}

/** Nodes a page asks for: a phone shows this many before "Show more". */
export const TRACE_PAGE = 50;

const key = (n: { kind: string; id: string }) => `${n.kind}:${n.id}`;

/** A status in plain words, with a symbol that says it without colour. */
export const STATUS: Record<string, { words: string; symbol: string; cls: string }> = {
  available: { words: 'Available', symbol: '✓', cls: 'ok' },
  made: { words: 'Available', symbol: '✓', cls: 'ok' },
  'on-hold': { words: 'On hold', symbol: '‖', cls: 'hold' },
  consumed: { words: 'Consumed', symbol: '●', cls: 'gone' },
  scrapped: { words: 'Scrapped', symbol: '✕', cls: 'scrap' },
  shipped: { words: 'Shipped', symbol: '➜', cls: 'shipped' },
};

export function StatusTag({ status }: { status: string | undefined }) {
  const s = STATUS[status ?? ''] ?? { words: status ?? 'Unknown', symbol: '?', cls: 'gone' };
  return (
    <span class={`trace-status trace-${s.cls}`}>
      <span aria-hidden="true">{s.symbol}</span> {s.words}
    </span>
  );
}

/** 40 kg, 1 unit: the quantity left with its unit. */
function quantityWords(node: TraceNode) {
  if (node.kind === 'serial') return '1 unit';
  if (node.quantity === undefined) return '';
  return `${formatQuantity(node.quantity ?? 0, node.uom)} left`;
}

const opWords = (workOrderId: string | undefined, seq: number | undefined) =>
  workOrderId ? `order ${workOrderId}${seq !== undefined ? `, operation ${seq}` : ''}` : undefined;

/** Every page loaded so far of one direction's trace, and how to load the next. */
export function useTracePages(root: Root | undefined, direction: Direction, reloadKey: number) {
  const [state, setState] = useState<{ nodes: TraceNode[]; edges: TraceEdge[]; next?: string | undefined; error?: Error; loading: boolean }>({
    nodes: [],
    edges: [],
    loading: true,
  });
  const load = async (cursor: string | undefined, append: boolean, signal?: AbortSignal) => {
    if (!root) return;
    setState((s) => ({ ...s, loading: true }));
    try {
      const input = {
        params: { id: root.id },
        query: { direction, limit: TRACE_PAGE, ...(cursor ? { cursor } : {}) },
        ...(signal ? { signal } : {}),
      };
      const page = root.kind === 'lot' ? await api.call('traceLot', input) : await api.call('traceSerial', input);
      setState((s) => ({
        nodes: append ? [...s.nodes, ...page.nodes] : page.nodes,
        edges: append ? [...s.edges, ...page.edges] : page.edges,
        next: page.nextCursor,
        loading: false,
      }));
    } catch (error) {
      if ((error as Error).name === 'AbortError') return;
      setState((s) => ({ ...s, error: error as Error, loading: false }));
    }
  };
  useEffect(() => {
    const controller = new AbortController();
    setState({ nodes: [], edges: [], loading: true });
    void load(undefined, false, controller.signal);
    return () => controller.abort();
  }, [root?.kind, root?.id, direction, reloadKey]);
  return { ...state, more: () => load(state.next, true) };
}

interface TreeIndex {
  /** Children of a node (its first reached ones), in walk order. */
  children: Map<string, TraceNode[]>;
  /** The edge a node hangs under its parent by. */
  via: Map<string, TraceEdge>;
  /** Other nodes it was also reached from (a diamond). */
  alsoFrom: Map<string, string[]>;
}

function index(nodes: readonly TraceNode[], edges: readonly TraceEdge[], direction: Direction): TreeIndex {
  const levelOf = new Map(nodes.map((n) => [key(n), n.level]));
  const byKey = new Map(nodes.map((n) => [key(n), n]));
  const children = new Map<string, TraceNode[]>();
  const via = new Map<string, TraceEdge>();
  const alsoFrom = new Map<string, string[]>();
  for (const e of edges) {
    const [parent, child] = direction === 'forward' ? [e.from, e.to] : [e.to, e.from];
    const c = byKey.get(key(child));
    if (!c || levelOf.get(key(parent)) !== c.level - 1) continue;
    if (via.has(key(c))) {
      alsoFrom.set(key(c), [...(alsoFrom.get(key(c)) ?? []), parent.id]);
      continue;
    }
    via.set(key(c), e);
    children.set(key(parent), [...(children.get(key(parent)) ?? []), c]);
  }
  return { children, via, alsoFrom };
}

const refWords = (n: { kind: string; id: string }) => `${n.kind === 'lot' ? 'lot' : 'serial'} ${n.id}`;

/** How a node hangs under its parent, said from the node: "Made with 30 KGM of lot R-1A at order WO-10, operation 10, Dec 3, 08:00". */
function edgeWords(edge: TraceEdge, direction: Direction): string {
  const parent = refWords(direction === 'forward' ? edge.from : edge.to);
  const amount = formatQuantity(edge.quantity, edge.uom);
  const when = fmtDateTime(edge.at);
  if (edge.via === 'consume') {
    const at = opWords(edge.workOrderId, edge.seq);
    const where = at ? ` at ${at}` : '';
    return direction === 'forward' ? `Made with ${amount} of ${parent}${where}, ${when}` : `${amount} went into ${parent}${where}, ${when}`;
  }
  if (edge.via === 'split')
    return direction === 'forward' ? `Split off ${parent}: ${amount}, ${when}` : `${amount} split off into ${parent}, ${when}`;
  return direction === 'forward' ? `Merged into it from ${parent}: ${amount}, ${when}` : `${amount} merged into ${parent}, ${when}`;
}

function NodeRow({
  node,
  edge,
  direction,
  alsoFrom,
}: {
  node: TraceNode;
  edge: TraceEdge | undefined;
  direction: Direction;
  alsoFrom?: string[] | undefined;
}) {
  const made = opWords(node.workOrderId, node.seq);
  const href = `#/trace?${node.kind}=${encodeURIComponent(node.id)}`;
  const name = materialName(node.materialId ?? '', node.materialName) || node.id;
  return (
    <div class="trace-node" data-testid={`node-${node.id}`}>
      <a class="trace-node-link" href={href}>
        <span class="trace-name">{name}</span>
        <span class="trace-number">
          {node.kind === 'lot' ? 'Lot' : 'Serial'} {node.id}
        </span>
      </a>
      <div class="trace-facts">
        <StatusTag status={node.status} />
        <span>{quantityWords(node)}</span>
        {node.holdReason ? <span class="trace-reason">Why on hold: {node.holdReason}</span> : null}
      </div>
      {made || edge || node.supplierId ? (
        <ul class="trace-where">
          {node.supplierId ? (
            <li>
              From supplier {node.supplierId}
              {node.supplierLot ? `, their lot ${node.supplierLot}` : ''}
            </li>
          ) : null}
          {made ? <li>Made by {made}</li> : null}
          {edge ? <li>{edgeWords(edge, direction)}</li> : null}
          {alsoFrom?.length ? (
            <li>
              Also {direction === 'forward' ? 'made from' : 'went into'} {alsoFrom.join(', ')}
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}

/** A tree of at most this many nodes opens whole; a larger one opens its first two levels. */
const OPEN_WHOLE = 30;

function Branch({ node, tree, direction, depth, small }: { node: TraceNode; tree: TreeIndex; direction: Direction; depth: number; small: boolean }) {
  const kids = tree.children.get(key(node)) ?? [];
  // Deep levels of a big tree start folded so it opens readable; every level unfolds with one tap.
  const [open, setOpen] = useState(small || depth < 2);
  const listId = `kids-${direction}-${node.kind}-${node.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <li>
      <NodeRow node={node} edge={tree.via.get(key(node))} direction={direction} alsoFrom={tree.alsoFrom.get(key(node))} />
      {kids.length ? (
        <>
          <button type="button" class="btn trace-fold" aria-expanded={open} aria-controls={listId} onClick={() => setOpen(!open)}>
            <span aria-hidden="true">{open ? '▾' : '▸'}</span> {open ? 'Hide' : 'Show'} the {kids.length}{' '}
            {direction === 'forward' ? 'made from it' : 'it came from'}
          </button>
          {open ? (
            <ul class="trace-tree" id={listId}>
              {kids.map((k) => (
                <Branch key={key(k)} node={k} tree={tree} direction={direction} depth={depth + 1} small={small} />
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </li>
  );
}

export type TracePages = ReturnType<typeof useTracePages>;

export function TraceTree({ pages, direction, title }: { pages: TracePages; direction: Direction; title: string }) {
  const top = pages.nodes.find((n) => n.level === 0);
  const tree = index(pages.nodes, pages.edges, direction);
  const headingId = `trace-${direction}-title`;
  const others = pages.nodes.length - 1;
  return (
    <section class="trace-section" aria-labelledby={headingId} data-testid={`trace-${direction}`}>
      <h2 id={headingId}>{title}</h2>
      <ErrorNote error={pages.error} />
      {!top ? (
        pages.loading ? (
          <Loading />
        ) : null
      ) : others === 0 && !pages.next ? (
        <p class="muted">{direction === 'forward' ? 'Nothing has been made from it yet.' : 'It came from no other lot: it was received as it is.'}</p>
      ) : (
        <>
          <p class="muted">
            {others} {others === 1 ? 'lot or serial' : 'lots and serials'} {pages.next ? 'so far' : 'in all'}
          </p>
          <ul class="trace-tree trace-top">
            {(tree.children.get(key(top)) ?? []).map((k) => (
              <Branch key={key(k)} node={k} tree={tree} direction={direction} depth={1} small={pages.nodes.length <= OPEN_WHOLE && !pages.next} />
            ))}
          </ul>
          {pages.next ? (
            <Button onClick={() => void pages.more()} disabled={pages.loading}>
              {pages.loading ? 'Loading…' : 'Show more'}
            </Button>
          ) : null}
        </>
      )}
    </section>
  );
}

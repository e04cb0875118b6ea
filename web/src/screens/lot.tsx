/**
 * `#/lots/<id>` and `#/serials/<id>`: one lot or serial, what it is and where it came from, its
 * label (GS1 DataMatrix, components/label.tsx) with a Print button, and a scanner to open the
 * next label's lot or serial. One date format on this screen: the plant's date, YYYY-MM-DD, as
 * the label prints it.
 *
 * A serial is read from its trace's first node (route traceSerial, level 0) until the serial's own
 * route (issue 14, coming) is there: the node has its status, material, order and operation and lot.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { parseScannedCode } from '../../../shared/domain/tracking/gs1.ts';
import type { ScreenProps } from '../app.tsx';
import { ApiError, api } from '../api.ts';
import { type LabelFacts, ItemLabel, plantDate } from '../components/label.tsx';
import { type ParsedCode, ScanButton } from '../components/scan.tsx';
import { useLive } from '../live.ts';
import { resolveScanned, type ScannedItem } from '../scanned.ts';
import { materialName } from '../plant.ts';
import { navigate } from '../router.ts';
import { Button, ErrorNote, Loading, Page, StateBadge } from '../ui.tsx';

const enc = encodeURIComponent;
/** `on-hold` → `ON_HOLD`: the badge's class (state-on-hold) and words ("On hold"). */
const badgeState = (status: string) => status.replace(/-/g, '_').toUpperCase();

const pathOf = (item: ScannedItem) => `/${item.kind === 'lot' ? 'lots' : 'serials'}/${enc(item.id)}`;

/** The material's GTIN for the label; none when the material cannot be read (the label then says it is not GS1). */
async function gtinOf(materialId: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    return (await api.call('getMaterial', { params: { id: materialId }, signal })).gtin;
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    return undefined;
  }
}

function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return <dl class="kv">{rows.map(([term, value]) => [<dt key={`${term}-t`}>{term}</dt>, <dd key={`${term}-d`}>{value}</dd>])}</dl>;
}

const orderLink = (workOrderId: string | undefined, seq: number | undefined) =>
  workOrderId ? (
    <>
      <a href={`#/orders/${enc(workOrderId)}`}>Order {workOrderId}</a>
      {seq !== undefined ? `, operation ${seq}` : ''}
    </>
  ) : null;

/** Scans a label and opens its lot or serial; says so when this plant has none, offers each when several (a supplier lot split here). */
function Scanner() {
  const [typed, setTyped] = useState('');
  const [result, setResult] = useState<{ code: ParsedCode; items: ScannedItem[] } | { error: Error } | undefined>();
  const open = async (code: ParsedCode) => {
    setResult(undefined);
    try {
      const items = await resolveScanned(code);
      if (items.length === 1 && items[0]) {
        setTyped('');
        navigate(pathOf(items[0]));
      } else setResult({ code, items });
    } catch (error) {
      setResult({ error: error as Error });
    }
  };
  return (
    <section class="scan-block" aria-labelledby="scan-title">
      <h2 id="scan-title">Open another label</h2>
      <ScanButton onCode={(code) => void open(code)} />
      <form
        class="scan-typed"
        onSubmit={(e) => {
          e.preventDefault();
          const code = parseScannedCode(typed);
          if (code) void open(code);
          else setResult({ error: new Error(`"${typed.trim()}" is not a lot or serial number: letters, digits, dot, dash or underscore.`) });
        }}
      >
        <label for="typed-number">Or type the lot or serial number</label>
        <input
          id="typed-number"
          type="text"
          autoComplete="off"
          autoCapitalize="characters"
          value={typed}
          onInput={(e) => setTyped((e.target as HTMLInputElement).value)}
        />
        <Button type="submit" disabled={typed.trim() === ''}>
          Open
        </Button>
      </form>
      {result && 'error' in result ? <ErrorNote error={result.error} /> : null}
      {result && 'items' in result && result.items.length === 0 ? (
        <p class="error" role="alert" data-testid="scan-not-found">
          No lot or serial {result.code.id} in this plant. Check the label, or type the number.
        </p>
      ) : null}
      {result && 'items' in result && result.items.length > 1 ? (
        <div role="status">
          <p>
            {result.items.length} lots here came from supplier lot {result.code.id}:
          </p>
          <ul class="scan-choices">
            {result.items.map((item) => (
              <li key={item.id}>
                <a href={`#${pathOf(item)}`}>Lot {item.id}</a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

export default function Lot({ params }: ScreenProps) {
  const id = params.id ?? '';
  const lot = useLive(
    async (signal) => {
      const found = await api.call('getLot', { params: { id }, signal });
      return { lot: found, gtin: await gtinOf(found.materialId, signal) };
    },
    [id],
    { intervalMs: 30_000 },
  );
  const data = lot.data?.lot.id === id ? lot.data : undefined;
  const facts: LabelFacts | undefined = data && {
    kind: 'lot',
    id: data.lot.id,
    materialName: materialName(data.lot.materialId, data.lot.materialName),
    gtin: data.gtin,
    expiresAt: data.lot.expiresAt,
    quantity: data.lot.quantity,
    uom: data.lot.uom,
  };
  return (
    <Page title={`Lot ${id}`}>
      <ErrorNote error={lot.error} />
      {!data || !facts ? (
        lot.error ? null : (
          <Loading />
        )
      ) : (
        <>
          <Facts
            rows={[
              [
                'Material',
                <>
                  {facts.materialName} <span class="muted code">{data.lot.materialId}</span>
                </>,
              ],
              ['Status', <StateBadge key="status" state={badgeState(data.lot.status)} />],
              ['Left', `${formatQuantity(data.lot.quantity, data.lot.uom)} of ${formatQuantity(data.lot.initialQuantity, data.lot.uom)}`],
              ...(data.lot.holdReason && data.lot.status === 'on-hold' ? [['On hold because', data.lot.holdReason] as [string, string]] : []),
              ...(data.lot.supplierId || data.lot.supplierLot
                ? [
                    ['Supplier', [data.lot.supplierId, data.lot.supplierLot && `lot ${data.lot.supplierLot}`].filter(Boolean).join(', ')] as [
                      string,
                      string,
                    ],
                  ]
                : []),
              ...(data.lot.workOrderId ? [['Made by', orderLink(data.lot.workOrderId, data.lot.seq)] as [string, ComponentChildren]] : []),
              [data.lot.origin === 'produced' ? 'Made' : 'Received', plantDate(data.lot.createdAt)],
              ['Expires', data.lot.expiresAt ? plantDate(data.lot.expiresAt) : 'Does not expire'],
            ]}
          />
          <ItemLabel facts={facts} />
        </>
      )}
      <Scanner />
    </Page>
  );
}

export function Serial({ params }: ScreenProps) {
  const id = params.id ?? '';
  const serial = useLive(
    async (signal) => {
      const trace = await api.call('traceSerial', { params: { id }, query: { direction: 'backward', limit: 1 }, signal });
      const node = trace.nodes.find((n) => n.level === 0);
      if (!node?.found || !node.materialId) throw new ApiError(404, 'Not Found', `serial number ${id}`);
      return { node, gtin: await gtinOf(node.materialId, signal) };
    },
    [id],
    { intervalMs: 30_000 },
  );
  const data = serial.data?.node.id === id ? serial.data : undefined;
  const node = data?.node;
  const facts: LabelFacts | undefined = node && {
    kind: 'serial',
    id: node.id,
    materialName: materialName(node.materialId ?? '', node.materialName),
    gtin: data?.gtin,
    lot: node.lotId,
    expiresAt: node.expiresAt,
    quantity: 1,
    uom: node.uom ?? 'C62',
  };
  return (
    <Page title={`Serial ${id}`}>
      <ErrorNote error={serial.error} />
      {!node || !facts ? (
        serial.error ? null : (
          <Loading />
        )
      ) : (
        <>
          <Facts
            rows={[
              [
                'Material',
                <>
                  {facts.materialName} <span class="muted code">{node.materialId}</span>
                </>,
              ],
              ['Status', <StateBadge key="status" state={badgeState(node.status ?? 'unknown')} />],
              ...(node.holdReason && node.status === 'on-hold' ? [['On hold because', node.holdReason] as [string, string]] : []),
              ...(node.workOrderId ? [['Made by', orderLink(node.workOrderId, node.seq)] as [string, ComponentChildren]] : []),
              ...(node.lotId ? [['Lot', <a href={`#/lots/${enc(node.lotId)}`}>{node.lotId}</a>] as [string, ComponentChildren]] : []),
              ...(node.expiresAt ? [['Expires', plantDate(node.expiresAt)] as [string, string]] : []),
            ]}
          />
          <ItemLabel facts={facts} />
        </>
      )}
      <Scanner />
    </Page>
  );
}

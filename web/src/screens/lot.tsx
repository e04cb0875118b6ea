/**
 * `#/lots/<id>` and `#/serials/<id>`: one lot or serial, what it is and where it came from, its
 * label (GS1 DataMatrix, components/label.tsx) with a Print button, and a scanner to open the
 * next label's lot or serial. Dates and times on the screen as on every other (the plant's zone);
 * the printed label keeps GS1's YYYY-MM-DD.
 *
 * A serial's page is its record (route getSerial): what it is, who made it when, its label,
 * and how it was made, operation by operation.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { parseScannedCode } from '../../../shared/domain/tracking/gs1.ts';
import { ReportProblem } from '../quality/report-problem.tsx';
import type { ScreenProps } from '../app.tsx';
import { api } from '../api.ts';
import { currentSession } from '../auth.ts';
import { SignDialog } from '../components/sign-dialog.tsx';
import { SignatureList } from '../components/signature-list.tsx';
import { PERMISSIONS } from '../../../shared/domain/roles.ts';
import { type LabelFacts, ItemLabel } from '../components/label.tsx';
import { type ParsedCode, ScanButton } from '../components/scan.tsx';
import { useLive } from '../live.ts';
import { resolveScanned, type ScannedItem } from '../scanned.ts';
import { fmtDate, fmtDateTime, materialName, personName } from '../plant.ts';
import type { CallOutput } from '../contract.ts';
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
      const [found, signatures] = await Promise.all([
        api.call('getLot', { params: { id }, signal }),
        api.call('listLotSignatures', { params: { id }, signal }),
      ]);
      return { lot: found, signatures, gtin: await gtinOf(found.materialId, signal) };
    },
    [id],
    { intervalMs: 30_000 },
  );
  const data = lot.data?.lot.id === id ? lot.data : undefined;
  const mayRelease = (currentSession()?.roles ?? []).some((r) => (PERMISSIONS.releaseLot as readonly string[]).includes(r));
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
              [data.lot.origin === 'produced' ? 'Made' : 'Received', fmtDate(data.lot.createdAt)],
              ['Expires', data.lot.expiresAt ? fmtDate(data.lot.expiresAt) : 'Does not expire'],
            ]}
          />
          {data.lot.status === 'on-hold' && mayRelease ? (
            <div class="actions">
              {/* Releasing a held lot is signed (issue 16): the signature that completes the plant's policy releases it. */}
              <SignDialog
                label="Sign: release this lot"
                summary={`release lot ${data.lot.id}, ${formatQuantity(data.lot.quantity, data.lot.uom)} of ${facts.materialName}${data.lot.holdReason ? `, held because: ${data.lot.holdReason}` : ''}`}
                effect="When your signature is the last one needed, signing releases the lot for use."
                meanings={data.signatures.required.missing.map((m) => m.meaning)}
                sign={async (body) => {
                  await api.call('signLot', { params: { id: data.lot.id }, body });
                }}
                after={() => void lot.reload()}
              />
            </div>
          ) : null}
          {data.signatures.signatures.length || data.lot.status === 'on-hold' ? <SignatureList data={data.signatures} /> : null}
          <p>
            <ReportProblem about={{ lotId: data.lot.id }} what={`lot ${data.lot.id} (${facts.materialName})`} uom={data.lot.uom} />
          </p>
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
      const record = await api.call('getSerial', { params: { id }, signal });
      return { record, gtin: await gtinOf(record.serial.materialId, signal) };
    },
    [id],
    { intervalMs: 30_000 },
  );
  const data = serial.data?.record.serial.id === id ? serial.data : undefined;
  const record = data?.record;
  const unit = record?.serial;
  const facts: LabelFacts | undefined = unit && {
    kind: 'serial',
    id: unit.id,
    materialName: materialName(unit.materialId, unit.materialName),
    gtin: data?.gtin,
    lot: unit.lotId,
    quantity: 1,
    uom: 'C62',
  };
  return (
    <Page title={`Serial ${id}`}>
      <ErrorNote error={serial.error} />
      {!record || !unit || !facts ? (
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
                  {facts.materialName} <span class="muted code">{unit.materialId}</span>
                </>,
              ],
              ['Status', <StateBadge key="status" state={badgeState(unit.status)} />],
              ...(unit.holdReason && unit.status === 'on-hold' ? [['On hold because', unit.holdReason] as [string, string]] : []),
              ['Made by', orderLink(unit.workOrderId, unit.seq)],
              ['Made', `${fmtDateTime(unit.madeAt)} by ${personName(unit.madeBy)}`],
              ...(unit.lotId ? [['Lot', <a href={`#/lots/${enc(unit.lotId)}`}>{unit.lotId}</a>] as [string, ComponentChildren]] : []),
            ]}
          />
          <p>
            <a class="btn" href={`#/trace?serial=${enc(unit.id)}`}>
              Trace this unit
            </a>{' '}
            <ReportProblem about={{ serialId: unit.id }} what={`serial ${unit.id} (${facts.materialName})`} />
          </p>
          <ItemLabel facts={facts} />
          <DeviceHistory record={record} />
        </>
      )}
      <Scanner />
    </Page>
  );
}

/**
 * The unit's history, operation by operation: who did it and when, what was recorded, what the
 * machines counted and measured while it ran, and the lots and serials that went into this unit
 * there (the serial's record, route getSerial: the basis of its device history record).
 */
function DeviceHistory({ record }: { record: CallOutput<'getSerial'> }) {
  return (
    <section aria-labelledby="history-title" data-testid="serial-history">
      <h2 id="history-title">How it was made</h2>
      <ol class="serial-ops">
        {record.operations.map((op) => (
          <li key={op.seq} class="card">
            <h3 class="subhead">
              Operation {op.seq}: {op.name}
            </h3>
            <p class="muted">
              {op.startedAt ? `Started ${fmtDateTime(op.startedAt)} by ${personName(op.startedBy)}` : 'Not started'}
              {op.completedAt ? ` · completed ${fmtDateTime(op.completedAt)} by ${personName(op.completedBy)}` : ''}
            </p>
            {op.components.length ? (
              <>
                <h4 class="subhead">Went into this unit</h4>
                <ul>
                  {op.components.map((c) => (
                    <li key={`${c.node.kind}:${c.node.id}`}>
                      {materialName(c.materialId ?? '', c.materialName)}: {c.node.kind === 'lot' ? 'lot' : 'serial'}{' '}
                      <a href={`#/${c.node.kind === 'lot' ? 'lots' : 'serials'}/${enc(c.node.id)}`}>{c.node.id}</a>
                      {c.supplierLot ? ` (supplier lot ${c.supplierLot})` : ''} · {formatQuantity(c.quantity, c.uom)}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {Object.keys(op.recordedData).length ? (
              <>
                <h4 class="subhead">Recorded</h4>
                <ul>
                  {Object.entries(op.recordedData).map(([name, v]) => (
                    <li key={name}>
                      {op.dataLabels[name] ?? name}: <strong>{typeof v.value === 'boolean' ? (v.value ? 'yes' : 'no') : String(v.value)}</strong>
                      {v.unit ? ` ${v.unit}` : ''}
                      {v.outOfLimits ? <strong class="error"> out of limits</strong> : null}
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {op.machine && (op.machine.machineGoodQty || op.machine.machineRejectQty || Object.keys(op.machine.process).length) ? (
              <>
                <h4 class="subhead">Machine data while it ran</h4>
                <ul>
                  <li>
                    Counted {op.machine.machineGoodQty} good, {op.machine.machineRejectQty} rejected
                  </li>
                  {Object.entries(op.machine.process).map(([name, p]) => (
                    <li key={name}>
                      {name}: mean {p.mean ?? '–'}, from {p.min ?? '–'} to {p.max ?? '–'} ({p.count} readings
                      {p.outOfLimits ? `, ${p.outOfLimits} out of limits` : ''})
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

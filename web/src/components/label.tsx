/**
 * The label of a lot or serial (issue 14): a GS1 DataMatrix with (01) GTIN, (17) expiry, (10) lot
 * and (21) serial, and the same in words for people: material name, GTIN, lot or serial number,
 * expiry, quantity and unit. 100 x 50 mm when printed (styles-labels.css, @page label).
 * A number GS1 cannot carry (over 20 characters, or no GTIN on the material) gets a plain
 * DataMatrix of the number alone, and the screen says why, so nobody prints a label that looks
 * GS1 and is not.
 * The symbol is drawn in the browser by bwip-js, loaded on first use (label-symbol.ts): no
 * server round trip, nothing added to the API functions, and the app's first load unchanged.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatQuantity } from '../../../shared/domain/master-data/units.ts';
import { gs1ElementString, toGtin14 } from '../../../shared/domain/tracking/gs1.ts';
import { plantTimeZone } from '../plant.ts';
import { Button } from '../ui.tsx';

export interface LabelFacts {
  kind: 'lot' | 'serial';
  /** The lot or serial number. */
  id: string;
  materialName: string;
  /** The material's GTIN, when it has one. */
  gtin?: string | undefined;
  /** A serial's lot, when the material is lot tracked too. */
  lot?: string | undefined;
  /** ISO date-time; printed as the plant's date. */
  expiresAt?: string | undefined;
  /** What is left of a lot; 1 for a serial. */
  quantity?: number | undefined;
  uom?: string | undefined;
}

/** An ISO date-time as the plant's calendar date, YYYY-MM-DD (the GS1 expiry is a date, not an instant). */
export function plantDate(iso: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    ...(plantTimeZone() ? { timeZone: plantTimeZone() } : {}),
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The label's content and symbol; `undefined` src while bwip-js loads. */
function useLabel(facts: LabelFacts) {
  const expiry = facts.expiresAt ? plantDate(facts.expiresAt) : undefined;
  const encoding = gs1ElementString({
    gtin: facts.gtin,
    lot: facts.kind === 'lot' ? facts.id : facts.lot,
    serial: facts.kind === 'serial' ? facts.id : undefined,
    expiry,
  });
  const spec = encoding.ok ? { gs1: encoding.hri } : { plain: facts.id };
  const key = JSON.stringify(spec);
  const [symbol, setSymbol] = useState<{ key: string; src?: string; error?: string }>({ key });
  useEffect(() => {
    let stale = false;
    import('../label-symbol.ts')
      .then(({ symbolDataUrl }) => !stale && setSymbol({ key, src: symbolDataUrl(spec) }))
      .catch((error: Error) => !stale && setSymbol({ key, error: error.message }));
    return () => {
      stale = true;
    };
  }, [key]);
  return { encoding, expiry, symbol: symbol.key === key ? symbol : { key } };
}

/** Prints the label alone: a copy of it as the page's only content, on a 100 x 50 mm page. */
function printLabel(label: HTMLElement | null) {
  if (!label) return;
  const sheet = label.cloneNode(true) as HTMLElement;
  sheet.classList.add('print-sheet');
  sheet.removeAttribute('data-testid');
  document.body.append(sheet);
  document.documentElement.classList.add('printing-label');
  const done = () => {
    sheet.remove();
    document.documentElement.classList.remove('printing-label');
  };
  addEventListener('afterprint', done, { once: true });
  window.print();
}

export function ItemLabel({ facts }: { facts: LabelFacts }) {
  const { encoding, expiry, symbol } = useLabel(facts);
  const label = useRef<HTMLElement>(null);
  const gtin = facts.gtin ? (toGtin14(facts.gtin) ?? facts.gtin) : undefined;
  const what = facts.kind === 'lot' ? 'lot' : 'serial';
  return (
    <section class="label-block" aria-labelledby="label-title">
      <h2 id="label-title">Label</h2>
      <figure class="item-label" ref={label} data-testid="label" data-gs1={encoding.ok ? encoding.hri : undefined}>
        <div class="label-symbol">
          {symbol.src ? (
            <img
              src={symbol.src}
              alt={encoding.ok ? `GS1 DataMatrix: ${encoding.hri}` : `DataMatrix of the ${what} number ${facts.id}`}
              data-testid="label-symbol"
            />
          ) : symbol.error ? null : (
            <span class="muted">Drawing…</span>
          )}
        </div>
        <figcaption class="label-text">
          <span class="label-name">{facts.materialName}</span>
          {gtin ? <span>GTIN {gtin}</span> : null}
          <span>
            {facts.kind === 'lot' ? 'LOT' : 'SN'} <strong>{facts.id}</strong>
          </span>
          {facts.kind === 'serial' && facts.lot ? <span>LOT {facts.lot}</span> : null}
          {expiry ? <span>EXP {expiry}</span> : null}
          {facts.quantity !== undefined ? <span>QTY {formatQuantity(facts.quantity, facts.uom)}</span> : null}
        </figcaption>
        {encoding.ok ? <span class="label-hri">{encoding.hri}</span> : null}
      </figure>
      {symbol.error ? (
        <p class="error" role="alert">
          The code could not be drawn ({symbol.error}). Reload the page and try again.
        </p>
      ) : null}
      {encoding.ok ? null : (
        <p class="warning" data-testid="label-not-gs1">
          Not a GS1 label: {encoding.problems.map((p) => p.reason).join('; ')}. The code holds the {what} number only: the MES scanner reads it, a
          customer's GS1 system will not.
        </p>
      )}
      <div class="label-actions">
        <Button kind="primary" disabled={!symbol.src} onClick={() => printLabel(label.current)}>
          Print label
        </Button>
      </div>
    </section>
  );
}

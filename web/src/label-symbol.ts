/**
 * The symbol of a lot or serial label, drawn by bwip-js as SVG: a GS1 DataMatrix of the label's
 * element string, or a plain DataMatrix of the number alone when the number cannot be GS1
 * (shared/domain/tracking/gs1.ts says why). Loaded only by the label (components/label.tsx)
 * through import(): bwip-js's encoder is ~70 KB gzipped and no other screen needs it, so it
 * stays out of the app's first load and out of every Lambda bundle.
 * DataMatrix rather than GS1-128: a 100 x 50 mm label fits it beside the text at any module
 * size a 203 dpi printer prints, where GS1-128 of (01)+(17)+(10) is some 85 mm wide at 0.25 mm.
 */
import { datamatrix, drawingSVG, gs1datamatrix } from 'bwip-js/browser';

export type SymbolSpec = { gs1: string } | { plain: string };

/** The symbol as an SVG document: black modules on white, a quiet zone of two modules around. */
export function symbolSvg(spec: SymbolSpec): string {
  const common = { scale: 2, padding: 4, backgroundcolor: 'FFFFFF' };
  return 'gs1' in spec
    ? gs1datamatrix({ bcid: 'gs1datamatrix', text: spec.gs1, ...common }, drawingSVG())
    : datamatrix({ bcid: 'datamatrix', text: spec.plain, ...common }, drawingSVG());
}

/** The SVG as an image URL: the CSP allows `data:` images, and an <img> needs no inline markup. */
export const symbolDataUrl = (spec: SymbolSpec) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(symbolSvg(spec))}`;

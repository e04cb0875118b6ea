/**
 * Reading barcodes from a camera frame or a photo: the browser's BarcodeDetector where it has one
 * that reads DataMatrix, Code 128 or QR; zxing-wasm otherwise (and for a photo the detector read
 * nothing in). zxing-wasm and its WebAssembly load on first use only, from the app's own origin
 * (web/build.ts emits the .wasm as a hashed file; no CDN: a plant may have no internet, and the
 * CSP allows only 'self'). Each code comes back as a scanner would send it: with its AIM
 * symbology identifier when the decoder knows it (`]d2…` for GS1 DataMatrix), which
 * shared/domain/tracking/gs1.ts `parseScannedCode` reads.
 */
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm';

/** The formats a lot or serial label may carry: ours (GS1 DataMatrix, GS1-128, plain DataMatrix) and suppliers' (QR too). */
const DETECTOR_FORMATS = ['data_matrix', 'code_128', 'qr_code'];
const ZXING_FORMATS = ['DataMatrix', 'Code128', 'QRCode'] as const;
/** A photo is read at this many pixels on its longer side at most: a 12 MP photo would be slow and memory hungry in WebAssembly. */
const MAX_PHOTO_SIDE = 2048;

interface DetectedBarcode {
  rawValue: string;
  format: string;
}
interface BarcodeDetectorLike {
  detect(source: ImageBitmapSource): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

let detector: Promise<BarcodeDetectorLike | undefined> | undefined;

/** The browser's BarcodeDetector for our formats, or undefined where there is none (desktop Chromium on Linux, Firefox, most desktop browsers). */
export function barcodeDetector(): Promise<BarcodeDetectorLike | undefined> {
  detector ??= (async () => {
    const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
    if (!Detector) return undefined;
    try {
      const formats = (await Detector.getSupportedFormats()).filter((f) => DETECTOR_FORMATS.includes(f));
      return formats.length > 0 ? new Detector({ formats }) : undefined;
    } catch {
      return undefined;
    }
  })();
  return detector;
}

type Zxing = typeof import('zxing-wasm/reader');
let zxing: Promise<Zxing> | undefined;

/** zxing-wasm's reader, its WebAssembly fetched from this origin. */
export function zxingReader(): Promise<Zxing> {
  zxing ??= import('zxing-wasm/reader').then((reader) => {
    reader.prepareZXingModule({
      overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? new URL(wasmUrl, import.meta.url).href : prefix + path) },
    });
    return reader;
  });
  return zxing;
}

/** BarcodeDetector gives no symbology identifier: gs1.ts tells a GS1 code by its content (a GTIN with a valid check digit, GS separators). */
const detected = (codes: DetectedBarcode[]) => codes.map((c) => c.rawValue).filter((text) => text.length > 0);

async function readWithZxing(image: ImageData | Blob): Promise<string[]> {
  const reader = await zxingReader();
  const results = await reader.readBarcodes(image, { formats: [...ZXING_FORMATS], textMode: 'Plain', tryHarder: true, maxNumberOfSymbols: 4 });
  return results.filter((r) => r.isValid).map((r) => `${r.symbologyIdentifier}${r.text}`);
}

/** The codes in one camera frame; `canvas` is reused from frame to frame. */
export async function readFrame(video: HTMLVideoElement, canvas: HTMLCanvasElement): Promise<string[]> {
  const found = await barcodeDetector();
  if (found) return detected(await found.detect(video));
  const scale = Math.min(1, 1280 / Math.max(video.videoWidth, video.videoHeight));
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context || canvas.width === 0) return [];
  context.drawImage(video, 0, 0, canvas.width, canvas.height);
  return readWithZxing(context.getImageData(0, 0, canvas.width, canvas.height));
}

/** The codes in a photo (a file the person took or chose). */
export async function readPhoto(file: Blob): Promise<string[]> {
  const bitmap = await createImageBitmap(file);
  try {
    const found = await barcodeDetector();
    if (found) {
      const codes = detected(await found.detect(bitmap));
      if (codes.length > 0) return codes;
    }
    const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) return readWithZxing(file);
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return readWithZxing(context.getImageData(0, 0, canvas.width, canvas.height));
  } finally {
    bitmap.close();
  }
}

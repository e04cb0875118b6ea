/**
 * Scanning a lot or serial label: the camera (the back one on a phone) read frame by frame, or a
 * photo of the label, decoded by the browser's BarcodeDetector or zxing-wasm (scan-decode.ts)
 * and read by shared/domain/tracking/gs1.ts. `onCode` gets the first code that names a lot or
 * serial. A refused or missing camera says so in plain words and leaves the photo way open.
 * Used by the lot and serial screen (screens/lot.tsx), the trace screen and the consume step.
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { type ParsedCode, parseScannedCode } from '../../../shared/domain/tracking/gs1.ts';
import { Button } from '../ui.tsx';

export type { ParsedCode };

/** Time between two camera frames read: a frame takes zxing-wasm 50-200 ms on a phone. */
const FRAME_GAP_MS = 150;

/** The first code that names a lot or serial, or words for what was read instead. */
function firstCode(texts: string[]): { code?: ParsedCode; other?: string } {
  for (const text of texts) {
    const code = parseScannedCode(text);
    if (code) return { code };
  }
  return texts[0] !== undefined ? { other: texts[0] } : {};
}

/** What to tell a person whose camera did not start, by the DOMException getUserMedia threw. */
export function cameraProblem(error: unknown): string {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'The camera is blocked for this app. Allow the camera for this site in the browser settings and try again, or use "Scan from a photo".';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'This device has no camera the app can use. Use "Scan from a photo" instead.';
  if (name === 'NotReadableError' || name === 'AbortError')
    return 'The camera is busy (another app may be using it). Close that app and try again, or use "Scan from a photo".';
  return 'The camera did not start. Try again, or use "Scan from a photo".';
}

/** What a code read as, shown to a person: control characters (a GS separator) as spaces. */
const printable = (text: string) =>
  Array.from(text, (c) => (c.charCodeAt(0) < 32 ? ' ' : c))
    .join('')
    .slice(0, 60);

export function ScanButton({ onCode, label }: { onCode: (code: ParsedCode) => void; label?: string }) {
  const [scanning, setScanning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | undefined>();
  const video = useRef<HTMLVideoElement>(null);
  const photo = useRef<HTMLInputElement>(null);
  const stream = useRef<MediaStream | undefined>(undefined);
  // Two scanners on one screen (a trace beside a consume step) must not share the input's id.
  const photoId = `scan-photo-${useId()}`;
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  const stop = () => {
    for (const track of stream.current?.getTracks() ?? []) track.stop();
    stream.current = undefined;
    setScanning(false);
  };
  useEffect(() => stop, []);

  const found = (texts: string[], where: 'photo' | 'camera'): boolean => {
    const { code, other } = firstCode(texts);
    if (code) {
      setMessage(undefined);
      onCodeRef.current(code);
      return true;
    }
    if (other !== undefined) setMessage(`The code reads "${printable(other)}": that is not a lot or serial label. Scan the label of a lot or unit.`);
    else if (where === 'photo') setMessage('No code found in the photo. Take it again closer, with the whole code in view, flat and in focus.');
    return false;
  };

  const startCamera = async () => {
    setMessage(undefined);
    if (!navigator.mediaDevices?.getUserMedia) {
      setMessage('This browser gives the app no camera here. Use "Scan from a photo" instead.');
      return;
    }
    let media: MediaStream;
    try {
      media = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
    } catch (error) {
      setMessage(cameraProblem(error));
      return;
    }
    stream.current = media;
    setScanning(true);
  };

  // The camera's frames, one after another, until a code names a lot or serial or the person stops.
  useEffect(() => {
    const element = video.current;
    const media = stream.current;
    if (!scanning || !element || !media) return;
    let running = true;
    const canvas = document.createElement('canvas');
    element.srcObject = media;
    void (async () => {
      try {
        await element.play();
        element.scrollIntoView({ block: 'nearest' });
        const { readFrame } = await import('../scan-decode.ts');
        while (running) {
          if (element.readyState >= 2 && found(await readFrame(element, canvas), 'camera')) {
            stop();
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, FRAME_GAP_MS));
        }
      } catch (error) {
        if (running) {
          setMessage(`The camera picture could not be read (${(error as Error).message}). Use "Scan from a photo" instead.`);
          stop();
        }
      }
    })();
    return () => {
      running = false;
      element.srcObject = null;
    };
  }, [scanning]);

  const readPhotoFile = async (file: File | undefined) => {
    if (!file) return;
    stop();
    setMessage(undefined);
    setBusy(true);
    try {
      const { readPhoto } = await import('../scan-decode.ts');
      found(await readPhoto(file), 'photo');
    } catch (error) {
      setMessage(`The photo could not be read (${(error as Error).message}). Take it again, or type the number.`);
    } finally {
      setBusy(false);
      // The same photo chosen again must read again.
      if (photo.current) photo.current.value = '';
    }
  };

  return (
    <div class="scan" data-testid="scan">
      <div class="scan-buttons">
        {scanning ? (
          <Button onClick={stop}>Stop the camera</Button>
        ) : (
          <Button kind="primary" onClick={() => void startCamera()}>
            {label ?? 'Scan a label'}
          </Button>
        )}
        <input
          ref={photo}
          id={photoId}
          class="visually-hidden"
          type="file"
          accept="image/*"
          capture="environment"
          onChange={(e) => void readPhotoFile((e.target as HTMLInputElement).files?.[0])}
        />
        <label class="btn" for={photoId}>
          Scan from a photo
        </label>
      </div>
      {scanning ? (
        <div class="scan-camera">
          <video ref={video} muted playsInline aria-label="Camera picture: point it at the code on the label" />
          <p class="muted">Hold the code in the middle of the picture, about a hand's width away.</p>
        </div>
      ) : null}
      {busy ? (
        <p class="muted" aria-live="polite">
          Reading the photo…
        </p>
      ) : null}
      {message ? (
        <p class="error" role="alert" data-testid="scan-message">
          {message}
        </p>
      ) : null}
    </div>
  );
}

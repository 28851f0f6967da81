// Reads the transaction QR code on the bank's confirm page with the device camera, using the
// Shape Detection API's BarcodeDetector (Chrome on Android, macOS; not every browser has it).
// Where it is missing, the app offers only the paste field (both read by `parseTransactionQr`).

interface DetectedBarcode {
  readonly rawValue: string;
}

interface BarcodeDetectorInstance {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}

interface BarcodeDetectorConstructor {
  new (options: { formats: string[] }): BarcodeDetectorInstance;
  getSupportedFormats(): Promise<string[]>;
}

function barcodeDetectorClass(): BarcodeDetectorConstructor | undefined {
  return (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
}

/** True when the browser can read QR codes and has a camera API; checks formats too. */
export async function canScanQrCodes(): Promise<boolean> {
  const detector = barcodeDetectorClass();
  if (detector === undefined || typeof navigator.mediaDevices?.getUserMedia !== 'function') return false;
  try {
    return (await detector.getSupportedFormats()).includes('qr_code');
  } catch {
    return false;
  }
}

export interface QrScan {
  stop(): void;
}

const SCAN_INTERVAL_MS = 250;

/**
 * Starts the rear camera in `video` and calls `onText` with each QR payload seen until
 * `onText` returns true (accepted) or `stop()` is called. Rejects when the camera cannot start.
 */
export async function startQrScan(video: HTMLVideoElement, onText: (text: string) => boolean): Promise<QrScan> {
  const Detector = barcodeDetectorClass();
  if (Detector === undefined) throw new Error('BarcodeDetector is not available');
  const detector = new Detector({ formats: ['qr_code'] });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
    video.hidden = true;
  };
  video.srcObject = stream;
  video.hidden = false;
  await video.play();
  const look = async () => {
    if (stopped) return;
    try {
      for (const barcode of await detector.detect(video)) {
        if (onText(barcode.rawValue)) {
          stop();
          return;
        }
      }
    } catch {
      // a frame that could not be read; try the next one
    }
    if (!stopped) timer = setTimeout(look, SCAN_INTERVAL_MS);
  };
  void look();
  return { stop };
}

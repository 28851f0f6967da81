// The app's icons, drawn in code and encoded as PNG with node:zlib (no image tools, no binary
// files in the repository): a white countdown ring around a keyhole on the brand green.
// build.ts writes them into dist/. Runs in Node only (not bundled into the app).
import { deflateSync } from 'node:zlib';

const BRAND = [0x0b, 0x5c, 0x4b] as const;
const WHITE = [0xff, 0xff, 0xff] as const;
const SUPERSAMPLING = 4; // 4×4 samples per pixel: smooth edges

export interface IconOptions {
  readonly sizePx: number;
  /** Maskable icons (W3C manifest "maskable") fill the square; others get rounded corners. */
  readonly maskable: boolean;
}

/** Coverage tests in unit coordinates (0..1 across the icon). */
function insideRoundedSquare(x: number, y: number, radius: number): boolean {
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function insideForeground(x: number, y: number, scale: number): boolean {
  // Scale around the centre: maskable icons keep the drawing inside the 80% safe zone.
  const u = (x - 0.5) / scale;
  const v = (y - 0.5) / scale;
  const distance = Math.hypot(u, v);
  // The ring: three quarters of a circle from 12 o'clock clockwise to 9 o'clock, with round
  // ends, like a countdown running out.
  const angle = Math.atan2(u, -v); // 0 at 12 o'clock, clockwise positive
  const onArc = distance >= 0.3 && distance <= 0.37 && !(angle < 0 && angle > -Math.PI / 2);
  const onEnds = Math.hypot(u, v + 0.335) <= 0.035 || Math.hypot(u + 0.335, v) <= 0.035;
  const onRing = onArc || onEnds;
  // The keyhole: a disc above a tapering foot.
  const onHead = Math.hypot(u, v + 0.04) <= 0.085;
  const footHalfWidth = 0.035 + (v - 0.0) * 0.25;
  const onFoot = v >= 0 && v <= 0.15 && Math.abs(u) <= footHalfWidth;
  return onRing || onHead || onFoot;
}

/** Background and foreground coverage of one pixel, from n×n samples. */
function coverage(px: number, py: number, options: IconOptions, n: number): { background: number; foreground: number } {
  let background = 0;
  let foreground = 0;
  for (let sy = 0; sy < n; sy++) {
    for (let sx = 0; sx < n; sx++) {
      const x = (px + (sx + 0.5) / n) / options.sizePx;
      const y = (py + (sy + 0.5) / n) / options.sizePx;
      if (!options.maskable && !insideRoundedSquare(x, y, 0.18)) continue;
      background++;
      if (insideForeground(x, y, options.maskable ? 0.8 : 1)) foreground++;
    }
  }
  return { background: background / (n * n), foreground: background === 0 ? 0 : foreground / background };
}

function pixelColour(px: number, py: number, options: IconOptions): [number, number, number, number] {
  // Two samples a side decide whether the pixel is on an edge; only edges get the full
  // supersampling (most pixels are plain background), which keeps a build quick.
  let { background, foreground } = coverage(px, py, options, 2);
  const onEdge = (background !== 0 && background !== 1) || (foreground !== 0 && foreground !== 1);
  if (onEdge) ({ background, foreground } = coverage(px, py, options, SUPERSAMPLING));
  if (background === 0) return [0, 0, 0, 0];
  const mix = (i: 0 | 1 | 2) => Math.round(BRAND[i] * (1 - foreground) + WHITE[i] * foreground);
  return [mix(0), mix(1), mix(2), Math.round(255 * background)];
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of PNG §5.5 (ISO 3309), over the chunk type and data. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A PNG (W3C PNG §11: IHDR, IDAT, IEND) of the icon, 8-bit RGBA, no filtering. */
export function renderIconPng(options: IconOptions): Uint8Array {
  const { sizePx } = options;
  const rowBytes = 1 + sizePx * 4;
  const raw = Buffer.alloc(rowBytes * sizePx);
  for (let y = 0; y < sizePx; y++) {
    raw[y * rowBytes] = 0; // filter type None
    for (let x = 0; x < sizePx; x++) {
      const [r, g, b, a] = pixelColour(x, y, options);
      const offset = y * rowBytes + 1 + x * 4;
      raw[offset] = r;
      raw[offset + 1] = g;
      raw[offset + 2] = b;
      raw[offset + 3] = a;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(sizePx, 0);
  header.writeUInt32BE(sizePx, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]),
  );
}

/** The icon files the manifest names. */
export const ICON_FILES = [
  { file: 'icon-192.png', options: { sizePx: 192, maskable: false } },
  { file: 'icon-512.png', options: { sizePx: 512, maskable: false } },
  { file: 'icon-maskable-512.png', options: { sizePx: 512, maskable: true } },
] as const satisfies readonly { readonly file: string; readonly options: IconOptions }[];

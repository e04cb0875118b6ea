/**
 * Draws the app icons into web/public/ (committed; run again only to change them):
 * `npx tsx web/make-icons.ts`. A white factory on the brand blue, as PNG (192, 512, a maskable
 * pair whose glyph stays inside the 80 % safe circle, a 180 px apple-touch-icon) and as SVG.
 * PNG by hand with node:zlib: a few dozen lines instead of an image dependency.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const BRAND: Rgba = [0x0b, 0x3d, 0x91, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];
type Rgba = [number, number, number, number];
type Point = [number, number];

/** The factory, in a unit square: saw-tooth roof, a chimney, three windows. */
const FACTORY: Point[] = [
  [0.21, 0.76],
  [0.21, 0.46],
  [0.36, 0.56],
  [0.36, 0.46],
  [0.51, 0.56],
  [0.51, 0.46],
  [0.66, 0.56],
  [0.66, 0.24],
  [0.79, 0.24],
  [0.79, 0.76],
];
const WINDOWS: [number, number, number, number][] = [
  [0.27, 0.63, 0.06, 0.06],
  [0.42, 0.63, 0.06, 0.06],
  [0.57, 0.63, 0.06, 0.06],
];

interface Variant {
  /** `any`: a rounded square with clear corners. `maskable`: full bleed, the glyph scaled into the safe zone. */
  shape: 'any' | 'maskable';
  /** Scale of the glyph around the centre. */
  glyph: number;
}

function inPolygon([x, y]: Point, polygon: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as Point;
    const [xj, yj] = polygon[j] as Point;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inRoundedSquare([x, y]: Point, radius: number): boolean {
  const dx = Math.max(radius - x, x - (1 - radius), 0);
  const dy = Math.max(radius - y, y - (1 - radius), 0);
  return dx * dx + dy * dy <= radius * radius;
}

/** The colour at a point of the unit square. */
function colourAt(point: Point, variant: Variant): Rgba {
  if (variant.shape === 'any' && !inRoundedSquare(point, 0.18)) return CLEAR;
  // Into glyph coordinates: scaled around the centre.
  const p: Point = [0.5 + (point[0] - 0.5) / variant.glyph, 0.5 + (point[1] - 0.5) / variant.glyph];
  if (WINDOWS.some(([x, y, w, h]) => p[0] >= x && p[0] <= x + w && p[1] >= y && p[1] <= y + h)) return BRAND;
  return inPolygon(p, FACTORY) ? WHITE : BRAND;
}

/** RGBA pixels, 4x4 supersampled so the edges are smooth. */
function render(size: number, variant: Variant): Buffer {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let [sr, sg, sb, sa] = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [r, g, b, a] = colourAt([(x + (sx + 0.5) / samples) / size, (y + (sy + 0.5) / samples) / size], variant);
          // Premultiplied, so clear samples do not darken the edge.
          sr += (r * a) / 255;
          sg += (g * a) / 255;
          sb += (b * a) / 255;
          sa += a;
        }
      }
      const n = samples * samples;
      const alpha = sa / n;
      const unpremultiply = (sum: number) => (alpha ? Math.round((sum / n / alpha) * 255) : 0);
      const at = (y * size + x) * 4;
      pixels.set([unpremultiply(sr), unpremultiply(sg), unpremultiply(sb), Math.round(alpha)], at);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit RGBA PNG: signature, IHDR, one IDAT of unfiltered scanlines, IEND. */
export function encodePng(size: number, rgba: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter method, no interlace
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function svg(): string {
  const at = (v: number) => Math.round(v * 512);
  const points = FACTORY.map(([x, y]) => `${at(x)},${at(y)}`).join(' ');
  const windows = WINDOWS.map(([x, y, w, h]) => `<rect x="${at(x)}" y="${at(y)}" width="${at(w)}" height="${at(h)}" fill="#0b3d91"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="${at(0.18)}" fill="#0b3d91"/><polygon points="${points}" fill="#fff"/>${windows}</svg>\n`;
}

const ICONS: [file: string, size: number, variant: Variant][] = [
  ['icon-192.png', 192, { shape: 'any', glyph: 1 }],
  ['icon-512.png', 512, { shape: 'any', glyph: 1 }],
  ['icon-maskable-192.png', 192, { shape: 'maskable', glyph: 0.8 }],
  ['icon-maskable-512.png', 512, { shape: 'maskable', glyph: 0.8 }],
  // iOS rounds the corners itself and shows transparency as black: full bleed.
  ['apple-touch-icon.png', 180, { shape: 'maskable', glyph: 0.9 }],
];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, size, variant] of ICONS) {
    writeFileSync(join(PUBLIC_DIR, file), encodePng(size, render(size, variant)));
    console.log(`wrote web/public/${file}`);
  }
  writeFileSync(join(PUBLIC_DIR, 'icon.svg'), svg());
  console.log('wrote web/public/icon.svg');
}

// Writes build/icon.png (512 × 512 RGBA), the app icon electron-builder turns into the Linux, Windows (.ico) and
// macOS (.icns) icons: a CT slice — a grey body section with a brighter spine — on a dark rounded square, with the
// MPR crosshair in the product's accent colour. Drawn here so it needs no image tool: `node scripts/makeIcon.mjs`.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 512;
const px = new Uint8Array(N * N * 4);
const set = (x, y, [r, g, b, a]) => {
  const i = (y * N + x) * 4;
  px[i] = r;
  px[i + 1] = g;
  px[i + 2] = b;
  px[i + 3] = a;
};
for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    // Rounded square (radius 96), anti-aliasing left out: at icon sizes the OS scales it down anyway.
    const cx = Math.min(Math.max(x, 96), N - 97);
    const cy = Math.min(Math.max(y, 96), N - 97);
    if (Math.hypot(x - cx, y - cy) > 96) continue;
    let c = [16, 24, 34, 255];
    const dx = (x - 256) / 190;
    const dy = (y - 270) / 150;
    if (dx * dx + dy * dy <= 1) c = [120, 128, 136, 255];
    // Two lungs (tall dark ovals), the heart between them, the vertebra at the back.
    const lung = (ox) => ((x - ox) / 62) ** 2 + ((y - 262) / 96) ** 2 <= 1;
    if (lung(168) || lung(344)) c = [40, 46, 54, 255];
    if (((x - 266) / 48) ** 2 + ((y - 250) / 40) ** 2 <= 1) c = [150, 156, 162, 255];
    if (Math.hypot(x - 256, y - 378) <= 22) c = [236, 236, 232, 255];
    if (Math.abs(x - 256) <= 2 || Math.abs(y - 262) <= 2) c = [74, 144, 217, 255];
    set(x, y, c);
  }
}
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) Buffer.from(px.buffer, y * N * 4, N * 4).copy(raw, y * (N * 4 + 1) + 1);
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
mkdirSync(new URL('../build/', import.meta.url), { recursive: true });
writeFileSync(new URL('../build/icon.png', import.meta.url), png);
console.log(`build/icon.png: ${png.length} bytes`);

/**
 * Makes the bundled demo study (resources/demo) from the 275-slice LIDC-IDRI-0314 CT: the 64 slices around the
 * middle of the series by position (a contiguous block, so stack, MPR and 3D all work), re-encoded as RLE Lossless
 * (pixels identical; about the size of 34 native slices). Private tags and retired group lengths are dropped.
 *   npx tsx scripts/makeDemoStudy.ts [SOURCE_DIR] [OUT_DIR]
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import dcmjs from 'dcmjs';
import { rleFrame } from '../test/support/part10Writer';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- dcmjs ships no types for its data API
const { DicomMessage, DicomMetaDictionary, DicomDict } = (dcmjs as any).data;
const src = process.argv[2] ?? '../shared/data/ct_chest_lidc0314';
const files = readdirSync(src).filter((f) => f.endsWith('.dcm')).map((f) => path.join(src, f));
const read = (f: string) => { const b = readFileSync(f); return DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); };
const z = files.map((f) => { const m = read(f); const ds = DicomMetaDictionary.naturalizeDataset(m.dict); return { f, z: Number(ds.ImagePositionPatient[2]) }; }).sort((a, b) => a.z - b.z);
const mid = Math.floor(z.length / 2);
const pick = z.slice(mid - 32, mid + 32);
console.log('z range', pick[0].z, pick[pick.length - 1].z, pick.length);
const out = process.argv[3] ?? 'resources/demo';
mkdirSync(out, { recursive: true });
for (const { f } of pick) {
  const m = read(f);
  const ds = DicomMetaDictionary.naturalizeDataset(m.dict);
  const meta = DicomMetaDictionary.naturalizeDataset(m.meta);
  for (const k of Object.keys(ds)) if (/^[0-9A-Fa-f]{4}0000$/.test(k)) delete ds[k];
  const px = ds.PixelData[0] as ArrayBuffer;
  const frame = ds.PixelRepresentation ? new Int16Array(px) : new Uint16Array(px);
  const rle = rleFrame(frame);
  ds.PixelData = [rle.buffer.slice(rle.byteOffset, rle.byteOffset + rle.byteLength)];
  ds._vrMap = { ...(ds._vrMap ?? {}), PixelData: 'OB' };
  meta.TransferSyntaxUID = '1.2.840.10008.1.2.5';
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  const name = `ct_${path.basename(f)}`;
  writeFileSync(path.join(out, name), Buffer.from(dict.write({ fragmentMultiframe: false })));
}

/**
 * Writes the NEMA-IEC-like PET/CT phantom study (test/support/petCtPhantom.ts) to a folder:
 *   npx tsx scripts/makePetCtPhantom.ts OUT_DIR [--fwhm MM] [--ratio N] [--weight KG]
 * OUT_DIR/CT/*.dcm, OUT_DIR/PT/*.dcm and OUT_DIR/truth.json (sphere centres, radii, Bq/ml, expected SUVbw).
 */
import { writePetCtPhantom, type PetCtPhantomOptions } from '../test/support/petCtPhantom';

function main(argv: string[]): number {
  const args = [...argv];
  const out = args.shift();
  if (!out || out.startsWith('--')) {
    console.error('usage: tsx scripts/makePetCtPhantom.ts OUT_DIR [--fwhm MM] [--ratio N] [--weight KG]');
    return 2;
  }
  const o: PetCtPhantomOptions = {};
  while (args.length) {
    const flag = args.shift()!;
    const value = Number(args.shift());
    if (!Number.isFinite(value) || value < 0) {
      console.error(`${flag} needs a number ≥ 0`);
      return 2;
    }
    if (flag === '--fwhm') o.psfFwhmMm = value;
    else if (flag === '--ratio') o.sphereToBackground = value;
    else if (flag === '--weight') o.weightKg = value;
    else {
      console.error(`unknown option ${flag}`);
      return 2;
    }
  }
  const { ctFiles, petFiles, truth } = writePetCtPhantom(out, o);
  console.log(`${out}: ${ctFiles.length} CT + ${petFiles.length} PET files, truth.json`);
  for (const s of truth.spheres) {
    console.log(`  sphere ${s.diameterMm} mm at (${s.centre.join(', ')}): ${s.activityBqml} Bq/ml, SUVbw ${s.suvBw.toFixed(4)}`);
  }
  console.log(`  background ${truth.background.activityBqml} Bq/ml, SUVbw ${truth.background.suvBw.toFixed(4)}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));

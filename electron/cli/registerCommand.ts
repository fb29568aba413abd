/**
 * `dokuei register FIXED_DIR[#SERIES] MOVING_DIR[#SERIES] [--roi x0,y0,z0,x1,y1,z1] [--json] [--save] [--save-file FILE]`
 * (issue #8): rigid
 * registration of one series to another (common/registration), each read from a folder of DICOM files.
 *
 * Prints the 4×4 row-major transform from moving to fixed patient coordinates (mm). The --json shape is an
 * interface: { matrix, metric, iterations, timeMs, … } — extend it, never rename fields.
 * A folder holding several series needs a pick: `DIR#DESCRIPTION` (a case-insensitive part of the Series
 * Description) or `DIR#SERIES_UID`, or --fixed-series / --moving-series with the same meaning.
 * --save stores the result as a DICOM Spatial Registration object (services/registration/spatialRegistration.ts) in
 * the local archive (--data-dir / --archive as for `dokuei import`), in the fixed series' study; --save-file FILE
 * writes the same object to FILE. Both may be given; --json then has `saved: { sopInstanceUid, file?, archive? }`.
 * --send NODE (with --save; a node id or name from settings.json) also sends the object to that PACS node with
 * STOW-RS; --json then has `saved.send: { ok, sent, failed, message }`. The local save stands whatever the send does.
 * --init global (issue #14) also tries the moving image turned by each of the 24 axis-aligned rotations and by the
 * principal axes; the default (auto) does so cheaply and refines the turned starts only when one matches better than
 * the headers. --json has `start` ('header', 'rot180-vertical', 'axis-permutation-…', 'principal-axes'),
 * `searched`, `normalizedMi` and `warnings` (sentences: the headers' orientation disagreeing with the image, a
 * low-confidence match); without --json the warnings are printed as `  warning — …` lines.
 * Exit codes: 0 registered, 1 a folder or the registration failed (the reason is printed), 2 usage error,
 * 3 registered and saved, but sending failed.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { RegistrationError, registerRigid, type Initialization, type RegistrationOptions, type RoiBox } from '../../common/registration';
import { loadSeriesVolume, parseSeriesArgument, SeriesVolumeError } from '../services/registration/loadSeriesVolume';
import { newUid, seriesRefFromFolder, SPATIAL_REGISTRATION_SOP_CLASS, SpatialRegistrationError, writeSpatialRegistration } from '../services/registration/spatialRegistration';
import { exportInstances } from '../../common/audit/builders';
import { formatPersonName } from '../../common/dicom/dicomJson';
import { EncryptedArchive } from '../services/archive/encryptedArchive';
import { defaultDataDir } from '../services/dataDir';
import { sendAfterSave, type SendOutcome } from '../services/pacs/sendInstances';
import { openCliServices } from './cliServices';
import { CliUsageError, type CliIo } from './pacsCommands';
import { recordRegistrationSaved } from '../services/registration/saveRegistration';
import type { StudyInstanceUid } from '../../common/dicom/uid';
import { withCliAudit } from './cliAudit';
import { cliFolder, type CliFolder } from './cliKeys';
import { cliErrorText, ct, helpEntry } from './i18n/cliText';

/** The register lines of `dokuei --help`, in the reader's language (built when printed). */
export function registerUsage(): string {
  const synopsis = [
    '  dokuei register FIXED_DIR[#SERIES] MOVING_DIR[#SERIES] [--roi x0,y0,z0,x1,y1,z1] [--json]',
    '                 [--fixed-series S] [--moving-series S] [--init auto|identity|centers|moments|global] [--seed N]',
    '                 [--save [--data-dir DIR] [--archive DIR] [--send NODE]] [--save-file FILE]',
  ].join('\n');
  return helpEntry(synopsis, 'register.usage');
}

const INITS: readonly Initialization[] = ['auto', 'identity', 'centers', 'moments', 'global'];

export function parseRoi(text: string): RoiBox {
  const v = text.split(',').map((s) => Number(s.trim()));
  if (v.length !== 6 || !v.every(Number.isFinite)) throw new CliUsageError(ct('register.roi.sixNumbers', { text }));
  const [x0, y0, z0, x1, y1, z1] = v as [number, number, number, number, number, number];
  if (x0 === x1 || y0 === y1 || z0 === z1) throw new CliUsageError(ct('register.roi.empty'));
  return { min: [Math.min(x0, x1), Math.min(y0, y1), Math.min(z0, z1)], max: [Math.max(x0, x1), Math.max(y0, y1), Math.max(z0, z1)] };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/**
 * --save --send: stores the object through the app's services (the same archive, settings and nodes) and sends it.
 * The store comes first and is not undone: a send failure is reported in the outcome, never thrown.
 */
async function saveAndSend(folder: CliFolder, bytes: Uint8Array, studyInstanceUid: string, sopInstanceUid: string, nodeName: string, signal?: AbortSignal): Promise<SendOutcome> {
  const services = await openCliServices(folder);
  try {
    await services.store.put(bytes);
    recordRegistrationSaved(services.auditSink, studyInstanceUid, services.store.instances(studyInstanceUid as StudyInstanceUid)?.[0]);
    const node = services.nodes.find((n) => n.settings.id === nodeName) ?? services.nodes.find((n) => n.settings.name === nodeName);
    return await sendAfterSave(node, nodeName, services.store, { studyInstanceUid, sopInstanceUids: [sopInstanceUid] }, signal, { audit: services.auditSink });
  } finally {
    await services.close();
  }
}

export async function registerCommand(argv: string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      roi: { type: 'string' },
      'fixed-series': { type: 'string' },
      'moving-series': { type: 'string' },
      init: { type: 'string' },
      seed: { type: 'string' },
      samples: { type: 'string' },
      save: { type: 'boolean', default: false },
      'save-file': { type: 'string' },
      'data-dir': { type: 'string' },
      archive: { type: 'string' },
      'key-file': { type: 'string' },
      send: { type: 'string' },
    },
  });
  if (values.send !== undefined && !values.save) throw new CliUsageError(ct('register.sendNeedsSave'));
  if (positionals.length !== 2) throw new CliUsageError(ct('register.needsDirs'));
  const init = values.init ?? 'auto';
  if (!INITS.includes(init as Initialization)) throw new CliUsageError(ct('register.badInit', { inits: INITS.join(', ') }));
  const seed = values.seed !== undefined ? Number(values.seed) : 1;
  if (!Number.isInteger(seed)) throw new CliUsageError(ct('register.badSeed'));
  const samples = values.samples !== undefined ? Number(values.samples) : undefined;
  if (samples !== undefined && !(Number.isInteger(samples) && samples >= 500)) throw new CliUsageError(ct('register.badSamples'));
  const roi = values.roi !== undefined ? parseRoi(values.roi) : undefined;

  const fixedArg = await parseSeriesArgument(positionals[0]!);
  const movingArg = await parseSeriesArgument(positionals[1]!);
  const tty = io.isTty && !values.json;
  try {
    const t0 = performance.now();
    const fixed = await loadSeriesVolume(fixedArg.dir, { series: values['fixed-series'] ?? fixedArg.series, signal });
    const moving = await loadSeriesVolume(movingArg.dir, { series: values['moving-series'] ?? movingArg.series, signal });
    const loadMs = performance.now() - t0;
    const options: RegistrationOptions = {
      initialize: init as Initialization,
      seed,
      ...(samples !== undefined ? { samples } : {}),
      ...(roi ? { roi } : {}),
      ...(signal ? { signal } : {}),
      ...(tty ? { onProgress: (p) => io.err(`\r${ct('register.progress', { level: p.level + 1, levels: p.levels, iteration: p.iteration + 1, metric: p.metric.toFixed(4) })}   `) } : {}),
    };
    const result = await registerRigid(fixed.volume, moving.volume, options);
    if (tty) io.err('\n');
    const matrix = result.matrix.map((row) => row.map((x) => round(x, 6)));
    let saved: { sopInstanceUid: string; file?: string; archive?: string; send?: SendOutcome } | undefined;
    if (values.save || values['save-file'] !== undefined) {
      const fixedRef = await seriesRefFromFolder(fixedArg.dir, fixed.series.seriesInstanceUid);
      const movingRef = await seriesRefFromFolder(movingArg.dir, moving.series.seriesInstanceUid);
      const sopInstanceUid = newUid();
      const bytes = writeSpatialRegistration({
        sopInstanceUid,
        fixed: fixedRef,
        moving: movingRef,
        matrix: result.matrix,
        description: `${moving.series.description || moving.series.seriesInstanceUid} to ${fixed.series.description || fixed.series.seriesInstanceUid}`,
      });
      saved = { sopInstanceUid };
      if (values['save-file'] !== undefined) {
        const file = path.resolve(values['save-file']);
        await fs.writeFile(file, bytes);
        saved.file = file;
        // The file carries the patient's identity out of the archive: an Export (PS3.15 A.5.3.4) in the data
        // folder's trail (a folder that cannot be opened says so on stderr; the file is written either way).
        const dataDir = path.resolve(values['data-dir'] ?? (process.env.DOKUEI_DATA_DIR || defaultDataDir()));
        const archiveDir = path.resolve(values.archive ?? path.join(dataDir, 'archive'));
        const patientName = typeof fixedRef.patientName === 'string' ? fixedRef.patientName : formatPersonName(fixedRef.patientName);
        await withCliAudit(cliFolder(dataDir, archiveDir, values['key-file']), async (audit) =>
          audit?.record((ctx) =>
            exportInstances(ctx, {
              destination: pathToFileURL(file).href,
              studies: [{ uid: fixedRef.studyInstanceUid, sopClasses: [{ uid: SPATIAL_REGISTRATION_SOP_CLASS, numberOfInstances: 1 }] }],
              patients: fixedRef.patientId ? [{ id: fixedRef.patientId, ...(patientName ? { name: patientName } : {}) }] : [],
            }),
          ),
        );
      }
      if (values.save && values.send !== undefined) {
        const dataDir = path.resolve(values['data-dir'] ?? (process.env.DOKUEI_DATA_DIR || defaultDataDir()));
        const archiveDir = path.resolve(values.archive ?? path.join(dataDir, 'archive'));
        saved.archive = archiveDir;
        saved.send = await saveAndSend(cliFolder(dataDir, archiveDir, values['key-file']), bytes, fixedRef.studyInstanceUid, sopInstanceUid, values.send, signal);
      } else if (values.save) {
        const dataDir = path.resolve(values['data-dir'] ?? (process.env.DOKUEI_DATA_DIR || defaultDataDir()));
        const archiveDir = path.resolve(values.archive ?? path.join(dataDir, 'archive'));
        const folder = cliFolder(dataDir, archiveDir, values['key-file']);
        const keyProvider = (await folder.open()).folder.provider; // a locked folder stops here, with its message
        await withCliAudit(folder, async (audit) => {
          const store = await EncryptedArchive.open(archiveDir, { keyProvider, ...(audit ? { audit } : {}) });
          try {
            await store.put(bytes);
            recordRegistrationSaved(audit, fixedRef.studyInstanceUid, store.instances(fixedRef.studyInstanceUid as StudyInstanceUid)?.[0]);
          } finally {
            await store.close();
          }
        });
        saved.archive = archiveDir;
      }
    }
    if (values.json) {
      const side = (s: typeof fixed, dir: string) => ({
        dir,
        seriesInstanceUid: s.series.seriesInstanceUid,
        seriesDescription: s.series.description,
        modality: s.series.modality,
        dims: s.volume.dims,
        spacing: s.volume.spacing.map((x) => round(x, 6)),
        warnings: s.warnings,
      });
      io.out(
        JSON.stringify(
          {
            matrix,
            metric: round(result.metric, 6),
            iterations: result.iterations,
            timeMs: Math.round(result.timeMs),
            loadMs: Math.round(loadMs),
            initialization: result.initialization,
            start: result.start,
            ...(result.searched ? { searched: { ...result.searched, metric: round(result.searched.metric, 6), headerMetric: round(result.searched.headerMetric, 6), timeMs: Math.round(result.searched.timeMs) } } : {}),
            normalizedMi: round(result.normalizedMi, 4),
            warnings: result.warnings,
            initialMatrix: result.initialMatrix.map((row) => row.map((x) => round(x, 6))),
            levels: result.levels.map((l) => ({ ...l, metric: round(l.metric, 6), fixedSpacing: l.fixedSpacing.map((x) => round(x, 4)), movingSpacing: l.movingSpacing.map((x) => round(x, 4)) })),
            fixed: side(fixed, fixedArg.dir),
            moving: side(moving, movingArg.dir),
            ...(saved ? { saved } : {}),
          },
          null,
          2,
        ),
      );
    } else {
      io.out(ct('register.fixed', { description: fixed.series.description, dims: fixed.volume.dims.join('×'), dir: fixedArg.dir }));
      io.out(ct('register.moving', { description: moving.series.description, dims: moving.volume.dims.join('×'), dir: movingArg.dir }));
      // The folders' and the engine's warnings are their own English sentences (also in --json): not keyed.
      for (const w of fixed.warnings) io.out(`  ${ct('register.noteFixed', { warning: w })}`);
      for (const w of moving.warnings) io.out(`  ${ct('register.noteMoving', { warning: w })}`);
      io.out(ct('register.matrix'));
      for (const row of matrix) io.out(`  ${row.map((x) => x.toFixed(6).padStart(12)).join(' ')}`);
      const figures = { metric: result.metric.toFixed(4), nmi: result.normalizedMi.toFixed(2), iterations: result.iterations, ms: Math.round(result.timeMs), loadMs: Math.round(loadMs), init: result.initialization };
      io.out(result.start === 'header' || result.start === 'given' ? ct('register.result', figures) : ct('register.resultTurned', { ...figures, turned: result.start }));
      for (const w of result.warnings) io.out(`  ${ct('register.warning', { warning: w })}`);
      if (saved?.file) io.out(ct('register.written', { uid: saved.sopInstanceUid, file: saved.file }));
      if (saved?.archive) io.out(ct('register.stored', { uid: saved.sopInstanceUid, archive: saved.archive }));
      // The send's sentence is the --json interface's `saved.send.message`, and carries no key: shown as it is.
      if (saved?.send) io.out(saved.send.message);
    }
    if (saved?.send && !saved.send.ok) {
      if (values.json) io.err(`dokuei register: ${saved.send.message}\n`);
      return 3;
    }
    return 0;
  } catch (err) {
    if (tty) io.err('\n');
    if (err instanceof SeriesVolumeError || err instanceof RegistrationError || err instanceof SpatialRegistrationError) {
      io.err(`dokuei register: ${cliErrorText(err)}\n`);
      return 1;
    }
    if (signal?.aborted) {
      io.err(`dokuei register: ${ct('register.cancelled')}\n`);
      return 1;
    }
    throw err;
  }
}

/**
 * Spatial Registration objects already in the studies of a fusion (issue #8: "registration objects found in a study
 * are applied when fusing"): the REG series of the base's and the overlay's studies are read over the data plane
 * with the common reader, and the one that places the overlay on the base (common/registration's
 * findFusionRegistration: as written, or inverted) is returned with a line for the reader.
 */
import { getString } from '../../../../common/dicom/dicomJson';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import type { SeriesSummary } from '../../../../common/dicom/model';
import { Tag } from '../../../../common/dicom/tags';
import {
  findFusionRegistration,
  readSpatialRegistrationJson,
  registrationWhen,
  SPATIAL_REGISTRATION_SOP_CLASS,
  type FoundRegistration,
  type FusionSide,
  type SpatialRegistrationInfo,
} from '../../../../common/registration/spatialRegistrationReader';
import { getDicomJson } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';

async function sideOf(plane: DataPlane, s: SeriesSummary, signal: AbortSignal): Promise<FusionSide> {
  const list = await getDicomJson(plane, dicomwebPath.seriesInstances(s.studyInstanceUid, s.seriesInstanceUid), signal);
  const sops = list.items.map((d) => getString(d, Tag.SOPInstanceUID)?.trim() ?? '').filter(Boolean);
  if (sops.length === 0) return { frameOfReferenceUid: '', sopInstanceUids: [] };
  const meta = await getDicomJson(plane, `${dicomwebPath.instance(s.studyInstanceUid, s.seriesInstanceUid, sops[0]!)}/metadata`, signal);
  return { frameOfReferenceUid: getString(meta.items[0] ?? {}, Tag.FrameOfReferenceUID)?.trim() ?? '', sopInstanceUids: sops };
}

/** Every readable Spatial Registration object in the study (unreadable ones are skipped: they cannot be applied). */
async function registrationsIn(plane: DataPlane, study: string, signal: AbortSignal): Promise<SpatialRegistrationInfo[]> {
  const series = await getDicomJson(plane, dicomwebPath.series(study), signal);
  const regs = series.items.filter((d) => getString(d, Tag.Modality)?.trim() === 'REG');
  const out: SpatialRegistrationInfo[] = [];
  for (const r of regs) {
    const uid = getString(r, Tag.SeriesInstanceUID)?.trim();
    if (!uid) continue;
    const meta = await getDicomJson(plane, dicomwebPath.seriesMetadata(study, uid), signal);
    for (const ds of meta.items) {
      if (getString(ds, Tag.SOPClassUID)?.trim() !== SPATIAL_REGISTRATION_SOP_CLASS) continue;
      try {
        out.push(readSpatialRegistrationJson(ds));
      } catch {
        // A damaged or unsupported object: fusing starts without it.
      }
    }
  }
  return out;
}

export interface AppliedRegistration extends FoundRegistration {
  /** "Registration from 2026-11-27 21:05 (T2 to T1) applied". */
  note: string;
}

export async function findStudyRegistration(plane: DataPlane, base: SeriesSummary, overlay: SeriesSummary, signal: AbortSignal): Promise<AppliedRegistration | undefined> {
  const studies = [...new Set([base.studyInstanceUid, overlay.studyInstanceUid])];
  const found = (await Promise.all(studies.map((s) => registrationsIn(plane, s, signal)))).flat();
  if (found.length === 0) return undefined;
  const [b, o] = await Promise.all([sideOf(plane, base, signal), sideOf(plane, overlay, signal)]);
  const hit = findFusionRegistration(found, b, o);
  if (!hit) return undefined;
  const what = [registrationWhen(hit.info), hit.info.description ? `(${hit.info.description})` : ''].filter(Boolean).join(' ');
  return { ...hit, note: `Registration from ${what || hit.info.sopInstanceUid} applied${hit.inverted ? ' (inverted)' : ''}` };
}

/**
 * The RT Doses and RT Plans of a study in the frame of reference of the series shown (issue #17): the doses' headers
 * for the choice (plan sum, per beam), the chosen dose's grid in Gy (its frames over the data plane, placed by its own
 * geometry: common/rt/doseGrid.ts, the reader `dokuei dvh` uses), and the plan's prescription and beams.
 */
import { useEffect, useState } from 'react';
import { getString, type DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { boundaryOf, decodeMultipart, OCTET_STREAM_ACCEPT } from '../../../../common/dicom/multipart';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import { Tag } from '../../../../common/dicom/tags';
import { parseDoseGrid, type DoseGrid } from '../../../../common/rt/doseGrid';
import { parseRtPlan, type RtPlan } from '../../../../common/rt/rtPlan';
import { getDicomJson } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';
import { errorTextNow, textNow } from '../../../ui/i18n';
import { rtText } from '../model/rtWarningText';

export interface DoseChoice {
  sopInstanceUid: string;
  seriesUid: string;
  /** "Plan sum", "Beam 1", … with the series description. */
  label: string;
  summationType?: string;
  dataset: DicomJsonDataset;
}

export interface RtDosesState {
  doses: DoseChoice[];
  plans: RtPlan[];
  error?: string;
}

const NATIVE = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);

const sameFrame = (ds: DicomJsonDataset, frameOfReferenceUid: string | undefined) => !frameOfReferenceUid || !getString(ds, Tag.FrameOfReferenceUID) || getString(ds, Tag.FrameOfReferenceUID) === frameOfReferenceUid;

function labelOf(ds: DicomJsonDataset): string {
  const type = getString(ds, '3004000A')?.trim().toUpperCase();
  // Worded when the doses load (the list keeps the language of that moment, like the hook's other messages).
  const what =
    type === 'PLAN' ? textNow('rt.doseLabel.plan') : type === 'BEAM' ? textNow('rt.doseLabel.beam') : type === 'FRACTION' ? textNow('rt.doseLabel.fraction') : type ? textNow('rt.doseLabel.other', { type: `${type[0]}${type.slice(1).toLowerCase()}` }) : textNow('rt.doseLabel.dose');
  const description = getString(ds, Tag.SeriesDescription)?.trim();
  return description ? `${what} · ${description}` : what;
}

export function useRtDoses(plane: DataPlane, studyUid: string | undefined, frameOfReferenceUid: string | undefined): RtDosesState {
  const [state, setState] = useState<RtDosesState>({ doses: [], plans: [] });
  useEffect(() => {
    if (!studyUid) return;
    const ctl = new AbortController();
    setState({ doses: [], plans: [] });
    (async () => {
      const { items: series } = await getDicomJson(plane, dicomwebPath.series(studyUid), ctl.signal);
      const of = (m: string) => series.filter((s) => getString(s, Tag.Modality)?.trim() === m).map((s) => getString(s, Tag.SeriesInstanceUID)!);
      const doses: DoseChoice[] = [];
      for (const uid of of('RTDOSE')) {
        const { items } = await getDicomJson(plane, dicomwebPath.seriesMetadata(studyUid, uid), ctl.signal);
        for (const ds of items) {
          if (!sameFrame(ds, frameOfReferenceUid)) continue;
          const summationType = getString(ds, '3004000A')?.trim().toUpperCase();
          doses.push({ sopInstanceUid: getString(ds, Tag.SOPInstanceUID) ?? '', seriesUid: uid, label: labelOf(ds), dataset: ds, ...(summationType ? { summationType } : {}) });
        }
      }
      // The plan sum first: it is what is prescribed.
      doses.sort((a, b) => Number(b.summationType === 'PLAN') - Number(a.summationType === 'PLAN'));
      const plans: RtPlan[] = [];
      for (const uid of of('RTPLAN')) {
        const { items } = await getDicomJson(plane, dicomwebPath.seriesMetadata(studyUid, uid), ctl.signal);
        for (const ds of items) if (sameFrame(ds, frameOfReferenceUid)) plans.push(parseRtPlan(ds));
      }
      if (!ctl.signal.aborted) setState({ doses, plans });
    })().catch((err: unknown) => {
      if (!ctl.signal.aborted) setState({ doses: [], plans: [], error: textNow('rt.load.dosesFailed', { reason: rtText(textNow, errorTextNow(err)) }) });
    });
    return () => ctl.abort();
  }, [plane, studyUid, frameOfReferenceUid]);
  return state;
}

/** The dose grid of one RT Dose in Gy: every frame, native (compressed doses are refused with the reason). */
export async function loadDoseGrid(plane: DataPlane, studyUid: string, dose: DoseChoice, signal?: AbortSignal): Promise<DoseGrid> {
  const frames = Math.max(1, Number(dose.dataset[Tag.NumberOfFrames]?.Value?.[0] ?? 1));
  const bits = Number(dose.dataset[Tag.BitsAllocated]?.Value?.[0] ?? 32);
  const signed = Number(dose.dataset[Tag.PixelRepresentation]?.Value?.[0] ?? 0) === 1;
  const res = await fetch(`${plane.baseUrl}${dicomwebPath.frames(studyUid, dose.seriesUid, dose.sopInstanceUid, Array.from({ length: frames }, (_, i) => i + 1))}`, {
    headers: { ...plane.headers, Accept: OCTET_STREAM_ACCEPT },
    ...(signal ? { signal } : {}),
  });
  if (!res.ok) throw new Error(`the dose's frames answered HTTP ${res.status}`);
  const body = new Uint8Array(await res.arrayBuffer());
  const boundary = boundaryOf(res.headers.get('Content-Type') ?? '');
  const parts = boundary ? decodeMultipart(body, boundary) : [{ contentType: res.headers.get('Content-Type') ?? '', body }];
  if (parts.length !== frames) throw new Error(`the dose has ${frames} frames and ${parts.length} came back`);
  const bytesPer = bits / 8;
  const values = new Float64Array(parts.reduce((n, p) => n + p.body.byteLength / bytesPer, 0));
  let at = 0;
  for (const part of parts) {
    const ts = /transfer-syntax=([0-9.]+)/.exec(part.contentType)?.[1] ?? '1.2.840.10008.1.2.1';
    if (!NATIVE.has(ts)) throw new Error(`the dose is compressed (${ts}); only uncompressed doses are shown`);
    const view = new DataView(part.body.buffer, part.body.byteOffset, part.body.byteLength);
    const n = part.body.byteLength / bytesPer;
    for (let i = 0; i < n; i++) {
      const o = i * bytesPer;
      values[at++] = bits === 32 ? (signed ? view.getInt32(o, true) : view.getUint32(o, true)) : bits === 16 ? (signed ? view.getInt16(o, true) : view.getUint16(o, true)) : view.getUint8(o);
    }
  }
  return parseDoseGrid(dose.dataset, values);
}

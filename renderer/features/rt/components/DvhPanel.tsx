/**
 * The DVH panel of a stack cell (issue #17): the cumulative DVH of every structure on the dose shown, computed on
 * request by the engine `dokuei dvh` uses (common/rt/dvh.ts, so both print the same numbers), one structure per
 * task so the page stays responsive; plotted in the structures' colours with the planning system's stored curve
 * (DVH Sequence) dashed beside each, and a table of volume, mean, D95, D2 and the largest difference from the
 * stored curve.
 */
import { useEffect, useState } from 'react';
import { errorText, useTranslation } from '../../../ui/i18n';
import type { DoseGrid } from '../../../../common/rt/doseGrid';
import { computeDvh, type Dvh } from '../../../../common/rt/dvh';
import { compareWithStored, storedDvhs, type StoredComparison } from '../../../../common/rt/storedDvh';
import { closedPlanes, type Roi } from '../../../../common/rt/structureSet';
import type { DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { roiColour } from './StructureLayer';
import { rtText } from '../model/rtWarningText';

export interface DvhPanelProps {
  rois: readonly Roi[];
  grid: DoseGrid;
  /** The RT Dose's header: its DVH Sequence, when the planning system stored one. */
  doseDataset: DicomJsonDataset;
}

interface Row {
  roi: Roi;
  dvh?: Dvh;
  error?: string;
  /** The structure has no closed contour: nothing to compute. */
  noClosedContours?: boolean;
  /** The planning system's curve in cm³ and the largest difference from it (the CLI's `stored`). */
  stored?: StoredComparison;
}

const W = 170;
const H = 110;

export function DvhPanel({ rois, grid, doseDataset }: DvhPanelProps) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<Row[]>();
  const [busy, setBusy] = useState(false);
  // A new dose or structure set: the table is stale.
  useEffect(() => setRows(undefined), [rois, grid]);

  const compute = () => {
    setBusy(true);
    const stored = storedDvhs(doseDataset).dvhs;
    const out: Row[] = [];
    let i = 0;
    const step = () => {
      const roi = rois[i++];
      if (!roi) {
        setRows(out);
        setBusy(false);
        return;
      }
      const { planes } = closedPlanes(roi);
      const s = stored.find((d) => d.roiNumber === roi.number);
      if (!planes.length) out.push({ roi, noClosedContours: true });
      else {
        try {
          const dvh = computeDvh(planes, grid);
          const comparison = compareWithStored(dvh, s);
          out.push({ roi, dvh, ...(comparison ? { stored: comparison } : {}) });
        } catch (err) {
          out.push({ roi, error: errorText(t, err) });
        }
      }
      setRows([...out]);
      setTimeout(step, 0);
    };
    setTimeout(step, 0);
  };

  const maxGy = Math.max(grid.maxGy, 1e-6);
  const curve = (points: readonly (readonly [number, number])[], volume: number) =>
    points.map(([d, v], k) => `${k ? 'L' : 'M'}${((d / maxGy) * W).toFixed(1)} ${(H - (v / Math.max(volume, 1e-9)) * H).toFixed(1)}`).join('');

  return (
    <section className="dvh-panel" aria-label={t('rt.dvh')}>
      <h2>{t('rt.dvh')}</h2>
      <button type="button" onClick={compute} disabled={busy}>
        {busy ? t('rt.computing', { done: rows?.length ?? 0, total: rois.length }) : rows ? t('rt.recomputeDvh') : t('rt.computeDvh')}
      </button>
      {rows ? (
        <>
          <svg className="dvh-plot" width={W} height={H} role="img" aria-label={t('rt.dvhPlot')}>
            <rect x={0} y={0} width={W} height={H} className="dvh-frame" />
            {rows.map((r) =>
              r.dvh ? (
                <g key={r.roi.number} data-roi={r.roi.number}>
                  <path d={curve(r.dvh.cumulative, r.dvh.volumeCc)} stroke={roiColour(r.roi)} fill="none" strokeWidth={1.5} />
                  {r.stored ? <path d={curve(r.stored.cumulative, r.dvh.volumeCc)} stroke={roiColour(r.roi)} fill="none" strokeWidth={1} strokeDasharray="3 2" /> : null}
                </g>
              ) : null,
            )}
          </svg>
          <p className="muted">{t('rt.dvhAxis', { max: maxGy.toFixed(1) })}</p>
          <table className="dvh-table">
            <thead>
              <tr>
                <th>{t('rt.structure')}</th>
                <th>{t('rt.cc')}</th>
                <th>{t('rt.mean')}</th>
                <th>{t('rt.d95')}</th>
                <th>{t('rt.d2')}</th>
                <th>{t('rt.deltaStored')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.roi.number} data-roi={r.roi.number} data-volume-cc={r.dvh?.volumeCc.toFixed(4)} data-d95={r.dvh?.D['95'].toFixed(4)} data-mean={r.dvh?.meanGy.toFixed(4)}>
                  <td>{r.roi.name}</td>
                  {r.dvh ? (
                    <>
                      <td>{r.dvh.volumeCc.toFixed(2)}</td>
                      <td>{r.dvh.meanGy.toFixed(2)}</td>
                      <td>{r.dvh.D['95'].toFixed(2)}</td>
                      <td>{r.dvh.D['2'].toFixed(2)}</td>
                      <td>{r.stored ? `${r.stored.maxVolumeDifferencePercent.toFixed(1)} %` : '—'}</td>
                    </>
                  ) : (
                    <td colSpan={5}>{r.noClosedContours ? t('rt.noClosedContours') : rtText(t, r.error ?? '')}</td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

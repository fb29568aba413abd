/** The selected study's series with thumbnails; click or Enter opens one in the viewer. */
import { useEffect, useState } from 'react';
import { getString } from '../../../../common/dicom/dicomJson';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import { seriesFromDicomJson, type SeriesSummary } from '../../../../common/dicom/model';
import { Tag } from '../../../../common/dicom/tags';
import { getDicomJson, getImageObjectUrl } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';

export interface SeriesStripProps {
  plane: DataPlane;
  studyUid: string;
  selected?: string;
  onOpen: (series: SeriesSummary) => void;
}

export function SeriesStrip({ plane, studyUid, selected, onOpen }: SeriesStripProps) {
  const [series, setSeries] = useState<SeriesSummary[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const ctl = new AbortController();
    setSeries([]);
    setError(undefined);
    getDicomJson(plane, dicomwebPath.series(studyUid), ctl.signal)
      .then((a) => {
        const list = a.items.map(seriesFromDicomJson).filter((s): s is SeriesSummary => !!s);
        list.sort((x, y) => (x.seriesNumber ?? 1e9) - (y.seriesNumber ?? 1e9));
        setSeries(list);
      })
      .catch((err: Error) => err.name !== 'AbortError' && setError(err.message));
    return () => ctl.abort();
  }, [plane, studyUid]);

  if (error) return <div className="banner error" role="alert">Series list failed: {error}</div>;
  return (
    <ul className="series-list" aria-label="Series">
      {series.map((s) => (
        <li
          key={s.seriesInstanceUid}
          tabIndex={0}
          className={s.seriesInstanceUid === selected ? 'selected' : ''}
          data-series-uid={s.seriesInstanceUid}
          onClick={() => onOpen(s)}
          onKeyDown={(e) => e.key === 'Enter' && onOpen(s)}
        >
          <Thumbnail plane={plane} series={s} />
          <span className="caption">
            {s.modality} #{s.seriesNumber ?? '?'} · {s.numberOfInstances ?? '?'} img
          </span>
          <span className="caption">{s.seriesDescription || '(no description)'}</span>
        </li>
      ))}
    </ul>
  );
}

function Thumbnail({ plane, series }: { plane: DataPlane; series: SeriesSummary }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const ctl = new AbortController();
    let objectUrl: string | undefined;
    (async () => {
      const inst = await getDicomJson(plane, dicomwebPath.seriesInstances(series.studyInstanceUid, series.seriesInstanceUid), ctl.signal);
      const sorted = [...inst.items].sort((a, b) => Number(getString(a, Tag.InstanceNumber) ?? 0) - Number(getString(b, Tag.InstanceNumber) ?? 0));
      const middle = sorted[Math.floor(sorted.length / 2)];
      const sop = middle && getString(middle, Tag.SOPInstanceUID);
      if (!sop) return;
      objectUrl = await getImageObjectUrl(plane, dicomwebPath.thumbnail(series.studyInstanceUid, series.seriesInstanceUid, sop), ctl.signal);
      setUrl(objectUrl);
    })().catch(() => {
      // No thumbnail (compressed or colour local data, or the node cannot render): the caption stays.
    });
    return () => {
      ctl.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [plane, series]);
  return url ? <img src={url} alt={`Series ${series.seriesNumber ?? ''} thumbnail`} /> : <div className="thumb-placeholder" aria-hidden />;
}

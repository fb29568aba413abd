/**
 * The selected study's series (local store or the first node that answers), with thumbnails; series that hold no
 * images (REG, SEG, SR, PR…) get a labelled tile and do not open in a viewport. Reports (SR, and DOC: encapsulated
 * PDF) open in the report panel instead (issue #19); the others get a note that says why nothing opens.
 */
import { useEffect, useState } from 'react';
import { getString } from '../../../../common/dicom/dicomJson';
import { dicomwebPath } from '../../../../common/dicom/dicomwebPaths';
import type { SeriesSummary } from '../../../../common/dicom/model';
import { Tag } from '../../../../common/dicom/tags';
import type { DokueiApi } from '../../../../common/ipc/contract';
import { getDicomJson, getImageObjectUrl } from '../../../platform/dicomweb';
import type { DataPlane } from '../../../platform/platform';
import { nonImageKind, nonImageLabel, whyNotOpened, words } from '../model/nonImageSeries';
import { errorText, useTranslation } from '../../../ui/i18n';
import { ReportPanel, reportSeriesKind } from '../../reports';

export interface SeriesStripProps {
  api: DokueiApi;
  plane: DataPlane;
  studyUid: string;
  selected?: string;
  /** Thumbnails come over the data plane: only when the study is local or on a DICOMweb node. */
  thumbnails: boolean;
  refreshKey: number;
  onOpen: (series: SeriesSummary) => void;
}

export function SeriesStrip({ api, plane, studyUid, selected, thumbnails, refreshKey, onOpen }: SeriesStripProps) {
  const { t } = useTranslation();
  const [series, setSeries] = useState<SeriesSummary[]>();
  const [error, setError] = useState<string>();
  const [source, setSource] = useState<string>('');
  const [refused, setRefused] = useState<string>();
  /** The report series shown in the report panel (kept here so the app shell needs no change for it). */
  const [report, setReport] = useState<SeriesSummary>();
  const open = (s: SeriesSummary) => {
    if (reportSeriesKind(s.modality)) {
      setRefused(undefined);
      return setReport(s);
    }
    if (nonImageKind(s.modality)) return setRefused(whyNotOpened(words(t), s.modality, s.seriesDescription));
    setRefused(undefined);
    onOpen(s);
  };

  // Another study: its reports, not the last one's (a refresh of the same study's list keeps the panel open).
  useEffect(() => setReport(undefined), [studyUid]);

  useEffect(() => {
    let live = true;
    setError(undefined);
    setRefused(undefined);
    api.studies
      .series({ studyInstanceUid: studyUid })
      .then((r) => {
        if (!live) return;
        setSeries(r.series);
        setSource(r.source);
        const failed = r.nodes.filter((n) => n.error);
        if (r.series.length === 0) setError(failed.length ? failed.map((n) => `${n.name}: ${n.error}`).join('; ') : t('stack.noSeries'));
      })
      .catch((err: Error) => live && setError(errorText(t, err)));
    return () => {
      live = false;
    };
  }, [api, studyUid, refreshKey]);

  return (
    <div className="series-panel">
      {error ? (
        <div className="banner error" role="alert">
          {t('stack.seriesListError', { error })}
        </div>
      ) : null}
      {refused ? (
        <div className="banner info" role="status" data-testid="series-not-opened">
          {refused}
        </div>
      ) : null}
      <ul className="series-list" aria-label={t('stack.seriesList')} data-source={source}>
        {(series ?? []).map((s) => (
          <li
            key={s.seriesInstanceUid}
            tabIndex={0}
            className={s.seriesInstanceUid === selected ? 'selected' : ''}
            data-series-uid={s.seriesInstanceUid}
            data-non-image={nonImageKind(s.modality) ? 'true' : undefined}
            data-report-open={report?.seriesInstanceUid === s.seriesInstanceUid ? 'true' : undefined}
            onClick={() => open(s)}
            onKeyDown={(e) => e.key === 'Enter' && open(s)}
          >
            {nonImageKind(s.modality) ? (
              <NonImageTile plane={plane} series={s} counts={thumbnails} />
            ) : thumbnails ? (
              <Thumbnail plane={plane} series={s} />
            ) : (
              <div className="thumb-placeholder" aria-hidden />
            )}
            <span className="caption">
              {s.modality} #{s.seriesNumber ?? '?'} · {t(nonImageKind(s.modality) ? 'stack.objects' : 'stack.images', { n: s.numberOfInstances ?? '?' })}
            </span>
            <span className="caption">{s.seriesDescription || t('stack.noDescription')}</span>
          </li>
        ))}
      </ul>
      {report ? <ReportPanel plane={plane} series={report} onClose={() => setReport(undefined)} /> : null}
    </div>
  );
}

function Thumbnail({ plane, series }: { plane: DataPlane; series: SeriesSummary }) {
  const { t } = useTranslation();
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
  return url ? <img src={url} alt={t('stack.thumbnail', { number: series.seriesNumber ?? '' })} /> : <div className="thumb-placeholder" aria-hidden />;
}

/** In place of a thumbnail: what the series is; a SEG's segments counted from its metadata where it can be read. */
function NonImageTile({ plane, series, counts }: { plane: DataPlane; series: SeriesSummary; counts: boolean }) {
  const { t } = useTranslation();
  const [segments, setSegments] = useState<number>();
  const isSeg = series.modality.trim().toUpperCase() === 'SEG';
  useEffect(() => {
    if (!isSeg || !counts) return;
    const ctl = new AbortController();
    getDicomJson(plane, dicomwebPath.seriesMetadata(series.studyInstanceUid, series.seriesInstanceUid), ctl.signal)
      .then((r) => {
        // One SEG object usually; several: their segments together.
        const n = r.items.reduce((sum, ds) => sum + ((ds[SEGMENT_SEQUENCE] as { Value?: unknown[] } | undefined)?.Value?.length ?? 0), 0);
        if (n > 0) setSegments(n);
      })
      .catch(() => {
        // Not readable (a node without metadata): the tile says what it is without the count.
      });
    return () => ctl.abort();
  }, [plane, series, isSeg, counts]);
  return (
    <div className="thumb-placeholder non-image-tile" data-testid="non-image-tile" style={NON_IMAGE_TILE}>
      {nonImageLabel(words(t), series.modality, segments)}
    </div>
  );
}

/** Segment Sequence (0062,0002). */
const SEGMENT_SEQUENCE = '00620002';
const NON_IMAGE_TILE: React.CSSProperties = { display: 'flex', alignItems: 'center', justifyContent: 'center', textAlign: 'center', padding: 8, boxSizing: 'border-box', fontSize: 13, color: '#cfd8e0', background: '#1a2230', border: '1px dashed #3a4a60' };

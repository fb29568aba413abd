/**
 * The text around the image: patient and study (top left), series (top right), slice number, position and
 * thickness (bottom left), scale bar, zoom and window (bottom right), orientation letters at the edges.
 */
import { formatDicomDate, formatPersonName, getNumber, getPersonName, getString, type DicomJsonDataset } from '../../../../common/dicom/dicomJson';
import { Tag } from '../../../../common/dicom/tags';
import { formatMm, slicePosition, type ViewState } from '../../../imaging';
import { useTranslation } from '../../../ui/i18n';

export interface StackOverlayProps {
  first: DicomJsonDataset;
  current: DicomJsonDataset;
  view?: ViewState;
  /** PET: how values become SUV on this slice ("SUVbw = Bq/ml × 1.234e-4"), or why they cannot. */
  suv?: string;
}

const nums = (ds: DicomJsonDataset, tag: string): number[] | undefined => {
  const v = (ds[tag]?.Value ?? []).map((x) => (typeof x === 'number' ? x : Number(x)));
  return v.length > 0 && v.every(Number.isFinite) ? v : undefined;
};

export function StackOverlay({ first, current, view, suv }: StackOverlayProps) {
  const { t } = useTranslation();
  const birth = formatDicomDate(getString(first, Tag.PatientBirthDate));
  const sex = getString(first, Tag.PatientSex) ?? '';
  const pos = slicePosition(getNumber(current, '00201041'), nums(current, Tag.ImagePositionPatient), nums(current, Tag.ImageOrientationPatient));
  const thickness = getNumber(current, '00180050');
  const flags = view
    ? [
        view.flipHorizontal ? t('viewer.tools.flipH') : '',
        view.flipVertical ? t('viewer.tools.flipV') : '',
        view.rotation ? t('stack.rotation', { deg: view.rotation }) : '',
        view.invert ? t('stack.inverted') : '',
      ].filter(Boolean)
    : [];
  return (
    <>
      <div className="overlay tl" data-testid="overlay-patient">
        <div className="strong">{formatPersonName(getPersonName(first, Tag.PatientName)) || t('stack.noName')}</div>
        <div>{t('stack.patientId', { id: getString(first, Tag.PatientID) ?? '' })}</div>
        {birth || sex ? <div>{[birth && t('stack.birth', { date: birth }), sex].filter(Boolean).join(' · ')}</div> : null}
        <div data-testid="overlay-study">
          {formatDicomDate(getString(first, Tag.StudyDate))} {getString(first, Tag.StudyDescription) ?? ''}
        </div>
      </div>
      <div className="overlay tr" data-testid="overlay-series">
        <div>{t('stack.series', { modality: getString(first, Tag.Modality) ?? '', number: getString(first, Tag.SeriesNumber) ?? '' })}</div>
        <div>{getString(first, Tag.SeriesDescription) ?? ''}</div>
        {flags.length ? <div data-testid="overlay-flags">{flags.join(' · ')}</div> : null}
      </div>
      <div className="overlay bl">
        <div data-testid="overlay-slice">{view ? t('stack.slice', { n: view.index + 1, total: view.count }) : ''}</div>
        <div data-testid="overlay-position">
          {pos !== undefined ? t('stack.position', { pos: formatMm(pos) }) : t('stack.noPosition')}
          {thickness !== undefined ? `  ${t('stack.thickness', { thickness: formatMm(thickness) })}` : ''}
        </div>
      </div>
      <div className="overlay br">
        {view?.scaleBar ? (
          <div className="scale-bar" data-testid="overlay-scale" data-mm={view.scaleBar.mm} data-px={view.scaleBar.px.toFixed(2)}>
            <div className="scale-line" style={{ width: `${view.scaleBar.px}px` }} />
            <div>{view.scaleBar.label}</div>
          </div>
        ) : view && !view.pixelSpacingKnown ? (
          <div data-testid="overlay-scale" className="muted">
            {t('stack.noScale')}
          </div>
        ) : null}
        <div data-testid="overlay-zoom">{view ? t('stack.zoom', { zoom: view.zoom.toFixed(2) }) : ''}</div>
        <div data-testid="overlay-voi">{view ? t('stack.voi', { ww: view.windowWidth, wc: view.windowCenter }) : ''}</div>
        {suv ? <div data-testid="overlay-suv">{suv}</div> : null}
      </div>
      {view?.markers
        ? (['top', 'bottom', 'left', 'right'] as const).map((edge) => (
            <div key={edge} className={`overlay orient ${edge}`} data-testid={`orient-${edge}`}>
              {view.markers![edge]}
            </div>
          ))
        : null}
    </>
  );
}

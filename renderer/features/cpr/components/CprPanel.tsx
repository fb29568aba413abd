/**
 * The Curved MPR panel beside the MPR planes (issue #19): how to draw the path while the reader draws it, the CPR
 * (straightened or stretched) with a ruler of millimetres along the path and a cursor line, the cross-section
 * perpendicular to the path at the cursor (moving the mouse along the CPR moves it), the slab and width controls,
 * and the path's length.
 */
import type { KeyboardEvent as ReactKeyboardEvent } from 'react';
import { useTranslation } from '../../../ui/i18n';
import { rowOfArcLength, THICKNESSES_MM, WIDTHS_MM, type CprKind } from '../model/cprCompute';
import { columnCentreX, niceStepMm, rowAt, rowCentreY, rulerTicks, type DrawRect, type WindowLevel } from '../model/cprImage';
import { formatMm } from '../model/curvedPath';
import { ReformatCanvas } from './ReformatCanvas';
import type { CurvedMpr } from './useCurvedMpr';
import './cprPanel.css';

export interface CprPanelProps {
  cpr: CurvedMpr;
  /** The MPR planes' window: the CPR and cross-section are shown in it. */
  window: WindowLevel;
}

const CURSOR_COLOUR = '#ffa726';
const PATH_COLOUR = '#4fc3f7';

export function CprPanel({ cpr, window: win }: CprPanelProps) {
  const { t } = useTranslation();
  const { result, cross, settings, status, mode, points } = cpr;
  const image = result?.image;
  const cursorRow = result && cpr.cursorMm !== undefined ? rowOfArcLength(result.rowArcLengthsMm, cpr.cursorMm) : undefined;

  const moveCursor = (y: number, rect: DrawRect) => {
    if (!result) return;
    const row = rowAt(y, rect, result.image.height);
    if (row !== undefined) cpr.setCursorMm(result.rowArcLengthsMm[row]!);
  };
  const stepCursor = (e: ReactKeyboardEvent) => {
    if (!result || cursorRow === undefined || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    e.stopPropagation();
    const step = (e.key === 'ArrowUp' ? -1 : 1) * (e.shiftKey ? 10 : 1);
    const row = Math.min(result.image.height - 1, Math.max(0, cursorRow + step));
    cpr.setCursorMm(result.rowArcLengthsMm[row]!);
  };

  const cprOverlay = (rect: DrawRect) => {
    if (!image || !result) return null;
    const rows = image.height;
    const tickStep = niceStepMm(result.path.lengthMm, 10);
    const ticks = rulerTicks(result.rowArcLengthsMm, tickStep);
    // A label on every tick while they are at least 14 px apart, else on every other (or fewer).
    const pxPerTick = (tickStep / (rows * image.pixelMm)) * rect.height;
    const labelEvery = Math.max(1, Math.ceil(14 / Math.max(1e-6, pxPerTick)));
    const centreX = image.kind === 'straightened' ? columnCentreX(image.centreColumn, rect, image.width) : undefined;
    const y = cursorRow !== undefined ? rowCentreY(cursorRow, rect, rows) : undefined;
    return (
      <>
        <rect x={rect.x} y={rect.y} width={rect.width} height={rect.height} fill="none" stroke="#345" />
        {/* Where the path runs: marks above and below the centre column, or the stretched CPR's meandering centreline. */}
        {centreX !== undefined ? (
          <g stroke={PATH_COLOUR} strokeWidth={2}>
            <line x1={centreX} x2={centreX} y1={rect.y - 8} y2={rect.y - 1} />
            <line x1={centreX} x2={centreX} y1={rect.y + rect.height + 1} y2={rect.y + rect.height + 8} />
          </g>
        ) : image.kind === 'stretched' ? (
          <polyline
            fill="none"
            stroke={PATH_COLOUR}
            strokeWidth={1}
            strokeDasharray="2 4"
            opacity={0.7}
            points={Array.from({ length: Math.ceil(rows / 4) }, (_, k) => Math.min(rows - 1, k * 4))
              .map((r) => `${columnCentreX(image.centreColumns[r]!, rect, image.width).toFixed(1)},${rowCentreY(r, rect, rows).toFixed(1)}`)
              .join(' ')}
          />
        ) : null}
        <g stroke="#9fb3c8" strokeWidth={1} fill="#cfd8e0" fontSize={10}>
          {ticks.map((tk, i) => {
            const ty = rowCentreY(tk.row, rect, rows);
            const labelled = i % labelEvery === 0;
            return (
              <g key={tk.mm}>
                <line x1={rect.x} x2={rect.x + (labelled ? 8 : 5)} y1={ty} y2={ty} />
                {labelled ? (
                  <text x={rect.x + 10} y={ty + 3.5} stroke="none" className="cpr-ruler-label">
                    {Math.round(tk.mm)}
                  </text>
                ) : null}
              </g>
            );
          })}
        </g>
        {/* Which end is which, inside the image's corners (beside the ruler's 0 and its last tick). */}
        <text x={rect.x + rect.width - 4} y={rect.y + 12} fill="#9fb3c8" fontSize={10} textAnchor="end" className="cpr-ruler-label">
          {t('cpr.start')}
        </text>
        <text x={rect.x + rect.width - 4} y={rect.y + rect.height - 5} fill="#9fb3c8" fontSize={10} textAnchor="end" className="cpr-ruler-label">
          {t('cpr.end')}
        </text>
        {y !== undefined && cpr.cursorMm !== undefined ? (
          <g>
            <line x1={rect.x} x2={rect.x + rect.width} y1={y} y2={y} stroke={CURSOR_COLOUR} strokeWidth={1.5} />
            <text x={rect.x + rect.width - 4} y={y - 4} fill={CURSOR_COLOUR} fontSize={11} textAnchor="end" className="cpr-ruler-label">
              {t('cpr.mm', { mm: formatMm(cpr.cursorMm) })}
            </text>
          </g>
        ) : null}
      </>
    );
  };

  const crossOverlay = (rect: DrawRect) => {
    if (!cross) return null;
    const cx = columnCentreX(cross.centre, rect, cross.width);
    const cy = rowCentreY(cross.centre, rect, cross.height);
    const gap = 8;
    const arm = 8;
    const tenMm = (10 / (cross.width * cross.pixelMm)) * rect.width;
    return (
      <>
        <rect x={rect.x} y={rect.y} width={rect.width} height={rect.height} fill="none" stroke="#345" />
        <g stroke={CURSOR_COLOUR} strokeWidth={1.5}>
          <line x1={cx - gap - arm} x2={cx - gap} y1={cy} y2={cy} />
          <line x1={cx + gap} x2={cx + gap + arm} y1={cy} y2={cy} />
          <line x1={cx} x2={cx} y1={cy - gap - arm} y2={cy - gap} />
          <line x1={cx} x2={cx} y1={cy + gap} y2={cy + gap + arm} />
        </g>
        <g stroke="#cfd8e0" strokeWidth={2}>
          <line x1={rect.x + 6} x2={rect.x + 6 + tenMm} y1={rect.y + rect.height - 8} y2={rect.y + rect.height - 8} />
        </g>
        <text x={rect.x + 6} y={rect.y + rect.height - 12} fill="#cfd8e0" fontSize={10} className="cpr-ruler-label">
          {t('cpr.mm', { mm: 10 })}
        </text>
      </>
    );
  };

  const statusLine =
    status === 'waiting'
      ? t('cpr.waitingVolume')
      : status === 'computing'
        ? t('cpr.computing')
        : status === 'error'
          ? t('cpr.failed', { error: cpr.error ?? '' })
          : points.length < 2
            ? t('cpr.needTwo')
            : '';

  return (
    <aside className="cpr-panel" aria-label={t('cpr.panel')} data-testid="cpr-panel" data-status={status} data-mode={mode}>
      <div className="cpr-head">
        <strong>{t('cpr.title')}</strong>
        <span className="cpr-head-buttons">
          {mode === 'drawing' ? (
            <>
              <button type="button" onClick={cpr.removeLast} disabled={points.length === 0} title={t('cpr.removeLastTitle')}>
                {t('cpr.removeLast')}
              </button>
              <button type="button" onClick={cpr.finish} disabled={points.length < 2} title={t('cpr.finishTitle')}>
                {t('cpr.finish')}
              </button>
            </>
          ) : (
            <button type="button" onClick={cpr.startNew}>
              {t('cpr.newPath')}
            </button>
          )}
          <button type="button" onClick={cpr.cancel} title={t('cpr.closeTitle')}>
            {t('cpr.close')}
          </button>
        </span>
      </div>
      {mode === 'drawing' ? (
        <p className="cpr-hint" role="status">
          {t('cpr.hint')}
        </p>
      ) : null}
      <div className="cpr-controls">
        <span role="radiogroup" aria-label={t('cpr.kind')}>
          {(['straightened', 'stretched'] as const satisfies readonly CprKind[]).map((k) => (
            <label key={k} title={t(k === 'straightened' ? 'cpr.straightenedTitle' : 'cpr.stretchedTitle')}>
              <input type="radio" name="cpr-kind" checked={settings.kind === k} onChange={() => cpr.setSettings({ kind: k })} /> {t(k === 'straightened' ? 'cpr.straightened' : 'cpr.stretched')}
            </label>
          ))}
        </span>
        <label>
          {t('cpr.slab')}{' '}
          <select aria-label={t('cpr.slabThickness')} value={settings.thicknessMm} onChange={(e) => cpr.setSettings({ thicknessMm: Number(e.target.value) })}>
            {THICKNESSES_MM.map((mm) => (
              <option key={mm} value={mm}>
                {mm === 0 ? t('cpr.thin') : t('cpr.mm', { mm })}
              </option>
            ))}
          </select>
        </label>
        <select aria-label={t('cpr.slabMode')} value={settings.slabMode} disabled={settings.thicknessMm === 0} onChange={(e) => cpr.setSettings({ slabMode: e.target.value === 'mean' ? 'mean' : 'mip' })}>
          <option value="mip">{t('cpr.mip')}</option>
          <option value="mean">{t('cpr.mean')}</option>
        </select>
        <label>
          {t('cpr.width')}{' '}
          <select aria-label={t('cpr.widthTitle')} value={settings.widthMm} onChange={(e) => cpr.setSettings({ widthMm: Number(e.target.value) })}>
            {WIDTHS_MM.map((mm) => (
              <option key={mm} value={mm}>
                {t('cpr.mm', { mm })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="cpr-length" data-testid="cpr-length">
        {cpr.lengthMm !== undefined ? t('cpr.pathLength', { mm: formatMm(cpr.lengthMm) }) : t('cpr.pointsCount', { n: points.length })}
        {statusLine ? (
          <span className={`cpr-status ${status === 'error' ? 'cpr-error' : ''}`} role={status === 'error' ? 'alert' : 'status'}>
            {statusLine}
          </span>
        ) : null}
      </div>
      <div className="cpr-images">
        <div className="cpr-main">
          <ReformatCanvas
            image={image}
            window={win}
            label={t('cpr.cprLabel')}
            testId="cpr-image"
            className="cpr-image"
            overlay={cprOverlay}
            onMouseMove={moveCursor}
            onKeyDown={stepCursor}
          />
        </div>
        <div className="cpr-cross">
          <div className="cpr-caption">{cross ? t('cpr.crossSection', { mm: formatMm(cross.arcLengthMm) }) : t('cpr.crossSectionLabel')}</div>
          <ReformatCanvas image={cross} window={win} label={t('cpr.crossSectionLabel')} testId="cpr-cross-section" className="cpr-cross-image" overlay={crossOverlay} />
          {image ? (
            <div className="cpr-footnote" title={t('cpr.sizeTitle')}>
              {t('cpr.size', { width: image.width, height: image.height, mm: image.pixelMm.toFixed(2) })}
            </div>
          ) : null}
        </div>
      </div>
    </aside>
  );
}

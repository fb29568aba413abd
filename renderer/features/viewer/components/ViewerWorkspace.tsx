/**
 * The reading area: a layout of cells (1×1 … 3×3, MPR 1+3), each showing a series. Opening a series puts
 * it in the active cell; MPR shows the active cell's series as a volume. A hanging protocol (or "compare
 * with prior") sets the layout and the series per cell; synchronized scrolling keeps cells together,
 * keeping the offset they had when they were linked (priors are rarely in the same table position).
 * Two layouts are not grids: 'fusion' (the first two cells' series fused, base under overlay) and 'petct', the
 * PET/CT reading layout (PetCtPane) of the cells' CT and PET — hung by the PET/CT protocol or chosen by its button.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { SeriesSummary } from '../../../../common/dicom/model';
import { VIEWPORTS_PER_LAYOUT, type Layout } from '../../../../common/viewer/hangingProtocols';
import { matchShortcut, type ShortcutMap } from '../../../../common/viewer/shortcuts';
import { useShortcutMap } from '../../settings';
import { prepareImaging } from '../../../imaging';
import { useTranslation } from '../../../ui/i18n';
import type { DataPlane } from '../../../platform/platform';
import { mprPresetsFor, type Hanging } from '../model/hanging';
import { areParallel, centreOf, type ImagePlane } from '../model/imagePlane';
import { fusionRefusal, isImageSeries, words } from '../model/nonImageSeries';
import { FusionPane } from './FusionPane';
import { MprPane } from './MprPane';
import { PetCtPane } from './PetCtPane';
import { ViewerPane, type ViewerPaneHandle } from './ViewerPane';

/** The hanging-protocol layouts (including 'petct'), plus fusion of the first two cells' series. */
export type LayoutId = Layout | 'fusion';

export const LAYOUT_BUTTONS: readonly { id: Layout; name: string; action: string }[] = [
  { id: '1x1', name: '1×1', action: 'layout1x1' },
  { id: '1x2', name: '1×2', action: 'layout1x2' },
  { id: '2x2', name: '2×2', action: 'layout2x2' },
  { id: 'mpr1+3', name: 'MPR 1+3', action: 'layoutMpr' },
];

export interface ViewerWorkspaceProps {
  plane: DataPlane;
  /** The series the reader opened last: it goes into the active cell. */
  series?: SeriesSummary;
  /** Set by a hanging protocol or "compare with prior": layout and series per cell. */
  hanging?: Hanging;
  /** A key map to use instead of the reader's (tests). */
  shortcuts?: Partial<ShortcutMap>;
  /** Asks App to find the patient's prior study and hang it beside the active series. */
  onComparePrior?: (current: SeriesSummary) => void;
  /** Where the layout bar goes instead of above the cells (reading mode: the app's header row), so the bars take one row less. */
  toolbarSlot?: HTMLElement | null | undefined;
}

function gridOf(layout: LayoutId): { rows: number; columns: number } {
  const m = /^(\d)x(\d)$/.exec(layout);
  return m ? { rows: Number(m[1]), columns: Number(m[2]) } : { rows: 1, columns: 1 };
}

export function ViewerWorkspace({ plane, series, hanging, shortcuts: shortcutsOverride, onComparePrior, toolbarSlot }: ViewerWorkspaceProps) {
  // Start the imaging engine and its decode worker while the reader is still choosing a study, so the first
  // series opened does not wait for them.
  useEffect(() => {
    void prepareImaging(plane.headers);
  }, [plane]);
  const { t } = useTranslation();
  const readerShortcuts = useShortcutMap();
  const shortcuts = shortcutsOverride ?? readerShortcuts;
  const [layout, setLayout] = useState<LayoutId>('1x1');
  const [cells, setCells] = useState<(SeriesSummary | undefined)[]>([]);
  const [captions, setCaptions] = useState<(string | undefined)[]>([]);
  /** Per cell: the hanging protocol's window/level preset for the series it hung there. */
  const [presets, setPresets] = useState<(string | undefined)[]>([]);
  /** Per cell: the protocol's view, so the MPR layout knows its planes' window preset from its 3D preset. */
  const [views, setViews] = useState<Hanging['views']>([]);
  const [active, setActive] = useState(0);
  // Linked scrolling is on by default: it links only cells showing parallel planes.
  const [sync, setSync] = useState(true);
  const panes = useRef<(ViewerPaneHandle | null)[]>([]);
  const lastIndex = useRef<(number | undefined)[]>([]);
  /** The cell that last had the reader's mouse, wheel or keys. */
  const userCell = useRef(0);
  const lastPlane = useRef<(ImagePlane | undefined)[]>([]);
  const [reference, setReference] = useState<{ cell: number; plane: ImagePlane | undefined }>();
  /** What the viewer says instead of empty cells (a study with no image series), worded when shown. */
  const [message, setMessage] = useState<Hanging['message']>();
  /** The cell a double-click enlarged to the whole viewer (the others stay loaded, hidden); a second double-click restores. */
  const [maximised, setMaximised] = useState<number>();

  useEffect(() => {
    if (!hanging) return;
    setLayout(hanging.layout);
    // Only image series go into a cell (hangStudy already hangs only those; a hand-made Hanging is held to it too).
    setCells(hanging.cells.map((c) => (c && isImageSeries(c) ? c : undefined)));
    setMessage(() => hanging.message);
    setCaptions(hanging.captions ?? []);
    setPresets(hanging.presets ?? []);
    setViews(hanging.views ?? []);
    if (hanging.syncScroll) setSync(true);
    setActive(0);
    setMaximised(undefined);
    // lastIndex/lastPlane stay: a cell keeping its series reports no new slice, and its position still counts.
    setReference(undefined);
  }, [hanging]);

  useEffect(() => {
    // The series strip refuses non-image series; the workspace never puts one in a cell either.
    if (!series || !isImageSeries(series)) return;
    setMessage(undefined);
    setCells((prev) => {
      const next = [...prev];
      next[active] = series;
      return next;
    });
    setCaptions((prev) => {
      const next = [...prev];
      next[active] = undefined;
      return next;
    });
    // A series the reader puts in a cell opens in its own window, not the protocol's.
    setPresets((prev) => {
      const next = [...prev];
      next[active] = undefined;
      return next;
    });
    // Only a newly opened series moves into the active cell, not a change of the active cell.
  }, [series]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = matchShortcut(e, shortcuts);
      const found = LAYOUT_BUTTONS.find((l) => l.action === action);
      if (found) {
        setLayout(found.id);
        setMaximised(undefined);
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shortcuts]);

  const onIndex = useCallback(
    (cell: number, index: number, shownPlane: ImagePlane | undefined) => {
      const prev = lastIndex.current[cell];
      lastIndex.current[cell] = index;
      lastPlane.current[cell] = shownPlane;
      // Only the cell the reader is working in drives the others; the cells it moves never drive back, so
      // reports arriving late or in bursts cannot bounce between cells.
      if (cell !== userCell.current) return;
      setReference({ cell, plane: shownPlane });
      if (!sync || prev === undefined || index === prev || !shownPlane) return;
      panes.current.forEach((pane, other) => {
        const otherPlane = lastPlane.current[other];
        if (other === cell || !pane || !otherPlane || !areParallel(shownPlane, otherPlane)) return;
        // Same frame of reference: the same place in the patient. Otherwise (a prior): keep the offset.
        if (shownPlane.frameOfReferenceUid && shownPlane.frameOfReferenceUid === otherPlane.frameOfReferenceUid) {
          pane.showNearest(centreOf(shownPlane), shownPlane.frameOfReferenceUid);
        } else {
          pane.scroll(index - prev);
        }
      });
    },
    [sync],
  );

  const isMpr = layout.startsWith('mpr');
  const count = isMpr || layout === 'fusion' ? 1 : VIEWPORTS_PER_LAYOUT[layout];
  const enlarged = maximised !== undefined && maximised < count ? maximised : undefined;
  const { rows, columns } = enlarged !== undefined ? { rows: 1, columns: 1 } : gridOf(layout);
  const activeSeries = cells[active] ?? cells.find(Boolean);
  // PET/CT: the first CT and the first PET among the cells (the protocol puts the CT first, the PET second).
  const petCt = { ct: cells.find((c) => c?.modality === 'CT'), pet: cells.find((c) => c?.modality === 'PT') };
  const ctPreset = petCt.ct ? presets[cells.indexOf(petCt.ct)] : undefined;
  // MPR: the protocol's window on the three planes and its VR preset on the 3D view, for the series it hung.
  const mprPresets = mprPresetsFor({ cells, presets, views }, activeSeries);
  // Fusion takes the first two cells: both must hold an image series.
  const fusionWhyNot = fusionRefusal(words(t), cells[0], cells[1]);

  const layoutBar = (
      <div className="layout-bar" role="toolbar" aria-label={t('viewer.layout.label')}>
        {LAYOUT_BUTTONS.map((l) => (
          <button
            key={l.id}
            type="button"
            aria-pressed={layout === l.id}
            title={`${l.name} (${(shortcuts as Record<string, string[] | undefined>)[l.action]?.join(', ') ?? ''})`}
            onClick={() => {
              setLayout(l.id);
              setMaximised(undefined);
            }}
          >
            {l.name}
          </button>
        ))}
        <button
          type="button"
          aria-pressed={layout === 'fusion'}
          disabled={fusionWhyNot !== undefined}
          title={fusionWhyNot ?? t('viewer.layout.fusionTitle')}
          onClick={() => setLayout((l) => (l === 'fusion' ? '1x2' : 'fusion'))}
        >
          {t('viewer.layout.fusion')}
        </button>
        <button
          type="button"
          aria-pressed={layout === 'petct'}
          disabled={!petCt.ct || !petCt.pet}
          title={t('viewer.layout.petCtTitle')}
          onClick={() => setLayout((l) => (l === 'petct' ? '1x2' : 'petct'))}
        >
          {t('viewer.layout.petCt')}
        </button>
        <span className="layout-sep" />
        <button type="button" disabled={!activeSeries || !onComparePrior} onClick={() => activeSeries && onComparePrior?.(activeSeries)} title={t('viewer.layout.priorTitle')}>
          {t('viewer.layout.prior')}
        </button>
        <label title={t('viewer.layout.syncTitle')}>
          <input type="checkbox" checked={sync} onChange={(e) => setSync(e.target.checked)} /> {t('viewer.layout.sync')}
        </label>
      </div>
  );
  return (
    <div className="workspace" data-layout={layout}>
      {toolbarSlot ? createPortal(layoutBar, toolbarSlot) : layoutBar}
      {layout === 'petct' ? (
        <div className="cell mpr-host">
          {petCt.ct && petCt.pet ? <PetCtPane plane={plane} ct={petCt.ct} pet={petCt.pet} ctPreset={ctPreset} /> : <div className="empty">{t('viewer.layout.petCtNeeds')}</div>}
        </div>
      ) : layout === 'fusion' ? (
        <div className="cell mpr-host">
          {cells[0] && cells[1] && !fusionWhyNot ? (
            <FusionPane plane={plane} base={cells[0]} overlay={cells[1]} />
          ) : (
            <div className="empty" role="alert" data-testid="fusion-refused">
              {fusionWhyNot}
            </div>
          )}
        </div>
      ) : message && !cells.some(Boolean) ? (
        <div className="cells">
          <div className="cell" data-cell={0}>
            <div className="empty" role="status" data-testid="viewer-message">
              {message(words(t))}
            </div>
          </div>
        </div>
      ) : isMpr ? (
        <div className="cell mpr-host">
          {activeSeries ? <MprPane plane={plane} series={activeSeries} preset={mprPresets.window} vrPreset={mprPresets.vr} /> : <div className="empty">{t('viewer.layout.mprNeeds')}</div>}
        </div>
      ) : (
        <div className="cells" style={{ gridTemplateRows: `repeat(${rows}, 1fr)`, gridTemplateColumns: `repeat(${columns}, 1fr)` }}>
          {Array.from({ length: count }, (_, i) => (
            <div
              key={i}
              className={`cell${i === active && count > 1 ? ' active' : ''}${enlarged !== undefined && enlarged !== i ? ' cell-hidden' : ''}`}
              data-cell={i}
              data-maximised={enlarged === i || undefined}
              onDoubleClick={() => count > 1 && setMaximised((m) => (m === i ? undefined : i))}
              onMouseDownCapture={() => {
                userCell.current = i;
                setActive(i);
              }}
              onWheelCapture={() => {
                userCell.current = i;
              }}
              onKeyDownCapture={() => {
                userCell.current = i;
              }}
              onFocusCapture={() => {
                userCell.current = i;
                setActive(i);
              }}
            >
              <ViewerPane
                ref={(h) => {
                  panes.current[i] = h;
                }}
                plane={plane}
                series={cells[i]}
                // The label names the viewport to the imaging engine and the test hooks: the same in every language.
                label={i === 0 ? 'Main viewport' : `Viewport ${i + 1}`}
                caption={captions[i]}
                onIndexChange={(index, p) => onIndex(i, index, p)}
                referencePlane={reference && reference.cell !== i ? reference.plane : undefined}
                preset={presets[i]}
              />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

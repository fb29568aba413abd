/**
 * The reading area: a layout (1×1, 1×2, 2×2, MPR 1+3) of cells, each showing a series. Opening a
 * series puts it in the active cell; MPR shows the active cell's series as a volume.
 */
import { useEffect, useState } from 'react';
import type { SeriesSummary } from '../../../../common/dicom/model';
import type { DataPlane } from '../../../platform/platform';
import { MprPane } from './MprPane';
import { ViewerPane } from './ViewerPane';

export type LayoutId = '1x1' | '1x2' | '2x2' | 'mpr';

export const LAYOUTS: readonly { id: LayoutId; name: string; cells: number; key: string }[] = [
  { id: '1x1', name: '1×1', cells: 1, key: 'Alt+1' },
  { id: '1x2', name: '1×2', cells: 2, key: 'Alt+2' },
  { id: '2x2', name: '2×2', cells: 4, key: 'Alt+4' },
  { id: 'mpr', name: 'MPR 1+3', cells: 1, key: 'Alt+M' },
];

export interface ViewerWorkspaceProps {
  plane: DataPlane;
  /** The series the reader opened last: it goes into the active cell. */
  series?: SeriesSummary;
  /** Set by a hanging protocol (or the reader): layout and series per cell. */
  hanging?: { layout: LayoutId; cells: (SeriesSummary | undefined)[] };
}

export function ViewerWorkspace({ plane, series, hanging }: ViewerWorkspaceProps) {
  const [layout, setLayout] = useState<LayoutId>('1x1');
  const [cells, setCells] = useState<(SeriesSummary | undefined)[]>([]);
  const [active, setActive] = useState(0);

  useEffect(() => {
    if (!hanging) return;
    setLayout(hanging.layout);
    setCells(hanging.cells);
    setActive(0);
  }, [hanging]);

  useEffect(() => {
    if (!series) return;
    setCells((prev) => {
      const next = [...prev];
      next[active] = series;
      return next;
    });
    // Only a newly opened series moves into the active cell, not a change of the active cell.
  }, [series]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const found = LAYOUTS.find((l) => l.key.toLowerCase() === `alt+${e.key.toLowerCase()}`);
      if (found) {
        setLayout(found.id);
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const count = LAYOUTS.find((l) => l.id === layout)!.cells;
  const activeSeries = cells[active] ?? cells.find(Boolean);

  return (
    <div className="workspace" data-layout={layout}>
      <div className="layout-bar" role="toolbar" aria-label="Layout">
        {LAYOUTS.map((l) => (
          <button key={l.id} type="button" aria-pressed={layout === l.id} title={`${l.name} (${l.key})`} onClick={() => setLayout(l.id)}>
            {l.name}
          </button>
        ))}
      </div>
      {layout === 'mpr' ? (
        <div className="cell mpr-host">
          {activeSeries ? <MprPane plane={plane} series={activeSeries} /> : <div className="empty">Open a series to see it in MPR.</div>}
        </div>
      ) : (
        <div className={`cells cells-${layout}`}>
          {Array.from({ length: count }, (_, i) => (
            <div
              key={i}
              className={`cell${i === active ? ' active' : ''}`}
              data-cell={i}
              onMouseDownCapture={() => setActive(i)}
              onFocusCapture={() => setActive(i)}
            >
              <ViewerPane plane={plane} series={cells[i]} label={i === 0 ? 'Main viewport' : `Viewport ${i + 1}`} />
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

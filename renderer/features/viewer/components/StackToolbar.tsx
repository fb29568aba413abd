/** The stack viewer's toolbar: left-button tool, W/L presets, cine, flip/rotate/invert, reset. Titles show the keys. */
import { CINE_FPS, keyFor, STACK_TOOLS, TOOLBAR_PRESETS, WL_PRESETS, type CineState, type StackAction, type StackTool, type ViewState } from '../../../imaging';

export interface StackToolbarProps {
  tool: StackTool;
  onTool: (tool: StackTool) => void;
  cine: CineState;
  onCine: (cine: CineState) => void;
  view?: ViewState;
  onAction: (action: StackAction) => void;
}

export function StackToolbar({ tool, onTool, cine, onCine, view, onAction }: StackToolbarProps) {
  const active = view ? WL_PRESETS.find((p) => p.windowWidth === view.windowWidth && p.windowCenter === view.windowCenter)?.id : undefined;
  return (
    <div className="stack-toolbar" role="toolbar" aria-label="Viewer tools">
      <span className="group" role="group" aria-label="Mouse tool (left button)">
        {STACK_TOOLS.map((t) => (
          <button key={t.tool} type="button" aria-pressed={tool === t.tool} title={`${t.label} (${keyFor(t.action)})`} onClick={() => onTool(t.tool)}>
            {t.label}
          </button>
        ))}
      </span>
      <span className="group" role="group" aria-label="Window presets">
        {TOOLBAR_PRESETS.map((p) => (
          <button key={p.id} type="button" aria-pressed={active === p.id} title={`${p.label}: W ${p.windowWidth} L ${p.windowCenter} (${p.key})`} onClick={() => onAction({ kind: 'preset', preset: p })}>
            {p.label}
          </button>
        ))}
        <button type="button" aria-pressed={false} title={`Automatic window from this image's values (0.5–99.5 % of its histogram); ${keyFor('wlDefault')} restores the image's own window`} onClick={() => onAction({ kind: 'autoWindow' })}>
          Auto
        </button>
      </span>
      <span className="group" role="group" aria-label="Cine">
        <button type="button" aria-pressed={cine.playing} title={`${cine.playing ? 'Pause' : 'Play'} cine (${keyFor('cine')})`} onClick={() => onCine({ ...cine, playing: !cine.playing })}>
          {cine.playing ? '❚❚ Pause' : '▶ Cine'}
        </button>
        <select aria-label="Cine frames per second" title="Cine speed (frames per second)" value={cine.fps} onChange={(e) => onCine({ ...cine, fps: Number(e.target.value) })}>
          {CINE_FPS.map((f) => (
            <option key={f} value={f}>
              {f} fps
            </option>
          ))}
        </select>
      </span>
      <span className="group" role="group" aria-label="Image orientation and display">
        <button type="button" aria-pressed={!!view?.flipHorizontal} title={`Flip horizontally (${keyFor('flipH')})`} onClick={() => onAction({ kind: 'flipH' })}>
          Flip H
        </button>
        <button type="button" aria-pressed={!!view?.flipVertical} title={`Flip vertically (${keyFor('flipV')})`} onClick={() => onAction({ kind: 'flipV' })}>
          Flip V
        </button>
        <button type="button" aria-pressed={!!view && view.rotation !== 0} title={`Rotate 90° clockwise (${keyFor('rotateRight')}; ${keyFor('rotateLeft')} counter-clockwise)`} onClick={() => onAction({ kind: 'rotate', degrees: 90 })}>
          Rotate
        </button>
        <button type="button" aria-pressed={!!view?.invert} title={`Invert (${keyFor('invert')})`} onClick={() => onAction({ kind: 'invert' })}>
          Invert
        </button>
        <button type="button" title={`Reset view, window and orientation (${keyFor('reset')})`} onClick={() => onAction({ kind: 'reset' })}>
          Reset
        </button>
      </span>
    </div>
  );
}

/** The stack viewer's toolbar: left-button tool, W/L presets, cine, flip/rotate/invert, reset. Titles show the keys. */
import { useTranslation } from '../../../ui/i18n';
import { CINE_FPS, keyFor, STACK_TOOLS, TOOLBAR_PRESETS, WL_PRESETS, type CineState, type StackAction, type StackTool, type ViewState } from '../../../imaging';

export interface StackToolbarProps {
  tool: StackTool;
  onTool: (tool: StackTool) => void;
  cine: CineState;
  onCine: (cine: CineState) => void;
  view?: ViewState;
  onAction: (action: StackAction) => void;
  /** Whether the image shown is one of the viewer's key images (the Key image button's state); absent: no button. */
  isKey?: boolean;
}

export function StackToolbar({ tool, onTool, cine, onCine, view, onAction, isKey }: StackToolbarProps) {
  const { t: tr } = useTranslation();
  const active = view ? WL_PRESETS.find((p) => p.windowWidth === view.windowWidth && p.windowCenter === view.windowCenter)?.id : undefined;
  return (
    <div className="stack-toolbar" role="toolbar" aria-label={tr('viewer.tools.label')}>
      <span className="group" role="group" aria-label={tr('viewer.tools.mouseGroup')}>
        {STACK_TOOLS.map((t) => (
          <button key={t.tool} type="button" aria-pressed={tool === t.tool} title={`${tr(`viewer.tool.${t.tool}Title`)} (${keyFor(t.action)})`} onClick={() => onTool(t.tool)}>
            {tr(`viewer.tool.${t.tool}`)}
          </button>
        ))}
      </span>
      <span className="group" role="group" aria-label={tr('viewer.tools.presetGroup')}>
        {TOOLBAR_PRESETS.map((p) => (
          <button key={p.id} type="button" aria-pressed={active === p.id} title={tr('viewer.tools.presetTitle', { name: tr(`viewer.preset.${p.id}`), w: p.windowWidth, l: p.windowCenter, key: p.key })} onClick={() => onAction({ kind: 'preset', preset: p })}>
            {tr(`viewer.preset.${p.id}`)}
          </button>
        ))}
        <button type="button" aria-pressed={false} title={tr('viewer.tools.autoTitle', { key: keyFor('wlDefault') })} onClick={() => onAction({ kind: 'autoWindow' })}>
          {tr('viewer.tools.auto')}
        </button>
      </span>
      <span className="group" role="group" aria-label={tr('viewer.tools.cineGroup')}>
        <button type="button" aria-pressed={cine.playing} title={tr(cine.playing ? 'viewer.tools.pauseTitle' : 'viewer.tools.playTitle', { key: keyFor('cine') })} onClick={() => onCine({ ...cine, playing: !cine.playing })}>
          {cine.playing ? `❚❚ ${tr('viewer.tools.pause')}` : `▶ ${tr('viewer.tools.cine')}`}
        </button>
        <select aria-label={tr('viewer.tools.fpsLabel')} title={tr('viewer.tools.fpsTitle')} value={cine.fps} onChange={(e) => onCine({ ...cine, fps: Number(e.target.value) })}>
          {CINE_FPS.map((f) => (
            <option key={f} value={f}>
              {tr('viewer.tools.fps', { fps: f })}
            </option>
          ))}
        </select>
      </span>
      <span className="group" role="group" aria-label={tr('viewer.tools.orientationGroup')}>
        <button type="button" aria-pressed={!!view?.flipHorizontal} title={tr('viewer.tools.flipHTitle', { key: keyFor('flipH') })} onClick={() => onAction({ kind: 'flipH' })}>
          {tr('viewer.tools.flipH')}
        </button>
        <button type="button" aria-pressed={!!view?.flipVertical} title={tr('viewer.tools.flipVTitle', { key: keyFor('flipV') })} onClick={() => onAction({ kind: 'flipV' })}>
          {tr('viewer.tools.flipV')}
        </button>
        <button type="button" aria-pressed={!!view && view.rotation !== 0} title={tr('viewer.tools.rotateTitle', { right: keyFor('rotateRight'), left: keyFor('rotateLeft') })} onClick={() => onAction({ kind: 'rotate', degrees: 90 })}>
          {tr('viewer.tools.rotate')}
        </button>
        <button type="button" aria-pressed={!!view?.invert} title={tr('viewer.tools.invertTitle', { key: keyFor('invert') })} onClick={() => onAction({ kind: 'invert' })}>
          {tr('viewer.tools.invert')}
        </button>
        <button type="button" title={tr('viewer.tools.resetTitle', { key: keyFor('reset') })} onClick={() => onAction({ kind: 'reset' })}>
          {tr('viewer.tools.reset')}
        </button>
      </span>
      <span className="group" role="group" aria-label={tr('marks.keyImages')}>
        <button type="button" title={tr('marks.undoTitle', { key: keyFor('undo') })} aria-label={tr('marks.undo')} onClick={() => onAction({ kind: 'undo' })}>
          ↶
        </button>
        <button type="button" title={tr('marks.redoTitle', { key: keyFor('redo') })} aria-label={tr('marks.redo')} onClick={() => onAction({ kind: 'redo' })}>
          ↷
        </button>
        {isKey !== undefined ? (
          <button type="button" aria-pressed={isKey} title={tr('marks.keyImageTitle', { key: keyFor('keyImage') })} data-testid="key-image-toggle" onClick={() => onAction({ kind: 'keyImage' })}>
            {isKey ? '★' : '☆'} {tr('marks.keyImage')}
          </button>
        ) : null}
      </span>
    </div>
  );
}

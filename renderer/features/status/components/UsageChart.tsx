/** The archive's cumulative size per day, the quota as a horizontal line and the projection (dashed) to the day it fills. Plain SVG. */
import { useTranslation } from '../../../ui/i18n';
import { formatBytes } from '../model/format';
import { chartGeometry, type ChartInput } from '../model/usageChart';

const W = 520;
const H = 170;
const PAD = { left: 56, right: 12, top: 12, bottom: 24 };

/** The model's tick under today (model/usageChart.ts). */
const TODAY = 'today';

export function UsageChart(props: ChartInput) {
  const { t } = useTranslation();
  const g = chartGeometry(props, { width: W, height: H, ...PAD });
  if (!g) return null;
  return (
    <svg className="usage-chart" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={t('status.chart.label')}>
      <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
      <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
      <text className="tick" x={PAD.left - 4} y={PAD.top + 4} textAnchor="end">
        {formatBytes(g.yMax)}
      </text>
      <text className="tick" x={PAD.left - 4} y={H - PAD.bottom} textAnchor="end">
        0
      </text>
      {g.xTicks.map((tick) => (
        <text key={tick.label} className="tick" x={tick.x} y={H - 8} textAnchor={tick.anchor}>
          {tick.label === TODAY ? t('status.chart.today') : tick.label}
        </text>
      ))}
      {g.quotaY !== undefined ? (
        <>
          <line className="quota-line" data-testid="quota-line" x1={PAD.left} y1={g.quotaY} x2={W - PAD.right} y2={g.quotaY} />
          <text className="tick quota-label" x={W - PAD.right} y={g.quotaY - 4} textAnchor="end">
            {t('status.chart.quota', { size: formatBytes(props.quotaBytes ?? 0) })}
          </text>
        </>
      ) : null}
      <path className="usage-line" data-testid="usage-line" data-points={g.points.length} d={g.path} />
      {g.projection ? (
        <line
          className="projection-line"
          data-testid="projection-line"
          x1={g.projection.x1}
          y1={g.projection.y1}
          x2={g.projection.x2}
          y2={g.projection.y2}
          strokeDasharray="5 4"
        />
      ) : null}
      {g.projection?.label ? (
        <text className="tick projection-label" x={g.projection.x2} y={Math.max(PAD.top + 10, g.projection.y2 - 6)} textAnchor="end">
          {g.projection.label}
        </text>
      ) : null}
    </svg>
  );
}

/**
 * The study's measurements as CSV (issue #19 "Export of the study's measurements as CSV"): one row per value, so a
 * spreadsheet or a script reads every quantity of every tool without knowing the tools. RFC 4180: CRLF line ends,
 * fields quoted when they hold a comma, quote or line break; a leading = + - @ is prefixed with ' so that a
 * spreadsheet does not run a label as a formula (CSV injection).
 */
import type { SavedMeasurement } from '../../../../common/sr/savedMeasurements';

export const CSV_COLUMNS = ['number', 'tool', 'label', 'series_instance_uid', 'sop_instance_uid', 'frame', 'quantity', 'value', 'unit', 'tracking_uid'] as const;

function field(v: string | number | undefined): string {
  let s = v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function measurementsCsv(list: readonly SavedMeasurement[]): string {
  const rows: (string | number | undefined)[][] = [[...CSV_COLUMNS]];
  list.forEach((m, i) => {
    const base = [i + 1, m.tool, m.label, m.image?.seriesInstanceUid, m.image?.sopInstanceUid, m.image?.frame];
    if (m.values.length === 0) rows.push([...base, '', '', '', m.trackingUid]);
    for (const v of m.values) rows.push([...base, v.quantity, v.value, v.unit, m.trackingUid]);
  });
  return rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

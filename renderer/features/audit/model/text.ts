/**
 * The audit panel's sentences in English, in one place. The panel itself shows them from the i18n group `audit`
 * (renderer/ui/i18n/locales/<lang>/audit.json, the same English); this table stays for the model (auditFilters.ts:
 * its error and chain sentences, which the panel maps to their keys) and for the header's audit button.
 */
export const AUDIT_TEXT = {
  title: 'Audit trail',
  close: 'Close',
  help: 'Who did what to which patient, as recorded in the audit log. Enter applies the filters, ↑/↓ move in the table, Esc closes. Opening this panel and each filter you apply are recorded too.',
  patient: 'Patient',
  patientPlaceholder: 'ID or name',
  user: 'User',
  userPlaceholder: 'user ID or name',
  event: 'Event',
  anyEvent: 'Any event',
  from: 'From',
  to: 'To',
  apply: 'Apply',
  clear: 'Clear',
  loading: 'Reading the audit log…',
  noMatch: 'No records match.',
  emptyLog: 'The audit log has no records yet.',
  cannotRead: 'The audit log cannot be read: ',
  verifying: 'Checking the chain…',
  columns: { time: 'Time', event: 'Event', action: 'Action', outcome: 'Outcome', user: 'User', patients: 'Patients', studies: 'Studies', source: 'Source' },
  detailTitle: 'Record',
  detailEmpty: 'Select a record to see its message.',
  hash: 'Hash',
  prevHash: 'Previous hash',
  message: 'Message (DICOM PS3.15 audit message)',
  unparsable: 'This record’s message could not be read by this version; its place in the chain is shown by the chain status.',
  toolbarButton: 'Audit',
  toolbarTitle: 'Audit trail (Ctrl+Shift+A)',
} as const;

export const OUTCOME_TEXT: Record<number, string> = { 0: 'Success', 4: 'Minor failure', 8: 'Serious failure', 12: 'Major failure' };
export const ACTION_TEXT: Record<string, string> = { C: 'Create', R: 'Read', U: 'Update', D: 'Delete', E: 'Execute' };

export const auditText = {
  shown: (shown: number, total: number, records: number) => (total === records ? `${shown} of ${total} records` : `${shown} of ${total} matching records (${records} in the log)`),
  more: (n: number) => `Show more (${n} more)`,
  unreadable: (n: number) => `${n} stored record${n === 1 ? '' : 's'} could not be read: see the chain status.`,
  chainIntact: (n: number) => `Chain intact — ${n} record${n === 1 ? '' : 's'}`,
  chainBroken: (problems: number) => `Chain broken — ${problems} problem${problems === 1 ? '' : 's'}:`,
  problem: (index: number, reason: string) => `record ${index}: ${reason}`,
  recordTitle: (index: number) => `Record ${index}`,
  badDate: (label: string) => `${label}: not a date (YYYY-MM-DD).`,
  fromAfterTo: 'The "From" day is after the "To" day.',
  outcome: (o: number | null) => (o === null ? 'Unreadable' : (OUTCOME_TEXT[o] ?? `Outcome ${o}`)),
  action: (a: string | undefined) => (a === undefined ? '' : (ACTION_TEXT[a] ?? a)),
  sortTitle: (newest: boolean) => (newest ? 'Newest first (click for oldest first)' : 'Oldest first (click for newest first)'),
};

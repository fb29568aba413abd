// Audit: the audit trail panel (filters, records, one record's message, the chain's status) and its key.
export { AuditPanel } from './components/AuditPanel';
export { AuditHotkey, AUDIT_HOTKEY } from './components/AuditHotkey';
export { AUDIT_TEXT } from './model/text';

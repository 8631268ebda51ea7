export type { AccessRecord, Accessor } from './AccessRecord';
export { AuditUnavailableError, type AuditStore } from './AuditStore';
export { FileAuditStore } from './FileAuditStore';
export { PgAuditStore, type PgAuditStoreOptions } from './PgAuditStore';
export { createAuditStore, describeAuditStore, DEFAULT_AUDIT_LOG_FILE } from './createAuditStore';
export { patientPseudonym } from './patientPseudonym';

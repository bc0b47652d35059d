import type { AuditEntry, AuditFilter, NewAuditEntry } from '../domain/audit-entry';

/**
 * Where the record of admin changes is kept. Stores what it is given (masking is the caller's job), except that a
 * JSON value too large to be worth keeping is stored as a note of its size: the log records changes, not bulk data.
 */
export abstract class AuditLog {
  /** Joins the current transaction when there is one. */
  abstract append(entry: NewAuditEntry): Promise<void>;

  /** Newest first. */
  abstract list(filter: AuditFilter): Promise<AuditEntry[]>;
}

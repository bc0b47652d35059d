import { Injectable } from '@nestjs/common';
import type { AuditEntry, AuditFilter, NewAuditEntry } from '../domain/audit-entry';
import { maskSensitive } from '../domain/audit-masking';
import { AuditLog } from '../ports/audit-log.port';

/** The record of admin changes: written masked (read-only tokens can read it), listed newest first. */
@Injectable()
export class AuditTrail {
  constructor(private readonly repository: AuditLog) {}

  record(entry: NewAuditEntry): Promise<void> {
    return this.repository.append({
      ...entry,
      params: maskSensitive(entry.params) as Record<string, string>,
      body: maskSensitive(entry.body),
      before: maskSensitive(entry.before),
      after: maskSensitive(entry.after),
    });
  }

  list(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.repository.list(filter);
  }
}

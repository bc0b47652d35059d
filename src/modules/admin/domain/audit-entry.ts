/** One change made through the admin API, as the audit log keeps it. */
export interface AuditEntry {
  id: string;
  at: Date;
  tokenName: string;
  method: string;
  /** The matched route pattern, e.g. /api/admin/v1/services/:id. */
  route: string;
  params: Record<string, string>;
  body: unknown;
  before: unknown;
  after: unknown;
  status: number;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

export interface AuditFilter {
  from?: Date;
  to?: Date;
  tokenName?: string;
  limit: number;
}

import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { AuditEntry, AuditFilter, NewAuditEntry } from '../../domain/audit-entry';
import type { AuditLog } from '../../ports/audit-log.port';

/** A before/after larger than this is stored as a note of its size: the log records changes, not bulk data. */
const MAX_JSON_BYTES = 256 * 1024;

interface AuditRow {
  id: string;
  at: Date;
  token_name: string;
  method: string;
  route: string;
  params: Record<string, string>;
  body: unknown;
  before: unknown;
  after: unknown;
  status: number;
}

@Injectable()
export class AuditLogRepository implements AuditLog {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  async append(entry: NewAuditEntry): Promise<void> {
    await this.uow.manager().query(
      `INSERT INTO audit_log (token_name, method, route, params, body, before, after, status)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8)`,
      [
        entry.tokenName,
        entry.method,
        entry.route,
        json(entry.params),
        json(entry.body),
        json(entry.before),
        json(entry.after),
        entry.status,
      ],
    );
  }

  async list(filter: AuditFilter): Promise<AuditEntry[]> {
    const rows = (await this.uow.manager().query(
      `SELECT id::text AS id, at, token_name, method, route, params, body, before, after, status
         FROM audit_log
        WHERE ($1::timestamptz IS NULL OR at >= $1)
          AND ($2::timestamptz IS NULL OR at < $2)
          AND ($3::text IS NULL OR token_name = $3)
        ORDER BY at DESC, id DESC
        LIMIT $4`,
      [filter.from ?? null, filter.to ?? null, filter.tokenName ?? null, filter.limit],
    )) as AuditRow[];
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      tokenName: row.token_name,
      method: row.method,
      route: row.route,
      params: row.params,
      body: row.body,
      before: row.before,
      after: row.after,
      status: row.status,
    }));
  }
}

function json(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  // Postgres jsonb refuses the NUL character, which JSON allows.
  const text = JSON.stringify(value)?.replace(/\\u0000/g, '\\ufffd');
  if (text === undefined) return null;
  const bytes = Buffer.byteLength(text);
  return bytes > MAX_JSON_BYTES ? JSON.stringify({ omitted: true, reason: 'too large', bytes }) : text;
}

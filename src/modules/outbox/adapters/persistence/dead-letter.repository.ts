import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { DeadLetter, DeadLetterFilter } from '../../domain/dead-letter';
import { DeadLetterStore } from '../../ports/dead-letter-store.port';

interface DeadLetterRow {
  id: string;
  outbox_id: string;
  topic: string;
  payload: unknown;
  reason: DeadLetter['reason'];
  last_error: string;
  attempts: number;
  attempt_log: DeadLetter['attemptLog'];
  created_at: Date;
  replayed_at: Date | null;
  replay_outbox_id: string | null;
  replayed_by: string | null;
  discarded_at: Date | null;
  discarded_by: string | null;
}

const toDeadLetter = (row: DeadLetterRow): DeadLetter => ({
  id: row.id,
  outboxId: String(row.outbox_id),
  topic: row.topic,
  payload: row.payload,
  reason: row.reason,
  lastError: row.last_error,
  attempts: row.attempts,
  attemptLog: row.attempt_log,
  createdAt: row.created_at,
  state: row.discarded_at ? 'discarded' : row.replayed_at ? 'replayed' : 'open',
  replayedAt: row.replayed_at,
  replayOutboxId: row.replay_outbox_id === null ? null : String(row.replay_outbox_id),
  replayedBy: row.replayed_by,
  discardedAt: row.discarded_at,
  discardedBy: row.discarded_by,
});

const STATE_SQL = {
  open: 'discarded_at IS NULL AND replayed_at IS NULL',
  replayed: 'replayed_at IS NOT NULL AND discarded_at IS NULL',
  discarded: 'discarded_at IS NOT NULL',
};

@Injectable()
export class DeadLetterRepository implements DeadLetterStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  private where(filter: DeadLetterFilter): { sql: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      clauses.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.topic) add('topic = ?', filter.topic);
    if (filter.reason) add('reason = ANY(?)', [filter.reason].flat());
    if (filter.from) add('created_at >= ?', filter.from);
    if (filter.to) add('created_at < ?', filter.to);
    if (filter.state) clauses.push(STATE_SQL[filter.state]);
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  async list(filter: DeadLetterFilter, limit: number, offset: number): Promise<{ items: DeadLetter[]; total: number }> {
    const { sql, params } = this.where(filter);
    const rows = await this.query<Array<DeadLetterRow & { total: string }>>(
      `SELECT *, count(*) OVER () AS total FROM dead_letters ${sql}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    return { items: rows.map(toDeadLetter), total: rows[0] ? Number(rows[0].total) : 0 };
  }

  /** Inside a transaction: the dead letter, locked against a concurrent replay or discard. */
  async lock(id: string): Promise<DeadLetter | null> {
    const rows = await this.query<DeadLetterRow[]>('SELECT * FROM dead_letters WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] ? toDeadLetter(rows[0]) : null;
  }

  /** Inside a transaction: the open dead letters matching the filter, locked, oldest first. */
  async lockOpen(filter: DeadLetterFilter, limit: number): Promise<DeadLetter[]> {
    const { sql, params } = this.where({ ...filter, state: 'open' });
    const rows = await this.query<DeadLetterRow[]>(
      `SELECT * FROM dead_letters ${sql} ORDER BY created_at LIMIT $${params.length + 1} FOR UPDATE SKIP LOCKED`,
      [...params, limit],
    );
    return rows.map(toDeadLetter);
  }

  async markReplayed(id: string, replayOutboxId: string, actor: string): Promise<void> {
    await this.query(
      'UPDATE dead_letters SET replayed_at = now(), replay_outbox_id = $2, replayed_by = $3 WHERE id = $1',
      [id, replayOutboxId, actor],
    );
  }

  async outboxStatus(outboxId: string): Promise<'pending' | 'done' | 'dead' | null> {
    const rows = await this.query<Array<{ status: 'pending' | 'done' | 'dead' }>>(
      'SELECT status FROM outbox WHERE id = $1',
      [outboxId],
    );
    return rows[0]?.status ?? null;
  }

  async markDiscarded(id: string, actor: string): Promise<void> {
    await this.query('UPDATE dead_letters SET discarded_at = now(), discarded_by = $2 WHERE id = $1', [id, actor]);
  }
}

import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { TraceCarrier } from '../../../../observability/trace-context';
import type { DeadLetterReason, OutboxEntry } from '../../domain/outbox-entry';
import { OutboxStore } from '../../ports/outbox-store.port';

interface OutboxRow {
  id: string;
  topic: string;
  payload: unknown;
  status: OutboxEntry['status'];
  attempts: number;
  attempt_log: OutboxEntry['attemptLog'];
  trace_context: TraceCarrier;
  next_attempt_at: Date;
}

const toEntry = (row: OutboxRow): OutboxEntry => ({
  id: String(row.id),
  topic: row.topic,
  payload: row.payload,
  status: row.status,
  attempts: row.attempts,
  attemptLog: row.attempt_log,
  traceContext: row.trace_context,
  nextAttemptAt: row.next_attempt_at,
});

export interface StaleEntry {
  id: string;
  topic: string;
  nextAttemptAt: Date;
}

@Injectable()
export class OutboxRepository implements OutboxStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T = unknown[]>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  async insert(topic: string, payload: unknown, traceContext: TraceCarrier, notBefore?: Date): Promise<string> {
    const [row] = await this.query<Array<{ id: string }>>(
      'SELECT outbox_add($1, $2, $3, COALESCE($4::timestamptz, now())) AS id',
      [topic, JSON.stringify(payload), JSON.stringify(traceContext), notBefore ?? null],
    );
    return String(row.id);
  }

  private async markPublished(ids: string[]): Promise<void> {
    await this.query('UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::bigint[])', [ids]);
  }

  /** The row while it is still pending, for work done before the job's transaction; null once it is finished. */
  async findPending(id: string): Promise<OutboxEntry | null> {
    const rows = await this.query<OutboxRow[]>("SELECT * FROM outbox WHERE id = $1 AND status = 'pending'", [id]);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  /**
   * Inside the job's transaction, before its work: marks the pending row done and counts the try, in one
   * statement that also locks it. Should the work fail, the transaction rolls all of it back; a duplicate job
   * waits for the lock and then finds the row no longer pending (null).
   */
  async claim(id: string, startedAt: Date): Promise<OutboxEntry | null> {
    const [rows] = await this.query<[OutboxRow[], number]>(
      `UPDATE outbox SET status = 'done', completed_at = clock_timestamp(), attempts = attempts + 1,
         attempt_log = attempt_log || jsonb_build_array(jsonb_build_object('attempt', attempts + 1, 'startedAt', $2::timestamptz))
       WHERE id = $1 AND status = 'pending'
       RETURNING *`,
      [id, startedAt],
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  /** A rate limit said not yet: no try happened; the row waits till `at`. */
  async postpone(id: string, at: Date): Promise<void> {
    await this.query(`UPDATE outbox SET next_attempt_at = $2 WHERE id = $1 AND status = 'pending'`, [id, at]);
  }

  /** Counts a failed try: due again at `nextAttemptAt`, or dead when that is null. */
  async recordFailure(id: string, startedAt: Date, error: string, nextAttemptAt: Date | null): Promise<void> {
    await this.query(
      `UPDATE outbox SET attempts = attempts + 1,
         attempt_log = attempt_log || jsonb_build_array(jsonb_build_object(
           'attempt', attempts + 1, 'startedAt', $2::timestamptz, 'failedAt', clock_timestamp(), 'error', $3::text)),
         next_attempt_at = COALESCE($4, next_attempt_at),
         status = CASE WHEN $4 IS NULL THEN 'dead' ELSE status END,
         completed_at = CASE WHEN $4 IS NULL THEN clock_timestamp() ELSE completed_at END
       WHERE id = $1 AND status = 'pending'`,
      [id, startedAt, error, nextAttemptAt],
    );
  }

  async insertDeadLetter(id: string, reason: DeadLetterReason, lastError: string): Promise<void> {
    await this.query(
      `INSERT INTO dead_letters (outbox_id, topic, payload, reason, last_error, attempts, attempt_log)
       SELECT id, topic, payload, $2, $3, attempts, attempt_log FROM outbox WHERE id = $1
       ON CONFLICT (outbox_id) DO NOTHING`,
      [id, reason, lastError],
    );
  }

  /**
   * Inside a transaction: claims pending rows not touched for `leaseMs` (never published, or published but
   * maybe lost with Redis) and renews their lease. SKIP LOCKED lets several relays share the work.
   */
  /** Pending rows not published for `leaseMs`, in id order after `afterId`, so that a sweep always moves on. */
  async claimStale(leaseMs: number, limit: number, afterId = '0'): Promise<StaleEntry[]> {
    const rows = await this.query<Array<{ id: string; topic: string; next_attempt_at: Date }>>(
      `SELECT id, topic, next_attempt_at FROM outbox
       WHERE status = 'pending' AND id > $3
         AND COALESCE(published_at, created_at) < clock_timestamp() - make_interval(secs => $1 / 1000.0)
         -- A published job due later (a reminder for tomorrow, a retry in 16 s) cannot be late yet: it is looked
         -- at once it is due, or at once when Redis lost its data (lease 0).
         AND ($1 = 0 OR published_at IS NULL
              OR next_attempt_at < clock_timestamp() - make_interval(secs => $1 / 1000.0))
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [leaseMs, limit, afterId],
    );
    if (rows.length > 0) await this.markPublished(rows.map((row) => String(row.id)));
    return rows.map((row) => ({ id: String(row.id), topic: row.topic, nextAttemptAt: row.next_attempt_at }));
  }

  /** Forgets finished work and dead letters older than the retention window. */
  async purgeOlderThan(days: number): Promise<{ deadLetters: number; done: number }> {
    const [, deadLetters] = await this.query<[unknown, number]>(
      'DELETE FROM dead_letters WHERE created_at < now() - make_interval(days => $1)',
      [days],
    );
    const [, done] = await this.query<[unknown, number]>(
      `DELETE FROM outbox WHERE status IN ('done', 'dead') AND completed_at < now() - make_interval(days => $1)
         AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.outbox_id = outbox.id)`,
      [days],
    );
    return { deadLetters, done };
  }
}

import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { Dialog, DialogState } from '../../domain/dialog-state';
import type { DialogStore } from '../../ports/dialog-store.port';

@Injectable()
export class DialogRepository implements DialogStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private query<T>(sql: string, params: unknown[]): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  async lock(conversationId: string): Promise<Dialog> {
    // The no-op update takes the row lock on an existing dialog; one statement either way.
    const [row] = await this.query<Array<{ state: DialogState; handed_off_at: Date | null }>>(
      `INSERT INTO dialogs (conversation_id) VALUES ($1)
       ON CONFLICT (conversation_id) DO UPDATE SET conversation_id = excluded.conversation_id
       RETURNING state, handed_off_at`,
      [conversationId],
    );
    return { conversationId, state: row.state, handedOff: row.handed_off_at !== null };
  }

  async peek(conversationId: string): Promise<DialogState> {
    const [row] = await this.query<Array<{ state: DialogState }>>(
      'SELECT state FROM dialogs WHERE conversation_id = $1',
      [conversationId],
    );
    return row?.state ?? {};
  }

  async save(conversationId: string, state: DialogState, previous?: DialogState): Promise<void> {
    if (previous && JSON.stringify(previous) === JSON.stringify(state)) return;
    await this.query('UPDATE dialogs SET state = $2, updated_at = now() WHERE conversation_id = $1', [
      conversationId,
      JSON.stringify(state),
    ]);
  }

  async handOff(conversationId: string, reason: string): Promise<void> {
    await this.query(
      `UPDATE dialogs SET handed_off_at = now(), handoff_reason = $2, state = '{}'::jsonb, updated_at = now()
       WHERE conversation_id = $1`,
      [conversationId, reason],
    );
  }

  async release(conversationId: string): Promise<boolean> {
    const rows = await this.query<unknown[]>(
      `WITH released AS (
         UPDATE dialogs SET handed_off_at = NULL, handoff_reason = NULL, released_at = now(), updated_at = now()
         WHERE conversation_id = $1 AND handed_off_at IS NOT NULL RETURNING conversation_id)
       SELECT conversation_id FROM released`,
      [conversationId],
    );
    return rows.length > 0;
  }

  async handedOff(limit: number): Promise<Array<{ conversationId: string; since: Date; reason: string | null }>> {
    const rows = await this.query<
      Array<{ conversation_id: string; handed_off_at: Date; handoff_reason: string | null }>
    >(
      `SELECT conversation_id, handed_off_at, handoff_reason FROM dialogs WHERE handed_off_at IS NOT NULL
       ORDER BY handed_off_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ conversationId: r.conversation_id, since: r.handed_off_at, reason: r.handoff_reason }));
  }
}

import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { TraceCarrier } from '../../../../observability/trace-context';
import type { InboundEventStore, StoredEvent } from '../../ports/inbound-event-store.port';

@Injectable()
export class InboundEventRepository implements InboundEventStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  /** Through accept_inbound_event (plpgsql), which inserts both rows or, on a known key, neither. */
  async accept(
    channel: string,
    eventKey: string,
    payload: unknown,
    traceContext: TraceCarrier,
  ): Promise<{ eventId: string; followUpId: string | null }> {
    const [row] = (await this.uow
      .manager()
      .query('SELECT * FROM accept_inbound_event($1, $2, $3, $4)', [
        channel,
        eventKey,
        JSON.stringify(payload),
        JSON.stringify(traceContext),
      ])) as Array<{ event_id: string; follow_up_id: string | null }>;
    return { eventId: String(row.event_id), followUpId: row.follow_up_id === null ? null : String(row.follow_up_id) };
  }

  async find(id: string): Promise<StoredEvent | null> {
    const rows = (await this.uow
      .manager()
      .query('SELECT id, channel, payload, processed_at FROM inbound_events WHERE id = $1', [id])) as Array<{
      id: string;
      channel: string;
      payload: unknown;
      processed_at: Date | null;
    }>;
    const row = rows[0];
    return row
      ? { id: String(row.id), channel: row.channel, payload: row.payload, processedAt: row.processed_at }
      : null;
  }

  async markProcessed(id: string): Promise<void> {
    await this.uow.manager().query('UPDATE inbound_events SET processed_at = now() WHERE id = $1', [id]);
  }
}

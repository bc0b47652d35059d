import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';

/**
 * The operational read model: what the outbox and its dead letters say right now. Read from Postgres, so every
 * process (api or worker, however many) sees the same figures. Like the KPIs, it reads the outbox module's tables
 * directly: a report, never a write.
 */
@Injectable()
export class OpsFactsRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private async scalar(sql: string, params: unknown[] = []): Promise<number> {
    const [row] = (await this.uow.manager().query(sql, params)) as Array<{ value: number | string | null }>;
    return Number(row?.value ?? 0);
  }

  /** Dead letters nobody has replayed or discarded yet. */
  openDeadLetters(): Promise<number> {
    return this.scalar(
      'SELECT count(*)::int AS value FROM dead_letters WHERE replayed_at IS NULL AND discarded_at IS NULL',
    );
  }

  deadLettersSince(minutes: number): Promise<number> {
    return this.scalar(
      'SELECT count(*)::int AS value FROM dead_letters WHERE created_at > clock_timestamp() - make_interval(mins => $1)',
      [minutes],
    );
  }

  /** Seconds since the oldest unfinished outbox row became due (0 when none is due). */
  outboxLagSeconds(): Promise<number> {
    return this.scalar(
      `SELECT COALESCE(extract(epoch FROM clock_timestamp() - min(next_attempt_at)), 0)::float8 AS value
       FROM outbox WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()`,
    );
  }

  /**
   * CRM deliveries the redrive is holding back: crm.sync dead letters of an outage or a block (the ones it
   * replays by itself) that are still open, or replayed with the replay not finished yet (its probe, then the
   * batch it releases once the CRM answers). A replay that dies again is counted through its own new dead letter.
   */
  crmDeliveriesWaiting(): Promise<number> {
    return this.scalar(
      `SELECT count(*)::int AS value
       FROM dead_letters d LEFT JOIN outbox r ON r.id = d.replay_outbox_id
       WHERE d.topic = 'crm.sync' AND d.reason IN ('exhausted', 'blocked') AND d.discarded_at IS NULL
         AND (d.replayed_at IS NULL OR r.status = 'pending')`,
    );
  }
}

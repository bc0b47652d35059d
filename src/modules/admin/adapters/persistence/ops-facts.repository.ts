import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { OpsFacts } from '../../ports/ops-facts.port';

/**
 * OpsFacts read from Postgres, so every process sees the same figures. Like the KPIs, it reads the outbox module's
 * tables directly: a report, never a write.
 */
@Injectable()
export class OpsFactsRepository implements OpsFacts {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private async scalar(sql: string, params: unknown[] = []): Promise<number> {
    const [row] = (await this.uow.manager().query(sql, params)) as Array<{ value: number | string | null }>;
    return Number(row?.value ?? 0);
  }

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

  outboxLagSeconds(): Promise<number> {
    return this.scalar(
      `SELECT COALESCE(extract(epoch FROM clock_timestamp() - min(next_attempt_at)), 0)::float8 AS value
       FROM outbox WHERE status = 'pending' AND next_attempt_at <= clock_timestamp()`,
    );
  }

  crmDeliveriesWaiting(): Promise<number> {
    return this.scalar(
      `SELECT count(*)::int AS value
       FROM dead_letters d LEFT JOIN outbox r ON r.id = d.replay_outbox_id
       WHERE d.topic = 'crm.sync' AND d.reason IN ('exhausted', 'blocked') AND d.discarded_at IS NULL
         AND (d.replayed_at IS NULL OR r.status = 'pending')`,
    );
  }
}

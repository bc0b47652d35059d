import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { ManagerAlert, RaisedAlert } from '../../domain/manager-alert';
import type { ManagerAlertStore } from '../../ports/manager-alert-store.port';

const MAX_SAMPLES_KEPT = 5;

interface AlertRow {
  id: string;
  group_key: string;
  title: string;
  count: number;
  samples: string[];
  first_at: Date;
  last_at: Date;
}

@Injectable()
export class ManagerAlertRepository implements ManagerAlertStore {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  /** `xmax = 0` tells a row this statement inserted from one it updated. */
  async gather(raised: RaisedAlert): Promise<{ id: string; opened: boolean }> {
    const [row] = (await this.uow.manager().query(
      `INSERT INTO manager_alerts (group_key, title, samples) VALUES ($1, $2, jsonb_build_array($3::text))
       ON CONFLICT (group_key) WHERE status = 'pending' DO UPDATE SET
         count = manager_alerts.count + 1,
         last_at = now(),
         samples = CASE WHEN jsonb_array_length(manager_alerts.samples) < $4
                        THEN manager_alerts.samples || excluded.samples ELSE manager_alerts.samples END
       RETURNING id, (xmax = 0) AS opened`,
      [raised.groupKey, raised.title, raised.sample, MAX_SAMPLES_KEPT],
    )) as Array<{ id: string; opened: boolean }>;
    return row;
  }

  async lockPending(id: string): Promise<ManagerAlert | null> {
    const rows = (await this.uow
      .manager()
      .query("SELECT * FROM manager_alerts WHERE id = $1 AND status = 'pending' FOR UPDATE", [id])) as AlertRow[];
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      groupKey: row.group_key,
      title: row.title,
      count: row.count,
      samples: row.samples,
      firstAt: row.first_at,
      lastAt: row.last_at,
    };
  }

  async markSent(id: string): Promise<void> {
    await this.uow.manager().query("UPDATE manager_alerts SET status = 'sent', sent_at = now() WHERE id = $1", [id]);
  }
}

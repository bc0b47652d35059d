import { Injectable } from '@nestjs/common';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { LeadForCrm } from '../../../leads';
import { CrmGateway, type CrmLeadRef } from '../../ports/crm-gateway.port';

/** No external CRM: the lead card is kept in our own database and shown by the admin API. */
@Injectable()
export class LocalCrmAdapter extends CrmGateway {
  readonly provider = 'local';

  constructor(private readonly uow: TypeOrmUnitOfWork) {
    super();
  }

  async upsertLead(lead: LeadForCrm): Promise<CrmLeadRef> {
    const [row] = (await this.uow.manager().query(
      `INSERT INTO local_crm_leads (lead_id, payload) VALUES ($1, $2)
       ON CONFLICT (lead_id) DO UPDATE SET payload = excluded.payload, updated_at = now() RETURNING id`,
      [lead.id, JSON.stringify(lead)],
    )) as Array<{ id: string }>;
    return { externalId: row.id, refs: {} };
  }
}

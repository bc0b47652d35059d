import { Module } from '@nestjs/common';
import { TypeOrmLeadsRepository } from './adapters/persistence/typeorm-leads.repository';
import { LeadsFacade } from './application/leads.facade';

@Module({
  providers: [TypeOrmLeadsRepository, LeadsFacade],
  exports: [LeadsFacade],
})
export class LeadsModule {}

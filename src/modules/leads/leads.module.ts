import { Module } from '@nestjs/common';
import { PersonalDataRepository } from './adapters/persistence/personal-data.repository';
import { TypeOrmLeadsRepository } from './adapters/persistence/typeorm-leads.repository';
import { EraseContactUseCase } from './application/erase-contact.use-case';
import { LeadsFacade } from './application/leads.facade';
import { PersonalDataRetention } from './application/personal-data-retention';

@Module({
  providers: [TypeOrmLeadsRepository, LeadsFacade, PersonalDataRepository, EraseContactUseCase, PersonalDataRetention],
  exports: [LeadsFacade, EraseContactUseCase],
})
export class LeadsModule {}

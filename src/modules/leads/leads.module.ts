import { Module } from '@nestjs/common';
import { PersonalDataRepository } from './adapters/persistence/personal-data.repository';
import { TypeOrmLeadQueries } from './adapters/persistence/typeorm-lead-queries.repository';
import { TypeOrmLeadRepository } from './adapters/persistence/typeorm-lead.repository';
import { TypeOrmMessageRepository } from './adapters/persistence/typeorm-message.repository';
import { EraseContactUseCase } from './application/erase-contact.use-case';
import { LeadsFacade } from './application/leads.facade';
import { PersonalDataRetention } from './application/personal-data-retention';
import { LeadQueries } from './ports/lead-queries.port';
import { LeadStore } from './ports/lead-store.port';
import { MessageStore } from './ports/message-store.port';
import { PersonalDataStore } from './ports/personal-data-store.port';

@Module({
  providers: [
    { provide: MessageStore, useClass: TypeOrmMessageRepository },
    { provide: LeadStore, useClass: TypeOrmLeadRepository },
    { provide: LeadQueries, useClass: TypeOrmLeadQueries },
    { provide: PersonalDataStore, useClass: PersonalDataRepository },
    LeadsFacade,
    EraseContactUseCase,
    PersonalDataRetention,
  ],
  exports: [LeadsFacade, EraseContactUseCase],
})
export class LeadsModule {}

import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads';
import { OutboxModule } from '../outbox';
import { TriageModule } from '../triage';
import { AdminAuthGuard } from '../../http/admin-auth.guard';
import { ConversationsAdminController } from './adapters/http/conversations-admin.controller';
import { DeadLettersAdminController } from './adapters/http/dead-letters-admin.controller';
import { LeadsAdminController } from './adapters/http/leads-admin.controller';

/** The REST admin API for the agency that runs this instance. */
@Module({
  imports: [LeadsModule, OutboxModule, TriageModule],
  controllers: [LeadsAdminController, DeadLettersAdminController, ConversationsAdminController],
  providers: [AdminAuthGuard],
})
export class AdminModule {}

import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads';
import { OutboxModule } from '../outbox';
import { AdminAuthGuard } from './adapters/http/admin-auth.guard';
import { DeadLettersAdminController } from './adapters/http/dead-letters-admin.controller';
import { LeadsAdminController } from './adapters/http/leads-admin.controller';

/** The REST admin API for the agency that runs this instance. */
@Module({
  imports: [LeadsModule, OutboxModule],
  controllers: [LeadsAdminController, DeadLettersAdminController],
  providers: [AdminAuthGuard],
})
export class AdminModule {}

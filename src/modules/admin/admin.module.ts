import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads';
import { AdminAuthGuard } from './adapters/http/admin-auth.guard';
import { LeadsAdminController } from './adapters/http/leads-admin.controller';

/** The REST admin API for the agency that runs this instance. */
@Module({
  imports: [LeadsModule],
  controllers: [LeadsAdminController],
  providers: [AdminAuthGuard],
})
export class AdminModule {}

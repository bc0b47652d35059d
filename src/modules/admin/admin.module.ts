import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { LeadsModule } from '../leads';
import { NotificationsModule } from '../notifications';
import { OutboxModule } from '../outbox';
import { TriageModule } from '../triage';
import { AdminAccessModule } from '../../http/admin-access.module';
import { AdminAuthGuard } from '../../http/admin-auth.guard';
import { AuditAdminController } from './adapters/http/audit-admin.controller';
import { AuditInterceptor } from './adapters/http/audit.interceptor';
import { ContactsAdminController } from './adapters/http/contacts-admin.controller';
import { ConversationsAdminController } from './adapters/http/conversations-admin.controller';
import { DeadLettersAdminController } from './adapters/http/dead-letters-admin.controller';
import { IntegrationsAdminController } from './adapters/http/integrations-admin.controller';
import { KpiAdminController } from './adapters/http/kpi-admin.controller';
import { LeadsAdminController } from './adapters/http/leads-admin.controller';
import { AuditLogRepository } from './adapters/persistence/audit-log.repository';
import { KpiRepository } from './adapters/persistence/kpi.repository';
import { OpsFactsRepository } from './adapters/persistence/ops-facts.repository';
import { QueueBacklogReader } from './adapters/queue/queue-backlog.reader';
import { OpsAlertStateStore } from './adapters/redis/ops-alert-state.store';
import { AuditTrail } from './application/audit-trail';
import { GetKpiReportUseCase } from './application/kpi-report.use-case';
import { OperationalGauges } from './application/operational-gauges';
import { OpsMonitor } from './application/ops-monitor';
import { AuditLog } from './ports/audit-log.port';
import { KpiQueries } from './ports/kpi-queries.port';
import { OpsAlertState } from './ports/ops-alert-state.port';
import { OpsFacts } from './ports/ops-facts.port';
import { QueueBacklog } from './ports/queue-backlog.port';

/** The REST admin API for the agency that runs this instance. */
@Module({
  imports: [AdminAccessModule, LeadsModule, OutboxModule, TriageModule, NotificationsModule],
  controllers: [
    LeadsAdminController,
    DeadLettersAdminController,
    ConversationsAdminController,
    AuditAdminController,
    ContactsAdminController,
    KpiAdminController,
    IntegrationsAdminController,
  ],
  providers: [
    AdminAuthGuard,
    AuditLogRepository,
    { provide: AuditLog, useExisting: AuditLogRepository },
    AuditTrail,
    // Global, so that admin routes of every module are audited; it records only requests AdminAuthGuard let in.
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
    KpiRepository,
    { provide: KpiQueries, useExisting: KpiRepository },
    GetKpiReportUseCase,
    // Operations: the shared-state gauges of GET /metrics, and the monitor that alerts the managers (workers only).
    OpsFactsRepository,
    { provide: OpsFacts, useExisting: OpsFactsRepository },
    QueueBacklogReader,
    { provide: QueueBacklog, useExisting: QueueBacklogReader },
    OperationalGauges,
    OpsAlertStateStore,
    { provide: OpsAlertState, useExisting: OpsAlertStateStore },
    OpsMonitor,
  ],
})
export class AdminModule {}

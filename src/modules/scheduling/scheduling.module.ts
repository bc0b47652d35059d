import { Module } from '@nestjs/common';
import { AppointmentsAdminController } from './adapters/http/appointments-admin.controller';
import { ServicesAdminController } from './adapters/http/services-admin.controller';
import { SlotsAdminController } from './adapters/http/slots-admin.controller';
import { StaffAdminController } from './adapters/http/staff-admin.controller';
import { AppointmentsRepository } from './adapters/persistence/appointments.repository';
import { CatalogRepository } from './adapters/persistence/catalog.repository';
import { BookAppointmentUseCase } from './application/book-appointment.use-case';
import { BookableSlots } from './application/bookable-slots';
import { ChangeAppointmentUseCase } from './application/change-appointment.use-case';
import { FindFreeSlotsUseCase } from './application/find-free-slots.use-case';
import { HoldSlotUseCase } from './application/hold-slot.use-case';
import { PresetSeeder } from './application/preset-seeder';
import { SchedulingCatalog } from './application/scheduling-catalog';
import { SchedulingFacade } from './application/scheduling.facade';
import { AppointmentStore } from './ports/appointment-store.port';
import { CatalogStore } from './ports/catalog-store.port';

/** Services, staff, working hours, free slots, holds and appointments; admin API under /api/admin/v1. */
@Module({
  controllers: [ServicesAdminController, StaffAdminController, SlotsAdminController, AppointmentsAdminController],
  providers: [
    CatalogRepository,
    { provide: CatalogStore, useExisting: CatalogRepository },
    AppointmentsRepository,
    { provide: AppointmentStore, useExisting: AppointmentsRepository },
    BookableSlots,
    FindFreeSlotsUseCase,
    HoldSlotUseCase,
    BookAppointmentUseCase,
    ChangeAppointmentUseCase,
    SchedulingCatalog,
    SchedulingFacade,
    PresetSeeder,
  ],
  exports: [SchedulingFacade],
})
export class SchedulingModule {}

import { Module } from '@nestjs/common';
import { ProfileAdminController } from './adapters/http/profile-admin.controller';
import { ScenariosAdminController } from './adapters/http/scenarios-admin.controller';
import { SettingsRepository } from './adapters/persistence/settings.repository';
import { BusinessProfile } from './application/business-profile.facade';
import { Scenarios } from './application/scenarios.facade';
import { SettingsStore } from './ports/settings-store.port';

/** What the agency configures for its business: the profile and the scenario of each intent; admin API included. */
@Module({
  controllers: [ProfileAdminController, ScenariosAdminController],
  providers: [
    SettingsRepository,
    { provide: SettingsStore, useExisting: SettingsRepository },
    BusinessProfile,
    Scenarios,
  ],
  exports: [BusinessProfile, Scenarios],
})
export class SettingsModule {}

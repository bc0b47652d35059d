import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { UnitOfWork } from '../../../shared/unit-of-work';
import { SCHEDULING_PRESETS, type SchedulingPreset } from '../domain/scheduling-presets';
import { CatalogStore } from '../ports/catalog-store.port';

/**
 * A fresh instance can book out of the box: on start, when SCHEDULING_SEED_PRESET is on and there are no
 * services at all, the business preset's services and staff are stored. Once anything exists (even only
 * deactivated services) nothing is touched: the admin API owns the data from then on.
 */
@Injectable()
export class PresetSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(PresetSeeder.name);

  constructor(
    private readonly catalog: CatalogStore,
    private readonly uow: UnitOfWork,
    private readonly env: EnvironmentVariables,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.env.SCHEDULING_SEED_PRESET) return;
    const seeded = await this.uow.run(async () => {
      await this.catalog.lockSeeding();
      if ((await this.catalog.countServices()) > 0) return false;
      await this.seed(SCHEDULING_PRESETS[this.env.BUSINESS_PRESET]);
      return true;
    });
    if (seeded) this.logger.log(`scheduling seeded with the "${this.env.BUSINESS_PRESET}" preset`);
  }

  private async seed(preset: SchedulingPreset): Promise<void> {
    const ids = new Map<string, string>();
    for (const service of preset.services) {
      const stored = await this.catalog.insertService({ ...service, active: true });
      ids.set(service.name, stored.id);
    }
    for (const member of preset.staff) {
      await this.catalog.insertStaff({
        name: member.name,
        active: true,
        serviceIds: member.services.map((name) => ids.get(name)!),
        hours: [...member.hours],
        breaks: [...member.breaks],
        daysOff: [],
      });
    }
  }
}

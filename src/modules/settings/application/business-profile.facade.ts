import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import { effectiveProfile, profileProblems, type Profile, type ProfileFields } from '../domain/business-profile';
import { SettingsInvalidError } from '../domain/settings.errors';
import { SettingsStore } from '../ports/settings-store.port';

/**
 * The business the bot speaks for: name, address, phone, hours, time zone, preset, website. Until the agency saves
 * a profile the instance runs on TZ_BUSINESS and BUSINESS_PRESET.
 */
@Injectable()
export class BusinessProfile {
  constructor(
    private readonly repository: SettingsStore,
    private readonly env: EnvironmentVariables,
  ) {}

  async get(): Promise<Profile> {
    return effectiveProfile(await this.repository.profile(), this.defaults());
  }

  /** Replaces the whole profile; a field left null falls back to its default. */
  async replace(fields: ProfileFields): Promise<Profile> {
    const problems = profileProblems(fields);
    if (problems.length > 0) throw new SettingsInvalidError(problems);
    return effectiveProfile(await this.repository.saveProfile(fields), this.defaults());
  }

  private defaults() {
    return { timeZone: this.env.TZ_BUSINESS, preset: this.env.BUSINESS_PRESET };
  }
}

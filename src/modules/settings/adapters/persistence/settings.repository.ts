import { Injectable } from '@nestjs/common';
import { SettingsCache } from '../../../../database/settings-cache';
import { TypeOrmUnitOfWork } from '../../../../database/typeorm-unit-of-work';
import type { OpeningInterval } from '../../domain/business-hours';
import type { ProfileFields, SavedProfile } from '../../domain/business-profile';
import type { PresetName } from '../../domain/presets';
import type { SavedScenario, ScenarioSettings } from '../../domain/scenario';
import type { ClientDetail, ScenarioIntent } from '../../domain/scenario-intents';
import type { SettingsStore } from '../../ports/settings-store.port';

interface ProfileRow {
  name: string | null;
  address: string | null;
  phone: string | null;
  hours_text: string | null;
  hours_weekly: OpeningInterval[] | null;
  time_zone: string | null;
  preset: PresetName | null;
  website: string | null;
  updated_at: Date;
}

interface ScenarioRow {
  intent: ScenarioIntent;
  enabled: boolean;
  reply_template: string | null;
  required_details: ClientDetail[];
  escalate: boolean;
  updated_at: Date;
}

const toProfile = (row: ProfileRow): SavedProfile => ({
  name: row.name,
  address: row.address,
  phone: row.phone,
  hours:
    row.hours_text === null && row.hours_weekly === null ? null : { text: row.hours_text, weekly: row.hours_weekly },
  timeZone: row.time_zone,
  preset: row.preset,
  website: row.website,
  updatedAt: row.updated_at,
});

const toScenario = (row: ScenarioRow): SavedScenario => ({
  intent: row.intent,
  enabled: row.enabled,
  replyTemplate: row.reply_template,
  requiredDetails: row.required_details,
  escalate: row.escalate,
  updatedAt: row.updated_at,
});

/** SettingsStore in Postgres (the profile is one row), read through the SettingsCache; writes mark it changed. */
@Injectable()
export class SettingsRepository implements SettingsStore {
  constructor(
    private readonly uow: TypeOrmUnitOfWork,
    private readonly cache: SettingsCache,
  ) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T> {
    return this.uow.manager().query(sql, params) as Promise<T>;
  }

  profile(): Promise<SavedProfile | null> {
    return this.cache.get('business_profile', async () => {
      const rows = await this.query<ProfileRow[]>('SELECT * FROM business_profile WHERE id = 1');
      return rows[0] ? toProfile(rows[0]) : null;
    });
  }

  async saveProfile(fields: ProfileFields): Promise<SavedProfile> {
    this.cache.changed();
    const [row] = await this.query<ProfileRow[]>(
      `INSERT INTO business_profile (id, name, address, phone, hours_text, hours_weekly, time_zone, preset, website)
       VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, phone = excluded.phone,
         hours_text = excluded.hours_text, hours_weekly = excluded.hours_weekly, time_zone = excluded.time_zone,
         preset = excluded.preset, website = excluded.website, updated_at = now()
       RETURNING *`,
      [
        fields.name,
        fields.address,
        fields.phone,
        fields.hours?.text ?? null,
        fields.hours?.weekly ? JSON.stringify(fields.hours.weekly) : null,
        fields.timeZone,
        fields.preset,
        fields.website,
      ],
    );
    return toProfile(row);
  }

  scenarios(): Promise<SavedScenario[]> {
    return this.cache.get('scenarios', async () =>
      (await this.query<ScenarioRow[]>('SELECT * FROM scenarios')).map(toScenario),
    );
  }

  async scenario(intent: ScenarioIntent): Promise<SavedScenario | null> {
    return (await this.scenarios()).find((scenario) => scenario.intent === intent) ?? null;
  }

  async saveScenario(intent: ScenarioIntent, settings: ScenarioSettings): Promise<SavedScenario> {
    this.cache.changed();
    const [row] = await this.query<ScenarioRow[]>(
      `INSERT INTO scenarios (intent, enabled, reply_template, required_details, escalate)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (intent) DO UPDATE SET enabled = excluded.enabled, reply_template = excluded.reply_template,
         required_details = excluded.required_details, escalate = excluded.escalate, updated_at = now()
       RETURNING *`,
      [intent, settings.enabled, settings.replyTemplate, JSON.stringify(settings.requiredDetails), settings.escalate],
    );
    return toScenario(row);
  }
}

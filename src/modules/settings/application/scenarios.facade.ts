import { Injectable } from '@nestjs/common';
import { EnvironmentVariables } from '../../../config/env.validation';
import {
  effectiveScenario,
  renderScenario,
  scenarioProblems,
  type ClientSlots,
  type Scenario,
  type ScenarioSettings,
} from '../domain/scenario';
import { isScenarioIntent, SCENARIO_INTENTS, type ScenarioIntent } from '../domain/scenario-intents';
import { SettingsInvalidError } from '../domain/settings.errors';
import { SettingsStore } from '../ports/settings-store.port';
import { BusinessProfile } from './business-profile.facade';

/** How the bot handles each intent: auto-reply on or off, the reply's wording, what to collect, when to escalate. */
@Injectable()
export class Scenarios {
  constructor(
    private readonly repository: SettingsStore,
    private readonly profile: BusinessProfile,
    private readonly env: EnvironmentVariables,
  ) {}

  /** Every scenario in effect, in the order of SCENARIO_INTENTS. */
  async list(): Promise<Scenario[]> {
    const saved = await this.repository.scenarios();
    const profile = await this.profile.get();
    return SCENARIO_INTENTS.map((intent) =>
      effectiveScenario(intent, saved.find((s) => s.intent === intent) ?? null, profile, this.env.BUSINESS_PRESET),
    );
  }

  /** The scenario in effect for an intent; null for an intent that has none (spam). */
  async forIntent(intent: string): Promise<Scenario | null> {
    if (!isScenarioIntent(intent)) return null;
    const saved = await this.repository.scenario(intent);
    const profile = await this.profile.get();
    return effectiveScenario(intent, saved, profile, this.env.BUSINESS_PRESET);
  }

  async replace(intent: ScenarioIntent, settings: ScenarioSettings): Promise<Scenario> {
    const problems = scenarioProblems(intent, settings);
    if (problems.length > 0) throw new SettingsInvalidError(problems);
    const saved = await this.repository.saveScenario(intent, settings);
    return effectiveScenario(intent, saved, await this.profile.get(), this.env.BUSINESS_PRESET);
  }

  /** The scenario's reply to a client, with their details and the business profile filled in. */
  async render(scenario: Scenario, slots: ClientSlots): Promise<string> {
    return renderScenario(scenario, slots, await this.profile.get());
  }
}

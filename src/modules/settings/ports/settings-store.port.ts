import type { ProfileFields, SavedProfile } from '../domain/business-profile';
import type { SavedScenario, ScenarioSettings } from '../domain/scenario';
import type { ScenarioIntent } from '../domain/scenario-intents';

/** The business profile and the scenarios the agency saved. Joins the caller's transaction. */
export abstract class SettingsStore {
  /** Null until the agency saves a profile. */
  abstract profile(): Promise<SavedProfile | null>;

  /** Replaces the whole profile. */
  abstract saveProfile(fields: ProfileFields): Promise<SavedProfile>;

  /** The scenarios saved, one per intent at most (intents never saved are missing). */
  abstract scenarios(): Promise<SavedScenario[]>;

  abstract scenario(intent: ScenarioIntent): Promise<SavedScenario | null>;

  /** Replaces the intent's settings. */
  abstract saveScenario(intent: ScenarioIntent, settings: ScenarioSettings): Promise<SavedScenario>;
}

/** Intents an agency configures a scenario for: every intent the bot answers (spam gets no answer at all). */
export const SCENARIO_INTENTS = [
  'booking',
  'cancel',
  'reschedule',
  'price',
  'address',
  'consultation',
  'human',
  'complaint',
  'other',
] as const;
export type ScenarioIntent = (typeof SCENARIO_INTENTS)[number];

export function isScenarioIntent(value: string): value is ScenarioIntent {
  return (SCENARIO_INTENTS as readonly string[]).includes(value);
}

/** What the bot may have to collect from the client before it acts on an intent. */
export const CLIENT_DETAILS = ['service', 'date', 'time', 'name', 'phone'] as const;
export type ClientDetail = (typeof CLIENT_DETAILS)[number];

/**
 * Intents the bot always hands to a person (see the triage module's handoff rule): their scenario cannot turn
 * that off, so `escalate` stays true for them.
 */
export const ALWAYS_HUMAN_INTENTS: readonly ScenarioIntent[] = ['consultation', 'human', 'complaint'];

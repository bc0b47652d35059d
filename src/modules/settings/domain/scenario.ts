import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Profile } from './business-profile';
import { DEFAULT_REQUIRED_DETAILS, PRESET_SCENARIOS, type PresetName } from './presets';
import { renderTemplate, templateProblem, type TemplateValues } from './reply-template';
import { ALWAYS_HUMAN_INTENTS, type ClientDetail, type ScenarioIntent } from './scenario-intents';
import type { SettingProblem } from './settings.errors';

/** What an agency saves for one intent. */
export interface ScenarioSettings {
  /**
   * Off: the bot sends no template reply to this intent (the lead is still recorded and filed); what the booking
   * dialog says for booking, cancel, reschedule and price is the dialog's, not a template.
   */
  enabled: boolean;
  /** Null: the preset's reply. */
  replyTemplate: string | null;
  requiredDetails: ClientDetail[];
  /** Always hand this intent to a person. */
  escalate: boolean;
}

/** The settings the agency saved for an intent, and when. */
export type SavedScenario = ScenarioSettings & { intent: ScenarioIntent; updatedAt: Date };

/**
 * Where the reply template in effect comes from:
 * - `preset`: the reply of the preset the bot runs with (BUSINESS_PRESET), which the bot says on its own;
 * - `profile`: written from the business profile (the address the agency gave, or the profile's other preset);
 * - `custom`: the agency's own template.
 */
export type ReplySource = 'preset' | 'profile' | 'custom';

/** A scenario in effect: the agency's settings over the preset's defaults. */
export interface Scenario extends ScenarioSettings {
  intent: ScenarioIntent;
  replyTemplate: string;
  source: ReplySource;
  /** The preset's reply for this intent, what `replyTemplate: null` goes back to. */
  presetTemplate: string;
  /** Said in place of {service} when the client named none. */
  visitNoun: string;
  /** When the agency last saved it; null while it runs on defaults. */
  updatedAt: Date | null;
}

/** Problems of settings for `intent`, each naming its field; empty when they are sound. */
export function scenarioProblems(intent: ScenarioIntent, settings: ScenarioSettings): SettingProblem[] {
  const problems: SettingProblem[] = [];
  const template = settings.replyTemplate === null ? null : templateProblem(settings.replyTemplate);
  if (template) problems.push({ field: 'replyTemplate', message: `replyTemplate ${template}` });
  if (!settings.escalate && ALWAYS_HUMAN_INTENTS.includes(intent)) {
    problems.push({
      field: 'escalate',
      message: `escalate must stay true: the bot always hands ${intent} to a person`,
    });
  }
  return problems;
}

/**
 * The scenario in effect for `intent`. `botPreset` is the preset the bot answers with by itself; when the profile
 * names another one, its replies are rendered from here instead.
 */
export function effectiveScenario(
  intent: ScenarioIntent,
  saved: (ScenarioSettings & { updatedAt: Date }) | null,
  profile: Profile,
  botPreset: PresetName,
): Scenario {
  const preset = PRESET_SCENARIOS[profile.preset];
  const presetTemplate = preset.templates[intent];
  const [replyTemplate, source] = ((): [string, ReplySource] => {
    if (saved?.replyTemplate) return [saved.replyTemplate, 'custom'];
    if (intent === 'address' && profile.address) return [addressTemplate(profile), 'profile'];
    return [presetTemplate, profile.preset === botPreset ? 'preset' : 'profile'];
  })();
  return {
    intent,
    enabled: saved?.enabled ?? true,
    replyTemplate,
    requiredDetails: saved?.requiredDetails ?? DEFAULT_REQUIRED_DETAILS[intent],
    escalate: saved?.escalate ?? ALWAYS_HUMAN_INTENTS.includes(intent),
    source,
    presetTemplate,
    visitNoun: preset.visitNoun,
    updatedAt: saved?.updatedAt ?? null,
  };
}

/** The address reply once the agency has given the address: what the profile knows, nothing it does not. */
function addressTemplate(profile: Profile): string {
  return [
    'Наш адрес: {address}.',
    profile.hoursText ? 'Часы работы: {hours}.' : null,
    profile.phone ? 'Телефон: {phone}.' : null,
  ]
    .filter(Boolean)
    .join(' ');
}

/** The client's details from the message, as the triage module extracts them. */
export interface ClientSlots {
  service?: string;
  date?: string;
  time?: string;
  name?: string;
}

/** The scenario's reply with the client's details and the business's filled in. */
export function renderScenario(scenario: Scenario, slots: ClientSlots, profile: Profile): string {
  const values: TemplateValues = {
    service: slots.service || scenario.visitNoun,
    date: slots.date,
    time: slots.time,
    name: slots.name ? slots.name.charAt(0).toUpperCase() + slots.name.slice(1) : undefined,
    address: profile.address ?? undefined,
    phone: profile.phone ? formatPhone(profile.phone) : undefined,
    hours: profile.hoursText ?? undefined,
  };
  return renderTemplate(scenario.replyTemplate, values);
}

/** "+73912000000" → "+7 391 200 00 00". */
function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}

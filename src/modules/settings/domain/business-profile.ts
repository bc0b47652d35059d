import { IANAZone } from 'luxon';
import { describeHours, openingHoursProblems, type BusinessHours } from './business-hours';
import { isPresetName, PRESET_NAMES, type PresetName } from './presets';
import type { SettingProblem } from './settings.errors';

/** What the agency says about the business it runs this instance for. */
export interface ProfileFields {
  name: string | null;
  address: string | null;
  /** E.164. */
  phone: string | null;
  hours: BusinessHours | null;
  /** IANA zone; null: the instance's TZ_BUSINESS. */
  timeZone: string | null;
  /** Null: the instance's BUSINESS_PRESET. */
  preset: PresetName | null;
  website: string | null;
}

/** The profile as the agency saved it, and when. */
export type SavedProfile = ProfileFields & { updatedAt: Date };

/** The profile in effect: what the agency saved, the instance's environment where it saved nothing. */
export interface Profile extends Omit<ProfileFields, 'timeZone' | 'preset'> {
  timeZone: string;
  preset: PresetName;
  /** The hours as the bot words them, null when unknown. */
  hoursText: string | null;
  /** When the agency last saved it; null while the instance runs on its defaults. */
  updatedAt: Date | null;
}

export interface ProfileDefaults {
  timeZone: string;
  preset: PresetName;
}

export function effectiveProfile(
  saved: (ProfileFields & { updatedAt: Date }) | null,
  defaults: ProfileDefaults,
): Profile {
  const fields = saved ?? { name: null, address: null, phone: null, hours: null, website: null, updatedAt: null };
  return {
    name: fields.name,
    address: fields.address,
    phone: fields.phone,
    hours: fields.hours,
    hoursText: describeHours(fields.hours),
    timeZone: saved?.timeZone ?? defaults.timeZone,
    preset: saved?.preset ?? defaults.preset,
    website: fields.website,
    updatedAt: fields.updatedAt,
  };
}

/** Problems of profile fields, each naming its field; empty when they are sound. */
export function profileProblems(fields: ProfileFields): SettingProblem[] {
  const problems: SettingProblem[] = [];
  if (fields.timeZone !== null && !IANAZone.isValidZone(fields.timeZone)) {
    problems.push({ field: 'timeZone', message: 'timeZone must be an IANA time zone such as Asia/Krasnoyarsk' });
  }
  if (fields.preset !== null && !isPresetName(fields.preset)) {
    problems.push({ field: 'preset', message: `preset must be one of ${PRESET_NAMES.join(', ')}` });
  }
  if (fields.hours && !fields.hours.text?.trim() && !fields.hours.weekly?.length) {
    problems.push({ field: 'hours', message: 'hours needs a text, a weekly schedule or both' });
  }
  for (const { at, problem } of openingHoursProblems(fields.hours?.weekly ?? [])) {
    problems.push({ field: `hours.${at}`, message: `hours.${at} ${problem}` });
  }
  return problems;
}

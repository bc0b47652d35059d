import { DomainError } from '../../../shared/domain-error';

export interface SettingProblem {
  /** The field at fault, as the admin API names it: `replyTemplate`, `hours.weekly.1`. */
  field: string;
  message: string;
}

/** Settings that break a rule the bot relies on (an unknown template variable, overlapping hours). */
export class SettingsInvalidError extends DomainError {
  readonly code = 'SETTINGS.INVALID';

  constructor(readonly problems: SettingProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
  }
}

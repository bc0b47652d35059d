// The triage module answers from its own presets while a scenario is not customised: both must say the same.
import { BUSINESS_PRESETS, replyFor } from '../../triage/domain/business-presets';
import type { Intent } from '../../triage/domain/triage-result';
import { PRESET_NAMES, PRESET_SCENARIOS } from './presets';
import { renderTemplate } from './reply-template';
import { SCENARIO_INTENTS } from './scenario-intents';

const SLOTS = [{}, { date: 'в пятницу' }, { date: '12 марта', time: 'в 15:00', name: 'катя' }];

describe('preset scenarios', () => {
  for (const preset of PRESET_NAMES) {
    it(`words every reply of ${preset} as the bot does`, () => {
      expect(PRESET_SCENARIOS[preset].visitNoun).toBe(BUSINESS_PRESETS[preset].visitNoun);
      for (const intent of SCENARIO_INTENTS) {
        for (const slots of SLOTS) {
          const values = { ...slots, name: slots.name && slots.name[0].toUpperCase() + slots.name.slice(1) };
          expect({ intent, slots, reply: renderTemplate(PRESET_SCENARIOS[preset].templates[intent], values) }).toEqual({
            intent,
            slots,
            reply: replyFor(BUSINESS_PRESETS[preset], intent as Intent, slots),
          });
        }
      }
    });
  }
});

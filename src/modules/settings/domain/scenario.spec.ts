import { effectiveProfile, type Profile } from './business-profile';
import { effectiveScenario, renderScenario, scenarioProblems } from './scenario';

const profile = (changes: Partial<Profile> = {}): Profile => ({
  ...effectiveProfile(null, { timeZone: 'Asia/Krasnoyarsk', preset: 'salon' }),
  ...changes,
});
const saved = (changes = {}) => ({
  enabled: true,
  replyTemplate: null,
  requiredDetails: [],
  escalate: false,
  updatedAt: new Date('2026-03-01T10:00:00Z'),
  ...changes,
});

describe('scenarios', () => {
  it("runs on the bot's preset until the agency changes something", () => {
    const scenario = effectiveScenario('cancel', null, profile(), 'salon');
    expect(scenario).toMatchObject({
      intent: 'cancel',
      enabled: true,
      source: 'preset',
      escalate: false,
      requiredDetails: [],
      updatedAt: null,
    });
    expect(scenario.replyTemplate).toBe(scenario.presetTemplate);
    expect(effectiveScenario('booking', null, profile(), 'salon').requiredDetails).toEqual([
      'service',
      'date',
      'time',
      'phone',
    ]);
    expect(effectiveScenario('complaint', null, profile(), 'salon').escalate).toBe(true);
  });

  it('takes the custom template, or the profile when it knows the address or names another preset', () => {
    expect(effectiveScenario('price', saved({ replyTemplate: 'Прайс: {service}' }), profile(), 'salon')).toMatchObject({
      source: 'custom',
      replyTemplate: 'Прайс: {service}',
    });
    const address = effectiveScenario(
      'address',
      null,
      profile({ address: 'Красноярск, Мира, 1', hoursText: 'ежедневно 9:00–21:00' }),
      'salon',
    );
    expect(address).toMatchObject({ source: 'profile', replyTemplate: 'Наш адрес: {address}. Часы работы: {hours}.' });
    const clinic = effectiveScenario('booking', null, profile({ preset: 'clinic' }), 'salon');
    expect(clinic).toMatchObject({ source: 'profile', visitNoun: 'приём' });
    expect(clinic.replyTemplate).toContain('к какому специалисту');
  });

  it('renders with the client and the business', () => {
    const business = profile({ address: 'Мира, 1', phone: '+73912000000', hoursText: 'ежедневно 9:00–21:00' });
    const scenario = effectiveScenario(
      'booking',
      saved({ replyTemplate: '{name}, ждём на {service} {date} по адресу {address}. Тел. {phone}, {hours}' }),
      business,
      'salon',
    );
    expect(renderScenario(scenario, { name: 'оля', date: 'завтра' }, business)).toBe(
      'Оля, ждём на процедуру завтра по адресу Мира, 1. Тел. +7 391 200 00 00, ежедневно 9:00–21:00',
    );
  });

  it('rejects a broken template and an escalation a human intent cannot drop', () => {
    expect(scenarioProblems('price', saved({ replyTemplate: 'Цена {price}' }))).toEqual([
      { field: 'replyTemplate', message: expect.stringContaining('unknown variable {price}') },
    ]);
    expect(scenarioProblems('complaint', saved({ escalate: false }))).toEqual([
      { field: 'escalate', message: expect.stringContaining('complaint') },
    ]);
    expect(scenarioProblems('complaint', saved({ escalate: true }))).toEqual([]);
  });
});

import { SCHEDULING_PRESETS } from './scheduling-presets';
import { rankByName } from './service-name-match';
import { weeklyPatternProblems } from './weekly-hours';

describe('scheduling presets', () => {
  it.each(Object.entries(SCHEDULING_PRESETS))('%s: every service is done by someone with sound hours', (_, preset) => {
    const names = preset.services.map((s) => s.name);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(preset.staff).toHaveLength(2);
    for (const member of preset.staff) {
      expect(member.services.every((name) => names.includes(name))).toBe(true);
      expect(weeklyPatternProblems({ ...member, daysOff: [] })).toEqual([]);
      expect(member.breaks.length).toBeGreaterThan(0);
    }
    for (const name of names) expect(preset.staff.some((member) => member.services.includes(name))).toBe(true);
    for (const service of preset.services) {
      expect(service.durationMinutes).toBeGreaterThanOrEqual(5);
      expect(service.priceRub === null || service.priceRub >= 0).toBe(true);
    }
  });

  it.each([
    ['salon', 'маникюр', 'Маникюр'],
    ['salon', 'окрашивание', 'Окрашивание'],
    ['clinic', 'терапевт', 'Приём терапевта'],
    ['clinic', 'узи брюшной полости', 'УЗИ брюшной полости'],
    ['clinic', 'анализы', 'Сдача анализов'],
    ['autoservice', 'шиномонтаж', 'Шиномонтаж'],
    ['autoservice', 'диагностика', 'Компьютерная диагностика'],
    ['fitness', 'пилатес', 'Пилатес'],
    ['fitness', 'персональная тренировка', 'Персональная тренировка'],
    ['education', 'подготовка к школе', 'Подготовка к школе'],
    ['education', 'логопед', 'Занятие с логопедом'],
  ] as const)('%s: the corpus phrase "%s" finds %s', (preset, phrase, expected) => {
    expect(rankByName(SCHEDULING_PRESETS[preset].services, phrase)[0]?.name).toBe(expected);
  });
});

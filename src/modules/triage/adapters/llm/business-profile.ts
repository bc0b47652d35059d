import type { BusinessPreset, BusinessPresetName } from '../../domain/business-presets';

/** What kind of business a preset is, in the words its clients use, and the services clients ask for most. */
const PROFILES: Record<BusinessPresetName, { kind: string; services: string[] }> = {
  salon: {
    kind: 'салон красоты',
    services: [
      'маникюр',
      'педикюр',
      'стрижка',
      'окрашивание',
      'укладка',
      'наращивание ресниц',
      'брови',
      'кератиновое выпрямление',
    ],
  },
  clinic: {
    kind: 'медицинская клиника',
    services: ['терапевт', 'педиатр', 'гинеколог', 'лор', 'эндокринолог', 'стоматолог', 'узи', 'анализы', 'справки'],
  },
  autoservice: {
    kind: 'автосервис',
    services: [
      'шиномонтаж',
      'хранение шин',
      'замена масла',
      'диагностика',
      'развал-схождение',
      'замена колодок',
      'техобслуживание',
      'ремонт коробки передач',
    ],
  },
  fitness: {
    kind: 'фитнес-студия',
    services: ['абонемент', 'пробная тренировка', 'персональная тренировка', 'пилатес', 'йога', 'стретчинг'],
  },
  education: {
    kind: 'детский образовательный центр',
    services: ['подготовка к школе', 'английский', 'логопед', 'робототехника', 'ментальная арифметика', 'шахматы'],
  },
};

/** The business the bot answers for, as the model should know it: type, services, what a visit is, hours. */
export function businessProfile(preset: BusinessPreset): string {
  const profile = PROFILES[preset.name];
  return [
    `- type: ${profile.kind} (${preset.name}) in Krasnoyarsk`,
    `- typical services: ${profile.services.join(', ')}`,
    `- a visit is called "${preset.visitNoun}"`,
    `- opening hours, as the bot tells clients: ${preset.replies.address}`,
  ].join('\n');
}

import type { WeeklyInterval } from './weekly-hours';

export type SchedulingPresetName = 'salon' | 'clinic' | 'autoservice' | 'fitness' | 'education';

export interface PresetService {
  readonly name: string;
  readonly durationMinutes: number;
  readonly priceRub: number | null;
}

export interface PresetStaff {
  readonly name: string;
  /** Names of the preset's services this person does. */
  readonly services: readonly string[];
  readonly hours: readonly WeeklyInterval[];
  readonly breaks: readonly WeeklyInterval[];
}

/** What a fresh instance can book out of the box; the admin API changes it afterwards. */
export interface SchedulingPreset {
  readonly services: readonly PresetService[];
  readonly staff: readonly PresetStaff[];
}

const MONDAY_TO_FRIDAY = [1, 2, 3, 4, 5];
const MONDAY_TO_SATURDAY = [1, 2, 3, 4, 5, 6];
const TUESDAY_TO_SUNDAY = [2, 3, 4, 5, 6, 7];
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

const daily = (weekdays: number[], start: string, end: string): WeeklyInterval[] =>
  weekdays.map((weekday) => ({ weekday, start, end }));

export const SCHEDULING_PRESETS: Record<SchedulingPresetName, SchedulingPreset> = {
  salon: {
    services: [
      { name: 'Маникюр', durationMinutes: 90, priceRub: 1500 },
      { name: 'Педикюр', durationMinutes: 90, priceRub: 2000 },
      { name: 'Стрижка женская', durationMinutes: 60, priceRub: 1500 },
      { name: 'Стрижка мужская', durationMinutes: 45, priceRub: 900 },
      { name: 'Окрашивание', durationMinutes: 150, priceRub: 4500 },
      { name: 'Оформление бровей', durationMinutes: 45, priceRub: 900 },
    ],
    staff: [
      {
        name: 'Анна',
        services: ['Маникюр', 'Педикюр', 'Оформление бровей'],
        hours: daily(MONDAY_TO_SATURDAY, '09:00', '21:00'),
        breaks: daily(MONDAY_TO_SATURDAY, '13:00', '14:00'),
      },
      {
        name: 'Мария',
        services: ['Стрижка женская', 'Стрижка мужская', 'Окрашивание', 'Оформление бровей'],
        hours: daily(TUESDAY_TO_SUNDAY, '09:00', '21:00'),
        breaks: daily(TUESDAY_TO_SUNDAY, '14:00', '15:00'),
      },
    ],
  },
  clinic: {
    services: [
      { name: 'Приём терапевта', durationMinutes: 30, priceRub: 1800 },
      { name: 'Приём педиатра', durationMinutes: 30, priceRub: 1900 },
      { name: 'УЗИ брюшной полости', durationMinutes: 30, priceRub: 2200 },
      { name: 'Сдача анализов', durationMinutes: 15, priceRub: null },
    ],
    staff: [
      {
        name: 'Елена Сергеевна',
        services: ['Приём терапевта', 'УЗИ брюшной полости'],
        hours: [...daily(MONDAY_TO_FRIDAY, '08:00', '20:00'), ...daily([6], '09:00', '15:00')],
        breaks: daily(MONDAY_TO_FRIDAY, '12:00', '13:00'),
      },
      {
        name: 'Ольга Викторовна',
        services: ['Приём педиатра', 'Сдача анализов'],
        hours: [...daily(MONDAY_TO_FRIDAY, '08:00', '20:00'), ...daily([6], '09:00', '15:00')],
        breaks: daily(MONDAY_TO_FRIDAY, '13:00', '14:00'),
      },
    ],
  },
  autoservice: {
    services: [
      { name: 'Шиномонтаж', durationMinutes: 60, priceRub: 2400 },
      { name: 'Замена масла', durationMinutes: 30, priceRub: 800 },
      { name: 'Компьютерная диагностика', durationMinutes: 60, priceRub: 1500 },
      { name: 'Развал-схождение', durationMinutes: 60, priceRub: 2000 },
      { name: 'Замена тормозных колодок', durationMinutes: 60, priceRub: 1500 },
    ],
    staff: [
      {
        name: 'Сергей',
        services: ['Шиномонтаж', 'Замена масла', 'Развал-схождение', 'Замена тормозных колодок'],
        hours: daily(EVERY_DAY, '09:00', '20:00'),
        breaks: daily(EVERY_DAY, '13:00', '14:00'),
      },
      {
        name: 'Дмитрий',
        services: ['Шиномонтаж', 'Замена масла', 'Компьютерная диагностика', 'Замена тормозных колодок'],
        hours: daily(EVERY_DAY, '09:00', '20:00'),
        breaks: daily(EVERY_DAY, '14:00', '15:00'),
      },
    ],
  },
  fitness: {
    services: [
      { name: 'Пробная тренировка', durationMinutes: 60, priceRub: 0 },
      { name: 'Персональная тренировка', durationMinutes: 60, priceRub: 2000 },
      { name: 'Пилатес', durationMinutes: 55, priceRub: 1200 },
      { name: 'Йога', durationMinutes: 60, priceRub: 1000 },
      { name: 'Стретчинг', durationMinutes: 55, priceRub: 900 },
    ],
    staff: [
      {
        name: 'Алексей',
        services: ['Пробная тренировка', 'Персональная тренировка'],
        hours: daily(MONDAY_TO_SATURDAY, '08:00', '21:00'),
        breaks: daily(MONDAY_TO_SATURDAY, '14:00', '15:00'),
      },
      {
        name: 'Екатерина',
        services: ['Пробная тренировка', 'Пилатес', 'Йога', 'Стретчинг'],
        hours: daily(EVERY_DAY, '08:00', '21:00'),
        breaks: daily(EVERY_DAY, '13:00', '14:00'),
      },
    ],
  },
  education: {
    services: [
      { name: 'Пробное занятие', durationMinutes: 45, priceRub: 0 },
      { name: 'Подготовка к школе', durationMinutes: 60, priceRub: 900 },
      { name: 'Занятие с логопедом', durationMinutes: 45, priceRub: 1500 },
      { name: 'Английский язык', durationMinutes: 60, priceRub: 1000 },
      { name: 'Робототехника', durationMinutes: 90, priceRub: 1200 },
    ],
    staff: [
      {
        name: 'Светлана Игоревна',
        services: ['Пробное занятие', 'Подготовка к школе', 'Занятие с логопедом'],
        hours: [...daily(MONDAY_TO_FRIDAY, '10:00', '20:00'), ...daily([6], '10:00', '16:00')],
        breaks: daily(MONDAY_TO_FRIDAY, '14:00', '14:30'),
      },
      {
        name: 'Дмитрий Олегович',
        services: ['Пробное занятие', 'Английский язык', 'Робототехника'],
        hours: [...daily(MONDAY_TO_FRIDAY, '10:00', '20:00'), ...daily([6], '10:00', '16:00')],
        breaks: daily(MONDAY_TO_FRIDAY, '15:00', '15:30'),
      },
    ],
  },
};

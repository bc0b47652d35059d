import type { WeeklyInterval } from './weekly-hours';

export interface Service {
  readonly id: string;
  readonly name: string;
  readonly durationMinutes: number;
  /** Price in rubles; null when it depends (on the master, the car, the analysis). */
  readonly priceRub: number | null;
  readonly active: boolean;
}

export type NewService = Omit<Service, 'id'>;

export interface Staff {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  readonly serviceIds: string[];
  readonly hours: WeeklyInterval[];
  readonly breaks: WeeklyInterval[];
  /** Local dates "YYYY-MM-DD". */
  readonly daysOff: string[];
}

export type NewStaff = Omit<Staff, 'id'>;

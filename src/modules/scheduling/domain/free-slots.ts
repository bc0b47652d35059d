import { DateTime } from 'luxon';
import { addMinutes, contains, overlaps, type TimeRange } from './time-range';
import { workingRangesOn, type WorkingPattern } from './weekly-hours';

/** One staff member as the slot search sees them: when they work and what already takes their time. */
export interface StaffAvailability extends WorkingPattern {
  readonly staffId: string;
  /** Booked appointments and other clients' live holds. */
  readonly busy: readonly TimeRange[];
}

export interface SlotSearch {
  readonly durationMinutes: number;
  /** Slot starts lie on this grid, counted from the start of each working range (after a break too). */
  readonly stepMinutes: number;
  /** The client's wanted interval: slots that start in [from, to). */
  readonly from: Date;
  readonly to: Date;
  /** Nothing starts before this: now plus the minimum lead time. */
  readonly earliestStart: Date;
  /** IANA zone of the weekly hours, e.g. Asia/Krasnoyarsk. */
  readonly zone: string;
  readonly limit: number;
  /**
   * One slot per start time, given to the staff member picked least so far (then the first listed): a client
   * offered three times sees three different times, and the work spreads across the staff.
   */
  readonly distinctTimes?: boolean;
}

export interface FreeSlot {
  readonly staffId: string;
  readonly start: Date;
  readonly end: Date;
}

/** Free slots ordered by start time (then by the order of `staff`), at most `search.limit`. */
export function findFreeSlots(staff: readonly StaffAvailability[], search: SlotSearch): FreeSlot[] {
  if (search.durationMinutes <= 0 || search.stepMinutes <= 0) throw new Error('duration and step must be positive');
  const lower = Math.max(search.from.getTime(), search.earliestStart.getTime());
  const upper = search.to.getTime();
  if (search.limit <= 0 || lower >= upper) return [];

  const candidates: Array<FreeSlot & { rank: number }> = [];
  staff.forEach((member, rank) => {
    for (const day of localDays(new Date(lower), new Date(upper - 1), search.zone)) {
      for (const range of workingRangesOn(member, day)) {
        for (const slot of slotsWithin(range, lower, upper, search)) {
          if (!member.busy.some((busy) => overlaps(busy, slot)))
            candidates.push({ ...slot, staffId: member.staffId, rank });
        }
      }
    }
  });
  candidates.sort((a, b) => a.start.getTime() - b.start.getTime() || a.rank - b.rank);
  const chosen = search.distinctTimes ? onePerStartTime(candidates) : candidates;
  return chosen.slice(0, search.limit).map(({ staffId, start, end }) => ({ staffId, start, end }));
}

/**
 * Whether a range can be booked with this staff member as far as their working pattern goes: inside one working
 * range of its local day (not on a break, a day off or after closing). Other bookings are not considered.
 */
export function withinWorkingHours(pattern: WorkingPattern, range: TimeRange, zone: string): boolean {
  const day = DateTime.fromJSDate(range.start, { zone }).startOf('day');
  return workingRangesOn(pattern, day).some((working) => contains(working, range));
}

function* slotsWithin(range: TimeRange, lower: number, upper: number, search: SlotSearch): Generator<TimeRange> {
  const stepMs = search.stepMinutes * 60_000;
  const first = range.start.getTime();
  const skipped = lower > first ? Math.ceil((lower - first) / stepMs) : 0;
  for (let start = first + skipped * stepMs; start < upper; start += stepMs) {
    const end = addMinutes(new Date(start), search.durationMinutes);
    if (end.getTime() > range.end.getTime()) return;
    yield { start: new Date(start), end };
  }
}

/** Every local calendar day from the day of `first` to the day of `last`, in `zone`. */
function* localDays(first: Date, last: Date, zone: string): Generator<DateTime> {
  const end = DateTime.fromJSDate(last, { zone }).startOf('day');
  for (let day = DateTime.fromJSDate(first, { zone }).startOf('day'); day <= end; day = day.plus({ days: 1 })) {
    yield day;
  }
}

function onePerStartTime<T extends FreeSlot & { rank: number }>(sorted: T[]): T[] {
  const picks = new Map<string, number>();
  const chosen: T[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j].start.getTime() === sorted[i].start.getTime()) j += 1;
    const group = sorted.slice(i, j);
    const pick = group.reduce((best, slot) =>
      (picks.get(slot.staffId) ?? 0) < (picks.get(best.staffId) ?? 0) ? slot : best,
    );
    picks.set(pick.staffId, (picks.get(pick.staffId) ?? 0) + 1);
    chosen.push(pick);
    i = j;
  }
  return chosen;
}
